import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadWorkerConfig, type WorkerConfig } from '@cruciate/config';
import { checkAppRole, JOB_SCHEMA } from '@cruciate/db';
import { parseManifest } from '@cruciate/inference';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { pino } from 'pino';
import { FilesystemBlobStore } from '@cruciate/blob';
import { JobConsumer } from './consumer.js';
import { startHealthServer, type HealthState } from './health-server.js';
import { InferencePool } from './inference-pool.js';
import { activeModelVersions } from './job-store.js';
import { WorkerMetrics } from './metrics.js';

/**
 * Inference worker: claims `inference` jobs, runs the hospital's active model on the series off the event loop
 * (one inference thread per concurrent job) and writes the finding. Stateless: run as many as throughput needs.
 */
async function main(): Promise<void> {
  let config: WorkerConfig;
  try {
    config = loadWorkerConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino({
    name: 'inference-worker',
    level: config.LOG_LEVEL,
    base: { service: 'inference-worker', pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  const metrics = new WorkerMetrics();
  const threads = config.INFERENCE_THREADS || Math.max(1, os.availableParallelism());
  const state: HealthState = {
    ready: false,
    detail: { handlers: [], executionProvider: config.INFERENCE_EXECUTION_PROVIDER, intraOpThreads: threads, concurrency: config.WORKER_CONCURRENCY },
  };
  const server = await startHealthServer(config.WORKER_HEALTH_HOST, config.WORKER_HEALTH_PORT, state, metrics.registry);
  const check = await checkAppRole(config.DATABASE_URL);
  if (check.problems.length > 0) {
    logger.fatal({ problems: check.problems }, 'DATABASE_URL must connect as the RLS-bound application role');
    process.exit(1);
  }

  const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: config.WORKER_CONCURRENCY * 2 + 2, application_name: 'cruciate-worker' });
  const boss = new PgBoss({
    connectionString: config.DATABASE_URL,
    schema: JOB_SCHEMA,
    migrate: false,
    // Maintenance hands jobs of a worker that died (lease expired) back for retry.
    supervise: true,
    maintenanceIntervalSeconds: config.JOB_MAINTENANCE_INTERVAL_S,
    schedule: false,
    max: 2,
  });
  boss.on('error', (err) => logger.warn({ err: err.message }, 'job queue error'));
  await boss.start();
  const inference = new InferencePool(
    config.WORKER_CONCURRENCY,
    { executionProvider: config.INFERENCE_EXECUTION_PROVIDER, intraOpThreads: threads },
    (reason) => logger.warn({ requested: 'cuda', reason: reason.split('\n')[0] }, 'CUDA execution provider unavailable: running inference on the CPU'),
    (err) => logger.error({ err: err.message }, 'an inference thread died; replaced'),
  );
  const blobs = new FilesystemBlobStore(path.resolve(config.BLOB_DIR));
  // Sessions are made once per model version and warmed up before the worker says it is ready (GUIDE §7).
  const warmStarted = performance.now();
  try {
    for (const model of await activeModelVersions(pool)) {
      await inference.warm(model.id, parseManifest(model.manifest), blobs.pathOf(model.blobKey));
      logger.info({ modelVersionId: model.id, ms: Math.round(performance.now() - warmStarted) }, 'model loaded and warmed up');
    }
  } catch (err) {
    logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'warming up the active models failed; they load on first use');
  }
  const consumer = new JobConsumer(pool, boss, inference, blobs, metrics, logger, {
    databaseUrl: config.DATABASE_URL,
    concurrency: config.WORKER_CONCURRENCY,
    pollIntervalMs: config.WORKER_POLL_INTERVAL_MS,
    shutdownGraceMs: config.WORKER_SHUTDOWN_GRACE_MS,
  });
  await consumer.start();
  state.ready = true;
  state.detail = { ...state.detail, handlers: ['inference'] };
  const address = server.address();
  logger.info({ health: typeof address === 'object' && address ? `${address.address}:${address.port}` : address, threads }, 'inference worker ready');

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, activeJobs: consumer.activeJobs }, 'inference worker stopping');
    state.ready = false;
    const forced = setTimeout(() => process.exit(1), config.WORKER_SHUTDOWN_GRACE_MS + 10_000);
    forced.unref();
    void (async () => {
      await consumer.stop();
      logger.debug('consumer stopped');
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      logger.debug('queue stopped');
      await inference.close().catch(() => undefined);
      logger.debug('inference threads stopped');
      await pool.end().catch(() => undefined);
      server.close();
      logger.info('inference worker stopped');
      process.exit(0);
    })();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
