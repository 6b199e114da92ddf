import { Injectable } from '@nestjs/common';
import type { Principal, TenantPrincipal } from '../../auth/principal.js';
import { type Connection, decodeCursor, pageSize, toConnection } from '../../common/connection.js';
import { InputError } from '../../common/errors.js';
import { Db } from '../../database/db.js';
import { type AuditEvent, toAuditEventModel } from './audit-event.model.js';
import type { AuditEventsArgs } from './dto/audit-events.args.js';
import { currentRequestContext } from '../../common/request-context.js';
import { AuditRepository, type NewAuditEvent } from './audit.repository.js';

export interface AuditInput {
  readonly tenantId: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly detail?: Record<string, unknown>;
}

/**
 * Appends audit events inside the caller's transaction, so an event exists exactly when the change
 * it describes was committed.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly db: Db,
    private readonly repo: AuditRepository,
  ) {}

  list(p: TenantPrincipal, args: AuditEventsArgs): Promise<Connection<AuditEvent>> {
    const limit = pageSize(args);
    const before = decodeCursor(args.after);
    if (before !== undefined && !/^\d+$/.test(before)) throw new InputError('INVALID_INPUT', 'after is not a cursor of this list', 'after');
    return this.db.withTenant(p.tenantId, async () => {
      const rows = await this.repo.list(p.tenantId, limit + 1, before, args.action);
      return toConnection(rows, limit, (r) => r.id, toAuditEventModel);
    });
  }

  async record(actor: Principal | null, input: AuditInput): Promise<void> {
    await this.repo.insert({ tenantId: input.tenantId, ...entry(actor, input) });
  }

  /** record() of many events by one actor, in one statement (in their order). */
  async recordAll(actor: Principal | null, inputs: readonly AuditInput[]): Promise<void> {
    await this.repo.insertAll(inputs.map((input) => ({ tenantId: input.tenantId, ...entry(actor, input) })));
  }

  /** For cross-tenant (SystemContext) reads by platform admins. */
  async recordPlatform(actor: Principal, input: Omit<AuditInput, 'tenantId'>): Promise<void> {
    await this.repo.insertPlatform(entry(actor, input));
  }
}

/** Who, what, and from where (the request context). */
function entry(actor: Principal | null, input: Omit<AuditInput, 'tenantId'>): Omit<NewAuditEvent, 'tenantId'> {
  const ctx = currentRequestContext();
  return {
    ...actorFields(actor),
    action: input.action,
    targetType: input.targetType,
    targetId: input.targetId,
    ip: ctx?.ip ?? null,
    requestId: ctx?.requestId ?? null,
    detail: input.detail ?? {},
  };
}

function actorFields(actor: Principal | null): { actorType: 'USER' | 'SERVICE_ACCOUNT' | 'SYSTEM'; actorId: string; actorLabel: string } {
  if (!actor) return { actorType: 'SYSTEM', actorId: 'system', actorLabel: 'system' };
  return { actorType: actor.kind, actorId: actor.id, actorLabel: actor.email ?? actor.displayName };
}
