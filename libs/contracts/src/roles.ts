/** Roles a principal can hold. PLATFORM_ADMIN is platform-wide; the others hold within one hospital. */
export enum Role {
  PLATFORM_ADMIN = 'PLATFORM_ADMIN',
  HOSPITAL_ADMIN = 'HOSPITAL_ADMIN',
  CLINICIAN = 'CLINICIAN',
  INTEGRATOR = 'INTEGRATOR',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

/** Roles that a hospital admin may grant inside a hospital. */
export const HOSPITAL_ROLES: readonly Role[] = [Role.HOSPITAL_ADMIN, Role.CLINICIAN, Role.INTEGRATOR];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
}
