import { randomBytes, randomUUID } from 'node:crypto';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { ALL_ROLES, Role } from '@cruciate/contracts';
import { clientCredentialsToken, createTestHospital, createTestPlatformAdmin, gql, signInWithPkce, systemQuery, type TestHospital } from '@cruciate/testing';
import { RESOLVERS } from '../src/app.module.js';
import { ROLES_KEY } from '../src/auth/roles.decorator.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { subscribe, wsClient } from './graphql-ws-client.js';
import { startTestPlatform } from './test-platform.js';

interface Operation {
  readonly field: string;
  readonly allowed: readonly Role[] | 'ANY';
  readonly query: () => string;
  /** Subscriptions run over graphql-ws; everything else is POSTed. */
  readonly transport?: 'ws';
}

const tag = (): string => randomBytes(4).toString('hex');

/** Every root operation of the schema, with who may call it. The schema-walk test keeps this complete. */
const OPERATIONS: readonly Operation[] = [
  { field: 'me', allowed: 'ANY', query: () => '{ me { id roles } }' },
  { field: 'hospitals', allowed: [Role.PLATFORM_ADMIN], query: () => '{ hospitals(first: 5) { edges { node { id } } } }' },
  {
    field: 'createHospital',
    allowed: [Role.PLATFORM_ADMIN],
    query: () => `mutation { createHospital(input: { name: "M ${tag()}", slug: "m-${tag()}" }) { id } }`,
  },
  { field: 'suspendHospital', allowed: [Role.PLATFORM_ADMIN], query: () => `mutation { suspendHospital(id: "${randomUUID()}") { id } }` },
  { field: 'reactivateHospital', allowed: [Role.PLATFORM_ADMIN], query: () => `mutation { reactivateHospital(id: "${randomUUID()}") { id } }` },
  { field: 'hospitalUsers', allowed: [Role.HOSPITAL_ADMIN], query: () => '{ hospitalUsers { edges { node { id } } } }' },
  {
    field: 'inviteUser',
    allowed: [Role.HOSPITAL_ADMIN],
    query: () => `mutation { inviteUser(input: { email: "m-${tag()}@test.invalid", roles: [CLINICIAN] }) { user { id } } }`,
  },
  {
    field: 'setUserRoles',
    allowed: [Role.HOSPITAL_ADMIN],
    query: () => `mutation { setUserRoles(input: { userId: "${randomUUID()}", roles: [CLINICIAN] }) { id } }`,
  },
  { field: 'serviceAccounts', allowed: [Role.HOSPITAL_ADMIN], query: () => '{ serviceAccounts { edges { node { id } } } }' },
  {
    field: 'createServiceAccount',
    allowed: [Role.HOSPITAL_ADMIN],
    query: () => `mutation { createServiceAccount(input: { name: "m ${tag()}" }) { clientId } }`,
  },
  { field: 'revokeServiceAccount', allowed: [Role.HOSPITAL_ADMIN], query: () => `mutation { revokeServiceAccount(id: "${randomUUID()}") { id } }` },
  { field: 'auditEvents', allowed: [Role.HOSPITAL_ADMIN], query: () => '{ auditEvents { edges { node { id } } } }' },
  { field: 'updateDicomSettings', allowed: [Role.HOSPITAL_ADMIN], query: () => 'mutation { updateDicomSettings(input: { allowedCallingAes: [] }) { id } }' },
  { field: 'studies', allowed: [Role.CLINICIAN, Role.INTEGRATOR], query: () => '{ studies(first: 5) { edges { node { id series { id } } } } }' },
  { field: 'study', allowed: [Role.CLINICIAN, Role.INTEGRATOR], query: () => `{ study(id: "${randomUUID()}") { id } }` },
  { field: 'modelVersions', allowed: 'ANY', query: () => '{ modelVersions(first: 5) { edges { node { id intendedUse } } } }' },
  { field: 'modelVersion', allowed: 'ANY', query: () => `{ modelVersion(id: "${randomUUID()}") { id } }` },
  {
    field: 'confirmDiagnosis',
    allowed: [Role.CLINICIAN],
    query: () => `mutation { confirmDiagnosis(input: { studyId: "${randomUUID()}", label: "healthy" }) { id } }`,
  },
  { field: 'diagnoses', allowed: [Role.HOSPITAL_ADMIN, Role.INTEGRATOR], query: () => '{ diagnoses(first: 5) { edges { node { id label } } } }' },
  { field: 'activateModelVersion', allowed: [Role.HOSPITAL_ADMIN], query: () => `mutation { activateModelVersion(versionId: "${randomUUID()}") { id } }` },
  {
    field: 'studyUpdated',
    allowed: [Role.CLINICIAN, Role.INTEGRATOR],
    transport: 'ws',
    query: () => `subscription { studyUpdated(id: "${randomUUID()}") { studyId status } }`,
  },
  { field: 'worklistUpdated', allowed: [Role.CLINICIAN, Role.INTEGRATOR], transport: 'ws', query: () => 'subscription { worklistUpdated { studyId } }' },
];

