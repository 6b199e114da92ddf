import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, type JWK } from 'jose';

export interface ProviderSecrets {
  /** Private signing keys (JWKS) of the built-in provider. */
  readonly jwks: { keys: JWK[] };
  /** Keys that sign the provider's cookies. */
  readonly cookieKeys: string[];
}

/**
 * Loads the built-in provider's signing key and cookie keys from DATA_DIR/oidc, creating them on first
 * start, so tokens stay valid across restarts. The file is readable by its owner only.
 */
export async function loadProviderSecrets(dataDir: string): Promise<ProviderSecrets> {
  const dir = path.join(dataDir, 'oidc');
  const file = path.join(dir, 'provider-secrets.json');
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  if (exists) return JSON.parse(await readFile(file, 'utf8')) as ProviderSecrets;
  const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(privateKey);
  const secrets: ProviderSecrets = {
    jwks: { keys: [{ ...jwk, kid: `cruciate-${randomBytes(6).toString('hex')}`, alg: 'RS256', use: 'sig' }] },
    cookieKeys: [randomBytes(32).toString('base64url')],
  };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
