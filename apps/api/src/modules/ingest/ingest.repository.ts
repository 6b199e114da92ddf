import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';

export interface NewInstanceRow {
  readonly tenantId: string;
  readonly patient: { readonly key: string; readonly sex: string | null; readonly birthYear: number | null };
  readonly study: {
    readonly uid: string;
    readonly accession: string | null;
    readonly date: string | null; // YYYY-MM-DD
    readonly time: string | null;
    readonly description: string | null;
  };
  readonly series: {
    readonly uid: string;
    readonly modality: string | null;
    readonly description: string | null;
    readonly number: number | null;
    readonly bodyPart: string | null;
    readonly orientation: readonly number[] | null;
  };
  readonly instance: {
    readonly sopInstanceUid: string;
    readonly sopClassUid: string;
    readonly instanceNumber: number | null;
    readonly sliceLocation: number | null;
    readonly imagePosition: readonly number[] | null;
    readonly blobKey: string;
    readonly sha256: string;
    readonly sizeBytes: number;
    readonly transferSyntax: string;
    readonly rows: number | null;
    readonly columns: number | null;
    readonly numberOfFrames: number;
  };
}

export interface InsertedInstance {
  /** False when an instance with this SOP Instance UID was already stored. */
  readonly inserted: boolean;
  readonly instanceId: string;
  readonly seriesId: string;
  readonly studyId: string;
  /** SHA-256 of the stored copy (the first one, when not inserted). */
  readonly storedSha256: string;
}

export interface SeriesRow {
  id: string;
  study_id: string;
  series_instance_uid: string;
  modality: string | null;
  description: string | null;
  body_part: string | null;
  image_orientation: number[] | null;
  instance_count: number;
  status: 'RECEIVING' | 'COMPLETE';
  selected_for_inference: boolean;
  enqueued_instance_count: number | null;
}

/** The only place that writes the DICOM index. Every statement runs inside the caller's tenant scope. */
@Injectable()
export class IngestRepository {
  constructor(private readonly db: Db) {}

  /** Upserts patient, study and series and inserts the instance, in the current transaction. */
  async insertInstance(row: NewInstanceRow): Promise<InsertedInstance> {
    const m = this.db.manager();
    const t = row.tenantId;
    const [patient] = await m.query<{ id: string }[]>(
      `INSERT INTO patient (tenant_id, patient_key, sex, birth_year) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, patient_key) DO UPDATE SET sex = coalesce(patient.sex, EXCLUDED.sex), birth_year = coalesce(patient.birth_year, EXCLUDED.birth_year)
       RETURNING id`,
      [t, row.patient.key, row.patient.sex, row.patient.birthYear],
    );
    const [study] = await m.query<{ id: string }[]>(
      `INSERT INTO study (tenant_id, patient_id, study_instance_uid, accession, study_date, study_time, description, modalities)
       VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8::text IS NULL THEN '{}'::text[] ELSE ARRAY[$8::text] END)
       ON CONFLICT (tenant_id, study_instance_uid) DO UPDATE SET
         modalities = CASE WHEN $8::text IS NULL OR $8::text = ANY(study.modalities) THEN study.modalities ELSE study.modalities || $8::text END,
         updated_at = now()
       RETURNING id`,
      [t, patient!.id, row.study.uid, row.study.accession, row.study.date, row.study.time, row.study.description, row.series.modality],
    );
    const [series] = await m.query<{ id: string }[]>(
      `INSERT INTO series (tenant_id, study_id, series_instance_uid, modality, description, series_number, body_part, image_orientation)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant_id, series_instance_uid) DO UPDATE SET last_received_at = now()
       RETURNING id`,
      [t, study!.id, row.series.uid, row.series.modality, row.series.description, row.series.number, row.series.bodyPart, row.series.orientation],
    );
    const i = row.instance;
    const inserted = await m.query<{ id: string }[]>(
      `INSERT INTO instance (tenant_id, series_id, sop_instance_uid, sop_class_uid, instance_number, slice_location, image_position,
                             blob_key, sha256, size_bytes, transfer_syntax, rows, columns, number_of_frames)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT (tenant_id, sop_instance_uid) DO NOTHING RETURNING id`,
      [
        t,
        series!.id,
        i.sopInstanceUid,
        i.sopClassUid,
        i.instanceNumber,
        i.sliceLocation,
        i.imagePosition,
        i.blobKey,
        i.sha256,
        i.sizeBytes,
        i.transferSyntax,
        i.rows,
        i.columns,
        i.numberOfFrames,
      ],
    );
    if (inserted[0]) {
      await m.query(`UPDATE series SET instance_count = instance_count + 1, status = 'RECEIVING', last_received_at = now() WHERE tenant_id = $1 AND id = $2`, [
        t,
        series!.id,
      ]);
      return { inserted: true, instanceId: inserted[0].id, seriesId: series!.id, studyId: study!.id, storedSha256: i.sha256 };
    }
    const [existing] = await m.query<{ id: string; series_id: string; sha256: string; study_id: string }[]>(
      `SELECT i.id, i.series_id, i.sha256, s.study_id FROM instance i JOIN series s ON s.tenant_id = i.tenant_id AND s.id = i.series_id
        WHERE i.tenant_id = $1 AND i.sop_instance_uid = $2`,
      [t, i.sopInstanceUid],
    );
    return { inserted: false, instanceId: existing!.id, seriesId: existing!.series_id, studyId: existing!.study_id, storedSha256: existing!.sha256 };
  }

