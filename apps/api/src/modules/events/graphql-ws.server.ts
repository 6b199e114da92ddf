import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { ApiConfig } from '@cruciate/config';
import { type ExecutionArgs, type ExecutionResult, getOperationAST, GraphQLError, OperationTypeNode, parse, subscribe, validate } from 'graphql';
import { CloseCode, type Context, type SubscribePayload } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { decodeJwt } from 'jose';
import { type WebSocket, WebSocketServer } from 'ws';
import { AuthError } from '../../auth/auth.errors.js';
import type { AuthenticatedRequest } from '../../auth/current-principal.decorator.js';
import { PrincipalService } from '../../auth/principal.service.js';
import type { Logger } from '../../common/logger.js';
import { type RequestContext, runWithRequestContext } from '../../common/request-context.js';
import { API_CONFIG } from '../../config.token.js';
import { Db } from '../../database/db.js';
import { createFormatError } from '../../graphql/format-error.js';
import type { GraphQLRequestContext } from '../../graphql/graphql-context.js';
import { checkOperationLimits } from '../../graphql/limits.js';
import { Loaders } from '../../graphql/loaders.js';
import { LOGGER } from '../../oidc/oidc-provider.service.js';
import { HospitalRepository } from '../hospital/hospital.repository.js';
import { ApiMetrics } from '../metrics/api-metrics.js';
import { outcomeOf } from '../metrics/graphql-metrics.plugin.js';

export const GRAPHQL_WS_PATH = '/graphql';
/** Largest WebSocket message accepted (a subscription document and its variables). */
const MAX_MESSAGE_BYTES = 64 * 1024;
const MAX_TOKENS = 2000;
const SHUTDOWN_CLOSE_WAIT_MS = 2000;
/** setTimeout's largest delay. */
const MAX_TIMER_MS = 2_147_483_647;

interface ConnectionState {
  readonly connectionId: string;
  /** The `Authorization` value the connection authenticated with; each subscription re-resolves its principal. */
  readonly authorization: string;
  readonly ip: string | undefined;
  expiry: NodeJS.Timeout | null;
}

type ConnectionExtra = { state: ConnectionState };
type WsContext = Context<Record<string, unknown> | undefined, { socket: WebSocket; request: IncomingMessage } & Partial<ConnectionExtra>>;

/** The GraphQL context of one subscription: the same shape as over HTTP, plus the request context for logs and audit. */
export interface WsGraphQLContext extends GraphQLRequestContext {
  readonly requestContext: RequestContext;
}

/**
 * GraphQL subscriptions over the graphql-ws protocol (`graphql-transport-ws`) on the API's HTTP server at
 * /graphql. Authentication happens once per connection, in `connection_init`: `payload.authorization` (or
 * `Authorization`) = "Bearer <access token>", verified exactly like HTTP; missing or invalid tokens close the
 * socket with 4401, a suspended hospital with 4403, and the socket closes with 4401 when the token expires.
 * Each subscription then runs through the same guard (roles), filters and error formatting as HTTP operations,
 * within the operation limits (depth, complexity) and at most GRAPHQL_WS_MAX_SUBSCRIPTIONS at once. Queries and
 * mutations are refused here: they go to POST /graphql.
 */
