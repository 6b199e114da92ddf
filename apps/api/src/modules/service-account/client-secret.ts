import { randomBytes } from 'node:crypto';

export { hashClientSecret } from '@cruciate/db';

export function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function newClientId(hospitalSlug: string): string {
  return `sa-${hospitalSlug}-${randomBytes(6).toString('hex')}`;
}