  seriesOfStudy(tenantId: string, studyId: string): Promise<SeriesRow[]> {
    return this.db.manager().query<SeriesRow[]>(
      `SELECT id, study_id, series_instance_uid, modality, description, body_part, image_orientation, instance_count, status,
              selected_for_inference, enqueued_instance_count
         FROM series WHERE tenant_id = $1 AND study_id = $2 ORDER BY series_number NULLS LAST, created_at FOR UPDATE`,
      [tenantId, studyId],
    );
  }

  /** Studies of the given series (to re-decide selection per study). */
  async studiesOfSeries(tenantId: string, seriesIds: readonly string[]): Promise<string[]> {
    const rows = await this.db
      .manager()
      .query<{ study_id: string }[]>(`SELECT DISTINCT study_id FROM series WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [tenantId, seriesIds]);
    return rows.map((r) => r.study_id);
  }

  async markComplete(tenantId: string, seriesIds: readonly string[]): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE series SET status = 'COMPLETE', completed_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status = 'RECEIVING'`, [
        tenantId,
        seriesIds,
      ]);
  }

  async setSelection(tenantId: string, seriesId: string, selected: boolean, plane: string, reason: string): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE series SET selected_for_inference = $3, plane = $4, selection_reason = $5 WHERE tenant_id = $1 AND id = $2`, [
        tenantId,
        seriesId,
        selected,
        plane,
        reason,
      ]);
  }

  async setEnqueued(tenantId: string, seriesId: string, instanceCount: number): Promise<void> {
    await this.db.manager().query(`UPDATE series SET enqueued_instance_count = $3 WHERE tenant_id = $1 AND id = $2`, [tenantId, seriesId, instanceCount]);
  }

  async setStudyStatus(tenantId: string, studyId: string, status: string, reason: string | null): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE study SET status = $3, status_reason = $4, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [tenantId, studyId, status, reason]);
  }

  async studyStatus(tenantId: string, studyId: string): Promise<string | null> {
    const [row] = await this.db.manager().query<{ status: string }[]>(`SELECT status FROM study WHERE tenant_id = $1 AND id = $2`, [tenantId, studyId]);
    return row?.status ?? null;
  }

  /** Series still receiving after a quiet period, across hospitals (system scope: the sweeper). */
  quietSeries(quietSeconds: number, limit: number): Promise<{ tenant_id: string; id: string }[]> {
    return this.db
      .manager()
      .query<{ tenant_id: string; id: string }[]>(
        `SELECT tenant_id, id FROM series WHERE status = 'RECEIVING' AND last_received_at < now() - make_interval(secs => $1) ORDER BY last_received_at LIMIT $2`,
        [quietSeconds, limit],
      );
  }
}
