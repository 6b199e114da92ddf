import { quoteIdent, withClient } from './client.js';

export interface DatabaseBootstrap {
  /** Superuser connection (database `postgres`). */
  readonly adminUrl: string;
  readonly database: string;
  readonly ownerRole: string;
  readonly ownerPassword: string;
  readonly appRole: string;
  readonly appPassword: string;
}

/**
 * Creates (idempotently) the owner role, the application role and the database. The application role
 * is NOSUPERUSER NOBYPASSRLS and owns nothing; the owner role owns the database and runs migrations.
 */
export async function bootstrapDatabase(b: DatabaseBootstrap): Promise<void> {
  await withClient(b.adminUrl, async (client) => {
    const ensureRole = async (role: string, password: string): Promise<void> => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      const verb = rowCount ? 'ALTER' : 'CREATE';
      // Passwords cannot be bind parameters in DDL; quote them as literals.
      await client.query(
        `${verb} ROLE ${quoteIdent(role)} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD '${password.replace(/'/g, "''")}'`,
      );
    };
    await ensureRole(b.ownerRole, b.ownerPassword);
    await ensureRole(b.appRole, b.appPassword);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [b.database]);
    if (!rowCount) await client.query(`CREATE DATABASE ${quoteIdent(b.database)} OWNER ${quoteIdent(b.ownerRole)}`);
    await client.query(`REVOKE ALL ON DATABASE ${quoteIdent(b.database)} FROM PUBLIC`);
    await client.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${quoteIdent(b.database)} TO ${quoteIdent(b.appRole)}`);
  });
}

export interface AppRoleCheck {
  readonly role: string;
  readonly problems: readonly string[];
}

/** Checks that the connection's role is safe as the application role: RLS must apply to it. */
export async function checkAppRole(appUrl: string): Promise<AppRoleCheck> {
  return withClient(appUrl, async (client) => {
    const { rows } = await client.query<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean; owned: string }>(
      `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
              (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = r.oid AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%')::text AS owned
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const row = rows[0];
    if (!row) return { role: '?', problems: ['current role not found'] };
    const problems: string[] = [];
    if (row.rolsuper) problems.push(`role ${row.rolname} is a superuser`);
    if (row.rolbypassrls) problems.push(`role ${row.rolname} has BYPASSRLS`);
    if (row.owned !== '0') problems.push(`role ${row.rolname} owns ${row.owned} relations`);
    return { role: row.rolname, problems };
  });
}
