import type { ReactElement, ReactNode } from 'react';
import { ApolloClient, ApolloLink } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { render, type RenderResult } from '@testing-library/react';
import { OperationTypeNode, type FormattedExecutionResult } from 'graphql';
import type { UserManager } from 'oidc-client-ts';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { Observable, type Subscriber } from 'rxjs';
import { createCache } from '../apollo/create-apollo-client.js';
import { AuthContext, type AuthContextValue } from '../auth/auth-context.js';
import { CurrentUserContext, currentUserValue, type CurrentUser } from '../shell/current-user.js';

/** Test support only (never imported by the app). */

export interface RecordedOperation {
  readonly operationName: string;
  readonly variables: Record<string, unknown>;
}

export type FakeResult = FormattedExecutionResult<Record<string, unknown>>;
export type Responder = (op: RecordedOperation) => FakeResult | Promise<FakeResult>;

/** An Apollo Client over a fake link: queries and mutations answered by `responders`, subscriptions pushed by the test. */
export class FakeGraphql {
  readonly operations: RecordedOperation[] = [];
  private readonly subscribers = new Map<string, Set<Subscriber<FakeResult>>>();
  readonly client: ApolloClient;

  constructor(private readonly responders: Record<string, Responder>) {
    const link = new ApolloLink((operation) => {
      const op: RecordedOperation = { operationName: operation.operationName ?? '', variables: { ...operation.variables } };
      this.operations.push(op);
      if (operation.operationType === OperationTypeNode.SUBSCRIPTION) {
        return new Observable<FakeResult>((subscriber) => {
          const set = this.subscribers.get(op.operationName) ?? new Set();
          set.add(subscriber);
          this.subscribers.set(op.operationName, set);
          return () => set.delete(subscriber);
        });
      }
      const responder = this.responders[op.operationName];
      return new Observable<FakeResult>((subscriber) => {
        if (!responder) {
          subscriber.error(new Error(`no fake response for ${op.operationName}`));
          return;
        }
        Promise.resolve(responder(op)).then(
          (result) => {
            subscriber.next(result);
            subscriber.complete();
          },
          (err: unknown) => subscriber.error(err),
        );
      });
    });
    this.client = new ApolloClient({ link, cache: createCache() });
  }

  setResponder(name: string, responder: Responder): void {
    this.responders[name] = responder;
  }

  /** Operations of one name, oldest first. */
  calls(operationName: string): RecordedOperation[] {
    return this.operations.filter((o) => o.operationName === operationName);
  }

  lastCall(operationName: string): RecordedOperation | undefined {
    return this.calls(operationName).at(-1);
  }

  hasSubscriber(operationName: string): boolean {
    return (this.subscribers.get(operationName)?.size ?? 0) > 0;
  }

  /** Delivers a subscription event to every open subscription of that name. */
  push(operationName: string, data: Record<string, unknown>): void {
    for (const s of this.subscribers.get(operationName) ?? []) s.next({ data });
  }

  /** Fails every open subscription of that name (as a closed socket would). */
  failSubscriptions(operationName: string, error: Error = new Error('socket closed')): void {
    for (const s of [...(this.subscribers.get(operationName) ?? [])]) s.error(error);
  }
}

export function graphqlError(code: string, message = code.toLowerCase()): FakeResult {
  return { data: null, errors: [{ message, extensions: { code } }] };
}

export function fakeAuth(overrides: Partial<AuthContextValue> = {}): AuthContextValue {
  return {
    status: 'signedIn',
    user: null,
    accessToken: 'test-token',
    getAccessToken: () => Promise.resolve('test-token'),
    signIn: () => Promise.resolve(),
    signOut: () => Promise.resolve(),
    reauthenticate: () => Promise.resolve(),
    userManager: {} as UserManager,
    ...overrides,
  };
}

export const DEMO_MODEL = {
  __typename: 'ModelVersion',
  id: 'model-1',
  name: 'acl-phantom-mrnet',
  version: '1.0.0',
  intendedUse: 'research/demo, not for clinical use',
  isNotForClinicalUse: true,
  labels: ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'],
} as const;

export function fakeMe(overrides: Partial<CurrentUser> = {}): CurrentUser {
  return {
    __typename: 'Me',
    id: 'user-1',
    kind: 'USER',
    displayName: 'Dr Clinician',
    email: 'clinician@general.test',
    roles: ['CLINICIAN'],
    hospital: {
      __typename: 'Hospital',
      id: 'hospital-1',
      name: 'General Hospital',
      slug: 'general',
      status: 'ACTIVE',
      activeModelVersion: DEMO_MODEL as unknown as NonNullable<NonNullable<CurrentUser['hospital']>['activeModelVersion']>,
    },
    ...overrides,
  };
}

/** Shows the router's location, so that tests can see navigation. */
export function LocationProbe() {
  const location = useLocation();
  return <output data-testid="location">{`${location.pathname}${location.search}`}</output>;
}

export interface RenderOptions {
  readonly fake: FakeGraphql;
  readonly me?: CurrentUser;
  readonly auth?: AuthContextValue;
  readonly route?: string;
  /** Route pattern the UI is mounted at (default `*`). */
  readonly path?: string;
}

/** Renders `ui` with the portal's providers: auth, Apollo (fake link), current user and a memory router. */
export function renderWithProviders(ui: ReactElement, options: RenderOptions): RenderResult {
  const wrap = (children: ReactNode) => (
    <AuthContext.Provider value={options.auth ?? fakeAuth()}>
      <ApolloProvider client={options.fake.client}>
        <CurrentUserContext.Provider value={currentUserValue(options.me ?? fakeMe())}>
          <MemoryRouter initialEntries={[options.route ?? '/']}>
            {children}
            <LocationProbe />
          </MemoryRouter>
        </CurrentUserContext.Provider>
      </ApolloProvider>
    </AuthContext.Provider>
  );
  return render(
    wrap(
      <Routes>
        <Route path={options.path ?? '*'} element={ui} />
        <Route path="/studies/:id" element={<p>study page</p>} />
      </Routes>,
    ),
  );
}
