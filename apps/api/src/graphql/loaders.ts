import DataLoader from 'dataloader';
import type { Principal } from '../auth/principal.js';
import type { Db } from '../database/db.js';
import { type Hospital, toHospitalModel } from '../modules/hospital/hospital.model.js';
import type { HospitalRepository } from '../modules/hospital/hospital.repository.js';

/**
 * Per-request DataLoaders. Each loader runs inside the principal's tenant scope, so batching can never
 * read across hospitals.
 */
export class Loaders {
  private hospitalLoader: DataLoader<string, Hospital | null> | null = null;

  constructor(
    private readonly db: Db,
    private readonly hospitalRepo: HospitalRepository,
  ) {}

  hospitals(p: Principal): DataLoader<string, Hospital | null> {
    this.hospitalLoader ??= new DataLoader(async (ids) => {
      const run = () => this.hospitalRepo.findByIds(ids);
      const rows = p.tenantId ? await this.db.withTenant(p.tenantId, run) : await this.db.forSystem('platform admin reads hospitals by id', run);
      const byId = new Map(rows.map((r) => [r.id, toHospitalModel(r)]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    return this.hospitalLoader;
  }
}
