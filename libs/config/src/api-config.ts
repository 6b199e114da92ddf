import path from 'node:path';
import { z } from 'zod';
import { parseEnv, type EnvDoc } from './parse-env.js';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');
const port = z.coerce.number().int().min(0).max(65535);
const postgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

export const API_ENV_DOCS: readonly EnvDoc[] = [
  {
    name: 'NODE_ENV',
    description: '`development`, `test` or `production` (production turns GraphQL introspection off)',
    default: 'development',
    secret: false,
  },
  { name: 'HOST', description: 'Address the HTTP server binds to', default: '127.0.0.1', secret: false },
  { name: 'PORT', description: 'HTTP port of API, built-in OpenID provider and web app', default: '3000', secret: false },
  {
    name: 'PUBLIC_URL',
    description: 'External base URL (issuer and redirect URIs of the built-in provider)',
    default: 'http://127.0.0.1:$PORT',
    secret: false,
  },
  { name: 'DATA_DIR', description: 'Folder for the embedded database, signing keys and blobs', default: './data', secret: false },
  {
    name: 'DATABASE_URL',
    description: 'PostgreSQL URL of the application role (NOSUPERUSER, NOBYPASSRLS, owns nothing). Unset: embedded PostgreSQL under DATA_DIR with demo data',
    default: '(embedded)',
    secret: true,
  },
  {
    name: 'DATABASE_MIGRATION_URL',
    description: 'PostgreSQL URL of the owner role that owns the tables and runs migrations; required with DATABASE_URL when MIGRATE_ON_START is true',
    default: '(embedded)',
    secret: true,
  },
  { name: 'EMBEDDED_PG_PORT', description: 'Port of the embedded PostgreSQL (127.0.0.1 only) when DATABASE_URL is unset', default: '54329', secret: false },
  { name: 'DATABASE_APP_ROLE', description: 'Name of the application role that migrations grant privileges to', default: 'cruciate_app', secret: false },
  { name: 'DB_POOL_SIZE', description: 'Connections in the application pool', default: '10', secret: false },
  { name: 'MIGRATE_ON_START', description: 'Apply pending migrations when the API starts', default: 'true', secret: false },
  { name: 'SEED_DEMO', description: 'Seed the demo hospitals and users (only ever on the embedded database)', default: 'true', secret: false },
  {
    name: 'OIDC_ISSUER_URL',
    description: 'Issuer of access tokens (e.g. a Keycloak realm URL). Unset: the built-in OpenID provider at $PUBLIC_URL/oidc',
    default: '(built-in)',
    secret: false,
  },
  { name: 'OIDC_AUDIENCE', description: 'Required `aud` of access tokens', default: 'cruciate-api', secret: false },
  { name: 'OIDC_ALGORITHMS', description: 'Comma-separated JWS algorithms accepted', default: 'RS256', secret: false },
  { name: 'OIDC_TENANT_CLAIM', description: 'Claim holding the hospital slug (dotted path allowed)', default: 'hospital', secret: false },
  { name: 'OIDC_ROLES_CLAIM', description: 'Claim holding the roles (dotted path allowed, e.g. `realm_access.roles`)', default: 'roles', secret: false },
  { name: 'OIDC_WEB_CLIENT_ID', description: 'Public (PKCE) client id the web app signs in with', default: 'cruciate-web', secret: false },
  { name: 'OIDC_CLOCK_TOLERANCE_S', description: 'Allowed clock skew when checking exp / nbf, seconds', default: '5', secret: false },
  { name: 'LOG_LEVEL', description: 'pino level: fatal, error, warn, info, debug, trace, silent', default: 'info', secret: false },
  { name: 'BODY_LIMIT', description: 'Largest JSON request body (GraphQL)', default: '1mb', secret: false },
  { name: 'GRAPHQL_MAX_DEPTH', description: 'Deepest GraphQL selection accepted', default: '10', secret: false },
  { name: 'GRAPHQL_MAX_COMPLEXITY', description: 'Largest GraphQL query complexity accepted', default: '1000', secret: false },
  { name: 'SHUTDOWN_GRACE_MS', description: 'How long shutdown waits for requests in flight', default: '10000', secret: false },
  { name: 'WEB_DIST_DIR', description: 'Built web app served at /', default: 'apps/web/dist', secret: false },
  {
    name: 'BLOB_DIR',
    description: 'Folder of the filesystem blob store (DICOM files, content-addressed by SHA-256)',
    default: '$DATA_DIR/blobs',
    secret: false,
  },
  {
    name: 'PATIENT_KEY_SECRET',
    description: 'Key of the HMAC that turns PatientID into the pseudonymous patient key (required in production; embedded: generated under DATA_DIR)',
    default: '(generated)',
    secret: true,
  },
  { name: 'MAX_INSTANCE_BYTES', description: 'Largest DICOM instance accepted', default: '67108864', secret: false },
  { name: 'STOW_MAX_REQUEST_BYTES', description: 'Largest STOW-RS request body', default: '2147483648', secret: false },
  {
    name: 'BLOB_JOURNAL_SEGMENT_MB',
    description:
      'Size of each of the two segments of the STOW-RS write-ahead blob journal under BLOB_DIR; 0 turns the journal off (one fdatasync per instance)',
    default: '64',
    secret: false,
  },
  {
    name: 'SERIES_QUIET_PERIOD_S',
    description: 'A series still receiving after this many quiet seconds is completed (several associations)',
    default: '120',
    secret: false,
  },
  { name: 'DIMSE_HOST', description: 'Address the DICOM C-STORE/C-ECHO listener binds to', default: '127.0.0.1', secret: false },
  { name: 'DIMSE_PORT', description: 'Port of the DICOM listener (0 = any free port; -1 = off)', default: '11112', secret: false },
  {
    name: 'DIMSE_MAX_ASSOCIATIONS',
    description: 'Concurrent DICOM associations accepted (instances stream to disk: each holds about one PDU plus a 64 KiB head in memory)',
    default: '16',
    secret: false,
  },
  {
    name: 'DIMSE_INLINE_FLUSH',
    description:
      "While only one DICOM association is open, each instance is fdatasync'd on the event loop instead of the thread pool (one thread hand-off less per instance; other work of the API waits for that flush, typically under a millisecond)",
    default: 'true',
    secret: false,
  },
  {
    name: 'DIMSE_FOLDER_SYNC_DELAY_MS',
    description:
      "C-STORE: the blob folders that received instances were linked into are fsync'd together by a background pass at most this long after (once idle for 200 ms), instead of by every group commit; each spool file (already durable) is kept until then. 0: every group commit fsyncs its folders",
    default: '2000',
    secret: false,
  },
  {
    name: 'DIMSE_SPOOL_PREWRITE_KB',
    description:
      "C-STORE: when an instance's flush starts, the next spool file is written ahead (zeros and an empty trailer, in the page cache) to that instance's size, at most this many KiB, so that the next instance overwrites cached pages instead of adding new ones; its flush writes its trailer (length, SHA-256), the group commit cuts the file to it. 0: spool files are created empty",
    default: '1024',
    secret: false,
  },
  {
    name: 'DIMSE_UID_FILTER',
    description:
      "C-STORE tells new instances from re-sent ones with an in-memory filter of each hospital's stored UIDs (2-4 bytes per stored instance) instead of one index look-up per instance",
    default: 'true',
    secret: false,
  },
  { name: 'START_WORKER', description: '`npm start` also runs an inference worker process', default: 'true', secret: false },
  {
    name: 'BUNDLED_MODEL_DIR',
    description: 'Folder of the bundled model (manifest.json + .onnx), registered at start; `none`: no bundled model',
    default: 'models/acl-phantom-mrnet/1.0.0',
    secret: false,
  },
  { name: 'MODEL_MAX_BYTES', description: 'Largest .onnx accepted by model registration', default: '268435456', secret: false },
  {
    name: 'INFERENCE_JOB_EXPIRE_S',
    description: 'Lease of a claimed inference job: a worker that dies holding it loses it after this long',
    default: '300',
    secret: false,
  },
  { name: 'INFERENCE_JOB_RETRY_DELAY_S', description: 'First retry delay of a failed inference job (doubles each retry)', default: '10', secret: false },
  {
    name: 'METRICS_ENABLED',
    description: 'Serve Prometheus metrics at GET /metrics (no token: keep the path off the public network, or set false)',
    default: 'true',
    secret: false,
  },
  {
    name: 'GRAPHQL_WS_MAX_CONNECTIONS',
    description: 'GraphQL subscription (graphql-ws) connections one API instance accepts (0: subscriptions off)',
    default: '1000',
    secret: false,
  },
  { name: 'GRAPHQL_WS_MAX_SUBSCRIPTIONS', description: 'Subscriptions one graphql-ws connection may hold at once', default: '10', secret: false },
];

