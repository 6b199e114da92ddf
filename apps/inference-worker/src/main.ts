import { ConfigError, loadWorkerConfig } from '@cruciate/config';
import { checkAppRole } from '@cruciate/db';
import { pino } from 'pino';
import { startHealthServer, type HealthState } from './health-server.js';

/**
 * Inference worker. This foundation build connects, checks that it runs as the RLS-bound application
 * role and reports health; the `inference` job handler arrives with the inference issue.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({ name: 'inference-worker', level: config.LOG_LEVEL, base: { service: 'inference-worker' }, timestamp: pino.stdTimeFunctions.isoTime });
  const state: HealthState = { ready: false, detail: { handlers: [] } };
  const server = await startHealthServer(config.WORKER_HEALTH_HOST, config.WORKER_HEALTH_PORT, state);
  const check = await checkAppRole(config.DATABASE_URL);
  if (check.problems.length > 0) {
    logger.fatal({ problems: check.problems }, 'DATABASE_URL must connect as the RLS-bound application role');
    process.exit(1);
  }
  state.ready = true;
  const address = server.address();
  logger.info(
    { health: typeof address === 'object' && address ? `${address.address}:${address.port}` : address },
    'inference worker ready (no job handlers in this build)',
  );

  const stop = (signal: string): void => {
    logger.info({ signal }, 'inference worker stopping');
    state.ready = false;
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
