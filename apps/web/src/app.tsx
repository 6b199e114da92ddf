import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import { BrowserRouter } from 'react-router';
import type { UserManager } from 'oidc-client-ts';
import { createApolloClient, type PortalApolloClient } from './apollo/create-apollo-client.js';
import { AppRoutes } from './app-routes.js';
import { AuthProvider, createUserManager, fetchClientConfig, useAuth } from './auth/index.js';
import { ErrorState, Loading } from './shell/states.js';

/** Apollo Client bound to the signed-in user's tokens; subscriptions reconnect when the token is renewed. */
function ApolloRoot({ children }: { children: ReactNode }) {
  const auth = useAuth();
  const authRef = useRef(auth);
  authRef.current = auth;
  const [portal] = useState<PortalApolloClient>(() =>
    createApolloClient({
      getAccessToken: () => authRef.current.getAccessToken(),
      onUnauthenticated: () => void authRef.current.reauthenticate(),
    }),
  );
  const previousToken = useRef<string | null>(null);
  useEffect(() => {
    const previous = previousToken.current;
    previousToken.current = auth.accessToken;
    if (previous && auth.accessToken && previous !== auth.accessToken) portal.restart();
    if (previous && !auth.accessToken) void portal.client.clearStore();
  }, [auth.accessToken, portal]);
  return <ApolloProvider client={portal.client}>{children}</ApolloProvider>;
}

/** The portal: client configuration from the API, then OIDC sign-in, Apollo Client and the routes. */
export function App() {
  const [userManager, setUserManager] = useState<UserManager | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let live = true;
    fetchClientConfig().then(
      (config) => {
        if (live) setUserManager(createUserManager(config));
      },
      (err: unknown) => {
        if (live) setError(err instanceof Error ? err.message : String(err));
      },
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  if (error) {
    return (
      <main className="centered-page">
        <ErrorState
          title="Cruciate is unreachable"
          error={error}
          onRetry={() => {
            setError(null);
            setAttempt((n) => n + 1);
          }}
        />
      </main>
    );
  }
  if (!userManager) {
    return (
      <main className="centered-page">
        <Loading label="Starting…" />
      </main>
    );
  }
  return (
    <AuthProvider userManager={userManager}>
      <ApolloRoot>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </ApolloRoot>
    </AuthProvider>
  );
}
