import { type Client, createClient } from 'graphql-ws';
import { WebSocket } from 'ws';

export interface WsResult<T> {
  readonly data?: T | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

export interface WsClose {
  readonly code: number;
  readonly reason: string;
}

/** A graphql-ws client as the web app or an integrator uses it: `connectionParams.authorization = "Bearer <token>"`. */
export interface TestWsClient {
  readonly client: Client;
  /** Resolves with the first close of the socket. */
  readonly closed: Promise<WsClose>;
  /** Resolves once the server acknowledged connection_init. */
  readonly connected: Promise<void>;
  dispose(): Promise<void>;
}

export function wsClient(baseUrl: string, token: string | null, params?: Record<string, unknown>): TestWsClient {
  let onClosed: (c: WsClose) => void = () => undefined;
  let onConnected: () => void = () => undefined;
  const closed = new Promise<WsClose>((resolve) => (onClosed = resolve));
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: params ?? (token ? { authorization: `Bearer ${token}` } : {}),
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      connected: () => onConnected(),
      closed: (event) => {
        const e = event as { code?: number; reason?: string };
        onClosed({ code: e.code ?? 0, reason: String(e.reason ?? '') });
      },
    },
  });
  return { client, closed, connected, dispose: () => Promise.resolve(client.dispose()) };
}

/** One subscription's results, errors and completion, with waits bounded in time. */
export class TestSubscription<T> {
  readonly results: WsResult<T>[] = [];
  error: unknown = null;
  completed = false;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(client: Client, query: string, variables?: Record<string, unknown>) {
    this.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (r) => this.push(() => this.results.push(r)),
        error: (e) => this.push(() => (this.error = e)),
        complete: () => this.push(() => (this.completed = true)),
      },
    );
  }

  /** Waits until a result matches (or the subscription errors/completes without one); rejects after timeoutMs. */
  async waitFor(predicate: (r: WsResult<T>) => boolean, timeoutMs = 10_000): Promise<WsResult<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.results.find(predicate);
      if (hit) return hit;
      if (this.error || this.completed) throw new Error(`subscription ended without a matching result: ${JSON.stringify(this.error ?? this.results)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching result within ${timeoutMs} ms; got ${JSON.stringify(this.results)}`);
      await this.change(left);
    }
  }

  /** Waits until the subscription ended (error or complete). */
  async ended(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.error && !this.completed) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`subscription still open after ${timeoutMs} ms`);
      await this.change(left);
    }
  }

  /** The `extensions.code` of the first error seen, from a result or an error message. */
  get code(): string | undefined {
    const fromResult = this.results.find((r) => r.errors?.length)?.errors?.[0]?.extensions?.['code'];
    if (typeof fromResult === 'string') return fromResult;
    if (Array.isArray(this.error)) {
      const code = (this.error as { extensions?: Record<string, unknown> }[])[0]?.extensions?.['code'];
      if (typeof code === 'string') return code;
    }
    return undefined;
  }

  stop(): void {
    this.unsubscribe();
  }

  private push(apply: () => void): void {
    apply();
    for (const l of [...this.listeners]) l();
  }

  private change(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.listeners.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.listeners.add(done);
    });
  }
}

export function subscribe<T = Record<string, unknown>>(client: TestWsClient, query: string, variables?: Record<string, unknown>): TestSubscription<T> {
  return new TestSubscription<T>(client.client, query, variables);
}
