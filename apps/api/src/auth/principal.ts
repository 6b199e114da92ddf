import type { Role } from '@cruciate/contracts';

/** Who is calling: a person or a service account, with the hospital and roles in force for this request. */
export interface Principal {
  readonly kind: 'USER' | 'SERVICE_ACCOUNT';
  /** app_user.id or service_account.id */
  readonly id: string;
  /** Token subject (`sub`). */
  readonly subject: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly roles: readonly Role[];
  /** Hospital in force; null only for a platform admin acting outside any hospital. */
  readonly tenantId: string | null;
  readonly hospitalSlug: string | null;
}

/** A principal that acts inside a hospital. */
export interface TenantPrincipal extends Principal {
  readonly tenantId: string;
}

export function hasRole(p: Principal, role: Role): boolean {
  return p.roles.includes(role);
}
