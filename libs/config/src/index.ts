export { loadApiConfig, apiEnvSchema, API_ENV_DOCS } from './api-config.js';
export type { ApiConfig } from './api-config.js';
export { loadWorkerConfig, workerEnvSchema, WORKER_ENV_DOCS } from './worker-config.js';
export type { WorkerConfig } from './worker-config.js';
export { ConfigError, parseEnv } from './parse-env.js';
export type { EnvDoc } from './parse-env.js';
