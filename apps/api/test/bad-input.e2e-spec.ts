import { randomBytes } from 'node:crypto';
import { createTestHospital, gql, signInWithPkce, systemQuery, type TestHospital } from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

describe('bad input gets a specific error and the server keeps serving', () => {
  let platform: Platform;
  let h: TestHospital;
  let admin: string;

  beforeAll(async () => {
    // Small limits so that the schema's real queries can exceed them.
    platform = await startTestPlatform({ GRAPHQL_MAX_DEPTH: '3', GRAPHQL_MAX_COMPLEXITY: '60', BODY_LIMIT: '4kb' });
    h = await createTestHospital();
    admin = (await signInWithPkce(platform.url, h.admin.email, h.admin.password)).accessToken;
  });
  afterAll(async () => platform?.close());

  async function stillServing(): Promise<void> {
    const res = await gql<{ me: { id: string } }>(platform.url, admin, '{ me { id } }');
    expect(res.data?.me.id).toBe(h.admin.id);
  }

  it('malformed GraphQL -> GRAPHQL_PARSE_FAILED (HTTP 400)', async () => {
    const res = await gql(platform.url, admin, '{ me { id ');
    expect(res.status).toBe(400);
    expect(res.code).toBe('GRAPHQL_PARSE_FAILED');
    await stillServing();
  });

  it('a field that does not exist -> GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await gql(platform.url, admin, '{ me { passwordHash } }');
    expect(res.code).toBe('GRAPHQL_VALIDATION_FAILED');
    await stillServing();
  });

  it('over-deep query -> QUERY_TOO_DEEP, also through fragments', async () => {
    const direct = await gql(platform.url, admin, '{ hospitalUsers { edges { node { id } } } }');
    expect(direct.code).toBe('QUERY_TOO_DEEP');
    expect(direct.status).toBe(400);
    const viaFragment = await gql(platform.url, admin, 'query { hospitalUsers { ...E } } fragment E on HospitalUserConnection { edges { node { id } } }');
    expect(viaFragment.code).toBe('QUERY_TOO_DEEP');
    const shallow = await gql(platform.url, admin, '{ me { hospital { id } } }');
    expect(shallow.errors).toBeUndefined();
    await stillServing();
  });

  it('over-complex query -> QUERY_TOO_COMPLEX', async () => {
    const res = await gql(
      platform.url,
      admin,
      '{ a: serviceAccounts(first: 100) { pageInfo { hasNextPage } } b: serviceAccounts(first: 100) { pageInfo { hasNextPage } } }',
    );
    expect(res.code).toBe('QUERY_TOO_COMPLEX');
    expect(res.status).toBe(400);
    const small = await gql(platform.url, admin, '{ serviceAccounts(first: 2) { pageInfo { hasNextPage } } }');
    expect(small.errors).toBeUndefined();
    await stillServing();
  });

  it('page size over the cap -> BAD_USER_INPUT naming the argument', async () => {
    const res = await gql(platform.url, admin, '{ serviceAccounts(first: 101) { pageInfo { hasNextPage } } }');
    expect(res.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.['field']).toBe('first');
    const zero = await gql(platform.url, admin, '{ serviceAccounts(first: 0) { pageInfo { hasNextPage } } }');
    expect(zero.code).toBe('BAD_USER_INPUT');
    await stillServing();
  });

  it('unknown enum value -> validation error (literal) or BAD_USER_INPUT (variable); nothing stored', async () => {
    const email = `enum-${randomBytes(3).toString('hex')}@test.invalid`;
    const literal = await gql(platform.url, admin, `mutation { inviteUser(input: { email: "${email}", roles: [SURGEON] }) { user { id } } }`);
    expect(literal.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const variable = await gql(platform.url, admin, 'mutation($i: InviteUserInput!) { inviteUser(input: $i) { user { id } } }', {
      i: { email, roles: ['SURGEON'] },
    });
    expect(variable.code).toBe('BAD_USER_INPUT');
    expect(await systemQuery(`SELECT 1 FROM app_user WHERE email = $1`, [email])).toHaveLength(0);
    await stillServing();
  });

  it('invalid input values -> BAD_USER_INPUT with the field; nothing stored', async () => {
    const res = await gql(platform.url, admin, 'mutation { inviteUser(input: { email: "not-an-email", roles: [CLINICIAN] }) { user { id } } }');
    expect(res.code).toBe('BAD_USER_INPUT');
    expect(res.errors?.[0]?.extensions?.['field']).toBe('email');
    const grant = await gql(
      platform.url,
      admin,
      `mutation { inviteUser(input: { email: "pa-${randomBytes(3).toString('hex')}@test.invalid", roles: [PLATFORM_ADMIN] }) { user { id } } }`,
    );
    expect(grant.code).toBe('BAD_USER_INPUT');
    expect(grant.errors?.[0]?.extensions?.['reason']).toBe('INVALID_ROLES');
    const notUuid = await gql(platform.url, admin, 'mutation { setUserRoles(input: { userId: "42", roles: [CLINICIAN] }) { id } }');
    expect(notUuid.code).toBe('BAD_USER_INPUT');
    const cursor = await gql(platform.url, admin, '{ auditEvents(after: "bm90LWEtY3Vyc29y") { pageInfo { hasNextPage } } }');
    expect(cursor.code).toBe('BAD_USER_INPUT');
    await stillServing();
  });

  it('oversize body -> HTTP 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(8 * 1024)}` }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
    await stillServing();
  });

  it('a body that is not JSON -> HTTP 400 BAD_REQUEST', async () => {
    const res = await fetch(`${platform.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: '{"query": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('BAD_REQUEST');
    await stillServing();
  });

  it('responses carry security headers and a request id', async () => {
    const res = await fetch(`${platform.url}/health/live`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/health/ready checks the database', async () => {
    const res = await fetch(`${platform.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });
});
