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

  async insert(event: NewAuditEvent): Promise<void> {
    await this.db.manager().query(
      `INSERT INTO audit_event (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, ip, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        event.tenantId,
        event.actorType,
        event.actorId,
        event.actorLabel,
        event.action,
        event.targetType,
        event.targetId,
        event.ip,
        event.requestId,
        JSON.stringify(event.detail),
      ],
    );
  }

  async insertPlatform(event: Omit<NewAuditEvent, 'tenantId'>): Promise<void> {
    await this.db.manager().query(
      `INSERT INTO platform_audit_event (actor_type, actor_id, actor_label, action, target_type, target_id, ip, request_id, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        event.actorType,
        event.actorId,
        event.actorLabel,
        event.action,
        event.targetType,
        event.targetId,
        event.ip,
        event.requestId,
        JSON.stringify(event.detail),
      ],
    );
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
