import { existsSync, readFileSync } from 'node:fs';
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

const compose = mapping(parse(read('docker-compose.yml')), 'docker-compose.yml');
const services = mapping(compose['services'], 'services');
const service = (name: string): Mapping => mapping(services[name], `services.${name}`);
const apiEnv = environmentOf(service('api'), 'api');
const workerEnv = environmentOf(service('worker'), 'worker');

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
  it('defines postgres, keycloak, api and worker', () => {
    expect(Object.keys(services)).toEqual(expect.arrayContaining(['postgres', 'keycloak', 'api', 'worker']));
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
    const unknown = Object.keys(workerEnv).filter((k) => !schemaKeys.includes(k));
    expect(unknown).toEqual([]);
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

  it("the worker's environment passes loadWorkerConfig and listens where its healthcheck asks", () => {
    const config = loadWorkerConfig(workerEnv);
    expect(config.NODE_ENV).toBe('production');
    expect(config.WORKER_HEALTH_HOST).toBe('0.0.0.0');
    expect(healthcheckTest(service('worker'))).toContain(`:${config.WORKER_HEALTH_PORT}/health/ready`);
    expect(config.DATABASE_URL).toBe(apiEnv['DATABASE_URL']);
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
    expect(healthcheckTest(service('postgres'))).toContain('pg_isready');
    expect(healthcheckTest(service('keycloak'))).toContain('/health/ready');
    expect(dependsOn(service('api'))).toMatchObject({ postgres: 'service_healthy', keycloak: 'service_healthy' });
    expect(dependsOn(service('worker'))).toMatchObject({ postgres: 'service_healthy' });
    for (const [name, raw] of Object.entries(services)) {
      for (const [dep, condition] of Object.entries(dependsOn(mapping(raw, name)))) {
        expect(services, `${name} depends on unknown service ${dep}`).toHaveProperty(dep);
        if (condition === 'service_healthy') expect(healthcheckTest(service(dep)), `${dep} needs a healthcheck`).not.toBe('');
      }
    }
  });

  it('builds the api and worker images from the repository root with existing Dockerfiles', () => {
    const expected = { api: 'apps/api/dist/main.js', worker: 'apps/inference-worker/dist/main.js' };
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
      expect(text).toContain(`CMD ["node", "${entry}"]`);
    }
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim());
    for (const pattern of ['**/node_modules', '**/dist', '.git']) expect(ignored).toContain(pattern);
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
