import { randomBytes } from 'node:crypto';
import { Role } from '@cruciate/contracts';
import { hashClientSecret, hashPassword, withClient } from '@cruciate/db';
import type pg from 'pg';
import { testDatabase } from './test-database.js';

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly roles: readonly Role[];
}

export interface TestServiceAccount {
  readonly id: string;
  readonly clientId: string;
  readonly secret: string;
}

export interface TestHospital {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly aeTitle: string;
  readonly admin: TestUser;
  readonly clinician: TestUser;
  readonly integrator: TestServiceAccount;
}

/** Runs SQL as the application role in the explicit system (cross-tenant) context. */
export async function systemQuery<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
  return withClient(testDatabase().appUrl, async (c) => {
    await c.query('BEGIN');
    await c.query(`SELECT set_config('app.system', 'on', true)`);
    const { rows } = await c.query<R>(sql, params);
    await c.query('COMMIT');
    return rows;
  });
}

const PASSWORD = 'test-password-1';
let cachedHash: Promise<string> | null = null;

/**
 * A new hospital of its own with a hospital admin, a clinician (each with a built-in-provider password)
 * and an INTEGRATOR service account. Each test makes its own, so tests never share tenants.
 */
export async function createTestHospital(options: { name?: string } = {}): Promise<TestHospital> {
  const tag = randomBytes(4).toString('hex');
  const slug = `t-${tag}`;
  const name = options.name ?? `Test Hospital ${tag}`;
  const aeTitle = `T${tag.toUpperCase()}`;
  cachedHash ??= hashPassword(PASSWORD);
  const passwordHash = await cachedHash;
  return withClient(testDatabase().appUrl, async (c) => {
    await c.query('BEGIN');
    await c.query(`SELECT set_config('app.system', 'on', true)`);
    const h = await c.query<{ id: string }>(`INSERT INTO hospital (name, slug, ae_title) VALUES ($1, $2, $3) RETURNING id`, [name, slug, aeTitle]);
    const hospitalId = h.rows[0]!.id;
    const makeUser = async (kind: string, roles: Role[]): Promise<TestUser> => {
      const email = `${kind}-${tag}@test.invalid`;
      const u = await c.query<{ id: string }>(`INSERT INTO app_user (email, display_name) VALUES ($1, $2) RETURNING id`, [email, `${kind} ${tag}`]);
      const id = u.rows[0]!.id;
      await c.query(`UPDATE app_user SET subject = id WHERE id = $1`, [id]);
      await c.query(`INSERT INTO local_credential (user_id, password_hash) VALUES ($1, $2)`, [id, passwordHash]);
      await c.query(`INSERT INTO membership (tenant_id, user_id, roles) VALUES ($1, $2, $3)`, [hospitalId, id, roles]);
      return { id, email, password: PASSWORD, roles };
    };
    const admin = await makeUser('admin', [Role.HOSPITAL_ADMIN]);
    const clinician = await makeUser('clinician', [Role.CLINICIAN]);
    const clientId = `sa-${slug}-integrator`;
    const secret = randomBytes(24).toString('base64url');
    const sa = await c.query<{ id: string }>(`INSERT INTO service_account (tenant_id, client_id, name, secret_hash) VALUES ($1, $2, $3, $4) RETURNING id`, [
      hospitalId,
      clientId,
      `integrator ${tag}`,
      hashClientSecret(secret),
    ]);
    await c.query('COMMIT');
    return { id: hospitalId, slug, name, aeTitle, admin, clinician, integrator: { id: sa.rows[0]!.id, clientId, secret } };
  });
}

/** A platform admin (no hospital) with a built-in-provider password. */
export async function createTestPlatformAdmin(): Promise<TestUser> {
  const tag = randomBytes(4).toString('hex');
  const email = `platform-${tag}@test.invalid`;
  cachedHash ??= hashPassword(PASSWORD);
  const rows = await systemQuery<{ id: string }>(`INSERT INTO app_user (email, display_name, is_platform_admin) VALUES ($1, $2, true) RETURNING id`, [
    email,
    `platform ${tag}`,
  ]);
  const id = rows[0]!.id;
  await systemQuery(`UPDATE app_user SET subject = id WHERE id = $1`, [id]);
  await systemQuery(`INSERT INTO local_credential (user_id, password_hash) VALUES ($1, $2)`, [id, await cachedHash]);
  return { id, email, password: PASSWORD, roles: [Role.PLATFORM_ADMIN] };
}