export const apiEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_MIGRATION_URL: postgresUrl.optional(),
  EMBEDDED_PG_PORT: port.default(54329),
  DATABASE_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
    .default('cruciate_app'),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  MIGRATE_ON_START: bool.default(true),
  SEED_DEMO: bool.default(true),
  OIDC_ISSUER_URL: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).default('cruciate-api'),
  OIDC_ALGORITHMS: z
    .string()
    .default('RS256')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (algs) => algs.length > 0 && algs.every((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$/.test(a)),
      'only asymmetric algorithms (RS*, PS*, ES*, EdDSA) are allowed',
    ),
  OIDC_TENANT_CLAIM: z.string().min(1).default('hospital'),
  OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
  OIDC_WEB_CLIENT_ID: z.string().min(1).default('cruciate-web'),
  OIDC_CLOCK_TOLERANCE_S: z.coerce.number().int().min(0).max(300).default(5),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/, 'must look like 512kb or 1mb')
    .default('1mb'),
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).max(50).default(10),
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(10).default(1000),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10000),
  WEB_DIST_DIR: z.string().default('apps/web/dist'),
  BLOB_DIR: z.string().optional(),
  BUNDLED_MODEL_DIR: z.string().min(1).default('models/acl-phantom-mrnet/1.0.0'),
  INFERENCE_JOB_EXPIRE_S: z.coerce.number().int().min(1).max(86_400).default(300),
  INFERENCE_JOB_RETRY_DELAY_S: z.coerce.number().int().min(1).max(3600).default(10),
  MODEL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(256 * 1024 * 1024),
  PATIENT_KEY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  MAX_INSTANCE_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  STOW_MAX_REQUEST_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(2 * 1024 * 1024 * 1024),
  BLOB_JOURNAL_SEGMENT_MB: z.coerce.number().int().min(0).max(4096).default(64),
  SERIES_QUIET_PERIOD_S: z.coerce.number().int().min(1).default(120),
  DIMSE_HOST: z.string().default('127.0.0.1'),
  DIMSE_PORT: z.coerce.number().int().min(-1).max(65535).default(11112),
  DIMSE_MAX_ASSOCIATIONS: z.coerce.number().int().min(1).max(1000).default(16),
  DIMSE_INLINE_FLUSH: bool.default(true),
  DIMSE_FOLDER_SYNC_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  DIMSE_SPOOL_PREWRITE_KB: z.coerce.number().int().min(0).max(65_536).default(1024),
  DIMSE_UID_FILTER: bool.default(true),
  START_WORKER: bool.default(true),
  METRICS_ENABLED: bool.default(true),
  GRAPHQL_WS_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(100_000).default(1000),
  GRAPHQL_WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).max(100).default(10),
});

