import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { User, UserManager } from 'oidc-client-ts';

export type AuthStatus = 'loading' | 'signedIn' | 'signedOut';

/** Where to go after sign-in (kept in the OIDC state across the redirect). */
export interface SignInState {
  readonly returnTo: string;
}

export interface AuthContextValue {
  readonly status: AuthStatus;
  readonly user: User | null;
  /** The current access token (a JWT for `Authorization: Bearer`); null when signed out. */
  readonly accessToken: string | null;
  /** The access token now, renewed first when it has expired; null when that is not possible. */
  readonly getAccessToken: () => Promise<string | null>;
  /** Redirect to the issuer's sign-in page; back at `returnTo` (default: the current page) afterwards. */
  readonly signIn: (returnTo?: string) => Promise<void>;
  /** End the session at the issuer (end-session endpoint) and come back signed out. */
  readonly signOut: () => Promise<void>;
  /** After UNAUTHENTICATED: renew silently, else sign in again. Concurrent calls share one attempt. */
  readonly reauthenticate: () => Promise<void>;
  readonly userManager: UserManager;
}

/** Exported so that component tests can provide a fake (see src/testing/). */
export const AuthContext = createContext<AuthContextValue | null>(null);

/** Set before the end-session redirect, so that the page we come back to does not sign straight in again. */
export const SIGNED_OUT_KEY = 'cruciate.signedOut';

function currentPath(): string {
  return `${window.location.pathname}${window.location.search}${window.location.hash}`;
}

function usable(user: User | null): User | null {
  return user && !user.expired ? user : null;
}

export function AuthProvider({ userManager, children }: { userManager: UserManager; children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [status, setStatus] = useState<AuthStatus>('loading');
  const userRef = useRef<User | null>(null);
  const renewing = useRef<Promise<User | null> | null>(null);
  const reauthenticating = useRef<Promise<void> | null>(null);

  const apply = useCallback((next: User | null) => {
    userRef.current = next;
    setUser(next);
    setStatus(next ? 'signedIn' : 'signedOut');
  }, []);

  const renew = useCallback((): Promise<User | null> => {
    renewing.current ??= userManager
      .signinSilent()
      .then((renewed) => usable(renewed))
      .catch(() => null)
      .finally(() => {
        renewing.current = null;
      });
    return renewing.current;
  }, [userManager]);

  useEffect(() => {
    let live = true;
    const onLoaded = (loaded: User) => apply(usable(loaded));
    const onUnloaded = () => apply(null);
    const onExpired = () => {
      void renew().then((renewed) => {
        if (live) apply(renewed);
      });
    };
    userManager.events.addUserLoaded(onLoaded);
    userManager.events.addUserUnloaded(onUnloaded);
    userManager.events.addAccessTokenExpired(onExpired);
    userManager
      .getUser()
      .then(async (stored) => {
        if (usable(stored)) return stored;
        // An expired session with a refresh token can still be renewed without a redirect.
        return stored?.refresh_token ? renew() : null;
      })
      .then((loaded) => {
        if (live) apply(usable(loaded));
      })
      .catch(() => {
        if (live) apply(null);
      });
    return () => {
      live = false;
      userManager.events.removeUserLoaded(onLoaded);
      userManager.events.removeUserUnloaded(onUnloaded);
      userManager.events.removeAccessTokenExpired(onExpired);
    };
  }, [userManager, apply, renew]);

  const signIn = useCallback(
    async (returnTo: string = currentPath()) => {
      window.sessionStorage.removeItem(SIGNED_OUT_KEY);
      const state: SignInState = { returnTo };
      await userManager.signinRedirect({ state });
    },
    [userManager],
  );

  const signOut = useCallback(async () => {
    window.sessionStorage.setItem(SIGNED_OUT_KEY, '1');
    try {
      await userManager.signoutRedirect();
    } catch {
      // An issuer without an end-session endpoint: forget the tokens here at least.
      await userManager.removeUser();
      window.location.assign('/');
    }
  }, [userManager]);

  const getAccessToken = useCallback(async () => {
    const current = usable(userRef.current);
    if (current) return current.access_token;
    if (!userRef.current) return null;
    const renewed = await renew();
    return renewed?.access_token ?? null;
  }, [renew]);

  const reauthenticate = useCallback((): Promise<void> => {
    reauthenticating.current ??= renew()
      .then(async (renewed) => {
        if (renewed) apply(renewed);
        else await signIn();
      })
      .finally(() => {
        reauthenticating.current = null;
      });
    return reauthenticating.current;
  }, [renew, apply, signIn]);

  const value = useMemo<AuthContextValue>(
    () => ({ status, user, accessToken: user?.access_token ?? null, getAccessToken, signIn, signOut, reauthenticate, userManager }),
    [status, user, getAccessToken, signIn, signOut, reauthenticate, userManager],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Sign-in state, the access token (for fetches outside GraphQL: WADO-RS, CAM arrays) and sign-in/out. */
export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth() needs an <AuthProvider> above it');
  return value;
}
