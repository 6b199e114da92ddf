import { z } from 'zod';
import { parseEnv, type EnvDoc } from './parse-env.js';

export const WORKER_ENV_DOCS: readonly EnvDoc[] = [
  { name: 'NODE_ENV', description: '`development`, `test` or `production`', default: 'development', secret: false },
  { name: 'DATABASE_URL', description: "PostgreSQL URL of the application role (same as the API's)", default: '(required)', secret: true },
  { name: 'WORKER_HEALTH_HOST', description: 'Address the worker health endpoint binds to', default: '127.0.0.1', secret: false },
  { name: 'WORKER_HEALTH_PORT', description: 'Port of the worker health endpoint (0 = any free port)', default: '3001', secret: false },
  { name: 'LOG_LEVEL', description: 'pino level', default: 'info', secret: false },
];

export const workerEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL'),
  WORKER_HEALTH_HOST: z.string().default('127.0.0.1'),
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type WorkerConfig = z.output<typeof workerEnvSchema>;

export function loadWorkerConfig(env: Record<string, string | undefined> = process.env): WorkerConfig {
  return parseEnv(workerEnvSchema, env);
}
