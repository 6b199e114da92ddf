import path from 'node:path';
import { ConfigError, loadApiConfig } from '@cruciate/config';
import { migrate, startEmbeddedPostgres } from '@cruciate/db';

/**
 * `npm run db:migrate`: applies pending migrations as the owner role (DATABASE_MIGRATION_URL), or to the
 * embedded database under DATA_DIR when DATABASE_URL is unset.
 */
try {
  const config = loadApiConfig();
  const log = (m: string): void => void process.stdout.write(`${m}\n`);
  if (config.isEmbeddedDatabase) {
    const db = await startEmbeddedPostgres({
      dataDir: path.join(config.DATA_DIR, 'postgres'),
      port: config.EMBEDDED_PG_PORT,
      appRole: config.DATABASE_APP_ROLE,
      log,
    });
    try {
      const r = await migrate({ ownerUrl: db.ownerUrl, appRole: config.DATABASE_APP_ROLE, log });
      log(`embedded database: ${r.applied.length} applied, ${r.alreadyApplied} already applied`);
    } finally {
      await db.stop();
    }
  } else {
    if (!config.DATABASE_MIGRATION_URL) throw new ConfigError(['DATABASE_MIGRATION_URL: is required to migrate (owner role)']);
    const r = await migrate({ ownerUrl: config.DATABASE_MIGRATION_URL, appRole: config.DATABASE_APP_ROLE, log });
    log(`${r.applied.length} applied, ${r.alreadyApplied} already applied`);
  }
} catch (err) {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
