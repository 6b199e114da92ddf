import { describe, expect, it } from 'vitest';
import { claimAt } from './principal.service.js';

describe('claimAt', () => {
  it('reads flat and dotted (Keycloak realm_access.roles) claims', () => {
    const payload = { roles: ['CLINICIAN'], realm_access: { roles: ['HOSPITAL_ADMIN'] }, hospital: 'general' };
    expect(claimAt(payload, 'roles')).toEqual(['CLINICIAN']);
    expect(claimAt(payload, 'realm_access.roles')).toEqual(['HOSPITAL_ADMIN']);
    expect(claimAt(payload, 'hospital')).toBe('general');
  });
  it('answers undefined for missing paths and through non-objects', () => {
    expect(claimAt({}, 'realm_access.roles')).toBeUndefined();
    expect(claimAt({ realm_access: 'x' }, 'realm_access.roles')).toBeUndefined();
  });
});
