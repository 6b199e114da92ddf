import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { SetContextLink } from '@apollo/client/link/context';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { CombinedGraphQLErrors, ServerError } from '@apollo/client/errors';
import { OperationTypeNode } from 'graphql';
import { createClient, type Client as WsClient } from 'graphql-ws';

export interface ApolloClientOptions {
  /** The current access token (renewed when needed); null when signed out. */
  readonly getAccessToken: () => Promise<string | null>;
  /** The API said UNAUTHENTICATED (or HTTP 401): renew or sign in again. */
  readonly onUnauthenticated: () => void;
  /** Default: same origin `/graphql`. */
  readonly httpUri?: string;
  /** Default: ws(s)://same origin/graphql. */
  readonly wsUrl?: string;
}

export interface PortalApolloClient {
  readonly client: ApolloClient;
  /** The graphql-ws client behind subscriptions; `restart()` reconnects it with the current token. */
  readonly ws: WsClient;
  /** Reconnect subscriptions with a fresh token (the API closes a socket when the token it opened with expires). */
  restart(): void;
}

export function defaultWsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}/graphql`;
}

export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      // Singletons without an id of their own.
      Me: { keyFields: [] },
      ModelMetrics: { keyFields: false },
      FindingTimings: { keyFields: false },
    },
  });
}

/**
 * Apollo Client for the portal: HTTP for queries and mutations, graphql-ws for subscriptions, both with the
 * signed-in user's bearer token; UNAUTHENTICATED anywhere triggers `onUnauthenticated`.
 */
export function createApolloClient(options: ApolloClientOptions): PortalApolloClient {
  const ws = createClient({
    url: options.wsUrl ?? defaultWsUrl(),
    lazy: true,
    retryAttempts: 8,
    // Called on every (re)connection, so a reconnect uses the renewed token.
    connectionParams: async () => {
      const token = await options.getAccessToken();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });

  const auth = new SetContextLink(async (prev) => {
    const token = await options.getAccessToken();
    const headers: Record<string, string> = { ...(prev['headers'] as Record<string, string> | undefined) };
    if (token) headers['authorization'] = `Bearer ${token}`;
    return { headers };
  });

  const errors = new ErrorLink(({ error }) => {
    const unauthenticated =
      (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) ||
      (ServerError.is(error) && error.statusCode === 401);
    if (unauthenticated) options.onUnauthenticated();
  });

  const http = new HttpLink({ uri: options.httpUri ?? '/graphql' });
  const transport = ApolloLink.split((op) => op.operationType === OperationTypeNode.SUBSCRIPTION, new GraphQLWsLink(ws), http);

  const client = new ApolloClient({
    link: ApolloLink.from([errors, auth, transport]),
    cache: createCache(),
    // errorPolicy stays 'none' (the typed default): a failed operation shows its error, never half a page as if whole.
    defaultOptions: { watchQuery: { fetchPolicy: 'cache-and-network' } },
  });
  return { client, ws, restart: () => ws.terminate() };
}