@Injectable()
export class GraphqlWsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private wss: WebSocketServer | null = null;
  private dispose: (() => void | Promise<void>) | null = null;
  private server: Server | null = null;
  private closing: Promise<void> | null = null;
  private readonly formatError: ReturnType<typeof createFormatError>;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly principals: PrincipalService,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly adapterHost: HttpAdapterHost,
    private readonly db: Db,
    private readonly hospitals: HospitalRepository,
    private readonly metrics: ApiMetrics,
  ) {
    this.formatError = createFormatError(logger);
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    this.attach(server);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Open graphql-ws sockets (authenticated or not yet). */
  get connectionCount(): number {
    return this.wss?.clients.size ?? 0;
  }

  private attach(server: Server): void {
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
    this.wss = wss;
    this.server = server;
    const { dispose } = useServer<Record<string, unknown> | undefined, ConnectionExtra>(
      {
        schema: this.schemaHost.schema,
        connectionInitWaitTimeout: 5000,
        onConnect: (ctx) => this.onConnect(ctx),
        onSubscribe: (ctx, id, payload) => this.onSubscribe(ctx, payload),
        context: (ctx): WsGraphQLContext => this.contextOf(ctx),
        subscribe: (args) => this.subscribe(args),
        onOperation: (_ctx, _id, _payload, _args, result) => {
          // graphql-ws awaits the subscribe() result before this hook; a Promise here never happens.
          if (!(result instanceof Promise)) this.metrics.countGraphqlOperation('subscription', isAsyncIterable(result) ? 'success' : outcomeOf(result.errors));
          return undefined;
        },
        onNext: (_ctx, _id, _payload, _args, result) => this.formatResult(result),
        onClose: (ctx) => {
          const state = ctx.extra.state;
          if (!state) return;
          if (state.expiry) clearTimeout(state.expiry);
          this.metrics.wsConnections.dec();
        },
      },
      wss,
    );
    this.dispose = dispose;
    server.on('upgrade', this.onUpgrade);
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const wss = this.wss;
    const path = (req.url ?? '').split('?')[0];
    if (path !== GRAPHQL_WS_PATH) {
      // Nothing else on this server speaks WebSocket: say so instead of leaving the socket hanging.
      if (this.server?.listenerCount('upgrade') === 1) reject(socket, 404, 'Not Found');
      return;
    }
    if (!wss || this.closing) {
      reject(socket, 503, 'Service Unavailable');
      return;
    }
    if (wss.clients.size >= this.config.GRAPHQL_WS_MAX_CONNECTIONS) {
      this.logger.warn({ max: this.config.GRAPHQL_WS_MAX_CONNECTIONS }, 'graphql-ws connection refused: instance at its connection limit');
      reject(socket, 503, 'Service Unavailable');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };

  private async onConnect(ctx: WsContext): Promise<boolean> {
    const socket = ctx.extra.socket;
    const params = ctx.connectionParams ?? {};
    const raw = params['authorization'] ?? params['Authorization'];
    const authorization = typeof raw === 'string' ? raw : undefined;
    if (!authorization) {
      socket.close(CloseCode.Unauthorized, 'Unauthorized: connection_init payload needs authorization "Bearer <token>"');
      return false;
    }
    try {
      await this.principals.fromAuthorizationHeader(authorization);
    } catch (err) {
      if (err instanceof AuthError) {
        const forbidden = err.code === 'HOSPITAL_SUSPENDED' || err.code === 'FORBIDDEN';
        socket.close(forbidden ? CloseCode.Forbidden : CloseCode.Unauthorized, `${forbidden ? 'Forbidden' : 'Unauthorized'}: ${err.message}`.slice(0, 120));
      } else {
        this.logger.error({ err }, 'graphql-ws authentication failed');
        socket.close(CloseCode.InternalServerError, 'Internal server error');
      }
      return false;
    }
    // The client may have gone while its token was checked: nothing to set up then.
    if (socket.readyState !== socket.OPEN) return false;
    const state: ConnectionState = { connectionId: randomUUID(), authorization, ip: ctx.extra.request.socket.remoteAddress, expiry: null };
    const exp = expiryOf(authorization);
    if (exp !== null) {
      state.expiry = setTimeout(
        () => socket.close(CloseCode.Unauthorized, 'Unauthorized: token expired'),
        Math.min(MAX_TIMER_MS, Math.max(0, exp - Date.now())),
      );
      state.expiry.unref();
    }
    ctx.extra.state = state;
    this.metrics.wsConnections.inc();
    this.logger.debug({ connectionId: state.connectionId, ip: state.ip }, 'graphql-ws connection authenticated');
    return true;
  }

  private onSubscribe(ctx: WsContext, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] {
    const errors = this.prepare(ctx, payload);
    if (Array.isArray(errors)) this.metrics.countGraphqlOperation('subscription', outcomeOf(errors));
    return errors;
  }

  private prepare(ctx: WsContext, payload: SubscribePayload): ExecutionArgs | GraphQLError[] {
    // ctx.subscriptions already holds this one.
    const max = this.config.GRAPHQL_WS_MAX_SUBSCRIPTIONS;
    if (Object.keys(ctx.subscriptions).length > max) {
      return [new GraphQLError(`at most ${max} subscriptions per connection`, { extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', max } })];
    }
    const schema = this.schemaHost.schema;
    let document;
    try {
      document = parse(payload.query, { maxTokens: MAX_TOKENS });
    } catch (err) {
      return [new GraphQLError(err instanceof Error ? err.message : 'syntax error', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } })];
    }
    const invalid = validate(schema, document);
    if (invalid.length > 0) return invalid.map((e) => new GraphQLError(e.message, { nodes: e.nodes, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [new GraphQLError('cannot tell which operation to run', { extensions: { code: 'OPERATION_RESOLUTION_FAILURE' } })];
    if (operation.operation !== OperationTypeNode.SUBSCRIPTION) {
      return [
        new GraphQLError('only subscriptions are served over WebSocket: send queries and mutations to POST /graphql', { extensions: { code: 'BAD_REQUEST' } }),
      ];
    }
    const variables = payload.variables ?? {};
    try {
      checkOperationLimits(schema, document, operation, payload.operationName ?? undefined, variables, {
        maxDepth: this.config.GRAPHQL_MAX_DEPTH,
        maxComplexity: this.config.GRAPHQL_MAX_COMPLEXITY,
      });
    } catch (err) {
      if (err instanceof GraphQLError) return [err];
      throw err;
    }
    return { schema, document, operationName: payload.operationName, variableValues: variables };
  }

  private contextOf(ctx: WsContext): WsGraphQLContext {
    const state = ctx.extra.state;
    if (!state) throw new Error('graphql-ws operation on a connection that was not authenticated');
    // What the guard reads: the connection's Authorization value, authenticated again for this subscription
    // (roles or a suspension changed since the connection opened are in force).
    const req = { headers: { authorization: state.authorization }, ip: state.ip } as unknown as AuthenticatedRequest;
    return { req, loaders: new Loaders(this.db, this.hospitals), requestContext: { requestId: randomUUID(), ip: state.ip } };
  }

  /** graphql's subscribe, with the subscription's request context around the start and around each event. */
  private async subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const rc = (args.contextValue as WsGraphQLContext).requestContext;
    const result = await runWithRequestContext(rc, () => subscribe(args));
    if (!isAsyncIterable(result)) return result;
    const iterator = result[Symbol.asyncIterator]();
    const wrapped: AsyncGenerator<ExecutionResult> = {
      next: () => runWithRequestContext(rc, () => iterator.next()),
      return: () => runWithRequestContext(rc, () => iterator.return?.() ?? Promise.resolve({ value: undefined, done: true as const })),
      throw: (err: unknown) => runWithRequestContext(rc, () => iterator.throw?.(err) ?? Promise.reject(toError(err))),
      [Symbol.asyncIterator]() {
        return wrapped;
      },
    };
    return wrapped;
  }

  /** The same error masking as HTTP (formatError): codes pass, anything unknown is INTERNAL_SERVER_ERROR. */
  private formatResult(result: ExecutionResult): ExecutionResult | undefined {
    if (!result.errors?.length) return undefined;
    const errors = result.errors.map((e) => this.formatError(e.toJSON(), e));
    return { ...result, errors } as unknown as ExecutionResult;
  }

  /** Closes every socket (1001, clients reconnect elsewhere) and stops accepting new ones. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.server?.off('upgrade', this.onUpgrade);
      const wss = this.wss;
      if (!wss) return;
      const sockets = [...wss.clients];
      const closed = Promise.all(
        sockets.map((s) => new Promise<void>((resolve) => (s.readyState === s.CLOSED ? resolve() : s.once('close', () => resolve())))),
      );
      for (const s of sockets) s.close(1001, 'server shutting down');
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_CLOSE_WAIT_MS)))]);
      clearTimeout(timer);
      for (const s of wss.clients) s.terminate();
      try {
        await this.dispose?.();
      } catch (err) {
        this.logger.warn({ err }, 'graphql-ws server did not close cleanly');
      }
    })();
    return this.closing;
  }
}

function reject(socket: Duplex, status: number, reason: string): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function isAsyncIterable<T>(value: unknown): value is AsyncIterable<T> {
  return typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[Symbol.asyncIterator] === 'function';
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** Expiry (ms since epoch) of a JWT already verified by PrincipalService; null when it has none. */
function expiryOf(authorization: string): number | null {
  const token = authorization.trim().split(/\s+/)[1];
  if (!token) return null;
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}
