import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from './logger.js';
import { currentRequestContext, runWithRequestContext } from './request-context.js';

/** Request id (from X-Request-Id when well-formed) and client address for logs and audit. */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && /^[A-Za-z0-9._-]{8,128}$/.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', requestId);
  runWithRequestContext({ requestId, ip: req.ip }, next);
}

/** One structured line per request: method, path (no query string), status, duration, who. */
export function accessLogMiddleware(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    // The same object the guard fills in with tenant and user later in the request.
    const ctx = currentRequestContext();
    res.on('finish', () => {
      logger.info(
        {
          requestId: ctx?.requestId,
          tenantId: ctx?.tenantId,
          userId: ctx?.userId,
          method: req.method,
          path: req.originalUrl.split('?')[0],
          status: res.statusCode,
          ms: Math.round(performance.now() - started),
        },
        'request',
      );
    });
    next();
  };
}

/** Body-parser failures (oversize, malformed JSON) answered as GraphQL-shaped JSON with a specific code. */
export function jsonBodyErrorHandler(logger: Logger) {
  return (err: unknown, _req: Request, res: Response, next: NextFunction): void => {
    const e = err as { type?: string; status?: number; limit?: number };
    if (e.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `request body exceeds the limit of ${e.limit ?? '?'} bytes`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
      return;
    }
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    if (e.status && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ errors: [{ message: 'bad request body', extensions: { code: 'BAD_REQUEST' } }] });
      return;
    }
    logger.error({ err }, 'request body handling failed');
    next(err);
  };
}

const API_PREFIXES = ['/graphql', '/health', '/oidc', '/dicomweb', '/api', '/metrics'];

/** Serves the built web app, with index.html for client-side routes. */
export function webAppMiddleware(distDir: string): express.RequestHandler[] {
  const index = path.join(distDir, 'index.html');
  if (!existsSync(index)) return [];
  const assets = express.static(distDir, { index: false, maxAge: '1h' });
  const fallback: express.RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' || API_PREFIXES.some((p) => req.path.startsWith(p)) || !req.accepts('html')) {
      next();
      return;
    }
    res.sendFile(index);
  };
  return [assets, fallback];
}
