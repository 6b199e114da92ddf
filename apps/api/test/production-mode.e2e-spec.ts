import { Writable } from 'node:stream';
import { createTestHospital, gql, signInWithPkce, type TestHospital } from '@cruciate/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

/**
 * Production shape: the API trusts an external issuer (here another Cruciate's built-in provider stands in
 * for Keycloak), mounts no provider of its own, turns introspection off, and logs JSON lines with the
 * request id, tenant and user.
 */
describe('production mode with an external OpenID issuer', () => {
  let issuer: Platform;
  let api: Platform;
  let hospital: TestHospital;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    issuer = await startTestPlatform();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const logger = pino({ level: 'info', mixin: () => ({}) }, sink);
    api = await startTestPlatform(
      { NODE_ENV: 'production', OIDC_ISSUER_URL: issuer.config.issuerUrl, LOG_LEVEL: 'info', PATIENT_KEY_SECRET: 'production-test-patient-key' },
      logger,
    );
    hospital = await createTestHospital();
  });
  afterAll(async () => {
    await api?.close();
    await issuer?.close();
  });

  it('accepts tokens of the configured issuer', async () => {
    const { accessToken } = await signInWithPkce(issuer.url, hospital.clinician.email, hospital.clinician.password);
    const res = await gql<{ me: { id: string } }>(api.url, accessToken, '{ me { id } }');
    expect(res.data?.me.id).toBe(hospital.clinician.id);
  });

  it('does not mount its own provider', async () => {
    const res = await fetch(`${api.url}/oidc/.well-known/openid-configuration`);
    expect(res.status).toBe(404);
  });

  it('rejects introspection', async () => {
    const { accessToken } = await signInWithPkce(issuer.url, hospital.admin.email, hospital.admin.password);
    const res = await gql(api.url, accessToken, '{ __schema { types { name } } }');
    expect(res.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('logs one JSON line per request with request id, tenant and user, and never the token', async () => {
    const { accessToken } = await signInWithPkce(issuer.url, hospital.admin.email, hospital.admin.password);
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, 'x-request-id': 'test-request-0001' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('test-request-0001');
    await new Promise((r) => setTimeout(r, 50));
    const line = lines.find((l) => l['msg'] === 'request' && l['requestId'] === 'test-request-0001');
    expect(line).toMatchObject({ method: 'POST', path: '/graphql', status: 200, tenantId: hospital.id, userId: hospital.admin.id });
    expect(JSON.stringify(lines)).not.toContain(accessToken);
  });
});
