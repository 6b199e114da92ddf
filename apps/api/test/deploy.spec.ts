import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { API_ENV_DOCS, apiEnvSchema, loadApiConfig, loadWorkerConfig, WORKER_ENV_DOCS, workerEnvSchema } from '@cruciate/config';
import { ALL_ROLES } from '@cruciate/contracts';

/**
 * Static checks of the container deployment: docker-compose.yml, the Dockerfiles and the Keycloak realm
 * must agree with the validated environment schemas and with what PrincipalService reads from tokens.
 * No Docker needed: the files are parsed, not run.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
const read = (relative: string): string => readFileSync(path.join(ROOT, relative), 'utf8');
/** The node options `npm start` runs the api with (root package.json), which its image must run it with too. */
const API_NODE_ARGS: readonly string[] = (() => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) apps\/api\/dist\/main\.js\b/.exec(scripts['start'] ?? '');
  if (!match) throw new Error(`the start script does not run apps/api/dist/main.js with node: ${scripts['start']}`);
  return match[1]!.trim().split(/\s+/).filter(Boolean);
})();

// ---------- docker-compose.yml ----------

type Mapping = Record<string, unknown>;

function mapping(value: unknown, what: string): Mapping {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not a mapping`);
  return value as Mapping;
}

/** Compose interpolation as `docker compose` does it with an empty environment: ${VAR:-default}, ${VAR-default}, $$. */
function interpolate(value: string, where: string): string {
  return value.replace(/\$\$|\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (match: string, braced: string | undefined, bare: string | undefined) => {
    if (match === '$$') return '$';
    if (bare !== undefined) throw new Error(`${where}: $${bare} has no default; use \${${bare}:-default}`);
    const m = /^([A-Za-z_][A-Za-z0-9_]*)(:?-)(.*)$/s.exec(braced ?? '');
    if (!m) throw new Error(`${where}: \${${braced ?? ''}} has no default; use \${NAME:-default}`);
    return m[3] ?? '';
  });
}

/** A service's `environment` (map or KEY=VALUE list), interpolated. */
function environmentOf(service: Mapping, name: string): Record<string, string> {
  const raw = service['environment'];
  const env: Record<string, string> = {};
  if (raw === undefined) return env;
  if (Array.isArray(raw)) {
    for (const entry of raw) {
      const text = String(entry);
      const eq = text.indexOf('=');
      if (eq <= 0) throw new Error(`${name}.environment: "${text}" takes its value from the host; give it a value`);
      env[text.slice(0, eq)] = interpolate(text.slice(eq + 1), `${name}.environment.${text.slice(0, eq)}`);
    }
    return env;
  }
  for (const [key, value] of Object.entries(mapping(raw, `${name}.environment`))) {
    if (value === null || typeof value === 'object') throw new Error(`${name}.environment.${key} has no scalar value`);
    env[key] = interpolate(scalar(value), `${name}.environment.${key}`);
  }
  return env;
}

/** A YAML scalar as text; objects are an error, not "[object Object]". */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`expected a scalar, got ${JSON.stringify(value)}`);
}

function dependsOn(service: Mapping): Record<string, string> {
  const raw = service['depends_on'];
  if (raw === undefined) return {};
  if (Array.isArray(raw)) return Object.fromEntries(raw.map((s) => [String(s), 'service_started']));
  return Object.fromEntries(
    Object.entries(mapping(raw, 'depends_on')).map(([dep, spec]) => [dep, scalar(mapping(spec, `depends_on.${dep}`)['condition'] ?? 'service_started')]),
  );
}

function healthcheckTest(service: Mapping): string {
  const hc = service['healthcheck'];
  if (hc === undefined) return '';
  const test = mapping(hc, 'healthcheck')['test'];
  return Array.isArray(test) ? test.map(scalar).join(' ') : scalar(test ?? '');
}

interface Mount {
  /** Named volume or host path; '' for an anonymous volume. */
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/** A service's `volumes`, short (`source:target[:mode]`) or long syntax. */
function mountsOf(service: Mapping, name: string): Mount[] {
  const raw = service['volumes'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new Error(`${name}.volumes is not a list`);
  return raw.map((entry: unknown, i) => {
    if (typeof entry === 'string') {
      const parts = interpolate(entry, `${name}.volumes[${i}]`).split(':');
      if (parts.length === 1) return { source: '', target: parts[0] ?? '', readOnly: false };
      return { source: parts[0] ?? '', target: parts[1] ?? '', readOnly: (parts[2] ?? '').split(',').includes('ro') };
    }
    const m = mapping(entry, `${name}.volumes[${i}]`);
    return { source: scalar(m['source'] ?? ''), target: scalar(m['target']), readOnly: m['read_only'] === true };
  });
}

/** The mount that holds `dir` inside the container (the deepest one if several do). */
function mountHolding(mounts: readonly Mount[], dir: string): Mount | undefined {
  return mounts
    .filter((m) => !path.posix.relative(m.target, dir).startsWith('..') && path.posix.isAbsolute(dir))
    .sort((a, b) => b.target.length - a.target.length)[0];
}

/** Compose durations such as 30s, 1m30s, 1500ms, in milliseconds. */
function durationMs(value: unknown): number {
  const text = scalar(value);
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  let total = 0;
  const rest = text.replace(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g, (_match: string, n: string, unit: string) => {
    total += Number(n) * (units[unit] ?? Number.NaN);
    return '';
  });
  if (rest !== '' || text === '') throw new Error(`not a duration: ${text}`);
  return total;
}

const compose = mapping(parse(read('docker-compose.yml')), 'docker-compose.yml');
const services = mapping(compose['services'], 'services');
const service = (name: string): Mapping => mapping(services[name], `services.${name}`);
const apiEnv = environmentOf(service('api'), 'api');
const workerEnv = environmentOf(service('worker'), 'worker');
/** The inference workers: CPU by default, CUDA in the `gpu` profile. */
const WORKER_SERVICES = ['worker', 'worker-gpu'] as const;

// ---------- Dockerfiles and workspaces ----------

interface Instruction {
  readonly keyword: string;
  /** Arguments, continuation lines joined, whitespace collapsed, comments dropped. */
  readonly args: string;
}

function instructionsOf(text: string): Instruction[] {
  const out: Instruction[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (current === '' && line === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    const m = /^(\S+)\s*([\s\S]*)$/.exec(current);
    out.push({ keyword: (m?.[1] ?? '').toUpperCase(), args: (m?.[2] ?? '').replace(/\s+/g, ' ').trim() });
    current = '';
  }
  return out;
}

/** The instructions of the last stage (the image that ships), its FROM first. */
function finalStage(instructions: readonly Instruction[]): Instruction[] {
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  return instructions.slice(lastFrom);
}

interface Copy {
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly dest: string;
}

function copiesOf(instructions: readonly Instruction[]): Copy[] {
  return instructions
    .filter((i) => i.keyword === 'COPY')
    .map((i) => {
      const tokens = i.args.split(' ');
      const from = tokens.find((t) => t.startsWith('--from='))?.slice('--from='.length);
      const paths = tokens.filter((t) => !t.startsWith('--'));
      return { from, sources: paths.slice(0, -1), dest: paths[paths.length - 1] ?? '' };
    });
}

const runs = (instructions: readonly Instruction[]): string[] => instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);

interface WorkspacePackage {
  readonly name: string;
  readonly dependencies?: Readonly<Record<string, string>>;
}

const rootPackage = JSON.parse(read('package.json')) as { workspaces?: string[]; allowScripts?: Record<string, boolean> };
const lockfile = JSON.parse(read('package-lock.json')) as { packages: Record<string, unknown> };

/** Workspace folders the root package.json names (`dir/*` globs and plain folders) that hold a package.json. */
const workspaceDirs = (rootPackage.workspaces ?? [])
  .flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(ROOT, parent), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `${parent}/${d.name}`);
  })
  .filter((dir) => existsSync(path.join(ROOT, dir, 'package.json')))
  .sort();
