import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadApiConfig } from '@cruciate/config';
import { withClient } from '@cruciate/db';
import { createTestHospital, makeSeries, systemQuery, testDatabase, type TestHospital } from '@cruciate/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../../database/db.js';
import { ENTITIES } from '../../database/entities.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { FilesystemBlobStore } from '../blob/blob-store.js';
import { IngestRepository } from './ingest.repository.js';
import { IngestService } from './ingest.service.js';
import { JobQueue } from './job-queue.js';
import { PatientKeyer } from './patient-key.js';

/** Real PostgreSQL, real pg-boss, real blob store; only the failure is injected. */
describe('ingest: index and transactional hand-off to inference', () => {
  let dataSource: DataSource;
  let queue: JobQueue;
  let hospital: TestHospital;
  let other: TestHospital;
  let make: (jobs: Pick<JobQueue, 'sendInference'>) => IngestService;

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: testDatabase().appUrl, entities: ENTITIES, extra: { max: 4 } }).initialize();
    queue = await JobQueue.start(testDatabase().appUrl);
    const db = new Db(dataSource);
    const blobs = new FilesystemBlobStore(await mkdtemp(path.join(os.tmpdir(), 'ingest-blobs-')));
    const config = loadApiConfig({ MAX_INSTANCE_BYTES: String(1024 * 1024) });
    make = (jobs) =>
      new IngestService(
        config,
        db,
        new IngestRepository(db),
        new AuditService(db, new AuditRepository(db)),
        blobs,
        jobs as JobQueue,
        new PatientKeyer('medium-test-secret-0001'),
      );
    [hospital, other] = await Promise.all([createTestHospital(), createTestHospital()]);
  });
  afterAll(async () => {
    await queue?.stop();
    await dataSource?.destroy();
  });

  const jobsOf = (seriesId: string) => systemQuery(`SELECT 1 FROM pgboss.job WHERE name = 'inference' AND data->>'seriesId' = $1`, [seriesId]);

  it('a failure after the rows and the job are written, before commit, leaves neither', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 9 });
    const ingest = make(queue);
    const stored = await Promise.all(series.files.map((f) => ingest.storeInstance(hospital.id, f)));
    const seriesId = stored[0]!.seriesId;
    expect(new Set(stored.map((s) => s.seriesId)).size).toBe(1);

    const crashing = make({
      async sendInference(manager: EntityManager, job: { tenantId: string; seriesId: string }) {
        const id = await queue.sendInference(manager, job);
        throw new Error(`injected failure after enqueueing ${id}`);
      },
    });
    await expect(crashing.completeSeries(hospital.id, [seriesId], null)).rejects.toThrow(/injected failure/);
    expect(await jobsOf(seriesId)).toHaveLength(0);
    const [row] = await systemQuery<{ status: string; selected_for_inference: boolean; study_status: string }>(
      `SELECT se.status, se.selected_for_inference, st.status AS study_status FROM series se JOIN study st ON st.tenant_id = se.tenant_id AND st.id = se.study_id WHERE se.id = $1`,
      [seriesId],
    );
    expect(row).toEqual({ status: 'RECEIVING', selected_for_inference: false, study_status: 'RECEIVING' });

    // The same completion without the failure commits rows and job together.
    const outcome = await ingest.completeSeries(hospital.id, [seriesId], null);
    expect(outcome.enqueued).toEqual([seriesId]);
    expect(await jobsOf(seriesId)).toHaveLength(1);
    const [after] = await systemQuery<{ status: string }>(
      `SELECT st.status FROM series se JOIN study st ON st.tenant_id = se.tenant_id AND st.id = se.study_id WHERE se.id = $1`,
      [seriesId],
    );
    expect(after!.status).toBe('QUEUED');
  });

  it('a series that went quiet is completed by the sweeper (series sent over several associations)', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 8 });
    const ingest = make(queue);
    const stored = await Promise.all(series.files.map((f) => ingest.storeInstance(hospital.id, f)));
    const seriesId = stored[0]!.seriesId;
    await ingest.completeQuietSeries();
    // Still inside the quiet period (120 s by default): not completed, no job.
    const [fresh] = await systemQuery<{ status: string }>(`SELECT status FROM series WHERE id = $1`, [seriesId]);
    expect(fresh!.status).toBe('RECEIVING');
    expect(await jobsOf(seriesId)).toHaveLength(0);
    await systemQuery(`UPDATE series SET last_received_at = now() - interval '1 hour' WHERE id = $1`, [seriesId]);
    expect(await ingest.completeQuietSeries()).toBeGreaterThanOrEqual(1);
    expect(await jobsOf(seriesId)).toHaveLength(1);
    const [row] = await systemQuery<{ status: string }>(`SELECT status FROM series WHERE id = $1`, [seriesId]);
    expect(row!.status).toBe('COMPLETE');
  });

  it('the same instance sent twice at once is stored once', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 1 });
    const ingest = make(queue);
    const results = await Promise.all([ingest.storeInstance(hospital.id, series.files[0]!), ingest.storeInstance(hospital.id, series.files[0]!)]);
    expect(results.map((r) => r.status).sort()).toEqual(['DUPLICATE', 'STORED']);
    const rows = await systemQuery(`SELECT 1 FROM instance WHERE sop_instance_uid = $1`, [series.sopInstanceUids[0]]);
    expect(rows).toHaveLength(1);
  });

  it('the patient index holds a keyed hash, never the PatientID, and differs per hospital', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 1, patientId: 'MRN-424242' });
    const ingest = make(queue);
    await ingest.storeInstance(hospital.id, series.files[0]!);
    await ingest.storeInstance(other.id, series.files[0]!);
    const keys = await systemQuery<{ patient_key: string; tenant_id: string }>(
      `SELECT p.patient_key, p.tenant_id FROM patient p JOIN study s ON s.tenant_id = p.tenant_id AND s.patient_id = p.id WHERE s.study_instance_uid = $1`,
      [series.studyInstanceUid],
    );
    expect(keys).toHaveLength(2);
    expect(keys[0]!.patient_key).not.toBe(keys[1]!.patient_key);
    const dump = JSON.stringify(
      await systemQuery(`SELECT p.*, s.* FROM patient p JOIN study s ON s.tenant_id = p.tenant_id AND s.patient_id = p.id WHERE s.study_instance_uid = $1`, [
        series.studyInstanceUid,
      ]),
    );
    expect(dump).not.toContain('MRN-424242');
  });

  it.each(['patient', 'study', 'series', 'instance'])("%s: under another hospital's tenant setting, a raw query sees none of these rows", async (table) => {
    const count = (tenantSetting: string) =>
      withClient(testDatabase().appUrl, async (c) => {
        await c.query('BEGIN');
        await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantSetting]);
        const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [hospital.id]);
        await c.query('ROLLBACK');
        return rows[0]!.n;
      });
    expect(await count(hospital.id)).toBeGreaterThan(0);
    expect(await count(other.id)).toBe(0);
  });
});
