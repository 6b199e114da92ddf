import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager } from 'typeorm';

interface Scope {
  readonly manager: EntityManager;
  readonly tenantId: string | null;
  readonly system: boolean;
}

/**
 * The only way to touch the database. Every unit of work runs in a transaction that first sets the
 * tenant (`set_config('app.tenant_id', $1, true)`), so row-level security filters every statement.
 * Cross-tenant work is explicit: `forSystem(reason, ...)`, greppable and only for platform-admin paths
 * and maintenance jobs (callers audit it).
 */
export class Db {
  private readonly scope = new AsyncLocalStorage<Scope>();

  constructor(readonly dataSource: DataSource) {}

  /** Runs fn in a transaction scoped to one hospital. Nested calls for the same tenant join it. */
  async withTenant<T>(tenantId: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const current = this.scope.getStore();
    if (current && !current.system && current.tenantId === tenantId) return fn(current.manager);
    if (current) throw new Error('Db.withTenant called inside another scope for a different tenant');
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      return this.scope.run({ manager, tenantId, system: false }, () => fn(manager));
    });
  }

  /** Runs fn in a cross-tenant transaction. `reason` documents why at the call site. */
  async forSystem<T>(reason: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    const current = this.scope.getStore();
    if (current?.system) return fn(current.manager);
    if (current) throw new Error(`Db.forSystem(${reason}) called inside a tenant scope`);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('app.system', 'on', true)`);
      return this.scope.run({ manager, tenantId: null, system: true }, () => fn(manager));
    });
  }

  /**
   * Runs ONE statement in its own transaction, for hot paths where round trips count. The statement must
   * set the tenant of its transaction itself (a SQL function taking the tenant, e.g. ingest_instance), so
   * row-level security holds exactly as in withTenant. Greppable on purpose.
   */
  async tenantStatement<T>(tenantId: string, sql: string, params: unknown[]): Promise<T[]> {
    if (this.scope.getStore()) throw new Error('Db.tenantStatement runs on its own, outside any scope');
    if (params[0] !== tenantId) throw new Error('Db.tenantStatement: the tenant must be the first parameter');
    return this.dataSource.query<T[]>(sql, params);
  }

  /**
   * tenantStatement whose transaction commits only after `gate` has resolved, and rolls back when it rejects: the
   * statement runs while the caller finishes work that must be durable before the rows may exist (a blob), and
   * only the COMMIT waits for it. Same rules as tenantStatement (the statement sets its tenant itself). Greppable.
   */
  async tenantStatementAfter<T>(tenantId: string, sql: string, params: unknown[], gate: Promise<unknown>): Promise<T[]> {
    if (this.scope.getStore()) throw new Error('Db.tenantStatementAfter runs on its own, outside any scope');
    if (params[0] !== tenantId) throw new Error('Db.tenantStatementAfter: the tenant must be the first parameter');
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('BEGIN');
      let rows: T[];
      try {
        rows = (await runner.query(sql, params)) as T[];
        await gate;
      } catch (err) {
        await runner.query('ROLLBACK').catch(() => undefined);
        throw err;
      }
      await runner.query('COMMIT');
      return rows;
    } finally {
      await runner.release();
    }
  }

  /** The manager of the scope in hand; repositories call this. Outside a scope it is a bug. */
  manager(): EntityManager {
    const current = this.scope.getStore();
    if (!current) throw new Error('database access outside Db.withTenant/forSystem');
    return current.manager;
  }

  /** Tenant of the scope in hand (null in a system scope). */
  currentTenant(): string | null {
    return this.scope.getStore()?.tenantId ?? null;
  }

  async ping(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}
