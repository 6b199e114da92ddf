import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { clientCredentialsToken, createTestHospital, gql, signInWithPkce, type TestHospital } from '@cruciate/testing';
import { decodeJwt, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

const ME = '{ me { id kind email roles hospital { id slug } } }';

describe('identity: real tokens from the built-in provider, verified with jose against its JWKS', () => {
  let platform: Platform;
  let hospital: TestHospital;
  let signingKey: { jwk: JWK; kid: string };

  beforeAll(async () => {
    platform = await startTestPlatform();
    hospital = await createTestHospital();
    const secrets = JSON.parse(await readFile(path.join(platform.config.DATA_DIR, 'oidc', 'provider-secrets.json'), 'utf8')) as { jwks: { keys: JWK[] } };
    const jwk = secrets.jwks.keys[0]!;
    signingKey = { jwk, kid: jwk.kid! };
  });
  afterAll(async () => platform?.close());

  /** Signs claims with the provider's own private key, so only the claims can be wrong. */
  async function forge(claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
    const key = await importJWK(signingKey.jwk, 'RS256');
    const now = Math.floor(Date.now() / 1000);
    const payload: JWTPayload = {
      iss: platform.config.issuerUrl,
      aud: 'cruciate-api',
      sub: hospital.clinician.id,
      iat: now,
      exp: now + 600,
      hospital: hospital.slug,
      roles: ['CLINICIAN'],
      email: hospital.clinician.email,
      ...claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: signingKey.kid, ...header }).sign(key);
  }

  it('a person signs in with Authorization Code + PKCE through the real sign-in page and calls the API', async () => {
    const signIn = await signInWithPkce(platform.url, hospital.clinician.email, hospital.clinician.password);
    expect(signIn.loginPageHtml).toContain('<form');
    const claims = decodeJwt(signIn.accessToken);
    expect(claims.aud).toBe('cruciate-api');
    expect(claims['hospital']).toBe(hospital.slug);
    expect(claims['roles']).toEqual(['CLINICIAN']);
    const res = await gql<{ me: { id: string; kind: string; roles: string[]; hospital: { slug: string } } }>(platform.url, signIn.accessToken, ME);
    expect(res.errors).toBeUndefined();
    expect(res.data?.me).toMatchObject({ id: hospital.clinician.id, kind: 'USER', roles: ['CLINICIAN'], hospital: { slug: hospital.slug } });
  });

  it('a wrong password is refused on the sign-in page', async () => {
    await expect(signInWithPkce(platform.url, hospital.clinician.email, 'not-the-password')).rejects.toThrow(/wrong email or password/);
  });

  it('a service account gets a token with client_credentials and acts as INTEGRATOR of its hospital', async () => {
    const token = await clientCredentialsToken(platform.url, hospital.integrator.clientId, hospital.integrator.secret);
    const res = await gql<{ me: { kind: string; roles: string[]; hospital: { id: string } } }>(platform.url, token, ME);
    expect(res.data?.me).toMatchObject({ kind: 'SERVICE_ACCOUNT', roles: ['INTEGRATOR'], hospital: { id: hospital.id } });
  });

  it('a wrong client secret gets no token', async () => {
    await expect(clientCredentialsToken(platform.url, hospital.integrator.clientId, 'wrong')).rejects.toThrow(/invalid_client/);
  });

  it('a token forged with the right key and valid claims is accepted (control for the cases below)', async () => {
    const res = await gql(platform.url, await forge({}), ME);
    expect(res.errors).toBeUndefined();
  });

  it('a Keycloak-shaped service-account token (azp + service-account-<client> user) is the service account', async () => {
    const token = await forge({
      sub: '5b1f0c1e-0000-4000-8000-000000000001',
      azp: hospital.integrator.clientId,
      preferred_username: `service-account-${hospital.integrator.clientId}`,
      roles: ['INTEGRATOR'],
      email: undefined,
    });
    const res = await gql<{ me: { kind: string; id: string } }>(platform.url, token, '{ me { kind id } }');
    expect(res.data?.me).toEqual({ kind: 'SERVICE_ACCOUNT', id: hospital.integrator.id });
  });

  it("a revoked service account's client cannot get a token", async () => {
    const other = await createTestHospital();
    const { systemQuery } = await import('@cruciate/testing');
    await systemQuery(`UPDATE service_account SET revoked_at = now() WHERE id = $1`, [other.integrator.id]);
    await expect(clientCredentialsToken(platform.url, other.integrator.clientId, other.integrator.secret)).rejects.toThrow(/invalid_client/);
  });

  const now = () => Math.floor(Date.now() / 1000);
  const rejected: [string, () => Promise<string>][] = [
    ['expired', () => forge({ exp: now() - 600, iat: now() - 1200 })],
    ['not yet valid (nbf in the future)', () => forge({ nbf: now() + 600 })],
    ['wrong issuer', async () => forge({ iss: 'http://127.0.0.1:1/oidc' })],
    ['wrong audience', () => forge({ aud: 'someone-else' })],
    ['missing tenant claim', () => forge({ hospital: undefined })],
    ['unknown hospital in the tenant claim', () => forge({ hospital: 'no-such-hospital' })],
    [
      'alg none',
      () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return Promise.resolve(
          `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ sub: hospital.clinician.id, iss: platform.config.issuerUrl, aud: 'cruciate-api', exp: now() + 600, iat: now(), hospital: hospital.slug })}.`,
        );
      },
    ],
    [
      'HS256 signed with the public key',
      async () => {
        const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = signingKey.jwk;
        const secret = new TextEncoder().encode(JSON.stringify(publicJwk));
        return new SignJWT({ hospital: hospital.slug })
          .setProtectedHeader({ alg: 'HS256', kid: signingKey.kid })
          .setIssuer(platform.config.issuerUrl)
          .setAudience('cruciate-api')
          .setSubject(hospital.clinician.id)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(secret);
      },
    ],
    [
      'tampered payload',
      async () => {
        const [h, p, s] = (await forge({})).split('.');
        const payload = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
        payload['roles'] = ['PLATFORM_ADMIN'];
        return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
      },
    ],
    [
      'unknown kid (a key the issuer never published)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256', { extractable: true });
        const jwk = await exportJWK(privateKey);
        return new SignJWT({ hospital: hospital.slug })
          .setProtectedHeader({ alg: 'RS256', kid: 'attacker-key' })
          .setIssuer(platform.config.issuerUrl)
          .setAudience('cruciate-api')
          .setSubject(hospital.clinician.id)
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(await importJWK(jwk, 'RS256'));
      },
    ],
    ['garbage', () => Promise.resolve('not.a.jwt')],
  ];

  it.each(rejected)('%s -> UNAUTHENTICATED, and the server keeps serving', async (_name, make) => {
    const res = await gql(platform.url, await make(), ME);
    expect(res.code).toBe('UNAUTHENTICATED');
    expect(res.data?.['me'] ?? null).toBeNull();
    const health = await fetch(`${platform.url}/health/live`);
    expect(health.status).toBe(200);
  });

  it('no token -> UNAUTHENTICATED', async () => {
    const res = await gql(platform.url, null, ME);
    expect(res.code).toBe('UNAUTHENTICATED');
  });

  it('a suspended hospital’s users are refused', async () => {
    const other = await createTestHospital();
    const token = (await signInWithPkce(platform.url, other.clinician.email, other.clinician.password)).accessToken;
    expect((await gql(platform.url, token, ME)).errors).toBeUndefined();
    const { systemQuery } = await import('@cruciate/testing');
    await systemQuery(`UPDATE hospital SET status = 'SUSPENDED' WHERE id = $1`, [other.id]);
    const res = await gql(platform.url, token, ME);
    expect(res.code).toBe('FORBIDDEN');
  });
});