/** Rules across variables, checked on the raw environment so they are reported with the others. */
function crossChecks(env: Record<string, string>): string[] {
  const problems: string[] = [];
  const migrateOnStart = env['MIGRATE_ON_START'] !== 'false';
  if (env['DATABASE_URL'] && migrateOnStart && !env['DATABASE_MIGRATION_URL']) {
    problems.push('DATABASE_MIGRATION_URL: is required when DATABASE_URL is set and MIGRATE_ON_START is true (migrations run as the owner role)');
  }
  if (env['NODE_ENV'] === 'production' && !env['OIDC_ISSUER_URL']) {
    problems.push('OIDC_ISSUER_URL: is required in production (the built-in provider is for embedded/dev/test use)');
  }
  if (env['NODE_ENV'] === 'production' && !env['PATIENT_KEY_SECRET']) {
    problems.push('PATIENT_KEY_SECRET: is required in production (it keys the pseudonymous patient key)');
  }
  if (env['NODE_ENV'] === 'production' && !env['DATABASE_URL']) {
    problems.push('DATABASE_URL: is required in production (the embedded database is for local use)');
  }
  return problems;
}

type ApiEnv = z.output<typeof apiEnvSchema>;

export interface ApiConfig extends Omit<ApiEnv, 'PUBLIC_URL' | 'DATA_DIR' | 'BLOB_DIR'> {
  readonly PUBLIC_URL: string;
  readonly DATA_DIR: string;
  readonly BLOB_DIR: string;
  /** True when DATABASE_URL is unset and the platform runs its own PostgreSQL. */
  readonly isEmbeddedDatabase: boolean;
  /** True when OIDC_ISSUER_URL is unset and the in-process OpenID provider issues tokens. */
  readonly isBuiltInIssuer: boolean;
  /** Issuer URL in force (configured, or the built-in provider's). */
  readonly issuerUrl: string;
}

/** Reads and validates the API's environment; throws ConfigError listing every problem. */
export function loadApiConfig(env: Record<string, string | undefined> = process.env): ApiConfig {
  const parsed = parseEnv(apiEnvSchema, env, crossChecks);
  const publicUrl = (parsed.PUBLIC_URL ?? `http://127.0.0.1:${parsed.PORT}`).replace(/\/+$/, '');
  return {
    ...parsed,
    PUBLIC_URL: publicUrl,
    DATA_DIR: path.resolve(parsed.DATA_DIR),
    BLOB_DIR: path.resolve(parsed.BLOB_DIR ?? path.join(parsed.DATA_DIR, 'blobs')),
    isEmbeddedDatabase: !parsed.DATABASE_URL,
    isBuiltInIssuer: !parsed.OIDC_ISSUER_URL,
    issuerUrl: parsed.OIDC_ISSUER_URL ?? `${publicUrl}/oidc`,
  };
}