/** Workspace folders the lockfile installs (its non-root entries outside node_modules). */
const lockfileWorkspaceDirs = Object.keys(lockfile.packages)
  .filter((key) => key !== '' && !key.includes('node_modules/'))
  .sort();
const workspaceByName = new Map(
  workspaceDirs.map((dir) => {
    const pkg = JSON.parse(read(`${dir}/package.json`)) as WorkspacePackage;
    return [pkg.name, { dir, pkg }] as const;
  }),
);

/** `dir` and every workspace it depends on at runtime, transitively (folders). */
function runtimeWorkspaces(dir: string): string[] {
  const seen = new Set<string>();
  const visit = (d: string): void => {
    if (seen.has(d)) return;
    seen.add(d);
    const pkg = JSON.parse(read(`${d}/package.json`)) as WorkspacePackage;
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      const ws = workspaceByName.get(dep);
      if (ws) visit(ws.dir);
    }
  };
  visit(dir);
  return [...seen].sort();
}

const dockerfileOf = (serviceName: string): string => scalar(mapping(service(serviceName)['build'], `${serviceName}.build`)['dockerfile']);
/** Every Dockerfile under apps/ (Dockerfile, Dockerfile.gpu, ...). */
const allDockerfiles = readdirSync(path.join(ROOT, 'apps'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(path.join(ROOT, 'apps', d.name))
      .filter((f) => f === 'Dockerfile' || f.startsWith('Dockerfile.'))
      .map((f) => `apps/${d.name}/${f}`),
  )
  .sort();
const ORT_BIN = 'node_modules/onnxruntime-node/bin/napi-v6';

// ---------- deploy/keycloak/realm-cruciate.json ----------

interface ProtocolMapper {
  readonly name: string;
  readonly protocol: string;
  readonly protocolMapper: string;
  readonly config: Readonly<Record<string, string>>;
}

interface RealmClient {
  readonly clientId: string;
  readonly enabled?: boolean;
  readonly publicClient?: boolean;
  readonly bearerOnly?: boolean;
  readonly standardFlowEnabled?: boolean;
  readonly implicitFlowEnabled?: boolean;
  readonly directAccessGrantsEnabled?: boolean;
  readonly serviceAccountsEnabled?: boolean;
  readonly redirectUris?: readonly string[];
  readonly webOrigins?: readonly string[];
  readonly secret?: string;
  readonly attributes?: Readonly<Record<string, string>>;
  readonly protocolMappers?: readonly ProtocolMapper[];
}

interface RealmUser {
  readonly username: string;
  readonly email?: string;
  readonly enabled?: boolean;
  readonly serviceAccountClientId?: string;
  readonly realmRoles?: readonly string[];
  readonly attributes?: Readonly<Record<string, readonly string[]>>;
  readonly credentials?: readonly { readonly type: string; readonly temporary?: boolean }[];
}

interface Realm {
  readonly realm: string;
  readonly enabled?: boolean;
  readonly roles?: { readonly realm?: readonly { readonly name: string }[] };
  readonly clients?: readonly RealmClient[];
  readonly users?: readonly RealmUser[];
  readonly clientScopes?: unknown;
  readonly components?: Readonly<Record<string, readonly { readonly providerId: string; readonly config?: Readonly<Record<string, readonly string[]>> }[]>>;
}

const realm = JSON.parse(read('deploy/keycloak/realm-cruciate.json')) as Realm;
const clients = realm.clients ?? [];
const users = realm.users ?? [];
const clientById = (clientId: string): RealmClient | undefined => clients.find((c) => c.clientId === clientId);
const mappersOf = (client: RealmClient | undefined, type: string): ProtocolMapper[] => (client?.protocolMappers ?? []).filter((m) => m.protocolMapper === type);
const serviceAccountClients = clients.filter((c) => c.serviceAccountsEnabled === true);
const HOSPITAL_SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

describe('docker-compose.yml', () => {
  it('defines postgres, keycloak, api and worker, and worker-gpu in the gpu profile only', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'keycloak', 'api', 'worker', 'worker-gpu']));
    expect(service('worker-gpu')['profiles']).toEqual(['gpu']);
    for (const name of ['postgres', 'keycloak', 'api', 'worker']) expect(service(name)['profiles'], name).toBeUndefined();
  });

  it('sets only variables the api schema knows, and the schema and its docs agree', () => {
    const schemaKeys = Object.keys(apiEnvSchema.shape).sort();
    const docNames = API_ENV_DOCS.map((d) => d.name).sort();
    expect(docNames).toEqual(schemaKeys);
    const unknown = Object.keys(apiEnv).filter((k) => !schemaKeys.includes(k));
    expect(unknown).toEqual([]);
  });

  it('sets only variables the worker schema knows, and every documented worker variable is in the schema', () => {
    const schemaKeys = Object.keys(workerEnvSchema.shape);
    const docNames = WORKER_ENV_DOCS.map((d) => d.name);
    expect(docNames.filter((n) => !schemaKeys.includes(n))).toEqual([]);
    expect([...docNames].sort()).toEqual([...schemaKeys].sort());
    for (const name of WORKER_SERVICES) {
      const unknown = Object.keys(environmentOf(service(name), name)).filter((k) => !schemaKeys.includes(k));
      expect(unknown, name).toEqual([]);
    }
  });

  it("the api's environment passes loadApiConfig: external database and issuer, production", () => {
    const config = loadApiConfig(apiEnv);
    expect(config.NODE_ENV).toBe('production');
    expect(config.HOST).toBe('0.0.0.0');
    expect(config.isEmbeddedDatabase).toBe(false);
    expect(config.isBuiltInIssuer).toBe(false);
    expect(config.START_WORKER).toBe(false);
    expect(config.DATA_DIR).toBe(path.resolve('/data'));
    expect(config.issuerUrl).toBe(apiEnv['OIDC_ISSUER_URL']);
  });

  it("the workers' environments pass loadWorkerConfig and listen where their healthchecks ask", () => {
    for (const name of WORKER_SERVICES) {
      const env = environmentOf(service(name), name);
      const config = loadWorkerConfig(env);
      expect(config.NODE_ENV, name).toBe('production');
      expect(config.WORKER_HEALTH_HOST, name).toBe('0.0.0.0');
      expect(healthcheckTest(service(name)), name).toContain(`:${config.WORKER_HEALTH_PORT}/health/ready`);
      // The RLS-bound application role, the api's.
      expect(config.DATABASE_URL, name).toBe(apiEnv['DATABASE_URL']);
      // Required variables, and those whose defaults do not fit a container (BLOB_DIR's is relative), are explicit.
      const required = Object.entries(workerEnvSchema.shape)
        .filter(([, schema]) => !schema.safeParse(undefined).success)
        .map(([key]) => key);
      for (const key of [...required, 'BLOB_DIR', 'INFERENCE_EXECUTION_PROVIDER', 'INFERENCE_THREADS', 'WORKER_CONCURRENCY']) {
        expect(env, `${name} sets ${key}`).toHaveProperty(key);
      }
    }
    expect(loadWorkerConfig(workerEnv).INFERENCE_EXECUTION_PROVIDER).toBe('cpu');
    expect(loadWorkerConfig(environmentOf(service('worker-gpu'), 'worker-gpu')).INFERENCE_EXECUTION_PROVIDER).toBe('cuda');
  });

  it('the workers mount the api blob store: same named volume, same path, same BLOB_DIR, writable', () => {
    const apiConfig = loadApiConfig(apiEnv);
    const declared = Object.keys(mapping(compose['volumes'] ?? {}, 'volumes'));
    const apiMount = mountHolding(mountsOf(service('api'), 'api'), apiConfig.BLOB_DIR);
    expect(apiMount, 'api BLOB_DIR is on a volume').toBeDefined();
    expect(declared).toContain(apiMount?.source);
    expect(apiMount?.readOnly).toBe(false);
    for (const name of WORKER_SERVICES) {
      const blobDir = environmentOf(service(name), name)['BLOB_DIR'] ?? '';
      expect(blobDir, name).toBe(apiConfig.BLOB_DIR);
      const mount = mountHolding(mountsOf(service(name), name), blobDir);
      expect(mount, `${name} BLOB_DIR is on the api's volume`).toEqual(apiMount);
    }
  });

  it('reserves one NVIDIA GPU for worker-gpu, built from the GPU Dockerfile', () => {
    const gpu = service('worker-gpu');
    const reservations = mapping(mapping(mapping(gpu['deploy'], 'deploy')['resources'], 'deploy.resources')['reservations'], 'reservations');
    const devices = reservations['devices'] as unknown[];
    expect(devices).toHaveLength(1);
    const device = mapping(devices[0], 'devices[0]');
    expect(device['driver']).toBe('nvidia');
    expect(device['count']).toBe(1);
    expect(device['capabilities']).toEqual(['gpu']);
    expect(dockerfileOf('worker-gpu')).toBe('apps/inference-worker/Dockerfile.gpu');
    expect(service('worker')['deploy']).toBeUndefined();
  });

  it('gives services longer to stop than their own shutdown grace', () => {
    const api = loadApiConfig(apiEnv);
    expect(durationMs(service('api')['stop_grace_period'] ?? '10s')).toBeGreaterThan(api.SHUTDOWN_GRACE_MS);
    for (const name of WORKER_SERVICES) {
      const config = loadWorkerConfig(environmentOf(service(name), name));
      expect(durationMs(service(name)['stop_grace_period'] ?? '10s'), name).toBeGreaterThan(config.WORKER_SHUTDOWN_GRACE_MS);
    }
  });

  it("points the api's BUNDLED_MODEL_DIR at the bundled model inside its image", () => {
    const instructions = instructionsOf(read(dockerfileOf('api')));
    const workdir = instructions.filter((i) => i.keyword === 'WORKDIR').at(-1)?.args ?? '/';
    const bundled = apiEnvSchema.shape.BUNDLED_MODEL_DIR.parse(undefined);
    expect(apiEnv['BUNDLED_MODEL_DIR']).toBe(path.posix.join(workdir, bundled));
    expect(bundled.startsWith('models/')).toBe(true);
    const copies = copiesOf(finalStage(instructions));
    expect(copies).toContainEqual({ from: undefined, sources: ['models'], dest: 'models' });
    expect(copies).toContainEqual({ from: undefined, sources: ['migrations'], dest: 'migrations' });
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim().replace(/^\*\*\//, ''));
    for (const dir of ['models', 'migrations']) expect(ignored, `.dockerignore keeps ${dir}/ in the build context`).not.toContain(dir);
  });

  it('connects the api as the RLS-bound app role and migrates as the owner role that init-roles.sh creates', () => {
    const pg = environmentOf(service('postgres'), 'postgres');
    const config = loadApiConfig(apiEnv);
    const app = new URL(config.DATABASE_URL ?? '');
    const owner = new URL(config.DATABASE_MIGRATION_URL ?? '');
    expect(app.username).toBe(pg['CRUCIATE_APP_ROLE']);
    expect(app.username).toBe(config.DATABASE_APP_ROLE);
    expect(decodeURIComponent(app.password)).toBe(pg['CRUCIATE_APP_PASSWORD']);
    expect(owner.username).toBe(pg['CRUCIATE_OWNER_ROLE']);
    expect(decodeURIComponent(owner.password)).toBe(pg['CRUCIATE_OWNER_PASSWORD']);
    expect(owner.username).not.toBe(app.username);
    for (const u of [app, owner]) {
      expect(u.hostname).toBe('postgres');
      expect(u.pathname).toBe(`/${pg['CRUCIATE_DB'] ?? ''}`);
    }
    const volumes = (service('postgres')['volumes'] as unknown[]).map(String);
    expect(volumes.some((v) => v.startsWith('./deploy/postgres/init-roles.sh:/docker-entrypoint-initdb.d/'))).toBe(true);
    expect(read('deploy/postgres/init-roles.sh')).toMatch(/NOSUPERUSER NOBYPASSRLS/);
  });

  it('has healthchecks, and dependants wait for healthy services', () => {
    expect(healthcheckTest(service('api'))).toContain(`:${apiEnv['PORT'] ?? ''}/health/ready`);
    expect(healthcheckTest(service('worker'))).toContain('/health/ready');
    expect(healthcheckTest(service('worker-gpu'))).toContain('/health/ready');
    expect(healthcheckTest(service('postgres'))).toContain('pg_isready');
    expect(healthcheckTest(service('keycloak'))).toContain('/health/ready');
    expect(dependsOn(service('api'))).toMatchObject({ postgres: 'service_healthy', keycloak: 'service_healthy' });
    for (const name of WORKER_SERVICES) expect(dependsOn(service(name)), name).toMatchObject({ postgres: 'service_healthy', api: 'service_healthy' });
    for (const [name, raw] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(mapping(raw, name)))) {
        expect(services, `${name} depends on unknown service ${dep}`).toHaveProperty(dep);
        if (condition === 'service_healthy') expect(healthcheckTest(service(dep)), `${dep} needs a healthcheck`).not.toBe('');
      }
    }
  });

  it('the api image runs node with the options of `npm start`', () => {
    expect(API_NODE_ARGS).toContain('--max-semi-space-size=64');
    expect(API_NODE_ARGS).toContain('--heap-growing-percent=100');
  });

  it('builds the api and worker images from the repository root with existing Dockerfiles', () => {
    const expected = { api: 'apps/api/dist/main.js', worker: 'apps/inference-worker/dist/main.js', 'worker-gpu': 'apps/inference-worker/dist/main.js' };
    for (const [name, entry] of Object.entries(expected)) {
      const build = mapping(service(name)['build'], `${name}.build`);
      expect(build['context']).toBe('.');
      const dockerfile = String(build['dockerfile']);
      expect(existsSync(path.join(ROOT, dockerfile)), dockerfile).toBe(true);
      const text = read(dockerfile);
      expect(text).toMatch(/FROM node:20-bookworm-slim|NODE_IMAGE=node:20-bookworm-slim/);
      expect(text).toMatch(/RUN npm ci\b/);
      expect(text).toMatch(/npm ci --omit=dev/);
      expect(text).toMatch(/^USER (?!root)\S+/m);
      const nodeArgs = name === 'api' ? API_NODE_ARGS : [];
      expect(text).toContain(`CMD [${['node', ...nodeArgs, entry].map((a) => JSON.stringify(a)).join(', ')}]`);
    }
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const pattern of ['**/node_modules', '**/dist', '.git']) expect(ignored).toContain(pattern);
  });
});

