import { z } from 'zod';
import { parseEnv, type EnvDoc } from './parse-env.js';

export const WORKER_ENV_DOCS: readonly EnvDoc[] = [
  { name: 'NODE_ENV', description: '`development`, `test` or `production`', default: 'development', secret: false },
  { name: 'DATABASE_URL', description: "PostgreSQL URL of the application role (same as the API's)", default: '(required)', secret: true },
  { name: 'WORKER_HEALTH_HOST', description: 'Address the worker health endpoint binds to', default: '127.0.0.1', secret: false },
  { name: 'WORKER_HEALTH_PORT', description: 'Port of the worker health endpoint (0 = any free port)', default: '3001', secret: false },
  { name: 'LOG_LEVEL', description: 'pino level', default: 'info', secret: false },
  { name: 'BLOB_DIR', description: "Folder of the filesystem blob store (the API's BLOB_DIR)", default: 'data/blobs', secret: false },
  { name: 'INFERENCE_EXECUTION_PROVIDER', description: '`cpu`, or `cuda` (falls back to cpu with a warning when unavailable)', default: 'cpu', secret: false },
  { name: 'INFERENCE_THREADS', description: 'onnxruntime intra-op threads per model run (0 = one per CPU core)', default: '0', secret: false },
  { name: 'WORKER_CONCURRENCY', description: 'Jobs one worker process runs at once (each on its own inference thread)', default: '1', secret: false },
  {
    name: 'WORKER_POLL_INTERVAL_MS',
    description: 'Fallback poll for jobs (new jobs wake the worker at once through LISTEN/NOTIFY)',
    default: '2000',
    secret: false,
  },
  {
    name: 'JOB_MAINTENANCE_INTERVAL_S',
    description: 'How often expired jobs (of a worker that died) are handed back for retry',
    default: '15',
    secret: false,
  },
  { name: 'WORKER_SHUTDOWN_GRACE_MS', description: 'On SIGTERM, how long the job in hand may finish before it is released', default: '20000', secret: false },
];

export const workerEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL'),
  WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BLOB_DIR: z.string().min(1).default('data/blobs'),
  INFERENCE_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  INFERENCE_THREADS: z.coerce.number().int().min(0).max(256).default(0),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  WORKER_POLL_INTERVAL_MS: z.coerce.number().int().min(100).max(600_000).default(2000),
  JOB_MAINTENANCE_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(15),
  WORKER_SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(20_000),
});

export type WorkerConfig = z.output<typeof workerEnvSchema>;

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return parseEnv(workerEnvSchema, env);
}
