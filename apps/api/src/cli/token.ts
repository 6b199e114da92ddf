import 'reflect-metadata';
import path from 'node:path';
import { loadApiConfig } from '@cruciate/config';
import { embeddedAppUrl } from '@cruciate/db';
import { importJWK, SignJWT, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { createLogger } from '../common/logger.js';
import { Db } from '../database/db.js';
import { ENTITIES } from '../database/entities.js';
import { HospitalRepository } from '../modules/hospital/hospital.repository.js';
import { ServiceAccountRepository } from '../modules/service-account/service-account.repository.js';
import { UserRepository } from '../modules/user/user.repository.js';
import { OidcProviderService } from '../oidc/oidc-provider.service.js';
import { loadProviderSecrets } from '../oidc/keys.js';

/**
 * `npm run token -- <email>`: prints an access token for a user of the embedded platform (for curl and
 * scripts), signed with the built-in provider's key and carrying the same claims it issues. Embedded
 * mode only: refuses when a production issuer (OIDC_ISSUER_URL) or an external database is configured.
 */
async function main(): Promise<void> {
  const email = process.argv[2]?.trim().toLowerCase();
  if (!email) fail('usage: npm run token -- <email>   (e.g. clinician@general.test)');
  const config = loadApiConfig();
  if (!config.isBuiltInIssuer) fail('refusing: OIDC_ISSUER_URL is set, so tokens come from that issuer (get one there)');
  if (!config.isEmbeddedDatabase) fail('refusing: npm run token works on the embedded platform only (DATABASE_URL is set)');
  if (config.NODE_ENV === 'production') fail('refusing: NODE_ENV=production');

  const url = await embeddedAppUrl({ dataDir: path.join(config.DATA_DIR, 'postgres'), port: config.EMBEDDED_PG_PORT, appRole: config.DATABASE_APP_ROLE });
  if (!url) fail(`no embedded database in ${config.DATA_DIR}: run npm start first`);
  const dataSource = new DataSource({ type: 'postgres', url, entities: ENTITIES, logging: false, extra: { max: 1, connectionTimeoutMillis: 3000 } });
  await dataSource
    .initialize()
    .catch(() => fail(`the embedded database is not running on 127.0.0.1:${config.EMBEDDED_PG_PORT}: start the platform with npm start`));
  try {
    const db = new Db(dataSource);
    const users = new UserRepository(db);
    const provider = new OidcProviderService(config, createLogger('silent'), db, users, new HospitalRepository(db), new ServiceAccountRepository(db));
    const user = await db.forSystem('npm run token looks up a user', () => users.findByEmail(email));
    if (!user) fail(`no user ${email}`);
    const claims = await provider.userTokenClaims(user.id);
    if (!claims) fail(`no user ${email}`);
    const secrets = await loadProviderSecrets(config.DATA_DIR);
    const jwk = secrets.jwks.keys[0] as JWK;
    const payload: Record<string, unknown> = { roles: claims.roles, email: claims.email, name: claims.name, client_id: config.OIDC_WEB_CLIENT_ID };
    if (claims.hospital) payload[config.OIDC_TENANT_CLAIM] = claims.hospital;
    const token = await new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid! })
      .setIssuer(config.issuerUrl)
      .setAudience(config.OIDC_AUDIENCE)
      .setSubject(user.subject ?? user.id)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importJWK(jwk, 'RS256'));
    process.stdout.write(`${token}\n`);
  } finally {
    await dataSource.destroy();
  }
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

await main();