describe('Dockerfiles', () => {
  it('the lockfile installs exactly the workspaces the root package.json names', () => {
    expect(workspaceDirs.length).toBeGreaterThan(0);
    expect(lockfileWorkspaceDirs).toEqual(workspaceDirs);
  });

  it('every Dockerfile compose builds is among the ones checked here', () => {
    for (const name of ['api', ...WORKER_SERVICES]) expect(allDockerfiles).toContain(dockerfileOf(name));
  });

  it.each(allDockerfiles)('%s copies every workspace package.json before npm ci (npm ci needs all of them)', (dockerfile) => {
    const instructions = instructionsOf(read(dockerfile));
    const firstCi = instructions.findIndex((i) => i.keyword === 'RUN' && /\bnpm ci\b/.test(i.args));
    expect(firstCi).toBeGreaterThan(0);
    const manifests = copiesOf(instructions.slice(0, firstCi)).filter((c) => c.from === undefined);
    expect(manifests).toContainEqual({ from: undefined, sources: ['.npmrc', 'package.json', 'package-lock.json'], dest: './' });
    for (const dir of workspaceDirs)
      expect(manifests, `${dir}/package.json`).toContainEqual({ from: undefined, sources: [`${dir}/package.json`], dest: `${dir}/` });
  });

  it.each([
    ['api', ['apps/api', 'apps/web']],
    ['worker', ['apps/inference-worker']],
    ['worker-gpu', ['apps/inference-worker']],
  ] as const)('the %s image ships the built dist of every workspace it runs', (name, apps) => {
    const copies = copiesOf(finalStage(instructionsOf(read(dockerfileOf(name))))).filter((c) => c.from !== undefined);
    const needed = [...new Set(apps.flatMap((app) => runtimeWorkspaces(app)))];
    expect(needed).toEqual(expect.arrayContaining(['libs/config', 'libs/contracts', 'libs/db', 'libs/dicom', 'libs/inference']));
    for (const dir of needed) {
      expect(
        copies.some((c) => c.dest === `${dir}/dist` && c.sources.length === 1 && (c.sources[0] ?? '').endsWith(`/${dir}/dist`)),
        `${name}: COPY --from=build .../${dir}/dist ${dir}/dist`,
      ).toBe(true);
    }
  });

  it.each(['api', 'worker', 'worker-gpu'])(
    'the %s image installs production dependencies and keeps only the linux-x64 onnxruntime binaries, in one layer',
    (name) => {
      const install = runs(instructionsOf(read(dockerfileOf(name)))).filter((r) => r.includes('npm ci --omit=dev'));
      expect(install).toHaveLength(1);
      const run = install[0] ?? '';
      for (const dropped of ['darwin', 'win32', 'linux/arm64']) expect(run).toMatch(new RegExp(`rm -rf [^&]*${ORT_BIN}/${dropped}(\\s|$)`));
      expect(run).toContain(`test -f ${ORT_BIN}/linux/x64/onnxruntime_binding.node`);
      expect(run).not.toMatch(new RegExp(`rm -rf [^&]*${ORT_BIN}/linux/x64`));
    },
  );

  it("only the GPU image runs onnxruntime-node's install script, with the CUDA 12 download named", () => {
    // The repository's policy: the script (a download) is denied everywhere else.
    expect(rootPackage.allowScripts?.['onnxruntime-node']).toBe(false);
    expect(read('.npmrc')).toMatch(/^strict-allow-scripts=true$/m);
    for (const dockerfile of allDockerfiles.filter((f) => f !== dockerfileOf('worker-gpu'))) {
      const text = instructionsOf(read(dockerfile))
        .map((i) => `${i.keyword} ${i.args}`)
        .join('\n');
      expect(text, dockerfile).not.toMatch(/ONNXRUNTIME_NODE_INSTALL|allowScripts|allow-scripts/);
    }
    const gpu = instructionsOf(read(dockerfileOf('worker-gpu')));
    // Scoped to the one command: never an ENV (or ARG) that later layers or the running worker would see.
    expect(gpu.filter((i) => (i.keyword === 'ENV' || i.keyword === 'ARG') && i.args.includes('ONNXRUNTIME_NODE_INSTALL'))).toEqual([]);
    expect(gpu.filter((i) => i.args.includes('dangerously-allow-all-scripts'))).toEqual([]);
    const install = runs(gpu).filter((r) => r.includes('npm ci --omit=dev'));
    expect(install).toHaveLength(1);
    const run = install[0] ?? '';
    expect(run).toMatch(/npm pkg set allowScripts\.onnxruntime-node=true --json && ONNXRUNTIME_NODE_INSTALL=cuda12 npm ci --omit=dev/);
    expect(run).toContain(`test -f ${ORT_BIN}/linux/x64/libonnxruntime_providers_cuda.so`);
  });

  it('the GPU image runs Node 20 on a CUDA 12 + cuDNN runtime image, as a non-root user, with the cuda provider', () => {
    const text = read(dockerfileOf('worker-gpu'));
    const instructions = instructionsOf(text);
    const cudaImage = /^ARG CUDA_IMAGE=(\S+)$/m.exec(text)?.[1] ?? '';
    expect(cudaImage).toMatch(/^nvidia\/cuda:12\.[\d.]+-cudnn\d*-runtime-ubuntu[\d.]+$/);
    expect(text).toMatch(/^ARG NODE_IMAGE=node:20-/m);
    const stage = finalStage(instructions);
    expect(stage[0]?.args).toBe('${CUDA_IMAGE} AS runtime');
    expect(copiesOf(stage)).toContainEqual({ from: 'base', sources: ['/usr/local/bin/node'], dest: '/usr/local/bin/node' });
    const env = stage
      .filter((i) => i.keyword === 'ENV')
      .map((i) => i.args)
      .join(' ');
    expect(env).toContain('INFERENCE_EXECUTION_PROVIDER=cuda');
    expect(env).toContain('NODE_ENV=production');
    const user = stage.filter((i) => i.keyword === 'USER').at(-1)?.args ?? 'root';
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    // uid 1000, the api image's `node` user: both write the shared blob volume.
    expect(runs(stage).join(' ')).toMatch(new RegExp(`useradd --uid 1000 [^&]*\\b${user}\\b`));
  });
});

