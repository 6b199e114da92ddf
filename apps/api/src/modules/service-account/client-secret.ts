import { createHash, randomBytes } from 'node:crypto';

/** Client secrets are high-entropy random strings; only their SHA-256 is stored. */
export function hashClientSecret(secret: string): string {
  return `sha256:${createHash('sha256').update(secret, 'utf8').digest('hex')}`;
}

export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newClientId(hospitalSlug: string): string {
  return `sa-${hospitalSlug}-${randomBytes(6).toString('hex')}`;
}
