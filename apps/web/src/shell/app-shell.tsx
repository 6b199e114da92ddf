import { Suspense, type ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';
import { useAuth } from '../auth/index.js';
import { useCurrentUser } from './current-user.js';
import { ModelUseBadge } from './model-use-badge.js';
import { navItemsFor } from './navigation.js';
import type { Role } from '../gql/graphql.js';
import { ForbiddenPage, Loading } from './states.js';

/** Header (brand, hospital, navigation for the user's roles, model-use badge, user, sign-out) above the page. */
export function AppShell() {
  const { me } = useCurrentUser();
  const { signOut } = useAuth();
  const model = me.hospital?.activeModelVersion ?? null;
  return (
    <div className="app">
      <header className="app-header">
        <span className="brand">Cruciate</span>
        {me.hospital && <span className="hospital-name">{me.hospital.name}</span>}
        <nav aria-label="Main">
          <ul>
            {navItemsFor(me.roles).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.to === '/'}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className="header-spacer" />
        {model && <ModelUseBadge model={model} />}
        <span className="user-name" title={me.email ?? undefined}>
          {me.displayName}
        </span>
        <button type="button" className="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="app-main">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

/** Renders the page for users with one of `roles`, a "No access" page otherwise. */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: ReactNode }) {
  const { hasRole } = useCurrentUser();
  return hasRole(...roles) ? <>{children}</> : <ForbiddenPage />;
}
