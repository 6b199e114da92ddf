import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  clientCredentialsToken,
  compressWithGdcm,
  createTestHospital,
  gql,
  makeSeries,
  signInWithPkce,
  stow,
  systemQuery,
  writeDicomFiles,
  type TestHospital,
} from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';
import { activateModel, startTestWorker, waitFor, type TestWorker } from './test-worker.js';

/**
 * Every test that runs an inference worker against the shared test database lives in this file: workers consume the
 * run's one job queue, so workers of two test files running in parallel would take each other's jobs.
 */
const run = promisify(execFile);

interface FindingRow {
  id: string;
  series_id: string;
  predicted_class: string;
  probabilities: number[];
  p_unhealthy: number;
  key_slice: number;
  slice_instance_ids: string[];
  cam_blob_key: string;
  cam_shape: number[];
  timings: Record<string, number>;
  execution_provider: string;
}

describe('inference worker: storescu push -> job -> finding with CAMs', () => {
  let platform: Platform;
  let worker: TestWorker;
  let a: TestHospital;
  let b: TestHospital;

  const push = async (hospital: TestHospital, files: readonly Buffer[]): Promise<void> => {
    await run('storescu', ['-aec', hospital.aeTitle, '-aet', 'MODALITY', '127.0.0.1', String(platform.dimsePort), ...(await writeDicomFiles(files))], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
  };
  const studyOf = async (hospital: TestHospital, studyUid: string) =>
    (
      await systemQuery<{ id: string; status: string; status_reason: string | null; ai_class: string | null; priority: number }>(
        `SELECT id, status, status_reason, ai_class, priority FROM study WHERE tenant_id = $1 AND study_instance_uid = $2`,
        [hospital.id, studyUid],
      )
    )[0];
  const findingsOf = (hospital: TestHospital, studyId: string) =>
    systemQuery<FindingRow>(`SELECT * FROM finding WHERE tenant_id = $1 AND study_id = $2`, [hospital.id, studyId]);

  beforeAll(async () => {
    platform = await startTestPlatform({ INFERENCE_JOB_EXPIRE_S: '3', INFERENCE_JOB_RETRY_DELAY_S: '1' });
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    await activateModel([a, b]);
    worker = await startTestWorker(platform);
  });
  afterAll(async () => {
    await worker?.stop();
    await platform?.close();
  });

  it('the bundled model is registered at start', async () => {
    const rows = await systemQuery<{ name: string; intended_use: string }>(`SELECT name, intended_use FROM model_version WHERE is_bundled`);
    expect(rows.map((r) => r.name)).toContain('acl-phantom-mrnet');
    expect(rows[0]!.intended_use).toMatch(/not for clinical use/);
  });

  it('the bundled model reads the held-out golden phantoms, sent as DICOM by storescu, exactly as PyTorch did', async () => {
    const dir = path.resolve(import.meta.dirname, '../../../models/acl-phantom-mrnet/1.0.0/golden');
    const golden = JSON.parse(readFileSync(path.join(dir, 'golden.json'), 'utf8')) as {
      cases: {
        id: string;
        label: string;
        file: string;
        rows: number;
        columns: number;
        slices: number;
        pixel_spacing_mm: [number, number];
        image_orientation_patient: number[];
        image_position_patient: number[][];
        expected: { probs: number[]; predicted: string };
      }[];
    };
    for (const c of golden.cases) {
      const raw = gunzipSync(readFileSync(path.join(dir, c.file)));
      const size = c.rows * c.columns;
      const frames = Array.from({ length: c.slices }, (_, s) => {
        const frame = new Uint16Array(size);
        for (let i = 0; i < size; i++) frame[i] = raw.readUInt16LE((s * size + i) * 2);
        return frame;
      });
      const series = makeSeries({
        plane: 'sagittal',
        slices: c.slices,
        rows: c.rows,
        columns: c.columns,
        frames,
        positions: c.image_position_patient,
        pixelSpacing: c.pixel_spacing_mm,
        extraAttributes: [{ tag: '00200037', vr: 'DS', value: c.image_orientation_patient }],
      });
      await push(a, series.files);
      const study = await waitFor(`${c.id} ANALYZED`, async () => {
        const s = await studyOf(a, series.studyInstanceUid);
        return s?.status === 'ANALYZED' ? s : null;
      });
      const [finding] = await findingsOf(a, study.id);
      expect(finding!.predicted_class, c.id).toBe(c.expected.predicted);
      expect(finding!.predicted_class, c.id).toBe(c.label);
      finding!.probabilities.forEach((p, i) => expect(Math.abs(p - c.expected.probs[i]!), `${c.id} P(${i})`).toBeLessThan(1e-4));
    }
  });

  it('a pushed sagittal series ends ANALYZED with exactly one finding, its CAMs in the blob store, and timings', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 16, rows: 96, columns: 96 });
    await push(a, series.files);
    const study = await waitFor('ANALYZED', async () => {
      const s = await studyOf(a, series.studyInstanceUid);
      return s?.status === 'ANALYZED' ? s : null;
    });
    const findings = await findingsOf(a, study.id);
    expect(findings).toHaveLength(1);
    const f = findings[0]!;
    expect(f.probabilities).toHaveLength(4);
    expect(f.probabilities.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    expect(f.p_unhealthy).toBeCloseTo(1 - f.probabilities[0]!, 6);
    expect(study.ai_class).toBe(f.predicted_class);
    expect(f.slice_instance_ids).toHaveLength(16);
    expect(f.key_slice).toBeGreaterThanOrEqual(0);
    expect(f.key_slice).toBeLessThan(16);
    const [slices, classes, h, w] = f.cam_shape as [number, number, number, number];
    expect(slices).toBe(16);
    expect(classes).toBe(4);
    const camPath = path.join(platform.config.BLOB_DIR, f.cam_blob_key);
    expect(statSync(camPath).size).toBe(slices * classes * h * w * 4);
    const cam = new Float32Array(new Uint8Array(readFileSync(camPath)).buffer);
    expect(Math.max(...cam)).toBeLessThanOrEqual(1);
    expect(Math.min(...cam)).toBeGreaterThanOrEqual(0);
    for (const stage of ['readMs', 'decodeMs', 'preprocessMs', 'inferenceMs', 'camMs', 'totalMs']) expect(f.timings[stage]).toBeGreaterThanOrEqual(0);
    expect(f.execution_provider).toBe('cpu');
    // The instance ids are the series' own, in slice order along the normal.
    const ids = await systemQuery<{ id: string }>(`SELECT i.id FROM instance i WHERE i.tenant_id = $1 AND i.series_id = $2`, [a.id, f.series_id]);
    expect(new Set(f.slice_instance_ids)).toEqual(new Set(ids.map((r) => r.id)));
    const jobs = await systemQuery<{ state: string }>(`SELECT state FROM pgboss.job WHERE name = 'inference' AND data->>'seriesId' = $1`, [f.series_id]);
    expect(jobs.map((j) => j.state)).toEqual(['completed']);
  });

  it('GraphQL shows the finding on the study and its series; the CAM comes as an array and as PNG overlays; other hospitals get NOT_FOUND', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 14, rows: 64, columns: 64 });
    await push(a, series.files);
    const study = await waitFor('ANALYZED', async () => {
      const s = await studyOf(a, series.studyInstanceUid);
      return s?.status === 'ANALYZED' ? s : null;
    });
    const clinicianA = (await signInWithPkce(platform.url, a.clinician.email, a.clinician.password)).accessToken;
    const clinicianB = (await signInWithPkce(platform.url, b.clinician.email, b.clinician.password)).accessToken;
    const res = await gql<{
      study: Record<string, unknown> & { findings: Record<string, unknown>[]; series: { selectedForInference: boolean; finding: { id: string } | null }[] };
    }>(
      platform.url,
      clinicianA,
      `{ study(id: "${study.id}") { status aiClass pUnhealthy
          findings { id predictedClass pUnhealthy keySliceIndex camShape camUrl executionProvider
                     probabilities { label probability } slices { index sopInstanceUid }
                     timings { inferenceMs totalMs } modelVersion { name version intendedUse isNotForClinicalUse } }
          series { selectedForInference finding { id } } } }`,
    );
    expect(res.errors).toBeUndefined();
    const finding = res.data!.study.findings[0]! as {
      id: string;
      predictedClass: string;
      pUnhealthy: number;
      keySliceIndex: number;
      camShape: number[];
      camUrl: string;
      probabilities: { label: string; probability: number }[];
      slices: { index: number; sopInstanceUid: string }[];
      timings: { inferenceMs: number; totalMs: number };
      modelVersion: { intendedUse: string; isNotForClinicalUse: boolean };
    };
    expect(res.data!.study.findings).toHaveLength(1);
    expect(res.data!.study['aiClass']).toBe(finding.predictedClass);
    expect(res.data!.study['pUnhealthy']).toBeCloseTo(finding.pUnhealthy, 9);
    expect(finding.probabilities.map((x) => x.label)).toEqual(['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture']);
    expect(new Set(finding.slices.map((x) => x.sopInstanceUid))).toEqual(new Set(series.sopInstanceUids));
    expect(finding.timings.inferenceMs).toBeGreaterThan(0);
    expect(finding.modelVersion.isNotForClinicalUse).toBe(true);
    expect(res.data!.study.series.find((x) => x.selectedForInference)!.finding!.id).toBe(finding.id);

    const cam = await fetch(`${platform.url}${finding.camUrl}`, { headers: { authorization: `Bearer ${clinicianA}` } });
    expect(cam.status).toBe(200);
    const array = (await cam.json()) as { shape: number[]; data: number[]; labels: string[]; keySliceIndex: number };
    expect(array.shape).toEqual(finding.camShape);
    expect(array.data).toHaveLength(finding.camShape.reduce((x, y) => x * y, 1));
    expect(Math.max(...array.data)).toBeLessThanOrEqual(1);
    expect(array.keySliceIndex).toBe(finding.keySliceIndex);

    const png = await fetch(
      `${platform.url}/api/findings/${finding.id}/cam/${finding.keySliceIndex}/overlay.png?label=${finding.predictedClass}&width=64&height=48`,
      {
        headers: { authorization: `Bearer ${clinicianA}` },
      },
    );
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
    expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20), bytes[25]]).toEqual([64, 48, 6]); // width, height, RGBA
    const badSlice = await fetch(`${platform.url}/api/findings/${finding.id}/cam/999/overlay.png`, { headers: { authorization: `Bearer ${clinicianA}` } });
    expect(badSlice.status).toBe(400);
    const badLabel = await fetch(`${platform.url}/api/findings/${finding.id}/cam/0/overlay.png?label=broken`, {
      headers: { authorization: `Bearer ${clinicianA}` },
    });
    expect(badLabel.status).toBe(400);

    for (const url of [finding.camUrl, `/api/findings/${finding.id}/cam/0/overlay.png`]) {
      const other = await fetch(`${platform.url}${url}`, { headers: { authorization: `Bearer ${clinicianB}` } });
      expect(other.status).toBe(404);
    }
    const otherStudy = await gql(platform.url, clinicianB, `{ study(id: "${study.id}") { findings { id } } }`);
    expect(otherStudy.code).toBe('NOT_FOUND');

    const filtered = await gql<{ studies: { edges: { node: { id: string; aiClass: string } }[] } }>(
      platform.url,
      clinicianA,
      `{ studies(first: 100, filter: { aiClass: ["${finding.predictedClass}"] }) { edges { node { id aiClass } } } }`,
    );
    expect(filtered.data!.studies.edges.map((e) => e.node.id)).toContain(study.id);
    expect(filtered.data!.studies.edges.every((e) => e.node.aiClass === finding.predictedClass)).toBe(true);
    const [audit] = await systemQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit_event WHERE tenant_id = $1 AND action = 'finding.cam' AND target_id = $2`,
      [a.id, finding.id],
    );
    expect(Number(audit!.n)).toBeGreaterThanOrEqual(2);
  });

  it('a re-sent job for the same series and model makes no second finding', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 12 });
    await push(a, series.files);
    const study = await waitFor('ANALYZED', async () =>
      (await studyOf(a, series.studyInstanceUid))?.status === 'ANALYZED' ? studyOf(a, series.studyInstanceUid) : null,
    );
    const [first] = await findingsOf(a, study.id);
    await systemQuery(`INSERT INTO pgboss.job (name, data) VALUES ('inference', $1)`, [JSON.stringify({ tenantId: a.id, seriesId: first!.series_id })]);
    await waitFor('the duplicate job completed', async () => {
      const rows = await systemQuery<{ n: string }>(
        `SELECT count(*)::text AS n FROM pgboss.job WHERE name = 'inference' AND data->>'seriesId' = $1 AND state = 'completed'`,
        [first!.series_id],
      );
      return rows[0]!.n === '2';
    });
    expect(await findingsOf(a, study.id)).toHaveLength(1);
  });

  it("a job naming another hospital's series writes nothing anywhere and ends with the reason", async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 12 });
    await push(a, series.files);
    const study = await waitFor('ANALYZED', async () =>
      (await studyOf(a, series.studyInstanceUid))?.status === 'ANALYZED' ? studyOf(a, series.studyInstanceUid) : null,
    );
    const [finding] = await findingsOf(a, study.id);
    const [job] = await systemQuery<{ id: string }>(`INSERT INTO pgboss.job (name, data) VALUES ('inference', $1) RETURNING id`, [
      JSON.stringify({ tenantId: b.id, seriesId: finding!.series_id }),
    ]);
    const done = await waitFor('the cross-tenant job to end', async () => {
      const rows = await systemQuery<{ state: string; output: { failed?: string } }>(`SELECT state, output FROM pgboss.job WHERE id = $1`, [job!.id]);
      return rows[0]?.state === 'completed' ? rows[0] : null;
    });
    expect(done.output.failed).toMatch(/does not exist in this hospital/);
    const bFindings = await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM finding WHERE tenant_id = $1`, [b.id]);
    expect(bFindings[0]!.n).toBe('0');
    expect(await findingsOf(a, study.id)).toHaveLength(1);
  });

  it('the same pixels in every supported transfer syntax give the same finding as the uncompressed series', async () => {
    const token = await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret);
    const kinds = ['none', 'deflated', 'rle', 'jpeg-lossless', 'jpegls', 'j2k'] as const;
    const studies = await Promise.all(
      kinds.map(async (kind) => {
        // makeSeries draws the same phantom pixels every time; only the UIDs differ.
        const series = makeSeries({ plane: 'sagittal', slices: 12, rows: 80, columns: 80 });
        const files = kind === 'none' ? series.files : await Promise.all(series.files.map((f) => compressWithGdcm(f, kind)));
        const stored = await stow(platform.url, token, files);
        expect(stored.failed).toEqual([]);
        return { kind, studyUid: series.studyInstanceUid };
      }),
    );
    const probabilities = new Map<string, number[]>();
    for (const { kind, studyUid } of studies) {
      const study = await waitFor(`${kind} ANALYZED`, async () => {
        const s = await studyOf(a, studyUid);
        if (s?.status === 'FAILED') throw new Error(`${kind}: ${s.status_reason ?? ''}`);
        return s?.status === 'ANALYZED' ? s : null;
      });
      probabilities.set(kind, (await findingsOf(a, study.id))[0]!.probabilities);
    }
    const reference = probabilities.get('none')!;
    for (const kind of kinds) {
      const p = probabilities.get(kind)!;
      p.forEach((v, i) => expect(Math.abs(v - reference[i]!), kind).toBeLessThan(1e-6));
    }
  });

  it('a poison series (pixels it cannot decode) ends FAILED with the reason, and the queue keeps flowing', async () => {
    const poison = makeSeries({ plane: 'sagittal', slices: 12, rows: 32, columns: 32 });
    // JPEG-LS files whose compressed stream is garbage at the end: ingest stores them (it does not decode), the worker cannot.
    const broken = (await Promise.all(poison.files.map((f) => compressWithGdcm(f, 'jpegls')))).map((f) => {
      const copy = Buffer.from(f);
      copy.fill(0xff, copy.length - 120, copy.length - 12);
      return copy;
    });
    const token = await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret);
    const stored = await stow(platform.url, token, broken);
    expect(stored.status).toBe(200);
    const healthy = makeSeries({ plane: 'sagittal', slices: 12 });
    await push(a, healthy.files);
    const failed = await waitFor('FAILED', async () => {
      const s = await studyOf(a, poison.studyInstanceUid);
      return s?.status === 'FAILED' ? s : null;
    });
    expect(failed.status_reason).toMatch(/JPEG-LS|decode|compressed|pixel/i);
    expect(await findingsOf(a, failed.id)).toHaveLength(0);
    await waitFor('the next study ANALYZED', async () => (await studyOf(a, healthy.studyInstanceUid))?.status === 'ANALYZED');
  });
});

