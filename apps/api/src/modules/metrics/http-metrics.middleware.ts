import type { NextFunction, Request, Response } from 'express';
import type { ApiMetrics } from './api-metrics.js';

/** Mount points served by middleware rather than routes: they are reported by their prefix. */
const MOUNTS = ['/graphql', '/oidc', '/dicomweb', '/health', '/metrics', '/api'];
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every HTTP request into `cruciate_api_http_request_duration_seconds`. The route label is the matched
 * route pattern (`/dicomweb/studies/:study`), or the mount point of middleware-served paths, or `other`: never the
 * raw URL, so ids in paths cannot blow up the series count.
 */
export function httpMetricsMiddleware(metrics: ApiMetrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpDuration.observe({ method: METHODS.has(req.method) ? req.method : 'OTHER', route: routeOf(req), status: String(res.statusCode) }, seconds);
    });
    next();
  };
}

export function routeOf(req: Request): string {
  const route = (req as unknown as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}` || '/';
  const path = req.originalUrl.split('?')[0] ?? '';
  const mount = MOUNTS.find((m) => path === m || path.startsWith(`${m}/`));
  return mount ?? 'other';
}