describe('GraphQL API', () => {
  let platform: Platform;
  let a: TestHospital;
  let b: TestHospital;
  const tokens = new Map<Role, string>();
  let tokenA: { admin: string; clinician: string };
  let tokenB: { admin: string; clinician: string };

  beforeAll(async () => {
    platform = await startTestPlatform();
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    const platformAdmin = await createTestPlatformAdmin();
    const signIn = async (email: string, password: string) => (await signInWithPkce(platform.url, email, password)).accessToken;
    tokenA = { admin: await signIn(a.admin.email, a.admin.password), clinician: await signIn(a.clinician.email, a.clinician.password) };
    tokenB = { admin: await signIn(b.admin.email, b.admin.password), clinician: await signIn(b.clinician.email, b.clinician.password) };
    tokens.set(Role.PLATFORM_ADMIN, await signIn(platformAdmin.email, platformAdmin.password));
    tokens.set(Role.HOSPITAL_ADMIN, tokenA.admin);
    tokens.set(Role.CLINICIAN, tokenA.clinician);
    tokens.set(Role.INTEGRATOR, await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret));
  });
  afterAll(async () => platform?.close());

  describe('deny by default', () => {
    it('every root operation and field resolver of the live schema declares its roles', () => {
      const schema = platform.app.get(GraphQLSchemaHost).schema;
      const undeclared: string[] = [];
      for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
        if (!root) continue;
        for (const field of Object.values(root.getFields())) {
          const roles = field.extensions['roles'];
          if (!Array.isArray(roles) || roles.length === 0) undeclared.push(`${root.name}.${field.name}`);
        }
      }
      // Field resolvers (@ResolveField) and operations on every resolver class declare roles too.
      const seen: string[] = [];
      for (const resolver of RESOLVERS) {
        for (const name of Object.getOwnPropertyNames(resolver.prototype)) {
          const method = (resolver.prototype as unknown as Record<string, unknown>)[name];
          if (typeof method !== 'function' || name === 'constructor') continue;
          const isResolver = Reflect.hasOwnMetadata('graphql:resolver_name', method);
          if (isResolver) seen.push(`${resolver.name}.${name}`);
          if (isResolver && !Reflect.getMetadata(ROLES_KEY, method)) undeclared.push(`${resolver.name}.${name}`);
        }
      }
      expect(undeclared).toEqual([]);
      // The walk did find the operations and the field resolver (it cannot pass by seeing nothing).
      expect(seen).toEqual(expect.arrayContaining(['MeResolver.hospital', 'MeResolver.me', 'HospitalResolver.createHospital']));
    });

    it('the roles matrix below covers every root operation', () => {
      const schema = platform.app.get(GraphQLSchemaHost).schema;
      const fields = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].flatMap((t) => Object.keys(t?.getFields() ?? {}));
      expect(OPERATIONS.map((o) => o.field).sort()).toEqual(fields.sort());
    });
  });

  describe('roles matrix: each operation x each role -> allowed or FORBIDDEN', () => {
    const cases = OPERATIONS.flatMap((op) => ALL_ROLES.map((role) => [op.field, role, op] as const));
    it.each(cases)('%s as %s', async (_field, role, op) => {
      const allowed = op.allowed === 'ANY' || op.allowed.includes(role);
      const code =
        op.transport === 'ws' ? await subscriptionCode(tokens.get(role)!, op.query(), allowed) : (await gql(platform.url, tokens.get(role)!, op.query())).code;
      if (allowed) {
        expect(['FORBIDDEN', 'UNAUTHENTICATED', 'INTERNAL_SERVER_ERROR']).not.toContain(code);
      } else {
        expect(code).toBe('FORBIDDEN');
      }
    });

    /**
     * The error code a subscription start answers over graphql-ws, or undefined while it stays open. A refusal
     * arrives at once; an allowed subscription either errors for another reason (NOT_FOUND) or stays open, which
     * is checked for a moment only.
     */
    async function subscriptionCode(token: string, query: string, expectOpen: boolean): Promise<string | undefined> {
      const client = wsClient(platform.url, token);
      try {
        const sub = subscribe(client, query);
        await sub.ended(expectOpen ? 1000 : 10_000).catch(() => undefined);
        sub.stop();
        return sub.code;
      } finally {
        await client.dispose();
      }
    }
  });

  describe('tenant isolation through the API', () => {
    it("hospital B's admin does not see A's users, service accounts or audit events", async () => {
      const users = await gql<{ hospitalUsers: { edges: { node: { id: string } }[] } }>(
        platform.url,
        tokenB.admin,
        '{ hospitalUsers(first: 100) { edges { node { id } } } }',
      );
      const ids = users.data!.hospitalUsers.edges.map((e) => e.node.id);
      expect(ids).toContain(b.admin.id);
      expect(ids).not.toContain(a.admin.id);
      expect(ids).not.toContain(a.clinician.id);
      const accounts = await gql<{ serviceAccounts: { edges: { node: { id: string } }[] } }>(
        platform.url,
        tokenB.admin,
        '{ serviceAccounts(first: 100) { edges { node { id } } } }',
      );
      expect(accounts.data!.serviceAccounts.edges.map((e) => e.node.id)).toEqual([b.integrator.id]);
      await gql(platform.url, tokenA.admin, `mutation { inviteUser(input: { email: "iso-${tag()}@test.invalid", roles: [CLINICIAN] }) { user { id } } }`);
      const events = await gql<{ auditEvents: { edges: { node: { targetId: string } }[] } }>(
        platform.url,
        tokenB.admin,
        '{ auditEvents(first: 100) { edges { node { targetId } } } }',
      );
      expect(events.errors).toBeUndefined();
      const rows = await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM audit_event WHERE tenant_id = $1`, [a.id]);
      expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      expect(events.data!.auditEvents.edges).toEqual([]);
    });

    it("hospital B's admin cannot change A's user or revoke A's service account: NOT_FOUND, nothing changes", async () => {
      const roles = await gql(platform.url, tokenB.admin, `mutation { setUserRoles(input: { userId: "${a.clinician.id}", roles: [HOSPITAL_ADMIN] }) { id } }`);
      expect(roles.code).toBe('NOT_FOUND');
      const revoke = await gql(platform.url, tokenB.admin, `mutation { revokeServiceAccount(id: "${a.integrator.id}") { id } }`);
      expect(revoke.code).toBe('NOT_FOUND');
      const [m] = await systemQuery<{ roles: string[] }>(`SELECT roles FROM membership WHERE tenant_id = $1 AND user_id = $2`, [a.id, a.clinician.id]);
      expect(m!.roles).toEqual(['CLINICIAN']);
      const [s] = await systemQuery<{ revoked_at: Date | null }>(`SELECT revoked_at FROM service_account WHERE tenant_id = $1 AND id = $2`, [
        a.id,
        a.integrator.id,
      ]);
      expect(s!.revoked_at).toBeNull();
    });

    it("hospital B's admin inviting A's clinician adds them to B only", async () => {
      const res = await gql<{ inviteUser: { user: { id: string; roles: string[] } } }>(
        platform.url,
        tokenB.admin,
        `mutation { inviteUser(input: { email: "${a.clinician.email}", roles: [CLINICIAN] }) { user { id roles } } }`,
      );
      expect(res.data?.inviteUser.user.id).toBe(a.clinician.id);
      const rows = await systemQuery<{ tenant_id: string }>(`SELECT tenant_id FROM membership WHERE user_id = $1 ORDER BY created_at`, [a.clinician.id]);
      expect(rows.map((r) => r.tenant_id).sort()).toEqual([a.id, b.id].sort());
      const me = await gql<{ me: { hospital: { id: string } } }>(platform.url, tokenA.clinician, '{ me { hospital { id } } }');
      expect(me.data?.me.hospital.id).toBe(a.id);
    });
  });

  describe('audit: each mutation writes exactly one event with actor, action and target', () => {
    const count = async (tenantId: string): Promise<number> =>
      Number((await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM audit_event WHERE tenant_id = $1`, [tenantId]))[0]!.n);
    const last = async (tenantId: string) =>
      (
        await systemQuery<{ actor_id: string; actor_type: string; action: string; target_type: string; target_id: string; request_id: string | null }>(
          `SELECT actor_id, actor_type, action, target_type, target_id, request_id FROM audit_event WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1`,
          [tenantId],
        )
      )[0]!;

    it('inviteUser, setUserRoles, createServiceAccount, revokeServiceAccount (hospital admin)', async () => {
      const h = await createTestHospital();
      const admin = (await signInWithPkce(platform.url, h.admin.email, h.admin.password)).accessToken;
      let before = await count(h.id);
      const invited = await gql<{ inviteUser: { user: { id: string } } }>(
        platform.url,
        admin,
        `mutation { inviteUser(input: { email: "a-${tag()}@test.invalid", roles: [CLINICIAN] }) { user { id } } }`,
      );
      const userId = invited.data!.inviteUser.user.id;
      expect(await count(h.id)).toBe(before + 1);
      expect(await last(h.id)).toMatchObject({ actor_id: h.admin.id, actor_type: 'USER', action: 'user.invite', target_type: 'user', target_id: userId });
      expect((await last(h.id)).request_id).toBeTruthy();

      before = await count(h.id);
      await gql(platform.url, admin, `mutation { setUserRoles(input: { userId: "${userId}", roles: [CLINICIAN, HOSPITAL_ADMIN] }) { id } }`);
      expect(await count(h.id)).toBe(before + 1);
      expect(await last(h.id)).toMatchObject({ action: 'user.set_roles', target_id: userId });

      before = await count(h.id);
      const sa = await gql<{ createServiceAccount: { serviceAccount: { id: string }; clientSecret: string } }>(
        platform.url,
        admin,
        'mutation { createServiceAccount(input: { name: "PACS router" }) { serviceAccount { id } clientId clientSecret } }',
      );
      const saId = sa.data!.createServiceAccount.serviceAccount.id;
      expect(await count(h.id)).toBe(before + 1);
      expect(await last(h.id)).toMatchObject({ action: 'service_account.create', target_type: 'service_account', target_id: saId });
      const [stored] = await systemQuery<{ secret_hash: string }>(`SELECT secret_hash FROM service_account WHERE id = $1`, [saId]);
      expect(stored!.secret_hash).not.toContain(sa.data!.createServiceAccount.clientSecret);

      before = await count(h.id);
      await gql(platform.url, admin, `mutation { revokeServiceAccount(id: "${saId}") { id revokedAt } }`);
      expect(await count(h.id)).toBe(before + 1);
      expect(await last(h.id)).toMatchObject({ action: 'service_account.revoke', target_id: saId });

      before = await count(h.id);
      const failed = await gql(platform.url, admin, `mutation { revokeServiceAccount(id: "${saId}") { id } }`);
      expect(failed.code).toBe('CONFLICT');
      expect(await count(h.id)).toBe(before);
    });

    it('createHospital, suspendHospital, reactivateHospital (platform admin)', async () => {
      const pa = tokens.get(Role.PLATFORM_ADMIN)!;
      const slug = `h-${tag()}`;
      const created = await gql<{ createHospital: { id: string } }>(
        platform.url,
        pa,
        `mutation { createHospital(input: { name: "New", slug: "${slug}", adminEmail: "first-${tag()}@test.invalid" }) { id status } }`,
      );
      const id = created.data!.createHospital.id;
      expect(await count(id)).toBe(1);
      expect(await last(id)).toMatchObject({ action: 'hospital.create', target_type: 'hospital', target_id: id });
      const admins = await systemQuery<{ roles: string[] }>(`SELECT roles FROM membership WHERE tenant_id = $1`, [id]);
      expect(admins.map((r) => r.roles)).toEqual([['HOSPITAL_ADMIN']]);
      await gql(platform.url, pa, `mutation { suspendHospital(id: "${id}") { id } }`);
      expect(await count(id)).toBe(2);
      expect(await last(id)).toMatchObject({ action: 'hospital.suspend' });
      await gql(platform.url, pa, `mutation { reactivateHospital(id: "${id}") { id } }`);
      expect(await count(id)).toBe(3);
      const dup = await gql(platform.url, pa, `mutation { createHospital(input: { name: "Dup", slug: "${slug}" }) { id } }`);
      expect(dup.code).toBe('CONFLICT');
      expect(dup.errors?.[0]?.extensions?.['field']).toBe('input.slug');
      expect(Number((await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM hospital WHERE slug = $1`, [slug]))[0]!.n)).toBe(1);
    });

    it("a platform admin's cross-tenant read is recorded on the platform log", async () => {
      const pa = tokens.get(Role.PLATFORM_ADMIN)!;
      const res = await fetch(`${platform.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pa}`, 'x-request-id': `list-${tag()}-hospitals` },
        body: JSON.stringify({ query: '{ hospitals(first: 3) { edges { node { id } } } }' }),
      });
      const requestId = res.headers.get('x-request-id');
      const rows = await systemQuery<{ action: string; actor_type: string }>(`SELECT action, actor_type FROM platform_audit_event WHERE request_id = $1`, [
        requestId,
      ]);
      expect(rows).toEqual([{ action: 'hospital.list', actor_type: 'USER' }]);
    });

    it('a hospital admin cannot remove their own admin role', async () => {
      const h = await createTestHospital();
      const admin = (await signInWithPkce(platform.url, h.admin.email, h.admin.password)).accessToken;
      const res = await gql(platform.url, admin, `mutation { setUserRoles(input: { userId: "${h.admin.id}", roles: [CLINICIAN] }) { id } }`);
      expect(res.code).toBe('FORBIDDEN');
    });
  });

  describe('paging', () => {
    it('walks a connection page by page with cursors', async () => {
      const h = await createTestHospital();
      const admin = (await signInWithPkce(platform.url, h.admin.email, h.admin.password)).accessToken;
      for (let i = 0; i < 3; i++)
        await gql(platform.url, admin, `mutation { inviteUser(input: { email: "p${i}-${tag()}@test.invalid", roles: [CLINICIAN] }) { user { id } } }`);
      const seen: string[] = [];
      let after: string | null = null;
      for (let page = 0; page < 10; page++) {
        const res: Awaited<
          ReturnType<typeof gql<{ hospitalUsers: { edges: { node: { email: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>>
        > = await gql(
          platform.url,
          admin,
          'query($after: String) { hospitalUsers(first: 2, after: $after) { edges { node { email } } pageInfo { hasNextPage endCursor } } }',
          { after },
        );
        expect(res.errors).toBeUndefined();
        const conn = res.data!.hospitalUsers;
        seen.push(...conn.edges.map((e) => e.node.email));
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      expect(seen).toHaveLength(5);
      expect([...seen].sort()).toEqual(seen);
      expect(new Set(seen).size).toBe(5);
    });
  });
});
