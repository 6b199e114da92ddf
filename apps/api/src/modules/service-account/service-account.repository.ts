import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { isUuid } from '../../common/uuid.js';
import { Db } from '../../database/db.js';
import { ServiceAccountEntity } from './service-account.entity.js';

@Injectable()
export class ServiceAccountRepository {
  constructor(private readonly db: Db) {}

  private repo() {
    return this.db.manager().getRepository(ServiceAccountEntity);
  }

  findById(tenantId: string, id: string): Promise<ServiceAccountEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo().findOneBy({ tenantId, id });
  }

  /** Active (not revoked) account by client id; platform-wide lookup at token time (system scope). */
  findActiveByClientId(clientId: string): Promise<ServiceAccountEntity | null> {
    return this.repo().findOneBy({ clientId, revokedAt: IsNull() });
  }

  async insert(values: { tenantId: string; clientId: string; name: string; secretHash: string; createdBy: string | null }): Promise<ServiceAccountEntity> {
    const rows = await this.db
      .manager()
      .query<{ id: string }[]>(`INSERT INTO service_account (tenant_id, client_id, name, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
        values.tenantId,
        values.clientId,
        values.name,
        values.secretHash,
        values.createdBy,
      ]);
    const row = await this.findById(values.tenantId, rows[0]!.id);
    if (!row) throw new Error('inserted service account not readable');
    return row;
  }

  list(tenantId: string, limit: number, afterClientId: string | undefined): Promise<ServiceAccountEntity[]> {
    const qb = this.repo().createQueryBuilder('s').where('s.tenant_id = :tenantId', { tenantId }).orderBy('s.client_id', 'ASC').limit(limit);
    if (afterClientId !== undefined) qb.andWhere('s.client_id > :after', { after: afterClientId });
    return qb.getMany();
  }

  async revoke(tenantId: string, id: string): Promise<void> {
    await this.db.manager().query(`UPDATE service_account SET revoked_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  }
}
