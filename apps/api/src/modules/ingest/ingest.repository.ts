import { Injectable } from '@nestjs/common';
import type { StudyStatus } from '@cruciate/contracts';
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

/** The only place that writes the DICOM index. Every statement runs inside a tenant scope (or sets the tenant itself). */
@Injectable()
export class IngestRepository {
  constructor(private readonly db: Db) {}

  /**
   * Upserts patient, study and series and inserts the instance in ONE round trip (SQL function
   * ingest_instance, which sets the tenant of its own transaction; RLS applies as everywhere).
   */
  async insertInstance(row: NewInstanceRow): Promise<InsertedInstance> {
    return insertedOf(await this.db.tenantStatement<InsertedRow>(row.tenantId, INGEST_INSTANCE_SQL, ingestInstanceParams(row)));
  }

  /**
   * insertInstance whose transaction commits only once `durable` has resolved (the blob): the row is written while
   * the blob is made durable, and never exists without it. When `durable` rejects, nothing is written.
   */
  async insertInstanceAfter(row: NewInstanceRow, durable: Promise<unknown>): Promise<InsertedInstance> {
    return insertedOf(await this.db.tenantStatementAfter<InsertedRow>(row.tenantId, INGEST_INSTANCE_SQL, ingestInstanceParams(row), durable));
  }

  /** The stored copy of a SOP Instance UID in this hospital, if any (one round trip, no transaction of ours). */
  async storedInstance(tenantId: string, sopInstanceUid: string): Promise<{ instanceId: string; seriesId: string; studyId: string; sha256: string } | null> {
    const [row] = await this.db.tenantStatement<{ instance_id: string; series_id: string; study_id: string; stored_sha256: string }>(
      tenantId,
      `SELECT * FROM stored_instance($1, $2)`,
      [tenantId, sopInstanceUid],
    );
    return row ? { instanceId: row.instance_id, seriesId: row.series_id, studyId: row.study_id, sha256: row.stored_sha256 } : null;
  }

  /** One page of the hospital's stored SOP Instance UIDs in UID order, after `after` (keyset paging; '' for the first). */
  async storedUids(tenantId: string, after: string, limit: number): Promise<string[]> {
    const rows = await this.db.tenantStatement<{ sop_instance_uid: string }>(tenantId, `SELECT sop_instance_uid FROM stored_instance_uids($1, $2, $3)`, [
      tenantId,
      after,
      limit,
    ]);
    return rows.map((r) => r.sop_instance_uid);
  }

  /** Indexes many instances in one statement and one commit; results in input order. */
  async insertInstances(tenantId: string, rows: readonly NewInstanceRow[]): Promise<InsertedInstance[]> {
    return this.insertInstancesAfter(tenantId, rows, null);
  }

  /** insertInstances committing only once `durable` has resolved (null: at once). */
  async insertInstancesAfter(tenantId: string, rows: readonly NewInstanceRow[], durable: Promise<unknown> | null): Promise<InsertedInstance[]> {
    if (rows.length === 0) {
      await durable;
      return [];
    }
    const payload = rows.map((row) => ({
      patientKey: row.patient.key,
      sex: row.patient.sex,
      birthYear: row.patient.birthYear,
      studyUid: row.study.uid,
      accession: row.study.accession,
      studyDate: row.study.date,
      studyTime: row.study.time,
      studyDescription: row.study.description,
      seriesUid: row.series.uid,
      modality: row.series.modality,
      seriesDescription: row.series.description,
      seriesNumber: row.series.number,
      bodyPart: row.series.bodyPart,
      orientation: row.series.orientation,
      ...row.instance,
    }));
    const sql = `SELECT * FROM ingest_batch($1, $2::jsonb) ORDER BY ord`;
    const params = [tenantId, JSON.stringify(payload)];
    const results = durable
      ? await this.db.tenantStatementAfter<InsertedRow & { ord: number }>(tenantId, sql, params, durable)
      : await this.db.tenantStatement<InsertedRow & { ord: number }>(tenantId, sql, params);
    if (results.length !== rows.length) throw new Error(`ingest_instances returned ${results.length} rows for ${rows.length}`);
    return results.map((r) => ({ inserted: r.inserted, instanceId: r.instance_id, seriesId: r.series_id, studyId: r.study_id, storedSha256: r.stored_sha256 }));
  }