interface DiagnosisResult {
  id: string;
  label: string;
  agreesWithAi: boolean | null;
  findingId: string | null;
  amendsId: string | null;
  amendedById: string | null;
  reader: { displayName: string };
}

const FIELDS = 'id label note agreesWithAi findingId amendsId amendedById signedAt reader { id displayName }';

describe('diagnoses: clinicians confirm or correct the AI', () => {
  let platform: Platform;
  let worker: TestWorker;
  let a: TestHospital;
  let b: TestHospital;
  let clinicianA: string;
  let clinicianB: string;
  let adminA: string;
  let integratorA: string;

  /** A study of hospital A analysed by the worker: its id and the AI's predicted class. */
  const analysedStudy = async (): Promise<{ id: string; predicted: string; findingId: string }> => {
    const series = makeSeries({ plane: 'sagittal', slices: 12 });
    expect((await stow(platform.url, integratorA, series.files)).failed).toEqual([]);
    return waitFor('ANALYZED', async () => {
      const [row] = await systemQuery<{ id: string; status: string; predicted: string; finding_id: string }>(
        `SELECT st.id, st.status, f.predicted_class AS predicted, f.id AS finding_id FROM study st JOIN finding f ON f.tenant_id = st.tenant_id AND f.study_id = st.id
          WHERE st.tenant_id = $1 AND st.study_instance_uid = $2`,
        [a.id, series.studyInstanceUid],
      );
      return row?.status === 'ANALYZED' ? { id: row.id, predicted: row.predicted, findingId: row.finding_id } : null;
    });
  };
  const confirm = (token: string, input: string) =>
    gql<{ confirmDiagnosis: DiagnosisResult }>(platform.url, token, `mutation { confirmDiagnosis(input: { ${input} }) { ${FIELDS} } }`);

  beforeAll(async () => {
    platform = await startTestPlatform();
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    await activateModel([a, b]);
    worker = await startTestWorker(platform);
    clinicianA = (await signInWithPkce(platform.url, a.clinician.email, a.clinician.password)).accessToken;
    clinicianB = (await signInWithPkce(platform.url, b.clinician.email, b.clinician.password)).accessToken;
    adminA = (await signInWithPkce(platform.url, a.admin.email, a.admin.password)).accessToken;
    integratorA = await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret);
  });
  afterAll(async () => {
    await worker?.stop();
    await platform?.close();
  });

  it('confirming the AI stores the finding seen, agreement, the reader, and makes the study REVIEWED', async () => {
    const study = await analysedStudy();
    const res = await confirm(clinicianA, `studyId: "${study.id}", label: "${study.predicted}", note: "  agree  "`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.confirmDiagnosis).toMatchObject({
      label: study.predicted,
      agreesWithAi: true,
      findingId: study.findingId,
      amendsId: null,
      amendedById: null,
    });
    const read = await gql<{ study: { status: string; diagnoses: { id: string; note: string }[] } }>(
      platform.url,
      clinicianA,
      `{ study(id: "${study.id}") { status diagnoses { id note } } }`,
    );
    expect(read.data!.study.status).toBe('REVIEWED');
    expect(read.data!.study.diagnoses).toEqual([{ id: res.data!.confirmDiagnosis.id, note: 'agree' }]);
    const [event] = await systemQuery<{ n: string }>(
      `SELECT count(*)::text AS n FROM audit_event WHERE tenant_id = $1 AND action = 'diagnosis.sign' AND target_id = $2`,
      [a.id, study.id],
    );
    expect(event!.n).toBe('1');
  });

  it('a correction disagrees with the AI; a second signature by the same reader is refused; an amendment replaces it', async () => {
    const study = await analysedStudy();
    const other = ['healthy', 'minor_strain', 'partial_rupture', 'complete_rupture'].find((l) => l !== study.predicted)!;
    const first = await confirm(clinicianA, `studyId: "${study.id}", label: "${other}"`);
    expect(first.data!.confirmDiagnosis.agreesWithAi).toBe(false);
    const again = await confirm(clinicianA, `studyId: "${study.id}", label: "${study.predicted}"`);
    expect(again.code).toBe('CONFLICT');
    const amended = await confirm(clinicianA, `studyId: "${study.id}", label: "${study.predicted}", amendsId: "${first.data!.confirmDiagnosis.id}"`);
    expect(amended.errors).toBeUndefined();
    expect(amended.data!.confirmDiagnosis).toMatchObject({ agreesWithAi: true, amendsId: first.data!.confirmDiagnosis.id });
    const twice = await confirm(clinicianA, `studyId: "${study.id}", label: "healthy", amendsId: "${first.data!.confirmDiagnosis.id}"`);
    expect(twice.code).toBe('CONFLICT');
    const list = await gql<{ study: { diagnoses: DiagnosisResult[] } }>(platform.url, clinicianA, `{ study(id: "${study.id}") { diagnoses { ${FIELDS} } } }`);
    const byId = new Map(list.data!.study.diagnoses.map((d) => [d.id, d]));
    expect(byId.get(first.data!.confirmDiagnosis.id)!.amendedById).toBe(amended.data!.confirmDiagnosis.id);
    // Signed rows are immutable for the application role.
    await expect(systemQuery(`UPDATE diagnosis SET label = 'healthy' WHERE study_id = $1`, [study.id])).rejects.toMatchObject({ code: '42501' });
  });

  it('bad input gets specific errors and stores nothing', async () => {
    const study = await analysedStudy();
    const badLabel = await confirm(clinicianA, `studyId: "${study.id}", label: "torn"`);
    expect(badLabel.code).toBe('BAD_USER_INPUT');
    expect(badLabel.errors![0]!.message).toMatch(/label must be one of healthy, minor_strain, partial_rupture, complete_rupture/);
    const badShape = await confirm(clinicianA, `studyId: "${study.id}", label: "Not A Label"`);
    expect(badShape.code).toBe('BAD_USER_INPUT');
    const missing = await confirm(clinicianA, `studyId: "00000000-0000-4000-8000-000000000000", label: "healthy"`);
    expect(missing.code).toBe('NOT_FOUND');
    const [count] = await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM diagnosis WHERE tenant_id = $1 AND study_id = $2`, [a.id, study.id]);
    expect(count!.n).toBe('0');
  });

  it("another hospital's clinician gets NOT_FOUND and writes nothing", async () => {
    const study = await analysedStudy();
    const res = await confirm(clinicianB, `studyId: "${study.id}", label: "healthy"`);
    expect(res.code).toBe('NOT_FOUND');
    const [row] = await systemQuery<{ status: string; n: string }>(
      `SELECT st.status, (SELECT count(*)::text FROM diagnosis d WHERE d.study_id = st.id) AS n FROM study st WHERE st.id = $1`,
      [study.id],
    );
    expect(row).toEqual({ status: 'ANALYZED', n: '0' });
  });

  it('hospital admins and integrators page through the diagnoses (labels for retraining); clinicians may not', async () => {
    const study = await analysedStudy();
    const signed = await confirm(clinicianA, `studyId: "${study.id}", label: "healthy"`);
    for (const token of [adminA, integratorA]) {
      const res = await gql<{ diagnoses: { edges: { node: { id: string; studyId: string } }[] } }>(
        platform.url,
        token,
        '{ diagnoses(first: 100) { edges { node { id studyId } } } }',
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.diagnoses.edges[0]!.node).toEqual({ id: signed.data!.confirmDiagnosis.id, studyId: study.id });
    }
    const clinician = await gql(platform.url, clinicianA, '{ diagnoses(first: 5) { edges { node { id } } } }');
    expect(clinician.code).toBe('FORBIDDEN');
    const integratorSigns = await confirm(integratorA, `studyId: "${study.id}", label: "healthy"`);
    expect(integratorSigns.code).toBe('FORBIDDEN');
  });
});

describe('inference worker killed mid-job (kill -9)', () => {
  let platform: Platform;
  let a: TestHospital;

  beforeAll(async () => {
    platform = await startTestPlatform({ INFERENCE_JOB_EXPIRE_S: '3', INFERENCE_JOB_RETRY_DELAY_S: '1' });
    a = await createTestHospital();
    await activateModel([a]);
  });
  afterAll(async () => platform?.close());

  it('the job is re-claimed after its lease expires and completed exactly once', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 48, rows: 256, columns: 256 });
    await run('storescu', ['-aec', a.aeTitle, '-aet', 'MODALITY', '127.0.0.1', String(platform.dimsePort), ...(await writeDicomFiles(series.files))], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    const [job] = await systemQuery<{ id: string }>(`SELECT id FROM pgboss.job WHERE name = 'inference' AND data->>'tenantId' = $1`, [a.id]);
    expect(job).toBeDefined();
    const first = await startTestWorker(platform);
    await waitFor(
      'the first worker to claim the job',
      async () => (await systemQuery<{ state: string }>(`SELECT state FROM pgboss.job WHERE id = $1`, [job!.id]))[0]?.state === 'active',
      20_000,
    );
    await first.kill();
    const afterKill = await systemQuery<{ state: string }>(`SELECT state FROM pgboss.job WHERE id = $1`, [job!.id]);
    const findingsAfterKill = await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM finding WHERE tenant_id = $1`, [a.id]);
    // Killed while it held the job: nothing was written.
    expect(afterKill[0]!.state).toBe('active');
    expect(findingsAfterKill[0]!.n).toBe('0');

    const second = await startTestWorker(platform);
    try {
      await waitFor(
        'the job to complete on the second worker',
        async () => (await systemQuery<{ state: string }>(`SELECT state FROM pgboss.job WHERE id = $1`, [job!.id]))[0]?.state === 'completed',
        30_000,
      );
      const findings = await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM finding WHERE tenant_id = $1`, [a.id]);
      expect(findings[0]!.n).toBe('1');
      const [retried] = await systemQuery<{ retry_count: number }>(`SELECT retry_count FROM pgboss.job WHERE id = $1`, [job!.id]);
      expect(retried!.retry_count).toBe(1);
    } finally {
      // SIGTERM: a graceful stop.
      expect(await second.stop()).toBe(0);
    }
  });
});
