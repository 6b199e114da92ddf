import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';
import { AuditEventEntity } from './audit-event.entity.js';

export interface NewAuditEvent {
  readonly tenantId: string;
  readonly actorType: 'USER' | 'SERVICE_ACCOUNT' | 'SYSTEM';
  readonly actorId: string;
  readonly actorLabel: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly ip: string | null;
  readonly requestId: string | null;
  readonly detail: Record<string, unknown>;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Db) {}

  /** Appends to the hospital's audit log. */
  insert(event: NewAuditEvent): Promise<void> {
    return this.append('audit_event', [event]);
  }

  /** Appends many events to hospitals' audit logs in one statement, in their order. */
  insertAll(events: readonly NewAuditEvent[]): Promise<void> {
    return this.append('audit_event', events);
  }

  /** Appends to the platform log (cross-tenant reads by platform admins); tenantId is absent there. */
  insertPlatform(event: Omit<NewAuditEvent, 'tenantId'>): Promise<void> {
    return this.append('platform_audit_event', [event]);
  }

  /** One INSERT of every event (the hospital log's rows carry their tenant_id, the platform log's none). */
  private async append(
    table: 'audit_event' | 'platform_audit_event',
    events: readonly (Omit<NewAuditEvent, 'tenantId'> & { tenantId?: string })[],
  ): Promise<void> {
    if (events.length === 0) return;
    const tenant = table === 'audit_event';
    const columns = [
      ...(tenant ? ['tenant_id'] : []),
      'actor_type',
      'actor_id',
      'actor_label',
      'action',
      'target_type',
      'target_id',
      'ip',
      'request_id',
      'detail',
    ];
    const values: unknown[] = [];
    const rows = events.map((e) => {
      const row = [
        ...(tenant ? [e.tenantId] : []),
        e.actorType,
        e.actorId,
        e.actorLabel,
        e.action,
        e.targetType,
        e.targetId,
        e.ip,
        e.requestId,
        JSON.stringify(e.detail),
      ];
      const first = values.length;
      values.push(...row);
      return `(${row.map((_, k) => `$${first + k + 1}`).join(', ')})`;
    });
    await this.db.manager().query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${rows.join(', ')}`, values);
  }

  /** Newest first; `beforeId` is the cursor. */
  async list(tenantId: string, limit: number, beforeId: string | undefined, action: string | undefined): Promise<AuditEventEntity[]> {
    const qb = this.db
      .manager()
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId', { tenantId })
      .orderBy('e.id', 'DESC')
      .limit(limit);
    if (beforeId !== undefined) qb.andWhere('e.id < :beforeId', { beforeId });
    if (action !== undefined) qb.andWhere('e.action = :action', { action });
    return qb.getMany();
  }
}
