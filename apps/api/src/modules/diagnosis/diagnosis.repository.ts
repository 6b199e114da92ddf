import { Injectable } from '@nestjs/common';
import { isUuid } from '../../common/uuid.js';
import { Db } from '../../database/db.js';

export interface DiagnosisRow {
  id: string;
  study_id: string;
  reader_id: string;
  reader_name: string;
  label: string;
  note: string | null;
  finding_id: string | null;
  agrees_with_ai: boolean | null;
  amends_id: string | null;
  amended_by_id: string | null;
  signed_at: Date;
}

export interface StudyForDiagnosis {
  id: string;
  status: string;
}

export interface LatestFinding {
  id: string;
  predicted_class: string;
  labels: string[];
}

const SELECT = `SELECT d.id, d.study_id, d.reader_id, u.display_name AS reader_name, d.label, d.note, d.finding_id, d.agrees_with_ai,
       d.amends_id, (SELECT a.id FROM diagnosis a WHERE a.tenant_id = d.tenant_id AND a.amends_id = d.id) AS amended_by_id, d.signed_at
  FROM diagnosis d JOIN app_user u ON u.id = d.reader_id`;

@Injectable()
export class DiagnosisRepository {
  constructor(private readonly db: Db) {}

  async study(tenantId: string, id: string): Promise<StudyForDiagnosis | null> {
    if (!isUuid(id)) return null;
    const rows = await this.db.manager().query<StudyForDiagnosis[]>(`SELECT id, status FROM study WHERE tenant_id = $1 AND id = $2 FOR UPDATE`, [tenantId, id]);
    return rows[0] ?? null;
  }

  async latestFinding(tenantId: string, studyId: string): Promise<LatestFinding | null> {
    const rows = await this.db
      .manager()
      .query<LatestFinding[]>(`SELECT id, predicted_class, labels FROM finding WHERE tenant_id = $1 AND study_id = $2 ORDER BY created_at DESC LIMIT 1`, [
        tenantId,
        studyId,
      ]);
    return rows[0] ?? null;
  }

  /** Labels of the hospital's active model (for studies without a finding). */
  async activeModelLabels(tenantId: string): Promise<string[] | null> {
    const rows = await this.db
      .manager()
      .query<{ labels: string[] | null }[]>(
        `SELECT ARRAY(SELECT jsonb_array_elements_text(m.manifest->'labels')) AS labels FROM hospital h JOIN model_version m ON m.id = h.active_model_version_id WHERE h.id = $1`,
        [tenantId],
      );
    return rows[0]?.labels ?? null;
  }

  async findById(tenantId: string, id: string): Promise<DiagnosisRow | null> {
    if (!isUuid(id)) return null;
    const rows = await this.db.manager().query<DiagnosisRow[]>(`${SELECT} WHERE d.tenant_id = $1 AND d.id = $2`, [tenantId, id]);
    return rows[0] ?? null;
  }

  /** The reader's diagnosis of the study that is in force (not amended), if any. */
  async currentOfReader(tenantId: string, studyId: string, readerId: string): Promise<DiagnosisRow | null> {
    const rows = await this.db
      .manager()
      .query<DiagnosisRow[]>(
        `${SELECT} WHERE d.tenant_id = $1 AND d.study_id = $2 AND d.reader_id = $3 AND NOT EXISTS (SELECT 1 FROM diagnosis a WHERE a.tenant_id = d.tenant_id AND a.amends_id = d.id)`,
        [tenantId, studyId, readerId],
      );
    return rows[0] ?? null;
  }

  async insert(v: {
    tenantId: string;
    studyId: string;
    readerId: string;
    label: string;
    note: string | null;
    findingId: string | null;
    agreesWithAi: boolean | null;
    amendsId: string | null;
  }): Promise<string> {
    const rows = await this.db.manager().query<{ id: string }[]>(
      `INSERT INTO diagnosis (tenant_id, study_id, reader_id, label, note, finding_id, agrees_with_ai, amends_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [v.tenantId, v.studyId, v.readerId, v.label, v.note, v.findingId, v.agreesWithAi, v.amendsId],
    );
    return rows[0]!.id;
  }

  async markReviewed(tenantId: string, studyId: string): Promise<void> {
    await this.db.manager().query(`UPDATE study SET status = 'REVIEWED', updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, studyId]);
  }

  ofStudies(tenantId: string, studyIds: readonly string[]): Promise<DiagnosisRow[]> {
    const ids = studyIds.filter(isUuid);
    if (ids.length === 0) return Promise.resolve([]);
    return this.db
      .manager()
      .query<DiagnosisRow[]>(`${SELECT} WHERE d.tenant_id = $1 AND d.study_id = ANY($2::uuid[]) ORDER BY d.signed_at DESC, d.id DESC`, [tenantId, ids]);
  }

  /** Newest first; cursor = `<signed_at ISO>|<id>`. */
  list(tenantId: string, limit: number, after: { signedAt: string; id: string } | undefined): Promise<DiagnosisRow[]> {
    return after
      ? this.db
          .manager()
          .query<DiagnosisRow[]>(
            `${SELECT} WHERE d.tenant_id = $1 AND (d.signed_at, d.id) < ($3::timestamptz, $4::uuid) ORDER BY d.signed_at DESC, d.id DESC LIMIT $2`,
            [tenantId, limit, after.signedAt, after.id],
          )
      : this.db.manager().query<DiagnosisRow[]>(`${SELECT} WHERE d.tenant_id = $1 ORDER BY d.signed_at DESC, d.id DESC LIMIT $2`, [tenantId, limit]);
  }
}
