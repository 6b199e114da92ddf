import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql/index.js';
import type { CurrentUserQuery, Role } from '../gql/graphql.js';
import { Loading, QueryError } from './states.js';

export const CurrentUserQueryDocument = graphql(`
  query CurrentUser {
    me {
      id
      kind
      displayName
      email
      roles
      hospital {
        id
        name
        slug
        status
        activeModelVersion {
          id
          labels
          isNotForClinicalUse
          ...ModelUseBadge_ModelVersion
        }
      }
    }
  }
`);

export type CurrentUser = CurrentUserQuery['me'];

export interface CurrentUserValue {
  readonly me: CurrentUser;
  readonly hasRole: (...roles: Role[]) => boolean;
}

/** Exported so that component tests can provide a fake (see src/testing/). */
export const CurrentUserContext = createContext<CurrentUserValue | null>(null);

export function currentUserValue(me: CurrentUser): CurrentUserValue {
  return { me, hasRole: (...roles) => roles.some((r) => me.roles.includes(r)) };
}

/** Loads `me` once signed in; everything below can ask for the user's roles and hospital. */
export function CurrentUserProvider({ children }: { children: ReactNode }) {
  const { data, error, refetch } = useQuery(CurrentUserQueryDocument, { fetchPolicy: 'cache-first' });
  const value = useMemo(() => (data?.me ? currentUserValue(data.me) : null), [data]);
  if (value) return <CurrentUserContext.Provider value={value}>{children}</CurrentUserContext.Provider>;
  if (error) {
    return (
      <main className="centered-page">
        <QueryError error={error} onRetry={() => void refetch()} />
      </main>
    );
  }
  return (
    <main className="centered-page">
      <Loading label="Loading your profile…" />
    </main>
  );
}

/** The signed-in user (`me`) and a role check. */
export function useCurrentUser(): CurrentUserValue {
  const value = useContext(CurrentUserContext);
  if (!value) throw new Error('useCurrentUser() needs a <CurrentUserProvider> above it');
  return value;
}
