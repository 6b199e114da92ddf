import { Injectable } from '@nestjs/common';
import { isUuid } from '../../common/uuid.js';
import { Db } from '../../database/db.js';

export interface StudyRow {
  id: string;
  study_instance_uid: string;
  accession: string | null;
  study_date: string | null;
  description: string | null;
  modalities: string[];
  status: string;
  status_reason: string | null;
  priority: number;
  ai_class: string | null;
  ai_p_unhealthy: number | null;
  analyzed_at: Date | null;
  received_at: Date;
  patient_key: string;
  sex: string | null;
  birth_year: number | null;
  series_count: number;
  instance_count: number;
  /** Sort key values as text, for the cursor. */
  sort_key: string[];
}

export interface SeriesRow {
  id: string;
  study_id: string;
  series_instance_uid: string;
  modality: string | null;
  description: string | null;
  series_number: number | null;
  body_part: string | null;
  plane: string | null;
  instance_count: number;
  selected_for_inference: boolean;
  selection_reason: string | null;
  status: string;
}

export interface StudyListQuery {
  readonly statuses?: readonly string[];
  readonly dateFrom?: string;
  readonly dateTo?: string;
  readonly patientKeyPrefix?: string;
  readonly aiClasses?: readonly string[];
  readonly order: 'PRIORITY' | 'RECEIVED_AT' | 'STUDY_DATE';
  readonly direction: 'ASC' | 'DESC';
  readonly after?: readonly string[];
  readonly limit: number;
}

/** Sort keys: the column list (same direction each, id last) and their SQL types for the cursor. */
const SORT: Record<StudyListQuery['order'], { exprs: string[]; types: string[] }> = {
  PRIORITY: { exprs: ['st.priority', 'st.received_at', 'st.id'], types: ['float8', 'timestamptz', 'uuid'] },
  RECEIVED_AT: { exprs: ['st.received_at', 'st.id'], types: ['timestamptz', 'uuid'] },
  STUDY_DATE: { exprs: ["coalesce(st.study_date, '0001-01-01'::date)", 'st.received_at', 'st.id'], types: ['date', 'timestamptz', 'uuid'] },
};

const SELECT = `SELECT st.id, st.study_instance_uid, st.accession, to_char(st.study_date, 'YYYY-MM-DD') AS study_date, st.description, st.modalities,
       st.status, st.status_reason, st.priority, st.ai_class, st.ai_p_unhealthy, st.analyzed_at, st.received_at, p.patient_key, p.sex, p.birth_year,
       (SELECT count(*)::int FROM series se WHERE se.tenant_id = st.tenant_id AND se.study_id = st.id) AS series_count,
       (SELECT coalesce(sum(se.instance_count), 0)::int FROM series se WHERE se.tenant_id = st.tenant_id AND se.study_id = st.id) AS instance_count`;

@Injectable()
export class StudyRepository {
  constructor(private readonly db: Db) {}

  list(tenantId: string, q: StudyListQuery): Promise<StudyRow[]> {
    const sort = SORT[q.order];
    const params: unknown[] = [tenantId];
    const where = ['st.tenant_id = $1'];
    const add = (sql: string, ...values: unknown[]): void => {
      let out = sql;
      for (const v of values) {
        params.push(v);
        out = out.replace('?', `$${params.length}`);
      }
      where.push(out);
    };
    if (q.statuses?.length) add('st.status = ANY(?::text[])', q.statuses);
    if (q.dateFrom) add('st.study_date >= ?::date', q.dateFrom);
    if (q.dateTo) add('st.study_date <= ?::date', q.dateTo);
    if (q.patientKeyPrefix) add('p.patient_key LIKE ?', `${q.patientKeyPrefix}%`);
    if (q.aiClasses?.length) add('st.ai_class = ANY(?::text[])', q.aiClasses);
    if (q.after) {
      const placeholders = sort.types.map((t, i) => {
        params.push(q.after![i]);
        return `$${params.length}::${t}`;
      });
      where.push(`(${sort.exprs.join(', ')}) ${q.direction === 'DESC' ? '<' : '>'} (${placeholders.join(', ')})`);
    }
    params.push(q.limit);
    return this.db.manager().query<StudyRow[]>(
      `${SELECT}, ARRAY[${sort.exprs.map((e) => `(${e})::text`).join(', ')}] AS sort_key
         FROM study st JOIN patient p ON p.tenant_id = st.tenant_id AND p.id = st.patient_id
        WHERE ${where.join(' AND ')}
        ORDER BY ${sort.exprs.map((e) => `${e} ${q.direction}`).join(', ')}
        LIMIT $${params.length}`,
      params,
    );
  }

  async findById(tenantId: string, id: string): Promise<StudyRow | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.db
      .manager()
      .query<StudyRow[]>(
        `${SELECT}, ARRAY[]::text[] AS sort_key FROM study st JOIN patient p ON p.tenant_id = st.tenant_id AND p.id = st.patient_id WHERE st.tenant_id = $1 AND st.id = $2`,
        [tenantId, id],
      );
    return row ?? null;
  }

  seriesOfStudies(tenantId: string, studyIds: readonly string[]): Promise<SeriesRow[]> {
    return this.db.manager().query<SeriesRow[]>(
      `SELECT id, study_id, series_instance_uid, modality, description, series_number, body_part, plane, instance_count, selected_for_inference, selection_reason, status
         FROM series WHERE tenant_id = $1 AND study_id = ANY($2::uuid[]) ORDER BY series_number NULLS LAST, created_at`,
      [tenantId, studyIds],
    );
  }
}
