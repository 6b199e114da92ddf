import { Role } from '@cruciate/contracts';
import type { Db } from '../database/db.js';
import { hashPassword } from '@cruciate/db';
import { HospitalRepository } from '../modules/hospital/hospital.repository.js';
import { hashClientSecret } from '../modules/service-account/client-secret.js';
import { ServiceAccountRepository } from '../modules/service-account/service-account.repository.js';
import { UserRepository } from '../modules/user/user.repository.js';

/** Documented demo data of the embedded default (README "Demo data"); scripts and tests rely on it. */
export const DEMO_PASSWORD = 'cruciate-demo';

export const DEMO_HOSPITALS = [
  { slug: 'general', name: 'General Hospital', aeTitle: 'GENERAL' },
  { slug: 'north', name: 'North Clinic', aeTitle: 'NORTH' },
] as const;

export const DEMO_USERS = [
  { email: 'admin@cruciate.test', displayName: 'Platform Admin', hospital: null, roles: [], isPlatformAdmin: true },
  { email: 'admin@general.test', displayName: 'General Admin', hospital: 'general', roles: [Role.HOSPITAL_ADMIN], isPlatformAdmin: false },
  { email: 'admin@north.test', displayName: 'North Admin', hospital: 'north', roles: [Role.HOSPITAL_ADMIN], isPlatformAdmin: false },
  { email: 'clinician@general.test', displayName: 'Dr. General', hospital: 'general', roles: [Role.CLINICIAN], isPlatformAdmin: false },
  { email: 'clinician@north.test', displayName: 'Dr. North', hospital: 'north', roles: [Role.CLINICIAN], isPlatformAdmin: false },
] as const;

export const DEMO_SERVICE_ACCOUNTS = [
  { hospital: 'general', clientId: 'sa-general-integrator', secret: 'general-integrator-demo-secret', name: 'General integrator (demo)' },
  { hospital: 'north', clientId: 'sa-north-integrator', secret: 'north-integrator-demo-secret', name: 'North integrator (demo)' },
] as const;

export interface SeedResult {
  readonly created: boolean;
}

/** Idempotent: creates what is missing, changes nothing that exists. */
export async function seedDemoData(db: Db): Promise<SeedResult> {
  const hospitals = new HospitalRepository(db);
  const users = new UserRepository(db);
  const accounts = new ServiceAccountRepository(db);
  return db.forSystem('seed the embedded demo data', async () => {
    if (await hospitals.findBySlug('general')) return { created: false };
    const ids = new Map<string, string>();
    for (const h of DEMO_HOSPITALS) {
      const row = await hospitals.insert({ name: h.name, slug: h.slug, aeTitle: h.aeTitle });
      ids.set(h.slug, row.id);
    }
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const u of DEMO_USERS) {
      const user = await users.insertUser({ email: u.email, displayName: u.displayName, subject: null, isPlatformAdmin: u.isPlatformAdmin });
      // The built-in provider's subject is the user id.
      await users.bindSubject(user.id, user.id);
      await users.setCredential(user.id, passwordHash);
      if (u.hospital) await users.insertMembership(ids.get(u.hospital)!, user.id, u.roles);
    }
    for (const sa of DEMO_SERVICE_ACCOUNTS) {
      await accounts.insert({
        tenantId: ids.get(sa.hospital)!,
        clientId: sa.clientId,
        name: sa.name,
        secretHash: hashClientSecret(sa.secret),
        createdBy: null,
      });
    }
    return { created: true };
  });
}
