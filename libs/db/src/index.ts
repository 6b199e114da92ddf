export { migrate, listMigrations, MIGRATIONS_DIR } from './migrator.js';
export type { MigrationResult, MigrateOptions } from './migrator.js';
export { bootstrapDatabase, checkAppRole } from './roles.js';
export type { DatabaseBootstrap, AppRoleCheck } from './roles.js';
export { embeddedAppUrl, startEmbeddedPostgres } from './embedded.js';
export type { EmbeddedDatabase, EmbeddedOptions } from './embedded.js';
export { withClient, quoteIdent } from './client.js';
export { hashPassword, verifyPassword, randomSecret, hashClientSecret } from './credentials.js';
export { ensureJobQueue, JOB_NOTIFY_CHANNEL, JOB_SCHEMA } from './job-queue.js';
