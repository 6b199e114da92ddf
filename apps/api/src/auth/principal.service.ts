import { Inject, Injectable } from '@nestjs/common';
import type { ApiConfig } from '@cruciate/config';
import { HospitalStatus, isRole, Role } from '@cruciate/contracts';
import type { JWTPayload } from 'jose';
import { API_CONFIG } from '../config.token.js';
import { Db } from '../database/db.js';
import { HospitalRepository } from '../modules/hospital/hospital.repository.js';
import { ServiceAccountRepository } from '../modules/service-account/service-account.repository.js';
import { UserRepository } from '../modules/user/user.repository.js';
import { AuthError } from './auth.errors.js';
import type { Principal } from './principal.js';
import { TokenVerifier } from './token-verifier.js';

/** Reads a claim by dotted path (`realm_access.roles`). */
export function claimAt(payload: JWTPayload, path: string): unknown {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/**
 * Turns a verified access token into a Principal: a service account (client_credentials token of a
 * registered account) or a person (matched by subject, or on first sign-in by verified email).
 * Hospital roles come from the membership table, which hospital admins manage; PLATFORM_ADMIN comes
 * from the identity provider's roles claim.
 */
@Injectable()
export class PrincipalService {
  private readonly verifier: TokenVerifier;

  constructor(
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly db: Db,
    private readonly hospitals: HospitalRepository,
    private readonly users: UserRepository,
    private readonly accounts: ServiceAccountRepository,
  ) {
    this.verifier = new TokenVerifier({
      issuer: config.issuerUrl,
      audience: config.OIDC_AUDIENCE,
      algorithms: config.OIDC_ALGORITHMS,
      clockToleranceSeconds: config.OIDC_CLOCK_TOLERANCE_S,
    });
  }

  /** Authenticates an `Authorization` header value. */
  async fromAuthorizationHeader(header: string | undefined): Promise<Principal> {
    if (!header) throw new AuthError('UNAUTHENTICATED', 'missing bearer token');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(header.trim());
    if (!match?.[1]) throw new AuthError('UNAUTHENTICATED', 'authorization header must be "Bearer <token>"');
    const payload = await this.verifier.verify(match[1]);
    return this.fromClaims(payload);
  }

  async fromClaims(payload: JWTPayload): Promise<Principal> {
    const tokenRoles = toStringArray(claimAt(payload, this.config.OIDC_ROLES_CLAIM));
    const isPlatformAdmin = tokenRoles.includes(Role.PLATFORM_ADMIN);
    const tenantClaim = claimAt(payload, this.config.OIDC_TENANT_CLAIM);
    const slug = typeof tenantClaim === 'string' && tenantClaim.length > 0 ? tenantClaim : null;
    const clientId = stringClaim(payload, 'client_id') ?? stringClaim(payload, 'azp');

    return this.db.forSystem('resolve the principal of an access token', async () => {
      const hospital = slug ? await this.hospitals.findBySlug(slug) : null;
      if (slug && !hospital) throw new AuthError('UNAUTHENTICATED', 'token names an unknown hospital');
      if (hospital && hospital.status === HospitalStatus.SUSPENDED) throw new AuthError('HOSPITAL_SUSPENDED', 'hospital is suspended');

      const account = clientId?.startsWith('sa-') ? await this.accounts.findActiveByClientId(clientId) : null;
      if (account && isServiceAccountToken(payload, clientId ?? '')) {
        if (!hospital) throw new AuthError('NO_HOSPITAL', 'token has no hospital claim');
        if (hospital.id !== account.tenantId) throw new AuthError('UNAUTHENTICATED', 'token hospital does not match the service account');
        return {
          kind: 'SERVICE_ACCOUNT',
          id: account.id,
          subject: payload.sub ?? account.clientId,
          displayName: account.name,
          email: null,
          roles: account.roles.filter(isRole),
          tenantId: account.tenantId,
          hospitalSlug: hospital.slug,
        };
      }

      const sub = payload.sub;
      if (!sub) throw new AuthError('UNAUTHENTICATED', 'token has no subject');
      if (!hospital && !isPlatformAdmin) throw new AuthError('NO_HOSPITAL', 'token has no hospital claim');

      const email = stringClaim(payload, 'email')?.toLowerCase() ?? null;
      let user = await this.users.findBySubject(sub);
      if (!user && email && payload.email_verified !== false) {
        const invited = await this.users.findByEmail(email);
        if (invited && invited.subject === null) {
          await this.users.bindSubject(invited.id, sub);
          user = await this.users.findById(invited.id);
        }
      }
      if (!user) {
        if (!email) throw new AuthError('UNAUTHENTICATED', 'unknown subject and no email claim');
        const name = stringClaim(payload, 'name') ?? stringClaim(payload, 'preferred_username') ?? email;
        user = await this.users.insertUser({ email, displayName: name, subject: sub, isPlatformAdmin: false });
        if (user.subject !== sub) throw new AuthError('UNAUTHENTICATED', 'email belongs to another identity');
      }
      const membership = hospital ? await this.users.findMembership(hospital.id, user.id) : null;
      const roles: Role[] = (membership?.roles ?? []).filter(isRole);
      if (isPlatformAdmin) roles.push(Role.PLATFORM_ADMIN);
      return {
        kind: 'USER',
        id: user.id,
        subject: sub,
        displayName: user.displayName,
        email: user.email,
        roles,
        tenantId: hospital?.id ?? null,
        hospitalSlug: hospital?.slug ?? null,
      };
    });
  }
}

function stringClaim(payload: JWTPayload, name: string): string | null {
  const v = payload[name];
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function toStringArray(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** A client_credentials token: the subject is the client itself (built-in provider / RFC 9068) or Keycloak's service-account user. */
function isServiceAccountToken(payload: JWTPayload, clientId: string): boolean {
  if (payload.sub === undefined || payload.sub === clientId) return true;
  return stringClaim(payload, 'preferred_username') === `service-account-${clientId}`;
}