describe('Keycloak realm matches what the api reads from tokens', () => {
  it('is the realm the compose issuer names, and Keycloak publishes that issuer', () => {
    expect(realm.realm).toBe('cruciate');
    expect(realm.enabled).toBe(true);
    const issuer = apiEnv['OIDC_ISSUER_URL'] ?? '';
    expect(issuer.endsWith(`/realms/${realm.realm}`)).toBe(true);
    const keycloak = service('keycloak');
    const kcHostname = environmentOf(keycloak, 'keycloak')['KC_HOSTNAME'];
    expect(issuer).toBe(`${kcHostname ?? ''}/realms/${realm.realm}`);
    const command = Array.isArray(keycloak['command']) ? keycloak['command'].map(String) : String(keycloak['command']).split(/\s+/);
    expect(command).toEqual(expect.arrayContaining(['start-dev', '--import-realm']));
    const volumes = (keycloak['volumes'] as unknown[]).map(String);
    expect(volumes.some((v) => /^\.\/deploy\/keycloak:\/opt\/keycloak\/data\/import(:ro)?$/.test(v))).toBe(true);
  });

  it('has exactly the platform roles as realm roles', () => {
    expect((realm.roles?.realm ?? []).map((r) => r.name).sort()).toEqual([...ALL_ROLES].sort());
  });

  it('keeps the built-in client scopes (basic gives `sub`, profile/email give the names and e-mail)', () => {
    // A realm file that lists clientScopes replaces Keycloak's defaults instead of adding to them.
    expect(realm.clientScopes).toBeUndefined();
  });

  it('has the public PKCE web client named by OIDC_WEB_CLIENT_ID, for the compose PUBLIC_URL', () => {
    const web = clientById(apiEnv['OIDC_WEB_CLIENT_ID'] ?? '');
    expect(web).toBeDefined();
    expect(web?.publicClient).toBe(true);
    expect(web?.standardFlowEnabled).toBe(true);
    expect(web?.implicitFlowEnabled ?? false).toBe(false);
    expect(web?.directAccessGrantsEnabled).toBe(false);
    expect(web?.attributes?.['pkce.code.challenge.method']).toBe('S256');
    const publicUrl = new URL(apiEnv['PUBLIC_URL'] ?? '');
    expect(web?.redirectUris).toContain(`${publicUrl.origin}/*`);
    expect(web?.webOrigins).toContain(publicUrl.origin);
  });

  it('has the audience client named by OIDC_AUDIENCE, with no flows of its own', () => {
    const api = clientById(apiEnv['OIDC_AUDIENCE'] ?? '');
    expect(api).toBeDefined();
    expect(api?.publicClient).toBe(false);
    expect(api?.standardFlowEnabled).toBe(false);
    expect(api?.implicitFlowEnabled ?? false).toBe(false);
    expect(api?.directAccessGrantsEnabled).toBe(false);
    expect(api?.serviceAccountsEnabled ?? false).toBe(false);
  });

  it('puts aud, the tenant claim and a flat roles claim into the web client access tokens', () => {
    const web = clientById(apiEnv['OIDC_WEB_CLIENT_ID'] ?? '');
    const audience = mappersOf(web, 'oidc-audience-mapper');
    expect(audience.some((m) => m.config['included.client.audience'] === apiEnv['OIDC_AUDIENCE'] && m.config['access.token.claim'] === 'true')).toBe(true);
    const tenant = mappersOf(web, 'oidc-usermodel-attribute-mapper').filter((m) => m.config['claim.name'] === apiEnv['OIDC_TENANT_CLAIM']);
    expect(tenant).toHaveLength(1);
    expect(tenant[0]?.config['user.attribute']).toBe('hospital');
    expect(tenant[0]?.config['access.token.claim']).toBe('true');
    expect(tenant[0]?.config['jsonType.label']).toBe('String');
    const roles = mappersOf(web, 'oidc-usermodel-realm-role-mapper').filter((m) => m.config['claim.name'] === apiEnv['OIDC_ROLES_CLAIM']);
    expect(roles).toHaveLength(1);
    expect(roles[0]?.config['multivalued']).toBe('true');
    expect(roles[0]?.config['access.token.claim']).toBe('true');
    for (const m of web?.protocolMappers ?? []) expect(m.protocol).toBe('openid-connect');
  });

  it('declares the hospital user attribute in the user profile (unmanaged attributes are off by default)', () => {
    const providers = realm.components?.['org.keycloak.userprofile.UserProfileProvider'] ?? [];
    const raw = providers.find((p) => p.providerId === 'declarative-user-profile')?.config?.['kc.user.profile.config']?.[0];
    expect(raw).toBeDefined();
    const profile = JSON.parse(raw ?? '{}') as { attributes?: { name: string; permissions?: { edit?: string[] } }[] };
    const names = (profile.attributes ?? []).map((a) => a.name);
    expect(names).toEqual(expect.arrayContaining(['username', 'email', 'firstName', 'lastName', 'hospital']));
    // Only admins may set a person's hospital: it decides the tenant.
    expect(profile.attributes?.find((a) => a.name === 'hospital')?.permissions?.edit).toEqual(['admin']);
  });

  it('service-account clients are sa-*, client_credentials only, and get aud, hospital and roles claims', () => {
    expect(serviceAccountClients.length).toBeGreaterThan(0);
    for (const sa of serviceAccountClients) {
      expect(sa.clientId.startsWith('sa-'), sa.clientId).toBe(true);
      expect(sa.publicClient).toBe(false);
      expect(sa.standardFlowEnabled).toBe(false);
      expect(sa.implicitFlowEnabled ?? false).toBe(false);
      expect(sa.directAccessGrantsEnabled).toBe(false);
      expect(mappersOf(sa, 'oidc-audience-mapper').some((m) => m.config['included.client.audience'] === apiEnv['OIDC_AUDIENCE'])).toBe(true);
      const hospital = mappersOf(sa, 'oidc-hardcoded-claim-mapper').filter((m) => m.config['claim.name'] === apiEnv['OIDC_TENANT_CLAIM']);
      expect(hospital).toHaveLength(1);
      expect(hospital[0]?.config['claim.value']).toMatch(HOSPITAL_SLUG);
      expect(hospital[0]?.config['access.token.claim']).toBe('true');
      const roles = mappersOf(sa, 'oidc-usermodel-realm-role-mapper').filter((m) => m.config['claim.name'] === apiEnv['OIDC_ROLES_CLAIM']);
      expect(roles).toHaveLength(1);
      expect(roles[0]?.config['multivalued']).toBe('true');
      // The api recognises Keycloak service-account tokens by preferred_username service-account-<clientId>.
      const user = users.find((u) => u.serviceAccountClientId === sa.clientId);
      expect(user?.username).toBe(`service-account-${sa.clientId}`);
      expect(user?.realmRoles).toContain('INTEGRATOR');
    }
    expect(clientById('sa-general-integrator')?.secret).toBe('change-me');
    for (const u of users.filter((x) => x.serviceAccountClientId !== undefined)) {
      expect(serviceAccountClients.map((c) => c.clientId)).toContain(u.serviceAccountClientId);
    }
  });

  it('has one example person per role, with temporary passwords and a valid hospital', () => {
    const people = users.filter((u) => u.serviceAccountClientId === undefined);
    for (const role of ALL_ROLES)
      expect(
        people.some((u) => u.realmRoles?.includes(role)),
        role,
      ).toBe(true);
    for (const u of people) {
      for (const r of u.realmRoles ?? []) expect(ALL_ROLES as readonly string[]).toContain(r);
      expect(u.email).toMatch(/^[^@\s]+@[^@\s]+$/);
      expect(u.credentials?.every((c) => c.type === 'password' && c.temporary === true)).toBe(true);
      const hospital = u.attributes?.['hospital'];
      if (u.realmRoles?.includes('PLATFORM_ADMIN')) {
        // A platform admin must be able to sign in before any hospital exists (an unknown hospital is rejected).
        expect(hospital).toBeUndefined();
      } else {
        expect(hospital).toEqual(['general']);
      }
    }
  });
});
