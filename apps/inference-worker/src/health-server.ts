import { createServer, type Server } from 'node:http';

export interface HealthState {
  ready: boolean;
  detail: Record<string, unknown>;
}

/** /health/live and /health/ready of the worker (JSON). */
export function startHealthServer(host: string, port: number, state: HealthState): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/health/live') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'ok' }));
    } else if (path === '/health/ready') {
      res
        .writeHead(state.ready ? 200 : 503, { 'content-type': 'application/json' })
        .end(JSON.stringify({ status: state.ready ? 'ok' : 'unavailable', ...state.detail }));
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'not found' }));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
