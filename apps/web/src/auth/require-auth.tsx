import { useEffect, type ReactNode } from 'react';
import { SIGNED_OUT_KEY, useAuth } from './auth-context.js';

/**
 * Renders its children only when signed in. Otherwise it starts the sign-in redirect, except right after a
 * sign-out, where it offers a button instead (so that signing out does not sign straight back in).
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status, signIn } = useAuth();
  const justSignedOut = window.sessionStorage.getItem(SIGNED_OUT_KEY) === '1';

  useEffect(() => {
    if (status === 'signedOut' && !justSignedOut) void signIn();
  }, [status, justSignedOut, signIn]);

  if (status === 'signedIn') return <>{children}</>;
  if (status === 'loading' || !justSignedOut) {
    return (
      <main className="centered-page">
        <p role="status">{status === 'loading' ? 'Checking your session…' : 'Redirecting to sign-in…'}</p>
      </main>
    );
  }
  return (
    <main className="centered-page">
      <div className="panel">
        <h1>Cruciate</h1>
        <p>You are signed out.</p>
        <button type="button" className="button primary" onClick={() => void signIn('/')}>
          Sign in
        </button>
      </div>
    </main>
  );
}
