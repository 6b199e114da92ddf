import type { Role } from '../gql/graphql.js';

export interface NavItem {
  readonly to: string;
  readonly label: string;
  /** Any of these roles sees the item (and may open the page). */
  readonly roles: readonly Role[];
}

/** The portal's pages and who may use them (mirrors the API's role declarations). */
export const NAV_ITEMS: readonly NavItem[] = [
  { to: '/', label: 'Worklist', roles: ['CLINICIAN'] },
  { to: '/upload', label: 'Upload', roles: ['CLINICIAN', 'HOSPITAL_ADMIN', 'INTEGRATOR'] },
  { to: '/admin', label: 'Hospital admin', roles: ['HOSPITAL_ADMIN'] },
  { to: '/platform', label: 'Platform', roles: ['PLATFORM_ADMIN'] },
];

export function navItemsFor(roles: readonly Role[]): NavItem[] {
  return NAV_ITEMS.filter((item) => item.roles.some((r) => roles.includes(r)));
}
