import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  clientCredentialsToken,
  compressWithGdcm,
  createTestHospital,
  gql,
  makeSeries,
  signInWithPkce,
  stow,
  systemQuery,
  type TestHospital,
} from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';
import { activateModel, startTestWorker, waitFor, type TestWorker } from './test-worker.js';

const run = promisify(execFile);

async function writeFiles(files: readonly Buffer[]): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'storescu-'));
  return Promise.all(
    files.map(async (f, i) => {
      const p = path.join(dir, `${String(i).padStart(4, '0')}.dcm`);
      await writeFile(p, f);
      return p;
    }),
  );
}

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
    await run('storescu', ['-aec', hospital.aeTitle, '-aet', 'MODALITY', '127.0.0.1', String(platform.dimsePort), ...(await writeFiles(files))], {
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
    await activateModel(platform, [a, b]);
    worker = await startTestWorker(platform);
  });
  afterAll(async () => {
    await worker?.stop();
    await platform?.close();
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

describe('inference worker killed mid-job (kill -9)', () => {
  let platform: Platform;
  let a: TestHospital;

  beforeAll(async () => {
    platform = await startTestPlatform({ INFERENCE_JOB_EXPIRE_S: '3', INFERENCE_JOB_RETRY_DELAY_S: '1' });
    a = await createTestHospital();
    await activateModel(platform, [a]);
  });
  afterAll(async () => platform?.close());

  it('the job is re-claimed after its lease expires and completed exactly once', async () => {
    const series = makeSeries({ plane: 'sagittal', slices: 48, rows: 256, columns: 256 });
    await run('storescu', ['-aec', a.aeTitle, '-aet', 'MODALITY', '127.0.0.1', String(platform.dimsePort), ...(await writeFiles(series.files))], {
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
