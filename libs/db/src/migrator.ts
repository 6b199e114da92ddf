import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quoteIdent, withClient } from './client.js';
import { ensureJobQueue } from './job-queue.js';

/** The repository's migrations/ folder. */
export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../migrations');

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;
// Any constant works; it only has to be the same for every process that migrates this database.
const ADVISORY_LOCK_KEY = 7_263_514_022;

export interface MigrateOptions {
  /** Connection of the owner role. */
  readonly ownerUrl: string;
  /** Application role that migrations grant privileges to (substituted for :"app_role"). */
  readonly appRole: string;
  readonly dir?: string;
  readonly log?: (message: string) => void;
}

export interface MigrationResult {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

interface MigrationFile {
  readonly name: string;
  readonly sql: string;
  readonly sha256: string;
}

export async function listMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.sql')).sort();
  const files: MigrationFile[] = [];
  for (const name of names) {
    if (!MIGRATION_NAME.test(name)) throw new Error(`Migration file name ${name} must look like 0001_what_it_does.sql`);
    const sql = await readFile(path.join(dir, name), 'utf8');
    files.push({ name, sql, sha256: createHash('sha256').update(sql).digest('hex') });
  }
  return files;
}

/**
 * Applies pending forward-only migrations, each in its own transaction, under an advisory lock so
 * that concurrent starters do not race. A migration that changed after it was applied stops the run:
 * migrations are never edited once they land. Then the job queue's schema (pg-boss) and queues.
 */
export async function migrate(options: MigrateOptions): Promise<MigrationResult> {
  const result = await migrateSql(options);
  await ensureJobQueue(options.ownerUrl, options.appRole);
  return result;
}

async function migrateSql(options: MigrateOptions): Promise<MigrationResult> {
  const files = await listMigrations(options.dir);
  const log = options.log ?? (() => undefined);
  return withClient(options.ownerUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migration (
        name text PRIMARY KEY,
        sha256 text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
      const { rows } = await client.query<{ name: string; sha256: string }>('SELECT name, sha256 FROM schema_migration');
      const done = new Map(rows.map((r) => [r.name, r.sha256]));
      for (const [name, sha] of done) {
        const file = files.find((f) => f.name === name);
        if (!file) throw new Error(`Migration ${name} is applied to the database but missing from ${options.dir ?? MIGRATIONS_DIR}`);
        if (file.sha256 !== sha) throw new Error(`Migration ${name} was edited after it was applied (forward-only: add a new migration instead)`);
      }
      const applied: string[] = [];
      for (const file of files) {
        if (done.has(file.name)) continue;
        const sql = file.sql.replace(/:"app_role"/g, quoteIdent(options.appRole));
        const started = Date.now();
        await client.query('BEGIN');
        try {
          await client.query(sql);
          await client.query('INSERT INTO schema_migration (name, sha256) VALUES ($1, $2)', [file.name, file.sha256]);
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK');
          throw new Error(`Migration ${file.name} failed: ${(err as Error).message}`, { cause: err });
        }
        applied.push(file.name);
        log(`applied migration ${file.name} in ${Date.now() - started} ms`);
      }
      return { applied, alreadyApplied: done.size };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
    }
  });
}
