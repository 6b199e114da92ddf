import type { Role } from '../gql/graphql.js';

/** Roles a hospital admin can give within the hospital (PLATFORM_ADMIN is not a hospital role). */
export const HOSPITAL_ROLES: readonly Role[] = ['CLINICIAN', 'HOSPITAL_ADMIN', 'INTEGRATOR'];

export const ROLE_LABELS: Record<Role, string> = {
  CLINICIAN: 'Clinician',
  HOSPITAL_ADMIN: 'Hospital admin',
  INTEGRATOR: 'Integrator',
  PLATFORM_ADMIN: 'Platform admin',
};

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
