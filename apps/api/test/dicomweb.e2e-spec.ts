import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  clientCredentialsToken,
  createTestHospital,
  gql,
  makeSeries,
  multipartParts,
  signInWithPkce,
  stow,
  stowBody,
  systemQuery,
  type TestHospital,
} from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

const run = promisify(execFile);
const MAX_INSTANCE_BYTES = 96 * 1024;

interface StudyNode {
  id: string;
  studyInstanceUid: string;
  status: string;
  statusReason: string | null;
  series: { seriesInstanceUid: string; plane: string | null; selectedForInference: boolean; selectionReason: string | null; instanceCount: number }[];
}

async function jobsFor(seriesId: string): Promise<{ data: { tenantId: string; seriesId: string } }[]> {
  return systemQuery(`SELECT data FROM pgboss.job WHERE name = 'inference' AND data->>'seriesId' = $1`, [seriesId]);
}

async function seriesRow(tenantId: string, seriesUid: string) {
  const [row] = await systemQuery<{ id: string; instance_count: number; selected_for_inference: boolean; status: string }>(
    `SELECT id, instance_count, selected_for_inference, status FROM series WHERE tenant_id = $1 AND series_instance_uid = $2`,
    [tenantId, seriesUid],
  );
  return row;
}

describe('DICOMweb: STOW-RS, QIDO-RS, WADO-RS, and the study index', () => {
  let platform: Platform;
  let a: TestHospital;
  let b: TestHospital;
  let integratorA: string;
  let integratorB: string;
  let clinicianA: string;
  let clinicianB: string;
  const sagittal = makeSeries({
    plane: 'sagittal',
    slices: 12,
    patientId: 'PAT-001',
    studyDate: '20260312',
    seriesDescription: 'SAG PD FS',
    accessionNumber: 'ACC-1',
  });
  const axial = makeSeries({
    plane: 'axial',
    slices: 10,
    studyInstanceUid: sagittal.studyInstanceUid,
    patientId: 'PAT-001',
    studyDate: '20260312',
    seriesDescription: 'AX T2',
    seriesNumber: 3,
  });

  beforeAll(async () => {
    platform = await startTestPlatform({ MAX_INSTANCE_BYTES: String(MAX_INSTANCE_BYTES) });
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    integratorA = await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret);
    integratorB = await clientCredentialsToken(platform.url, b.integrator.clientId, b.integrator.secret);
    clinicianA = (await signInWithPkce(platform.url, a.clinician.email, a.clinician.password)).accessToken;
    clinicianB = (await signInWithPkce(platform.url, b.clinician.email, b.clinician.password)).accessToken;
  });
  afterAll(async () => platform?.close());

  describe('STOW-RS', () => {
    it('stores a study (curl, as an integrator would), selects the sagittal series and enqueues exactly one job', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'stow-'));
      const { body, contentType } = stowBody([...sagittal.files, ...axial.files]);
      await writeFile(path.join(dir, 'body'), body);
      const { stdout } = await run('curl', [
        '-sS',
        '-o',
        path.join(dir, 'response.json'),
        '-w',
        '%{http_code}',
        '-H',
        'Expect:',
        '-H',
        `Content-Type: ${contentType}`,
        '-H',
        'Accept: application/dicom+json',
        '-H',
        `Authorization: Bearer ${integratorA}`,
        '--data-binary',
        `@${path.join(dir, 'body')}`,
        `${platform.url}/dicomweb/studies`,
      ]);
      expect(stdout).toBe('200');
      const sag = await seriesRow(a.id, sagittal.seriesInstanceUid);
      const ax = await seriesRow(a.id, axial.seriesInstanceUid);
      expect(sag).toMatchObject({ instance_count: 12, selected_for_inference: true, status: 'COMPLETE' });
      expect(ax).toMatchObject({ instance_count: 10, selected_for_inference: false, status: 'COMPLETE' });
      const jobs = await jobsFor(sag!.id);
      expect(jobs.map((j) => j.data)).toEqual([{ tenantId: a.id, seriesId: sag!.id }]);
      expect(await jobsFor(ax!.id)).toHaveLength(0);
    });

    it('the study shows QUEUED in GraphQL with the selection and its reasons; reading it is audited', async () => {
      const res = await gql<{ studies: { edges: { node: StudyNode }[] } }>(
        platform.url,
        clinicianA,
        '{ studies(first: 10) { edges { node { id studyInstanceUid status statusReason series { seriesInstanceUid plane selectedForInference selectionReason instanceCount } } } } }',
      );
      expect(res.errors).toBeUndefined();
      const study = res.data!.studies.edges.map((e) => e.node).find((s) => s.studyInstanceUid === sagittal.studyInstanceUid)!;
      expect(study.status).toBe('QUEUED');
      const sag = study.series.find((s) => s.seriesInstanceUid === sagittal.seriesInstanceUid)!;
      const ax = study.series.find((s) => s.seriesInstanceUid === axial.seriesInstanceUid)!;
      expect(sag).toMatchObject({ plane: 'SAGITTAL', selectedForInference: true, instanceCount: 12 });
      expect(ax).toMatchObject({ plane: 'AXIAL', selectedForInference: false });
      expect(ax.selectionReason).toMatch(/axial/i);
      const one = await gql<{ study: { id: string } }>(platform.url, clinicianA, `{ study(id: "${study.id}") { id } }`);
      expect(one.data?.study.id).toBe(study.id);
      const audits = await systemQuery(`SELECT 1 FROM audit_event WHERE tenant_id = $1 AND action = 'study.read' AND target_id = $2`, [a.id, study.id]);
      expect(audits.length).toBeGreaterThan(0);
    });

    it('a byte-identical re-send is a no-op success: no new rows, no second job', async () => {
      const res = await stow(platform.url, integratorA, sagittal.files);
      expect(res.status).toBe(200);
      expect(res.stored).toHaveLength(12);
      const sag = await seriesRow(a.id, sagittal.seriesInstanceUid);
      expect(sag!.instance_count).toBe(12);
      expect(await jobsFor(sag!.id)).toHaveLength(1);
    });

    it('the same SOP Instance UID with different bytes is refused (0x0111) and the first copy kept', async () => {
      const original = sagittal.files[0]!;
      const changed = Buffer.from(original);
      changed[changed.length - 1] = changed[changed.length - 1]! ^ 0xff;
      const res = await stow(platform.url, integratorA, [changed]);
      expect(res.status).toBe(409);
      expect(res.failed).toEqual([expect.objectContaining({ sopInstanceUid: sagittal.sopInstanceUids[0], reason: 0x0111 })]);
      const wado = await fetch(
        `${platform.url}/dicomweb/studies/${sagittal.studyInstanceUid}/series/${sagittal.seriesInstanceUid}/instances/${sagittal.sopInstanceUids[0]}`,
        {
          headers: { authorization: `Bearer ${integratorA}`, accept: 'multipart/related; type="application/dicom"' },
        },
      );
      const [part] = multipartParts(Buffer.from(await wado.arrayBuffer()), wado.headers.get('content-type')!);
      expect(part!.body.equals(original)).toBe(true);
    });

    it('a study with no sagittal series is stored but NOT_APPLICABLE, with the reason, and no job', async () => {
      const coronal = makeSeries({ plane: 'coronal', slices: 10, seriesDescription: 'COR PD' });
      const res = await stow(platform.url, integratorA, coronal.files);
      expect(res.status).toBe(200);
      const [study] = await systemQuery<{ status: string; status_reason: string }>(
        `SELECT status, status_reason FROM study WHERE tenant_id = $1 AND study_instance_uid = $2`,
        [a.id, coronal.studyInstanceUid],
      );
      expect(study!.status).toBe('NOT_APPLICABLE');
      expect(study!.status_reason).toMatch(/coronal/i);
      const s = await seriesRow(a.id, coronal.seriesInstanceUid);
      expect(await jobsFor(s!.id)).toHaveLength(0);
    });
  });

  describe('bad input: a specific reason per instance, nothing half-stored, the server keeps serving', () => {
    const good = () => makeSeries({ plane: 'sagittal', slices: 1 }).files[0]!;
    const cases: [string, () => Buffer, number][] = [
      ['not DICOM', () => Buffer.from('this is not a DICOM file at all '.repeat(10)), 0xc000],
      ['truncated', () => good().subarray(0, good().length - 1000), 0xc000],
      ['missing SOP Instance UID', () => makeSeries({ slices: 1, omitAttributes: ['00080018'] }).files[0]!, 0xa900],
      ['unsupported SOP class (CT)', () => makeSeries({ slices: 1, sopClass: '1.2.840.10008.5.1.4.1.1.2' }).files[0]!, 0x0122],
      [
        'pixel data shorter than Rows x Columns',
        () => makeSeries({ slices: 1, extraAttributes: [{ tag: '00280010', vr: 'US', value: 80 }] }).files[0]!,
        0xa900,
      ],
      ['oversize', () => makeSeries({ slices: 1, rows: 256, columns: 256 }).files[0]!, 0xa700],
    ];

    it.each(cases)('%s', async (_name, make, reason) => {
      const before = await systemQuery<{ n: number }>(`SELECT count(*)::int AS n FROM instance WHERE tenant_id = $1`, [a.id]);
      const res = await stow(platform.url, integratorA, [make()]);
      expect(res.status).toBe(409);
      expect(res.failed).toHaveLength(1);
      expect(res.failed[0]!.reason).toBe(reason);
      expect(res.failed[0]!.comment).toBeTruthy();
      const after = await systemQuery<{ n: number }>(`SELECT count(*)::int AS n FROM instance WHERE tenant_id = $1`, [a.id]);
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it('a mixed batch stores the good ones and answers 202 with the failures', async () => {
      const series = makeSeries({ plane: 'sagittal', slices: 3 });
      const res = await stow(platform.url, integratorA, [series.files[0]!, Buffer.from('garbage'.repeat(30)), series.files[1]!, series.files[2]!]);
      expect(res.status).toBe(202);
      expect(res.stored).toEqual(series.sopInstanceUids);
      expect(res.failed.map((f) => f.reason)).toEqual([0xc000]);
    });

    it('a request of several index batches (indexed while the rest is read) answers every part in order, once', async () => {
      const series = makeSeries({ plane: 'sagittal', slices: 40 });
      const parts: Buffer[] = [...series.files];
      // Failures near the start, in the middle and near the end: the parts are indexed in batches while the rest is read.
      for (const at of [38, 21, 3]) parts.splice(at, 0, Buffer.from(`garbage ${at} `.repeat(20)));
      const res = await stow(platform.url, integratorA, parts);
      expect(res.status).toBe(202);
      expect(res.stored).toEqual(series.sopInstanceUids);
      expect(res.failed.map((f) => f.reason)).toEqual([0xc000, 0xc000, 0xc000]);
      const row = await seriesRow(a.id, series.seriesInstanceUid);
      expect(row?.instance_count).toBe(40);
      expect(await jobsFor(row!.id)).toHaveLength(1);
    });

    it('odd header values (birth date 1700, sex "X") are stored with those fields left empty, not refused', async () => {
      const series = makeSeries({
        slices: 2,
        patientId: 'ODD-HEADER-1',
        patientBirthDate: '17000101',
        extraAttributes: [{ tag: '00100040', vr: 'CS', value: 'X' }],
      });
      const res = await stow(platform.url, integratorA, series.files);
      expect(res.status).toBe(200);
      const [p] = await systemQuery<{ birth_year: number | null; sex: string | null }>(
        `SELECT p.birth_year, p.sex FROM patient p JOIN study s ON s.tenant_id = p.tenant_id AND s.patient_id = p.id WHERE s.study_instance_uid = $1`,
        [series.studyInstanceUid],
      );
      expect(p).toEqual({ birth_year: null, sex: null });
    });

    it('a study UID in the URL that the instance does not carry is refused for that instance', async () => {
      const series = makeSeries({ slices: 1 });
      const res = await stow(platform.url, integratorA, series.files, '1.2.3.4.5');
      expect(res.status).toBe(409);
      expect(res.failed[0]!.reason).toBe(0xa900);
    });

    it('roles: a hospital admin may upload but not search or read images (403)', async () => {
      const admin = (await signInWithPkce(platform.url, a.admin.email, a.admin.password)).accessToken;
      const res = await fetch(`${platform.url}/dicomweb/studies`, { headers: { authorization: `Bearer ${admin}` } });
      expect(res.status).toBe(403);
      const upload = await stow(platform.url, admin, makeSeries({ slices: 1 }).files);
      expect(upload.status).toBe(200);
    });

    it('not multipart/related -> 415; no token -> 401', async () => {
      const res = await fetch(`${platform.url}/dicomweb/studies`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${integratorA}` },
        body: '{}',
      });
      expect(res.status).toBe(415);
      const anon = await fetch(`${platform.url}/dicomweb/studies`, {
        method: 'POST',
        headers: stowBody([]).contentType ? { 'content-type': stowBody([]).contentType } : {},
        body: stowBody([]).body,
      });
      expect(anon.status).toBe(401);
    });
  });

  describe('QIDO-RS and WADO-RS', () => {
    const headers = () => ({ authorization: `Bearer ${clinicianA}`, accept: 'application/dicom+json' });

    it('searches studies by date range, modality and PatientID (matched through the pseudonymous key)', async () => {
      const q = async (query: string) =>
        (await (await fetch(`${platform.url}/dicomweb/studies?${query}`, { headers: headers() })).json()) as Record<string, { Value?: unknown[] }>[];
      const uids = (rows: Record<string, { Value?: unknown[] }>[]) => rows.map((r) => r['0020000D']?.Value?.[0]);
      expect(uids(await q('StudyDate=20260301-20260331&ModalitiesInStudy=MR'))).toContain(sagittal.studyInstanceUid);
      expect(uids(await q('StudyDate=20250101-20250131'))).not.toContain(sagittal.studyInstanceUid);
      expect(uids(await q('PatientID=PAT-001'))).toEqual([sagittal.studyInstanceUid]);
      expect(uids(await q('PatientID=SOMEONE-ELSE'))).toEqual([]);
      const [row] = await q(`StudyInstanceUID=${sagittal.studyInstanceUid}`);
      expect(row!['00201206']?.Value?.[0]).toBe(2);
      expect(row!['00201208']?.Value?.[0]).toBe(22);
      expect(JSON.stringify(row)).not.toContain('PAT-001');
      const bad = await fetch(`${platform.url}/dicomweb/studies?StudyDate=yesterday`, { headers: headers() });
      expect(bad.status).toBe(400);
    });

    it('searches series with wildcards and lists instances', async () => {
      const series = (await (
        await fetch(`${platform.url}/dicomweb/studies/${sagittal.studyInstanceUid}/series?SeriesDescription=*PD*`, { headers: headers() })
      ).json()) as Record<string, { Value?: unknown[] }>[];
      expect(series.map((s) => s['0020000E']?.Value?.[0])).toEqual([sagittal.seriesInstanceUid]);
      const instances = (await (
        await fetch(`${platform.url}/dicomweb/studies/${sagittal.studyInstanceUid}/series/${sagittal.seriesInstanceUid}/instances`, { headers: headers() })
      ).json()) as Record<string, { Value?: unknown[] }>[];
      expect(instances.map((i) => i['00080018']?.Value?.[0]).sort()).toEqual([...sagittal.sopInstanceUids].sort());
      const inStudy = (await (
        await fetch(`${platform.url}/dicomweb/studies/${sagittal.studyInstanceUid}/instances?limit=1000`, { headers: headers() })
      ).json()) as unknown[];
      expect(inStudy).toHaveLength(22);
    });

    it('retrieves the series byte-identical, its metadata, a frame and a rendered PNG', async () => {
      const base = `${platform.url}/dicomweb/studies/${sagittal.studyInstanceUid}/series/${sagittal.seriesInstanceUid}`;
      // Streaming 12 parts into one response must not pile listeners on it (Node warns past 10).
      const warnings: string[] = [];
      const onWarning = (w: Error): void => void warnings.push(`${w.name}: ${w.message}`);
      process.on('warning', onWarning);
      const res = await fetch(base, { headers: { authorization: `Bearer ${clinicianA}`, accept: 'multipart/related; type="application/dicom"' } });
      expect(res.status).toBe(200);
      const parts = multipartParts(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
      await new Promise((r) => setImmediate(r));
      process.off('warning', onWarning);
      expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
      expect(parts).toHaveLength(12);
      const originals = new Set(sagittal.files.map((f) => f.toString('base64')));
      for (const p of parts) expect(originals.has(p.body.toString('base64'))).toBe(true);

      const meta = (await (await fetch(`${base}/metadata`, { headers: headers() })).json()) as Record<string, { Value?: unknown[]; BulkDataURI?: string }>[];
      expect(meta).toHaveLength(12);
      expect(meta[0]!['0020000D']?.Value?.[0]).toBe(sagittal.studyInstanceUid);
      expect(meta[0]!['7FE00010']?.BulkDataURI).toMatch(/\/frames\/1$/);

      const inst = `${base}/instances/${sagittal.sopInstanceUids[5]}`;
      const frame = await fetch(`${inst}/frames/1`, { headers: { authorization: `Bearer ${clinicianA}` } });
      const [framePart] = multipartParts(Buffer.from(await frame.arrayBuffer()), frame.headers.get('content-type')!);
      expect(framePart!.body.length).toBe(sagittal.rows * sagittal.columns * 2);

      const png = await fetch(`${inst}/rendered?window=500,1000`, { headers: { authorization: `Bearer ${clinicianA}`, accept: 'image/png' } });
      expect(png.headers.get('content-type')).toMatch(/image\/png/);
      const bytes = Buffer.from(await png.arrayBuffer());
      expect(bytes.subarray(1, 4).toString()).toBe('PNG');
      expect(bytes.readUInt32BE(16)).toBe(sagittal.columns);
      expect(bytes.readUInt32BE(20)).toBe(sagittal.rows);
      expect((await fetch(`${inst}/rendered?window=abc`, { headers: { authorization: `Bearer ${clinicianA}` } })).status).toBe(400);
      expect((await fetch(`${inst}/frames/2`, { headers: { authorization: `Bearer ${clinicianA}` } })).status).toBe(404);
    });
  });

  describe("another hospital's data answers nothing", () => {
    it("hospital B's QIDO does not list A's study; B's WADO of A's UIDs is 404; B's GraphQL study(id) is NOT_FOUND", async () => {
      const rows = (await (
        await fetch(`${platform.url}/dicomweb/studies?StudyInstanceUID=${sagittal.studyInstanceUid}`, { headers: { authorization: `Bearer ${clinicianB}` } })
      ).json()) as unknown[];
      expect(rows).toEqual([]);
      for (const url of [
        `/dicomweb/studies/${sagittal.studyInstanceUid}`,
        `/dicomweb/studies/${sagittal.studyInstanceUid}/metadata`,
        `/dicomweb/studies/${sagittal.studyInstanceUid}/series`,
      ]) {
        const res = await fetch(`${platform.url}${url}`, { headers: { authorization: `Bearer ${integratorB}` } });
        expect(res.status, url).toBe(404);
      }
      const [studyA] = await systemQuery<{ id: string }>(`SELECT id FROM study WHERE tenant_id = $1 AND study_instance_uid = $2`, [
        a.id,
        sagittal.studyInstanceUid,
      ]);
      const res = await gql(platform.url, clinicianB, `{ study(id: "${studyA!.id}") { id } }`);
      expect(res.code).toBe('NOT_FOUND');
    });

    it("B storing the same UIDs gets its own copy; A's rows are untouched", async () => {
      const res = await stow(platform.url, integratorB, sagittal.files);
      expect(res.status).toBe(200);
      const rows = await systemQuery<{ tenant_id: string }>(`SELECT tenant_id FROM study WHERE study_instance_uid = $1`, [sagittal.studyInstanceUid]);
      expect(rows.map((r) => r.tenant_id).sort()).toEqual([a.id, b.id].sort());
      expect((await seriesRow(a.id, sagittal.seriesInstanceUid))!.instance_count).toBe(12);
    });
  });
});
