import { checkAppRole, withClient } from '@cruciate/db';
import { createTestHospital, testDatabase, type TestHospital } from '@cruciate/testing';
import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

const TENANT_TABLES = ['membership', 'service_account', 'audit_event'] as const;

/** Runs fn in a transaction of the application role with the given tenant setting (as the API does). */
async function asTenant<T>(tenantId: string | null, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return withClient(testDatabase().appUrl, async (c) => {
    await c.query('BEGIN');
    try {
      if (tenantId) await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return await fn(c);
    } finally {
      await c.query('ROLLBACK');
    }
  });
}

describe('row-level security below the API (application role, real PostgreSQL)', () => {
  let a: TestHospital;
  let b: TestHospital;

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    // Give A an audit row.
    await withClient(testDatabase().appUrl, async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [a.id]);
      await c.query(
        `INSERT INTO audit_event (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id) VALUES ($1, 'SYSTEM', 's', 's', 'test.seed', 'x', 'y')`,
        [a.id],
      );
      await c.query('COMMIT');
    });
  });

  it('the application role is not superuser, has no BYPASSRLS and owns nothing', async () => {
    const check = await checkAppRole(testDatabase().appUrl);
    expect(check.problems).toEqual([]);
    expect(check.role).toBe(testDatabase().appRole);
  });

  it.each(TENANT_TABLES)("%s: under hospital B's setting, a raw query sees 0 of A's rows (and A sees its own)", async (table) => {
    const seenByB = await asTenant(
      b.id,
      async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [a.id])).rows[0]!.n,
    );
    expect(seenByB).toBe(0);
    const seenByA = await asTenant(
      a.id,
      async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [a.id])).rows[0]!.n,
    );
    expect(seenByA).toBeGreaterThan(0);
  });

  it('hospital rows: each tenant sees only its own hospital', async () => {
    const rows = await asTenant(b.id, async (c) => (await c.query(`SELECT id FROM hospital`)).rows as { id: string }[]);
    expect(rows.map((r) => r.id)).toEqual([b.id]);
  });

  it('with no tenant setting at all, tenant tables read as empty', async () => {
    for (const table of TENANT_TABLES) {
      const n = await asTenant(null, async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);
      expect(n).toBe(0);
    }
  });

  it("an INSERT with A's tenant_id under B's setting is refused by RLS", async () => {
    await expect(
      asTenant(b.id, (c) => c.query(`INSERT INTO membership (tenant_id, user_id, roles) VALUES ($1, $2, '{CLINICIAN}')`, [a.id, b.clinician.id])),
    ).rejects.toThrow(/row-level security/);
    await expect(
      asTenant(b.id, (c) =>
        c.query(
          `INSERT INTO audit_event (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id) VALUES ($1, 'SYSTEM', 's', 's', 'x.y', 'x', 'y')`,
          [a.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("an UPDATE under B's setting cannot reach A's rows, and cannot move B's rows into A", async () => {
    const updated = await asTenant(
      b.id,
      async (c) => (await c.query(`UPDATE membership SET roles = '{HOSPITAL_ADMIN}' WHERE tenant_id = $1`, [a.id])).rowCount,
    );
    expect(updated).toBe(0);
    await expect(asTenant(b.id, (c) => c.query(`UPDATE service_account SET tenant_id = $1 WHERE tenant_id = $2`, [a.id, b.id]))).rejects.toThrow(
      /row-level security/,
    );
  });

  it('the application role cannot UPDATE, DELETE or TRUNCATE audit rows', async () => {
    await expect(asTenant(a.id, (c) => c.query(`UPDATE audit_event SET action = 'tampered'`))).rejects.toThrow(/permission denied/);
    await expect(asTenant(a.id, (c) => c.query(`DELETE FROM audit_event`))).rejects.toThrow(/permission denied/);
    await expect(asTenant(a.id, (c) => c.query(`TRUNCATE audit_event`))).rejects.toThrow(/permission denied/);
  });

  it('the application role cannot switch RLS off or alter tables', async () => {
    await expect(asTenant(a.id, (c) => c.query(`ALTER TABLE membership DISABLE ROW LEVEL SECURITY`))).rejects.toThrow(/must be owner/);
    await expect(asTenant(a.id, (c) => c.query(`SET row_security = off; SELECT * FROM membership`))).rejects.toThrow(/row-level security/);
  });

  it('every tenant-owned table forces RLS and leads its primary key with tenant_id', async () => {
    const rows = await withClient(
      testDatabase().ownerUrl,
      async (c) =>
        (
          await c.query<{ relname: string; forced: boolean; enabled: boolean; pk: string }>(
            `SELECT c.relname, c.relforcerowsecurity AS forced, c.relrowsecurity AS enabled,
                  (SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
                    WHERE i.indrelid = c.oid AND i.indisprimary) AS pk
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind = 'r'
              AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')`,
          )
        ).rows,
    );
    expect(rows.map((r) => r.relname).sort()).toEqual(expect.arrayContaining([...TENANT_TABLES]));
    for (const r of rows)
      expect({ table: r.relname, enabled: r.enabled, forced: r.forced, pk: r.pk }).toEqual({ table: r.relname, enabled: true, forced: true, pk: 'tenant_id' });
  });
});
