import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { AuthError } from './auth.errors.js';

export interface TokenVerifierOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly algorithms: readonly string[];
  readonly clockToleranceSeconds: number;
}

/**
 * Verifies OIDC access tokens (JWT) against the issuer's JWKS, found through its discovery document.
 * The same code serves Keycloak and the built-in provider.
 */
export class TokenVerifier {
  private jwks: Promise<JWTVerifyGetKey> | null = null;

  constructor(private readonly options: TokenVerifierOptions) {}

  async verify(token: string): Promise<JWTPayload> {
    const jwks = await this.keySet();
    try {
      const { payload } = await jwtVerify(token, jwks, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: [...this.options.algorithms],
        clockTolerance: this.options.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub', 'iat'],
      });
      return payload;
    } catch (err) {
      throw new AuthError('UNAUTHENTICATED', describe(err));
    }
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    if (!this.jwks) {
      this.jwks = this.discover().catch((err: unknown) => {
        this.jwks = null; // try again on the next request
        throw err;
      });
    }
    return this.jwks;
  }

  private async discover(): Promise<JWTVerifyGetKey> {
    const url = `${this.options.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) throw new Error(`OIDC discovery at ${url} answered ${res.status}`);
    const doc = (await res.json()) as { issuer?: string; jwks_uri?: string };
    if (doc.issuer !== this.options.issuer) throw new Error(`OIDC discovery issuer ${String(doc.issuer)} differs from ${this.options.issuer}`);
    if (!doc.jwks_uri) throw new Error('OIDC discovery document has no jwks_uri');
    return createRemoteJWKSet(new URL(doc.jwks_uri), { timeoutDuration: 5000, cooldownDuration: 30_000 });
  }
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${err.claim}" invalid (${err.reason})`;
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'token signed with an unknown key';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (err instanceof joseErrors.JWSInvalid || err instanceof joseErrors.JWTInvalid) return 'token malformed';
  if (err instanceof joseErrors.JOSEError) return `token rejected (${err.code})`;
  return 'token could not be verified';
}
