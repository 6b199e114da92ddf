import { createServer, type Server } from 'node:http';
import type { Registry } from 'prom-client';

export interface HealthState {
  ready: boolean;
  detail: Record<string, unknown>;
}

/** /health/live, /health/ready (JSON) and /metrics (Prometheus text) of the worker. */
export function startHealthServer(host: string, port: number, state: HealthState, metrics?: Registry): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    } else if (path === '/health/ready') {
      res
        .writeHead(state.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: state.ready ? 'ok' : 'unavailable', ...state.detail }));
    } else if (path === '/metrics' && metrics) {
      metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
