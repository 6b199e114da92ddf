import { Injectable } from '@nestjs/common';
import { Db } from '../../database/db.js';

export interface StudyQuery {
  readonly studyUids?: readonly string[];
  readonly patientKey?: string;
  readonly dateFrom?: string | null;
  readonly dateTo?: string | null;
  readonly modality?: string;
  readonly accession?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface StudyRow {
  id: string;
  study_instance_uid: string;
  study_date: string | null;
  study_time: string | null;
  accession: string | null;
  description: string | null;
  modalities: string[];
  patient_key: string;
  sex: string | null;
  series_count: number;
  instance_count: number;
}

export interface SeriesQueryRow {
  id: string;
  study_instance_uid: string;
  series_instance_uid: string;
  modality: string | null;
  description: string | null;
  series_number: number | null;
  body_part: string | null;
  instance_count: number;
}

export interface InstanceRow {
  id: string;
  study_instance_uid: string;
  series_instance_uid: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  instance_number: number | null;
  rows: number | null;
  columns: number | null;
  number_of_frames: number;
  transfer_syntax: string;
  blob_key: string;
  size_bytes: string;
}

/** Read side of the DICOM index for QIDO-RS and WADO-RS; always inside a tenant scope. */
@Injectable()
export class DicomwebRepository {
  constructor(private readonly db: Db) {}

  studies(tenantId: string, q: StudyQuery): Promise<StudyRow[]> {
    const where = ['st.tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.studyUids?.length) add('st.study_instance_uid = ANY(?::text[])', q.studyUids);
    if (q.patientKey) add('p.patient_key = ?', q.patientKey);
    if (q.dateFrom) add('st.study_date >= ?::date', q.dateFrom);
    if (q.dateTo) add('st.study_date <= ?::date', q.dateTo);
    if (q.modality) add('? = ANY(st.modalities)', q.modality);
    if (q.accession) add('st.accession = ?', q.accession);
    params.push(q.limit, q.offset);
    return this.db.manager().query<StudyRow[]>(
      `SELECT st.id, st.study_instance_uid, to_char(st.study_date, 'YYYYMMDD') AS study_date, st.study_time, st.accession, st.description, st.modalities,
              p.patient_key, p.sex,
              (SELECT count(*)::int FROM series se WHERE se.tenant_id = st.tenant_id AND se.study_id = st.id) AS series_count,
              (SELECT coalesce(sum(se.instance_count), 0)::int FROM series se WHERE se.tenant_id = st.tenant_id AND se.study_id = st.id) AS instance_count
         FROM study st JOIN patient p ON p.tenant_id = st.tenant_id AND p.id = st.patient_id
        WHERE ${where.join(' AND ')}
        ORDER BY st.study_date DESC NULLS LAST, st.received_at DESC
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  series(
    tenantId: string,
    q: { studyUid?: string; seriesUid?: string; modality?: string; descriptionLike?: string; limit: number; offset: number },
  ): Promise<SeriesQueryRow[]> {
    const where = ['se.tenant_id = $1'];
    const params: unknown[] = [tenantId];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.studyUid) add('st.study_instance_uid = ?', q.studyUid);
    if (q.seriesUid) add('se.series_instance_uid = ?', q.seriesUid);
    if (q.modality) add('se.modality = ?', q.modality);
    if (q.descriptionLike) add("se.description ILIKE ? ESCAPE '\\'", q.descriptionLike);
    params.push(q.limit, q.offset);
    return this.db.manager().query<SeriesQueryRow[]>(
      `SELECT se.id, st.study_instance_uid, se.series_instance_uid, se.modality, se.description, se.series_number, se.body_part, se.instance_count
         FROM series se JOIN study st ON st.tenant_id = se.tenant_id AND st.id = se.study_id
        WHERE ${where.join(' AND ')}
        ORDER BY se.series_number NULLS LAST, se.created_at
        LIMIT $${params.length - 1} OFFSET $${params.length}`,
      params,
    );
  }

  instances(tenantId: string, q: { studyUid: string; seriesUid?: string; sopInstanceUid?: string; limit: number; offset: number }): Promise<InstanceRow[]> {
    const params: unknown[] = [tenantId, q.studyUid, q.seriesUid ?? null, q.sopInstanceUid ?? null, q.limit, q.offset];
    return this.db.manager().query<InstanceRow[]>(
      `SELECT i.id, st.study_instance_uid, se.series_instance_uid, i.sop_instance_uid, i.sop_class_uid, i.instance_number, i.rows, i.columns,
              i.number_of_frames, i.transfer_syntax, i.blob_key, i.size_bytes
         FROM instance i
         JOIN series se ON se.tenant_id = i.tenant_id AND se.id = i.series_id
         JOIN study st ON st.tenant_id = se.tenant_id AND st.id = se.study_id
        WHERE i.tenant_id = $1 AND st.study_instance_uid = $2
          AND ($3::text IS NULL OR se.series_instance_uid = $3) AND ($4::text IS NULL OR i.sop_instance_uid = $4)
        ORDER BY se.series_number NULLS LAST, i.instance_number NULLS LAST, i.sop_instance_uid
        LIMIT $5 OFFSET $6`,
      params,
    );
  }

  async studyIdByUid(tenantId: string, studyUid: string): Promise<string | null> {
    const [row] = await this.db
      .manager()
      .query<{ id: string }[]>(`SELECT id FROM study WHERE tenant_id = $1 AND study_instance_uid = $2`, [tenantId, studyUid]);
    return row?.id ?? null;
  }
}
