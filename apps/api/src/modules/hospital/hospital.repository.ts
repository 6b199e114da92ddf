import { Injectable } from '@nestjs/common';
import { HospitalStatus } from '@cruciate/contracts';
import { Db } from '../../database/db.js';
import { isUuid } from '../../common/uuid.js';
import { HospitalEntity } from './hospital.entity.js';

@Injectable()
export class HospitalRepository {
  constructor(private readonly db: Db) {}

  private repo() {
    return this.db.manager().getRepository(HospitalEntity);
  }

  findById(id: string): Promise<HospitalEntity | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.repo().findOneBy({ id });
  }

  findByIds(ids: readonly string[]): Promise<HospitalEntity[]> {
    const valid = ids.filter(isUuid);
    if (valid.length === 0) return Promise.resolve([]);
    return this.repo().createQueryBuilder('h').where('h.id = ANY(:ids)', { ids: valid }).getMany();
  }

  findBySlug(slug: string): Promise<HospitalEntity | null> {
    return this.repo().findOneBy({ slug });
  }

  findByAeTitle(aeTitle: string): Promise<HospitalEntity | null> {
    return this.repo().findOneBy({ aeTitle });
  }

  /** Ordered by slug (unique); `afterSlug` is the cursor. */
  list(limit: number, afterSlug: string | undefined): Promise<HospitalEntity[]> {
    const qb = this.repo().createQueryBuilder('h').orderBy('h.slug', 'ASC').limit(limit);
    if (afterSlug !== undefined) qb.where('h.slug > :afterSlug', { afterSlug });
    return qb.getMany();
  }

  async insert(values: { name: string; slug: string; aeTitle: string | null }): Promise<HospitalEntity> {
    const rows = await this.db.manager().query<{ id: string }[]>(
      `INSERT INTO hospital (name, slug, ae_title, active_model_version_id)
         VALUES ($1, $2, $3, (SELECT id FROM model_version WHERE is_bundled ORDER BY created_at DESC LIMIT 1)) RETURNING id`,
      [values.name, values.slug, values.aeTitle],
    );
    const created = await this.findById(rows[0]!.id);
    if (!created) throw new Error('inserted hospital not readable');
    return created;
  }

  async setDicomSettings(id: string, aeTitle: string | null, allowedCallingAes: readonly string[]): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE hospital SET ae_title = $2, allowed_calling_aes = $3, updated_at = now() WHERE id = $1`, [
        id,
        aeTitle,
        allowedCallingAes.length > 0 ? allowedCallingAes : null,
      ]);
  }

  async setStatus(id: string, status: HospitalStatus): Promise<void> {
    await this.db.manager().query(`UPDATE hospital SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
  }
}
