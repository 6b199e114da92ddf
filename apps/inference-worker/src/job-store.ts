import type pg from 'pg';
import type { InferenceSummary } from '@cruciate/inference';

export interface SeriesToAnalyze {
  readonly seriesId: string;
  readonly studyId: string;
  readonly studyStatus: string;
  readonly selectedForInference: boolean;
  readonly instances: readonly { id: string; blobKey: string }[];
}

export interface ActiveModel {
  readonly id: string;
  readonly blobKey: string;
  readonly manifest: unknown;
}

export interface NewFinding {
  readonly tenantId: string;
  readonly studyId: string;
  readonly seriesId: string;
  readonly modelVersionId: string;
  readonly labels: readonly string[];
  readonly summary: InferenceSummary;
  readonly sliceInstanceIds: readonly string[];
  readonly camBlobKey: string;
  readonly camShape: readonly number[];
  readonly timings: Record<string, number>;
  readonly executionProvider: string;
}

/**
 * Runs `fn` in one transaction whose first statement binds the job's tenant: row-level security then holds every
 * statement to that hospital, exactly as in the API.
 */
export async function withTenant<T>(pool: pg.Pool, tenantId: string, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The worker's SQL: always under the job's tenant (withTenant), never cross-tenant. Study status changes are announced
 * to API instances by the study trigger of migration 0008 (NOTIFY on commit).
 */
export const jobStore = {
  async loadSeries(client: pg.PoolClient, seriesId: string): Promise<SeriesToAnalyze | null> {
    const { rows } = await client.query<{ id: string; study_id: string; selected_for_inference: boolean; study_status: string }>(
      `SELECT s.id, s.study_id, s.selected_for_inference, st.status AS study_status
         FROM series s JOIN study st ON st.tenant_id = s.tenant_id AND st.id = s.study_id
        WHERE s.id = $1`,
      [seriesId],
    );
    const series = rows[0];
    if (!series) return null;
    const instances = await client.query<{ id: string; blob_key: string }>(
      `SELECT id, blob_key FROM instance WHERE series_id = $1 ORDER BY instance_number NULLS LAST, sop_instance_uid`,
      [seriesId],
    );
    return {
      seriesId: series.id,
      studyId: series.study_id,
      studyStatus: series.study_status,
      selectedForInference: series.selected_for_inference,
      instances: instances.rows.map((r) => ({ id: r.id, blobKey: r.blob_key })),
    };
  },

  async activeModel(client: pg.PoolClient, tenantId: string): Promise<ActiveModel | null> {
    const { rows } = await client.query<{ id: string; blob_key: string; manifest: unknown }>(
      `SELECT m.id, m.blob_key, m.manifest FROM hospital h JOIN model_version m ON m.id = h.active_model_version_id WHERE h.id = $1`,
      [tenantId],
    );
    const row = rows[0];
    return row ? { id: row.id, blobKey: row.blob_key, manifest: row.manifest } : null;
  },

  async findingExists(client: pg.PoolClient, seriesId: string, modelVersionId: string): Promise<boolean> {
    const { rowCount } = await client.query(`SELECT 1 FROM finding WHERE series_id = $1 AND model_version_id = $2`, [seriesId, modelVersionId]);
    return (rowCount ?? 0) > 0;
  },

  /** QUEUED/FAILED/ANALYZING -> ANALYZING (a reviewed or analysed study keeps its status). */
  async markAnalyzing(client: pg.PoolClient, studyId: string): Promise<void> {
    await client.query(
      `UPDATE study SET status = 'ANALYZING', status_reason = NULL, updated_at = now()
        WHERE id = $1 AND status IN ('QUEUED', 'FAILED', 'RECEIVING')`,
      [studyId],
    );
  },

  /** Inserts the finding (at most one per series and model version) and updates the study; false if it existed. */
  async insertFinding(client: pg.PoolClient, f: NewFinding): Promise<boolean> {
    const { rowCount } = await client.query(
      `INSERT INTO finding (tenant_id, study_id, series_id, model_version_id, labels, probabilities, predicted_class, p_unhealthy,
                            key_slice, slice_instance_ids, cam_blob_key, cam_shape, timings, execution_provider)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       ON CONFLICT ON CONSTRAINT finding_series_model_key DO NOTHING`,
      [
        f.tenantId,
        f.studyId,
        f.seriesId,
        f.modelVersionId,
        f.labels,
        f.summary.probabilities.map((p) => p.probability),
        f.summary.predictedLabel,
        f.summary.pUnhealthy,
        f.summary.keySlice,
        f.sliceInstanceIds,
        f.camBlobKey,
        f.camShape,
        JSON.stringify(f.timings),
        f.executionProvider,
      ],
    );
    if (!rowCount) return false;
    await client.query(
      `UPDATE study SET status = CASE WHEN status = 'REVIEWED' THEN status ELSE 'ANALYZED' END, status_reason = NULL,
              priority = $2, ai_class = $3, ai_p_unhealthy = $4, analyzed_at = now(), updated_at = now()
        WHERE id = $1`,
      [f.studyId, f.summary.priority, f.summary.predictedLabel, f.summary.pUnhealthy],
    );
    return true;
  },

  async markFailed(client: pg.PoolClient, studyId: string, reason: string): Promise<void> {
    await client.query(`UPDATE study SET status = 'FAILED', status_reason = $2, updated_at = now() WHERE id = $1 AND status NOT IN ('ANALYZED', 'REVIEWED')`, [
      studyId,
      reason.slice(0, 1000),
    ]);
  },
};

/**
 * The model versions hospitals run now, to load and warm at start. The one cross-tenant read of the worker (explicit
 * system context, like the API's forSystem): it reads which platform-wide model versions are active, no patient data.
 */
export async function activeModelVersions(pool: pg.Pool): Promise<ActiveModel[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SELECT set_config('app.system', 'on', true)`);
    const { rows } = await client.query<{ id: string; blob_key: string; manifest: unknown }>(
      `SELECT m.id, m.blob_key, m.manifest FROM model_version m WHERE m.id IN (SELECT active_model_version_id FROM hospital WHERE status = 'ACTIVE')`,
    );
    await client.query('COMMIT');
    return rows.map((r) => ({ id: r.id, blobKey: r.blob_key, manifest: r.manifest }));
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