  /**
   * Every series of the studies that hold the given series, with their study's status, locked for this transaction
   * (FOR UPDATE, in study order), grouped by study in series order: one statement for a whole association's studies.
   */
  async seriesOfStudiesOf(tenantId: string, seriesIds: readonly string[]): Promise<{ studyId: string; studyStatus: StudyStatus; series: SeriesRow[] }[]> {
    const rows = await this.db.manager().query<(SeriesRow & { study_status: StudyStatus })[]>(
      `SELECT se.id, se.study_id, se.series_instance_uid, se.modality, se.description, se.body_part, se.image_orientation,
              se.instance_count, se.status, se.selected_for_inference, se.enqueued_instance_count, st.status AS study_status
         FROM series se JOIN study st ON st.tenant_id = se.tenant_id AND st.id = se.study_id
        WHERE se.tenant_id = $1
          AND se.study_id IN (SELECT study_id FROM series WHERE tenant_id = $1 AND id = ANY($2::uuid[]))
        ORDER BY se.study_id, se.series_number NULLS LAST, se.created_at
          FOR UPDATE OF se`,
      [tenantId, seriesIds],
    );
    const studies = new Map<string, { studyId: string; studyStatus: StudyStatus; series: SeriesRow[] }>();
    for (const { study_status, ...row } of rows) {
      let study = studies.get(row.study_id);
      if (!study) {
        study = { studyId: row.study_id, studyStatus: study_status, series: [] };
        studies.set(row.study_id, study);
      }
      study.series.push(row);
    }
    return [...studies.values()];
  }

  async markComplete(tenantId: string, seriesIds: readonly string[]): Promise<void> {
    await this.db
      .manager()
      .query(`UPDATE series SET status = 'COMPLETE', completed_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status = 'RECEIVING'`, [
        tenantId,
        seriesIds,
      ]);
  }

  /** Records the selection decision of many series in one statement. */
  async setSelections(tenantId: string, decisions: readonly { seriesId: string; selected: boolean; plane: string; reason: string }[]): Promise<void> {
    if (decisions.length === 0) return;
    await this.db.manager().query(
      `UPDATE series s SET selected_for_inference = v.selected, plane = v.plane, selection_reason = v.reason
         FROM unnest($2::uuid[], $3::boolean[], $4::text[], $5::text[]) AS v(id, selected, plane, reason)
        WHERE s.tenant_id = $1 AND s.id = v.id`,
      [tenantId, decisions.map((d) => d.seriesId), decisions.map((d) => d.selected), decisions.map((d) => d.plane), decisions.map((d) => d.reason)],
    );
  }

  /** Records, for many series in one statement, how many of their instances their inference job covers. */
  async setEnqueued(tenantId: string, counts: readonly { seriesId: string; instanceCount: number }[]): Promise<void> {
    if (counts.length === 0) return;
    await this.db
      .manager()
      .query(`UPDATE series s SET enqueued_instance_count = v.n FROM unnest($2::uuid[], $3::int[]) AS v(id, n) WHERE s.tenant_id = $1 AND s.id = v.id`, [
        tenantId,
        counts.map((c) => c.seriesId),
        counts.map((c) => c.instanceCount),
      ]);
  }

  /** Sets the status (and its reason) of many studies in one statement. */
  async setStudyStatuses(tenantId: string, statuses: readonly { studyId: string; status: string; reason: string | null }[]): Promise<void> {
    if (statuses.length === 0) return;
    await this.db.manager().query(
      `UPDATE study s SET status = v.status, status_reason = v.reason, updated_at = now()
         FROM unnest($2::uuid[], $3::text[], $4::text[]) AS v(id, status, reason)
        WHERE s.tenant_id = $1 AND s.id = v.id`,
      [tenantId, statuses.map((s) => s.studyId), statuses.map((s) => s.status), statuses.map((s) => s.reason)],
    );
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

type InsertedRow = { inserted: boolean; instance_id: string; series_id: string; study_id: string; stored_sha256: string };

const INGEST_INSTANCE_SQL = `SELECT * FROM ingest_instance($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)`;

function ingestInstanceParams(row: NewInstanceRow): unknown[] {
  const i = row.instance;
  return [
    row.tenantId,
    row.patient.key,
    row.patient.sex,
    row.patient.birthYear,
    row.study.uid,
    row.study.accession,
    row.study.date,
    row.study.time,
    row.study.description,
    row.series.uid,
    row.series.modality,
    row.series.description,
    row.series.number,
    row.series.bodyPart,
    row.series.orientation,
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
  ];
}

function insertedOf([result]: InsertedRow[]): InsertedInstance {
  if (!result) throw new Error('ingest_instance returned no row');
  return {
    inserted: result.inserted,
    instanceId: result.instance_id,
    seriesId: result.series_id,
    studyId: result.study_id,
    storedSha256: result.stored_sha256,
  };
}
