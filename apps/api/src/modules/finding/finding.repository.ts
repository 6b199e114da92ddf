import { Injectable } from '@nestjs/common';
import { isUuid } from '../../common/uuid.js';
import { Db } from '../../database/db.js';

export interface FindingRow {
  id: string;
  study_id: string;
  series_id: string;
  model_version_id: string;
  labels: string[];
  probabilities: number[];
  predicted_class: string;
  p_unhealthy: number;
  key_slice: number;
  slice_instance_ids: string[];
  /** SOP Instance UIDs and instance numbers in the same (model) slice order. */
  slice_sop_uids: string[];
  slice_instance_numbers: (number | null)[];
  series_instance_uid: string;
  study_instance_uid: string;
  cam_blob_key: string;
  cam_shape: number[];
  timings: Record<string, number>;
  execution_provider: string;
  created_at: Date;
}

const SELECT = `SELECT f.id, f.study_id, f.series_id, f.model_version_id, f.labels, f.probabilities, f.predicted_class, f.p_unhealthy,
       f.key_slice, f.slice_instance_ids, f.cam_blob_key, f.cam_shape, f.timings, f.execution_provider, f.created_at,
       se.series_instance_uid, st.study_instance_uid,
       s.uids AS slice_sop_uids, s.numbers AS slice_instance_numbers
  FROM finding f
  JOIN series se ON se.tenant_id = f.tenant_id AND se.id = f.series_id
  JOIN study st ON st.tenant_id = f.tenant_id AND st.id = f.study_id
  CROSS JOIN LATERAL (
    SELECT array_agg(i.sop_instance_uid ORDER BY u.ord) AS uids, array_agg(i.instance_number ORDER BY u.ord) AS numbers
      FROM unnest(f.slice_instance_ids) WITH ORDINALITY AS u(id, ord)
      JOIN instance i ON i.tenant_id = f.tenant_id AND i.id = u.id
  ) s`;

/** Findings of the current tenant (RLS binds every statement; the tenant filter is repeated on purpose). */
@Injectable()
export class FindingRepository {
  constructor(private readonly db: Db) {}

  async findById(tenantId: string, id: string): Promise<FindingRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.db.manager().query<FindingRow[]>(`${SELECT} WHERE f.tenant_id = $1 AND f.id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** Every finding of the given studies, newest first. */
  ofStudies(tenantId: string, studyIds: readonly string[]): Promise<FindingRow[]> {
    const ids = studyIds.filter(isUuid);
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .manager()
      .query<FindingRow[]>(`${SELECT} WHERE f.tenant_id = $1 AND f.study_id = ANY($2::uuid[]) ORDER BY f.created_at DESC, f.id`, [tenantId, ids]);
  }

  /** The newest finding of each given series. */
  latestOfSeries(tenantId: string, seriesIds: readonly string[]): Promise<FindingRow[]> {
    const ids = seriesIds.filter(isUuid);
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .manager()
      .query<FindingRow[]>(
        `SELECT DISTINCT ON (x.series_id) x.* FROM (${SELECT} WHERE f.tenant_id = $1 AND f.series_id = ANY($2::uuid[])) x ORDER BY x.series_id, x.created_at DESC`,
        [tenantId, ids],
      );
  }
}
