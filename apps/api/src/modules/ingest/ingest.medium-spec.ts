import { createHash } from 'node:crypto';
import { access, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadApiConfig } from '@cruciate/config';
import { readInstanceHead } from '@cruciate/dicom';
import { withClient } from '@cruciate/db';
import { createTestHospital, makeSeries, newUid, systemQuery, testDatabase, type TestHospital } from '@cruciate/testing';
import { DataSource, type EntityManager } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Db } from '../../database/db.js';
import { ENTITIES } from '../../database/entities.js';
import { AuditRepository } from '../audit/audit.repository.js';
import { AuditService } from '../audit/audit.service.js';
import { pino } from 'pino';
import { FilesystemBlobStore, type SpoolWriter, type StoredBlob } from '@cruciate/blob';
import { IngestRepository } from './ingest.repository.js';
import { IngestService } from './ingest.service.js';
import { JobQueue } from './job-queue.js';
import { PatientKeyer } from './patient-key.js';
import { INSTANCE_STORED_CHANNEL, StoredUidFilters } from './stored-uid-filter.js';

/** Real PostgreSQL, real pg-boss, real blob store; only the failure is injected. */
describe('ingest: index and transactional hand-off to inference', () => {
  let dataSource: DataSource;
  let queue: JobQueue;
  let hospital: TestHospital;
  let other: TestHospital;
  let make: (jobs: Pick<JobQueue, 'sendInferences'>, uidFilters?: StoredUidFilters) => IngestService;
  let blobs: FilesystemBlobStore;
  let blobRoot: string;
  let db: Db;
  const silent = pino({ level: 'silent' });

  beforeAll(async () => {
    dataSource = await new DataSource({ type: 'postgres', url: testDatabase().appUrl, entities: ENTITIES, extra: { max: 4 } }).initialize();
    queue = await JobQueue.start(testDatabase().appUrl);
    db = new Db(dataSource);
    blobRoot = await mkdtemp(path.join(os.tmpdir(), 'ingest-blobs-'));
    blobs = new FilesystemBlobStore(blobRoot);
    const config = loadApiConfig({ MAX_INSTANCE_BYTES: String(1024 * 1024) });
    make = (jobs, uidFilters) =>
      new IngestService(
        config,
        db,
        new IngestRepository(db),
        new AuditService(db, new AuditRepository(db)),
        blobs,
        jobs as JobQueue,
        new PatientKeyer('medium-test-secret-0001'),
        silent,
        uidFilters,
      );
    [hospital, other] = await Promise.all([createTestHospital(), createTestHospital()]);
  });
  afterAll(async () => {
    await queue?.stop();
    await dataSource?.destroy();
  });

  /** The service of another process over `store` (a restart): the shared database and queue, a blob store of its own. */
  const serviceOver = (store: FilesystemBlobStore): IngestService =>
    new IngestService(
      loadApiConfig({ MAX_INSTANCE_BYTES: String(1024 * 1024) }),
      db,
      new IngestRepository(db),
      new AuditService(db, new AuditRepository(db)),
      store,
      queue,
      new PatientKeyer('medium-test-secret-0001'),
      silent,
    );
  const jobsOf = (seriesId: string) => systemQuery(`SELECT 1 FROM pgboss.job WHERE name = 'inference' AND data->>'seriesId' = $1`, [seriesId]);

  it('a failure after the rows and the job are written, before commit, leaves neither', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 9 });
    const ingest = make(queue);
    const stored = await Promise.all(series.files.map((f) => ingest.storeInstance(hospital.id, f)));
    const seriesId = stored[0]!.seriesId;
    expect(new Set(stored.map((s) => s.seriesId)).size).toBe(1);

    const crashing = make({
      async sendInferences(manager: EntityManager, jobs: readonly { tenantId: string; seriesId: string }[]) {
        const ids = await queue.sendInferences(manager, jobs);
        throw new Error(`injected failure after enqueueing ${ids.join(', ')}`);
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

  it('completes the series of several studies in one call, deciding each study on its own (one job, one NOT_APPLICABLE, one audit event each)', async () => {
    const tenant = await createTestHospital();
    const ingest = make(queue);
    // Study A: a sagittal and an axial series; study B: axial only; study C: two sagittal series (one is preferred).
    const aSag = makeSeries({ plane: 'sagittal', slices: 9, rows: 16, columns: 16, seriesDescription: 'SAG PD FS', seriesNumber: 2 });
    const aAx = makeSeries({ plane: 'axial', slices: 4, rows: 16, columns: 16, studyInstanceUid: aSag.studyInstanceUid, seriesNumber: 3 });
    const bAx = makeSeries({ plane: 'axial', slices: 4, rows: 16, columns: 16 });
    const cSag1 = makeSeries({ plane: 'sagittal', slices: 9, rows: 16, columns: 16, seriesDescription: 'SAG PD FS', seriesNumber: 2 });
    const cSag2 = makeSeries({
      plane: 'sagittal',
      slices: 9,
      rows: 16,
      columns: 16,
      studyInstanceUid: cSag1.studyInstanceUid,
      seriesDescription: 'SAG PD FS',
      seriesNumber: 5,
    });
    const all = [aSag, aAx, bAx, cSag1, cSag2];
    const seriesIdOf = new Map<string, string>();
    for (const series of all) {
      for (const file of series.files) seriesIdOf.set(series.seriesInstanceUid, (await ingest.storeInstance(tenant.id, file)).seriesId);
    }
    const outcome = await ingest.completeSeries(tenant.id, [...seriesIdOf.values()], null, { via: 'test' });

    const rows = await systemQuery<{ series_instance_uid: string; status: string; selected_for_inference: boolean; selection_reason: string }>(
      `SELECT series_instance_uid, status, selected_for_inference, selection_reason FROM series WHERE tenant_id = $1`,
      [tenant.id],
    );
    const row = (s: { seriesInstanceUid: string }) => rows.find((r) => r.series_instance_uid === s.seriesInstanceUid)!;
    expect(rows.every((r) => r.status === 'COMPLETE')).toBe(true);
    expect(row(aSag).selected_for_inference).toBe(true);
    expect(row(aAx).selected_for_inference).toBe(false);
    expect(row(bAx).selected_for_inference).toBe(false);
    expect([row(cSag1).selected_for_inference, row(cSag2).selected_for_inference].filter(Boolean)).toHaveLength(1);
    const preferred = row(cSag1).selected_for_inference ? cSag1 : cSag2;
    const other = preferred === cSag1 ? cSag2 : cSag1;
    expect(row(other).selection_reason).toBe(`eligible, but series ${preferred.seriesInstanceUid} was preferred`);
    // One job per study with a chosen series; the study without one is NOT_APPLICABLE with the reason.
    expect([...outcome.enqueued].sort()).toEqual([seriesIdOf.get(aSag.seriesInstanceUid)!, seriesIdOf.get(preferred.seriesInstanceUid)!].sort());
    const jobs = await systemQuery<{ series: string }>(
      `SELECT data->>'seriesId' AS series FROM pgboss.job WHERE name = 'inference' AND data->>'tenantId' = $1`,
      [tenant.id],
    );
    expect(jobs.map((j) => j.series).sort()).toEqual([...outcome.enqueued].sort());
    const studies = await systemQuery<{ study_instance_uid: string; status: string; status_reason: string | null }>(
      `SELECT study_instance_uid, status, status_reason FROM study WHERE tenant_id = $1`,
      [tenant.id],
    );
    const study = (uid: string) => studies.find((st) => st.study_instance_uid === uid)!;
    expect(study(aSag.studyInstanceUid).status).toBe('QUEUED');
    expect(study(cSag1.studyInstanceUid).status).toBe('QUEUED');
    expect(study(bAx.studyInstanceUid)).toMatchObject({
      status: 'NOT_APPLICABLE',
      status_reason: expect.stringMatching(/^no series the model can read: /) as unknown,
    });
    expect(outcome.notApplicable).toHaveLength(1);
    const audits = await systemQuery<{ target_id: string }>(`SELECT target_id FROM audit_event WHERE tenant_id = $1 AND action = 'study.ingest'`, [tenant.id]);
    expect(audits).toHaveLength(3);
    // Completing the same series again enqueues nothing more.
    expect((await ingest.completeSeries(tenant.id, [...seriesIdOf.values()], null)).enqueued).toEqual([]);
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

  /** A spool writer whose flush (the one fdatasync before the response) the test releases, or fails, by hand. */
  async function gatedWriter(tenantId: string, bytes: Buffer, chunk = 4096): Promise<{ writer: SpoolWriter; release: () => void; fail: (err: Error) => void }> {
    const real = await blobs.spoolWriter(tenantId);
    for (let i = 0; i < bytes.length; i += chunk) real.write(bytes.subarray(i, i + chunk));
    let release!: () => void;
    let fail!: (err: Error) => void;
    const gate = new Promise<void>((resolve, reject) => {
      release = resolve;
      fail = reject;
    });
    const flush = real.flush.bind(real);
    real.flush = async (): Promise<StoredBlob> => {
      await gate;
      return flush();
    };
    return { writer: real, release, fail };
  }

  const instanceRows = (sopInstanceUid: string) => systemQuery(`SELECT blob_key FROM instance WHERE sop_instance_uid = $1`, [sopInstanceUid]);
  const spoolFiles = async (tenantId: string) => {
    const dir = path.join(blobRoot, 'spool', os.hostname().replace(/[^A-Za-z0-9._-]/g, '_'), tenantId);
    return (await readdir(dir).catch(() => [] as string[])).map((f) => path.join(dir, f));
  };

  it('C-STORE path: acknowledged once its spool file is flushed; the row follows, then the spool file goes', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 1, rows: 128, columns: 128 });
    const file = series.files[0]!;
    const ingest = make(queue);
    const { writer, release } = await gatedWriter(hospital.id, file);
    let answered = false;
    const storing = ingest.storeReceived(hospital.id, { head: file.subarray(0, 1024), blob: writer }).finally(() => {
      answered = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Not flushed yet: no answer, no row, nothing at the content address.
    expect(answered).toBe(false);
    expect(await instanceRows(series.sopInstanceUids[0]!)).toHaveLength(0);
    const key = writer.seal().key;
    await expect(access(path.join(blobRoot, key))).rejects.toThrow();
    release();
    const receipt = await storing;
    expect(receipt.status).toBe('STORED');
    const outcome = await receipt.indexed;
    expect(outcome).toMatchObject({ status: 'STORED', sopInstanceUid: series.sopInstanceUids[0] });
    expect(await instanceRows(series.sopInstanceUids[0]!)).toEqual([{ blob_key: key }]);
    expect((await blobs.get(key)).equals(file)).toBe(true);
    await expect(access(writer.file)).rejects.toThrow();
  });

  it('C-STORE path: a flush that fails refuses the instance and leaves no row, no blob and no spool file', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 1, rows: 64, columns: 64 });
    const file = series.files[0]!;
    const ingest = make(queue);
    const { writer, fail } = await gatedWriter(hospital.id, file);
    const storing = ingest.storeReceived(hospital.id, { head: file, blob: writer });
    fail(new Error('disk gone'));
    await expect(storing).rejects.toThrow(/disk gone/);
    expect(await instanceRows(series.sopInstanceUids[0]!)).toHaveLength(0);
    await expect(access(path.join(blobRoot, writer.seal().key))).rejects.toThrow();
    await expect(access(writer.file)).rejects.toThrow();
  });

  it('C-STORE path: an instance that does not parse is refused and its spool file removed', async () => {
    const ingest = make(queue);
    const writer = await ingest.openWriter(hospital.id);
    const junk = Buffer.alloc(200_000, 7);
    writer.write(junk);
    await expect(ingest.storeReceived(hospital.id, { head: junk.subarray(0, 65536), blob: writer })).rejects.toMatchObject({ code: 'DICOM_REJECTED' });
    await expect(access(writer.file)).rejects.toThrow();
  });

  it('C-STORE path: a head read early decides as the head would; one that does not speak for the object is set aside', async () => {
    const ingest = make(queue);
    let writer!: SpoolWriter;
    const send = async (file: Buffer, headRead: ReturnType<typeof readInstanceHead>) => {
      writer = await ingest.openWriter(hospital.id);
      writer.write(file);
      return ingest.storeReceived(hospital.id, { head: file.subarray(0, 4096), blob: writer, headRead });
    };
    const [mr, other] = [0, 1].map(() => makeSeries({ plane: 'sagittal', slices: 1, rows: 128, columns: 128 }));
    const mrFile = mr!.files[0]!;
    const receipt = await send(mrFile, readInstanceHead(mrFile.subarray(0, 4096)));
    expect(await receipt.indexed).toMatchObject({ status: 'STORED', sopInstanceUid: mr!.sopInstanceUids[0] });
    // A read that is not this object's (its pixel data ends elsewhere): the whole object is parsed instead.
    const longer = makeSeries({ plane: 'sagittal', slices: 1, rows: 130, columns: 128 }).files[0]!;
    const otherFile = other!.files[0]!;
    const fallback = await send(otherFile, readInstanceHead(longer.subarray(0, 4096)));
    expect(await fallback.indexed).toMatchObject({ status: 'STORED', sopInstanceUid: other!.sopInstanceUids[0] });
    // Read early and refused: the same refusal as from the whole object, nothing left behind.
    const ct = makeSeries({ slices: 1, rows: 128, columns: 128, sopClass: '1.2.840.10008.5.1.4.1.1.2' });
    await expect(send(ct.files[0]!, readInstanceHead(ct.files[0]!.subarray(0, 4096)))).rejects.toMatchObject({
      code: 'DICOM_REJECTED',
      dicomCode: 'SOP_CLASS_NOT_SUPPORTED',
    });
    expect(await instanceRows(ct.sopInstanceUids[0]!)).toHaveLength(0);
    await expect(access(writer.file)).rejects.toThrow();
  });

  it('C-STORE path: an instance whose head cannot decide (deflated) is parsed from what was written', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 1, rows: 256, columns: 256, transferSyntax: 'deflated-le' });
    const file = series.files[0]!;
    const ingest = make(queue);
    const writer = await ingest.openWriter(hospital.id);
    writer.write(file);
    const receipt = await ingest.storeReceived(hospital.id, { head: file.subarray(0, 2048), blob: writer });
    expect(await receipt.indexed).toMatchObject({ status: 'STORED', sopInstanceUid: series.sopInstanceUids[0] });
  });

  it('C-STORE path: the same bytes twice (in flight or stored) are a duplicate, other bytes a conflict before any answer', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 1, rows: 64, columns: 64 });
    const file = series.files[0]!;
    const altered = Buffer.from(file);
    altered[altered.length - 1] = altered.at(-1)! ^ 0xff; // last pixel byte: same header, other content
    const ingest = make(queue);
    const send = async (bytes: Buffer) => {
      const writer = await ingest.openWriter(hospital.id);
      writer.write(bytes);
      return ingest.storeReceived(hospital.id, { head: bytes, blob: writer });
    };
    // Both copies at once: one is first, the other waits for its decision.
    const [a, b] = await Promise.all([send(file), send(file)]);
    expect([a.status, b.status].sort()).toEqual(['DUPLICATE', 'STORED']);
    const [oa, ob] = await Promise.all([a.indexed, b.indexed]);
    expect(oa.instanceId).toBe(ob.instanceId);
    // In flight and stored: other bytes are refused with the reason, and the first copy is kept.
    await expect(send(altered)).rejects.toMatchObject({ code: 'INSTANCE_CONFLICT' });
    expect((await send(file)).status).toBe('DUPLICATE');
    const rows = await systemQuery<{ sha256: string }>(`SELECT sha256 FROM instance WHERE sop_instance_uid = $1`, [series.sopInstanceUids[0]]);
    expect(rows).toEqual([{ sha256: createHash('sha256').update(file).digest('hex') }]);
    expect((await blobs.get((await instanceRows(series.sopInstanceUids[0]!))[0]!.blob_key as string)).equals(file)).toBe(true);
    // Nothing of the refused copies stays in the spool.
    for (const f of await spoolFiles(hospital.id)) expect((await stat(f)).size).toBe(0);
  });

  it('C-STORE path: the look-up started with the command is used only for the instance it names, and misses nothing indexed since', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 2, rows: 32, columns: 32 });
    const [first, second] = series.files as [Buffer, Buffer];
    const alter = (bytes: Buffer) => {
      const altered = Buffer.from(bytes);
      altered[altered.length - 1] = altered.at(-1)! ^ 0xff;
      return altered;
    };
    const ingest = make(queue);
    const send = async (bytes: Buffer, lookup?: ReturnType<IngestService['lookUpEarly']>, via = ingest) => {
      const writer = await via.openWriter(hospital.id);
      writer.write(bytes);
      return via.storeReceived(hospital.id, { head: bytes, blob: writer, lookup });
    };
    // Started before the first copy was indexed: it found nothing, yet the other bytes that follow are refused.
    const early = ingest.lookUpEarly(hospital.id, series.sopInstanceUids[0]!);
    expect(await early.stored).toBeNull();
    await (
      await send(first)
    ).indexed;
    await expect(send(alter(first), early)).rejects.toMatchObject({ code: 'INSTANCE_CONFLICT' });
    // A look-up of another instance is not taken for this one. (Stored by another process, so that only the index
    // knows this instance: the refusal comes from a look-up of it, not from what `ingest` remembers.)
    await (
      await send(second, undefined, make(queue))
    ).indexed;
    const elsewhere = ingest.lookUpEarly(hospital.id, '2.25.1');
    await expect(send(alter(second), elsewhere)).rejects.toMatchObject({ code: 'INSTANCE_CONFLICT' });
    // A look-up that names it finds the stored copy, and the re-send is a duplicate.
    const named = ingest.lookUpEarly(hospital.id, series.sopInstanceUids[1]!);
    expect(await named.stored).toMatchObject({ sha256: createHash('sha256').update(second).digest('hex') });
    expect((await send(second, named)).status).toBe('DUPLICATE');
    const rows = await systemQuery<{ sha256: string }>(`SELECT sha256 FROM instance WHERE sop_instance_uid = ANY($1) ORDER BY sop_instance_uid`, [
      series.sopInstanceUids,
    ]);
    expect(rows).toHaveLength(2);
  });

  it('ingest_batch: one INSERT for the batch, results in input order; a UID twice in it is stored once, one stored before answers with its copy; one count per series, one notification', async () => {
    const tenant = await createTestHospital();
    const ingest = make(queue);
    const repo = new IngestRepository(db);
    const sag = makeSeries({ plane: 'sagittal', slices: 3, rows: 8, columns: 8 });
    const ax = makeSeries({ plane: 'axial', slices: 2, rows: 8, columns: 8, studyInstanceUid: sag.studyInstanceUid });
    const [s0, s1, s2] = await Promise.all(sag.files.map(async (f) => (await ingest.prepare(tenant.id, f)).row));
    const [a0, a1] = await Promise.all(ax.files.map(async (f) => (await ingest.prepare(tenant.id, f)).row));
    const [before] = await repo.insertInstances(tenant.id, [s0!]);
    expect(before!.inserted).toBe(true);

    const payloads: string[] = [];
    const results = await withClient(testDatabase().appUrl, async (client) => {
      client.on('notification', (msg) => {
        if (msg.channel === INSTANCE_STORED_CHANNEL && msg.payload?.startsWith(tenant.id)) payloads.push(msg.payload);
      });
      await client.query(`LISTEN ${INSTANCE_STORED_CHANNEL}`);
      const out = await repo.insertInstances(tenant.id, [s1!, s0!, s1!, a0!, s2!, a1!]);
      await vi.waitFor(() => expect(payloads.join(' ')).toContain(a1!.instance.sopInstanceUid), { timeout: 5_000 });
      return out;
    });
    expect(results.map((r) => r.inserted)).toEqual([true, false, false, true, true, true]);
    expect(results[1]!.instanceId).toBe(before!.instanceId); // stored before this batch
    expect(results[2]!.instanceId).toBe(results[0]!.instanceId); // the same UID earlier in this batch
    expect(results.map((r) => r.storedSha256)).toEqual([s1, s0, s1, a0, s2, a1].map((r) => r!.instance.sha256));
    expect(new Set([0, 1, 2, 4].map((i) => results[i]!.seriesId)).size).toBe(1);
    expect(results[3]!.seriesId).toBe(results[5]!.seriesId);
    expect(results[3]!.seriesId).not.toBe(results[0]!.seriesId);
    expect(new Set(results.map((r) => r.studyId)).size).toBe(1);
    const counts = await systemQuery<{ id: string; instance_count: number }>(`SELECT id, instance_count FROM series WHERE id = ANY($1::uuid[])`, [
      [results[0]!.seriesId, results[3]!.seriesId],
    ]);
    expect(Object.fromEntries(counts.map((c) => [c.id, c.instance_count]))).toEqual({ [results[0]!.seriesId]: 3, [results[3]!.seriesId]: 2 });
    // One INSERT statement: one trigger call, one notification naming the four new UIDs (not one per instance).
    expect(payloads).toHaveLength(1);
    expect(payloads[0]!.split(' ').slice(1).sort()).toEqual([s1, a0, s2, a1].map((r) => r!.instance.sopInstanceUid).sort());
  });

  it('group commit: instances received together are indexed in few statements, in order, with one series count', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 24, rows: 32, columns: 32 });
    const ingest = make(queue);
    const receipts = await Promise.all(
      series.files.map(async (file) => {
        const writer = await ingest.openWriter(hospital.id);
        writer.write(file);
        return ingest.storeReceived(hospital.id, { head: file, blob: writer });
      }),
    );
    const outcomes = await Promise.all(receipts.map((r) => r.indexed));
    expect(outcomes.map((o) => o.sopInstanceUid)).toEqual(series.sopInstanceUids);
    expect(new Set(outcomes.map((o) => o.seriesId)).size).toBe(1);
    const [row] = await systemQuery<{ instance_count: number }>(`SELECT instance_count FROM series WHERE id = $1`, [outcomes[0]!.seriesId]);
    expect(row!.instance_count).toBe(24);
    expect(ingest.unindexed).toBe(0);
  });

  it('recovery: what a killed process acknowledged but had not indexed is indexed at the next start; nothing is lost', async () => {
    const tenant = await createTestHospital();
    const series = makeSeries({ plane: 'sagittal', slices: 3, rows: 64, columns: 64 });
    // A process that dies after its flushes: spool files with whole instances, one created ahead and never used,
    // and one cut short mid-transfer.
    const dead = new FilesystemBlobStore(blobRoot);
    const left: string[] = [];
    for (const file of series.files) {
      const writer = await dead.spoolWriter(tenant.id);
      writer.write(file);
      await writer.flush();
      left.push(writer.file);
    }
    const cut = await dead.spoolWriter(tenant.id);
    cut.write(series.files[0]!.subarray(0, 5000));
    await cut.flush();
    const unused = (await spoolFiles(tenant.id)).filter((f) => !left.includes(f) && f !== cut.file);
    expect(unused.length).toBeGreaterThan(0);

    // The next process: its recovery pass indexes the whole ones, removes the empty ones, sets the cut one aside.
    const next = serviceOver(new FilesystemBlobStore(blobRoot));
    const recovered = await next.recoverSpool();
    expect(recovered).toMatchObject({ indexed: 3, quarantined: 1, failed: 0 });
    expect(recovered.removedEmpty).toBeGreaterThanOrEqual(unused.length);
    for (const [i, uid] of series.sopInstanceUids.entries()) {
      const [row] = await instanceRows(uid);
      expect((await blobs.get(row!.blob_key as string)).equals(series.files[i]!)).toBe(true);
    }
    expect(await spoolFiles(tenant.id)).toEqual([]);
    const quarantined = await readdir(path.join(blobRoot, 'quarantine', tenant.id));
    expect(quarantined).toContain(path.basename(cut.file));
    expect(quarantined).toContain(`${path.basename(cut.file)}.reason.txt`);
    // A second pass finds nothing to do (idempotent).
    expect(await next.recoverSpool()).toEqual({ indexed: 0, removedEmpty: 0, quarantined: 0, failed: 0 });
  });

  it('recovery with spool files written ahead: flushed ones are cut to their trailer and indexed, unused ones removed, one never flushed set aside', async () => {
    const tenant = await createTestHospital();
    const series = makeSeries({ plane: 'sagittal', slices: 4, rows: 64, columns: 64 });
    const dead = new FilesystemBlobStore(blobRoot, undefined, { spoolPrewriteMaxBytes: 1024 * 1024 });
    const writeAhead = async (): Promise<SpoolWriter> => {
      for (let i = 0; i < 40; i++) {
        const writer = await dead.spoolWriter(tenant.id);
        if ((await stat(writer.file)).size > 0) return writer;
        await writer.discard();
      }
      throw new Error('no spool file was written ahead');
    };
    // Each flush writes the next spool file ahead, sized for an instance like its own.
    const first = await dead.spoolWriter(tenant.id);
    first.write(series.files[0]!);
    await first.flush(); // acknowledged
    // Received whole, but the process died before its flush (so before any answer): it still ends with the mark.
    const unflushed = await writeAhead();
    unflushed.write(series.files[3]!);
    const plain = await dead.spoolWriter(tenant.id);
    expect((await stat(plain.file)).size).toBe(0);
    plain.write(series.files[1]!);
    await plain.flush();
    const ahead = await writeAhead();
    ahead.write(series.files[2]!);
    await ahead.flush();
    // Acknowledged, its group commit never ran: the file holds the instance, then what was written ahead and its trailer.
    expect((await readFile(ahead.file)).subarray(0, series.files[2]!.length)).toEqual(series.files[2]!);
    expect((await stat(ahead.file)).size).toBeGreaterThan(series.files[2]!.length);
    const flushed = [first.file, plain.file, ahead.file];
    const unused = (await spoolFiles(tenant.id)).filter((f) => !flushed.includes(f) && f !== unflushed.file);
    const unusedSizes = await Promise.all(unused.map(async (f) => (await stat(f)).size));
    expect(unusedSizes.filter((size) => size > series.files[2]!.length)).toHaveLength(1); // written ahead by the last flush

    const next = serviceOver(new FilesystemBlobStore(blobRoot));
    const recovered = await next.recoverSpool();
    expect(recovered).toMatchObject({ indexed: 3, quarantined: 1, failed: 0 });
    expect(recovered.removedEmpty).toBeGreaterThanOrEqual(unused.length);
    for (const [i, uid] of series.sopInstanceUids.slice(0, 3).entries()) {
      const [row] = await instanceRows(uid);
      expect((await blobs.get(row!.blob_key as string)).equals(series.files[i]!)).toBe(true);
    }
    expect(await instanceRows(series.sopInstanceUids[3]!)).toEqual([]);
    expect(await spoolFiles(tenant.id)).toEqual([]);
    const reason = await readFile(path.join(blobRoot, 'quarantine', tenant.id, `${path.basename(unflushed.file)}.reason.txt`), 'utf8');
    expect(reason).toMatch(/never flushed/);
  });

  it("folder pass (spoolFolderSync): rows commit before the links are fsync'd; a restart before the pass loses nothing", async () => {
    const tenant = await createTestHospital();
    const series = makeSeries({ plane: 'sagittal', slices: 4, rows: 64, columns: 64 });
    // A process whose pass would come much later: killed before it (its store never closed).
    const dying = new FilesystemBlobStore(blobRoot, undefined, { spoolFolderSync: { idleMs: 60_000, maxDelayMs: 60_000 } });
    const ingest = serviceOver(dying);
    const files: string[] = [];
    for (const file of series.files) {
      const writer = await ingest.openWriter(tenant.id);
      writer.write(file);
      const receipt = await ingest.storeReceived(tenant.id, { head: file, blob: writer });
      expect((await receipt.indexed).status).toBe('STORED');
      files.push(writer.file);
    }
    // Indexed, readable at their addresses, and their spool files kept: they are what survives a crash until the pass.
    for (const [i, uid] of series.sopInstanceUids.entries()) {
      const [row] = await instanceRows(uid);
      expect((await blobs.get(row!.blob_key as string)).equals(series.files[i]!)).toBe(true);
    }
    expect((await spoolFiles(tenant.id)).filter((f) => files.includes(f)).sort()).toEqual([...files].sort());
    expect(dying.folderSyncStats()).toEqual({ passes: 0, waiting: 4 });

    // The next process: recovery links them again (fsync'd), finds their rows, and clears the spool.
    const recovered = await serviceOver(new FilesystemBlobStore(blobRoot)).recoverSpool();
    expect(recovered).toMatchObject({ indexed: 4, quarantined: 0, failed: 0 });
    for (const [i, uid] of series.sopInstanceUids.entries()) {
      const rows = await instanceRows(uid);
      expect(rows).toHaveLength(1);
      expect((await blobs.get(rows[0]!.blob_key as string)).equals(series.files[i]!)).toBe(true);
    }
    expect(await spoolFiles(tenant.id)).toEqual([]);
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

  describe('stored-UID filter (C-STORE): migration 0011 trigger -> NOTIFY -> StoredUidFilters', () => {
    const started: StoredUidFilters[] = [];
    afterAll(async () => {
      await Promise.all(started.map((f) => f.stop()));
    });
    const until = async (what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const filters = async (pageSize = 3): Promise<{ filters: StoredUidFilters; name: string }> => {
      const repo = new IngestRepository(db);
      const name = `cruciate-uid-filter-test-${newUid().slice(-8)}`;
      const f = new StoredUidFilters({
        databaseUrl: testDatabase().appUrl,
        logger: silent,
        loadPage: (tenantId, after, limit) => repo.storedUids(tenantId, after, limit),
        pageSize,
        applicationName: name,
        minBackoffMs: 20,
        maxBackoffMs: 100,
      });
      started.push(f);
      f.start();
      await until('the LISTEN connection is up', () => f.listening);
      return { filters: f, name };
    };
    const loaded = async (f: StoredUidFilters, tenantId: string): Promise<void> => {
      f.absent(tenantId, newUid());
      await until('the filter is loaded', () => f.isReady(tenantId));
    };
    const alter = (bytes: Buffer): Buffer => {
      const altered = Buffer.from(bytes);
      altered[altered.length - 1] = altered.at(-1)! ^ 0xff;
      return altered;
    };

    it('is loaded by keyset pages, says "absent" only for UIDs never stored, hears other writers, and starts over after a lost connection', async () => {
      const tenant = await createTestHospital();
      const series = makeSeries({ plane: 'sagittal', slices: 7, rows: 16, columns: 16 });
      const writer = make(queue);
      for (const file of series.files) await writer.storeInstance(tenant.id, file);
      const { filters: f, name } = await filters(3);
      // Not loaded yet: every question is left to the index, and the first one starts the load (3 pages of 3).
      expect(f.absent(tenant.id, newUid())).toBe(false);
      await until('the filter is loaded', () => f.isReady(tenant.id));
      for (const uid of series.sopInstanceUids) expect(f.absent(tenant.id, uid)).toBe(false);
      const fresh = Array.from({ length: 400 }, () => newUid());
      expect(fresh.filter((uid) => f.absent(tenant.id, uid)).length).toBeGreaterThanOrEqual(380);
      // Written by another process (no filter of its own): heard through the trigger's NOTIFY.
      const later = makeSeries({ plane: 'sagittal', slices: 3, rows: 16, columns: 16 });
      for (const file of later.files) await writer.storeInstance(tenant.id, file);
      await until('the other writer is heard', () => later.sopInstanceUids.every((uid) => !f.absent(tenant.id, uid)));
      // Connection lost: every filter is dropped (notifications may be missed), questions go to the index until it
      // is back and the filter loaded again.
      await systemQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [name]);
      await until('the loss is noticed', () => !f.isReady(tenant.id));
      expect(f.absent(tenant.id, newUid())).toBe(false);
      await until('the connection is back', () => f.listening);
      await loaded(f, tenant.id);
      for (const uid of [...series.sopInstanceUids, ...later.sopInstanceUids]) expect(f.absent(tenant.id, uid)).toBe(false);
    });

    it('a batch of 200 instances is announced in notifications under the 8000-byte limit, every UID once or more', async () => {
      const tenant = await createTestHospital();
      const series = makeSeries({ plane: 'sagittal', slices: 200, rows: 8, columns: 8 });
      const ingest = make(queue);
      const payloads: string[] = [];
      await withClient(testDatabase().appUrl, async (client) => {
        client.on('notification', (msg) => {
          if (msg.channel === INSTANCE_STORED_CHANNEL && msg.payload?.startsWith(tenant.id)) payloads.push(msg.payload);
        });
        await client.query(`LISTEN ${INSTANCE_STORED_CHANNEL}`);
        const prepared = await Promise.all(series.files.map((file) => ingest.prepare(tenant.id, file)));
        const results = await ingest.indexBatch(tenant.id, prepared);
        expect(results.every((r) => !(r instanceof Error) && r.status === 'STORED')).toBe(true);
        await until('every UID is announced', () => new Set(payloads.flatMap((p) => p.split(' ').slice(1))).size === 200);
      });
      expect(payloads.length).toBeGreaterThanOrEqual(2);
      expect(payloads.length).toBeLessThanOrEqual(4); // per batch, not one per instance (migration 0012)
      for (const p of payloads) expect(Buffer.byteLength(p)).toBeLessThan(8000);
      expect(new Set(payloads.flatMap((p) => p.split(' ').slice(1)))).toEqual(new Set(series.sopInstanceUids));
    });

    it('C-STORE path: a new instance is answered without a look-up; re-sent ones are still told apart', async () => {
      const tenant = await createTestHospital();
      const { filters: f } = await filters(1000);
      const ingest = make(queue, f);
      const elsewhere = make(queue);
      await loaded(f, tenant.id);
      const series = makeSeries({ plane: 'sagittal', slices: 2, rows: 32, columns: 32 });
      const [first, second] = series.files as [Buffer, Buffer];
      const [firstUid, secondUid] = series.sopInstanceUids as [string, string];
      const send = async (bytes: Buffer, uid: string) => {
        const writer = await ingest.openWriter(tenant.id);
        writer.write(bytes);
        return ingest.storeReceived(tenant.id, { head: bytes, blob: writer, lookup: ingest.lookUpEarly(tenant.id, uid) });
      };
      // New: the filter answers, no look-up is sent.
      const before = f.stats();
      expect(ingest.lookUpEarly(tenant.id, firstUid).stored).toBeNull();
      const receipt = await send(first, firstUid);
      expect(receipt.status).toBe('STORED');
      expect(await receipt.indexed).toMatchObject({ status: 'STORED' });
      expect(f.stats().answeredAbsent - before.answeredAbsent).toBeGreaterThanOrEqual(2);
      // Its own instance is known at once (noted before its commit).
      expect(f.absent(tenant.id, firstUid)).toBe(false);
      await expect(send(alter(first), firstUid)).rejects.toMatchObject({ code: 'INSTANCE_CONFLICT' });
      // Stored by another process: once announced, the look-up decides (other bytes refused, the same a duplicate).
      await elsewhere.storeInstance(tenant.id, second);
      await until('the other process is heard', () => !f.absent(tenant.id, secondUid));
      await expect(send(alter(second), secondUid)).rejects.toMatchObject({ code: 'INSTANCE_CONFLICT' });
      expect((await send(second, secondUid)).status).toBe('DUPLICATE');
      const rows = await systemQuery<{ sha256: string }>(`SELECT sha256 FROM instance WHERE sop_instance_uid = ANY($1) ORDER BY sop_instance_uid`, [
        series.sopInstanceUids,
      ]);
      expect(rows.map((r) => r.sha256).sort()).toEqual([first, second].map((b) => createHash('sha256').update(b).digest('hex')).sort());
    });
  });
});
