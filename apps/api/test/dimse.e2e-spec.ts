import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  clientCredentialsToken,
  createTestHospital,
  gql,
  makeSeries,
  multipartParts,
  signInWithPkce,
  systemQuery,
  writeDicomFiles,
  type TestHospital,
} from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

const run = promisify(execFile);
const env = { ...process.env, TCP_NODELAY: '1' };

describe('DIMSE listener: dcmtk storescu / echoscu against the real platform', () => {
  let platform: Platform;
  let a: TestHospital;
  let b: TestHospital;
  const port = () => String(platform.dimsePort);

  beforeAll(async () => {
    platform = await startTestPlatform({ MAX_INSTANCE_BYTES: String(96 * 1024) });
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
  });
  afterAll(async () => platform?.close());

  it('listens on loopback only', () => {
    expect(platform.dimsePort).toBeGreaterThan(0);
    expect(platform.config.DIMSE_HOST).toBe('127.0.0.1');
  });

  it("C-ECHO to the hospital's AE title succeeds; an unknown called AE is rejected", async () => {
    await expect(run('echoscu', ['-aec', a.aeTitle, '-aet', 'MODALITY', '127.0.0.1', port()], { env })).resolves.toBeDefined();
    await expect(run('echoscu', ['-aec', 'NOBODY', '-aet', 'MODALITY', '127.0.0.1', port()], { env })).rejects.toMatchObject({
      code: expect.any(Number) as unknown,
    });
  });

  it('storescu pushes a study: every file byte-identical, indexed, one job for the sagittal series, none for the axial', async () => {
    const sag = makeSeries({ plane: 'sagittal', slices: 14, seriesDescription: 'SAG PD FS' });
    const ax = makeSeries({ plane: 'axial', slices: 9, studyInstanceUid: sag.studyInstanceUid, seriesDescription: 'AX PD', seriesNumber: 4 });
    const paths = await writeDicomFiles([...sag.files, ...ax.files]);
    await run('storescu', ['-aec', a.aeTitle, '-aet', 'MODALITY', '127.0.0.1', port(), ...paths], { env });

    const series = await systemQuery<{ id: string; series_instance_uid: string; instance_count: number; selected_for_inference: boolean; status: string }>(
      `SELECT id, series_instance_uid, instance_count, selected_for_inference, status FROM series WHERE tenant_id = $1 AND study_id = (SELECT id FROM study WHERE tenant_id = $1 AND study_instance_uid = $2)`,
      [a.id, sag.studyInstanceUid],
    );
    const bySeries = new Map(series.map((s) => [s.series_instance_uid, s]));
    expect(bySeries.get(sag.seriesInstanceUid)).toMatchObject({ instance_count: 14, selected_for_inference: true, status: 'COMPLETE' });
    expect(bySeries.get(ax.seriesInstanceUid)).toMatchObject({ instance_count: 9, selected_for_inference: false, status: 'COMPLETE' });
    const jobs = await systemQuery<{ series: string }>(
      `SELECT data->>'seriesId' AS series FROM pgboss.job WHERE name = 'inference' AND data->>'tenantId' = $1`,
      [a.id],
    );
    expect(jobs.map((j) => j.series)).toEqual([bySeries.get(sag.seriesInstanceUid)!.id]);

    // Byte-identical: what WADO-RS returns is what storescu sent (the Part 10 meta group is ours, the dataset is theirs).
    const token = await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret);
    const res = await fetch(`${platform.url}/dicomweb/studies/${sag.studyInstanceUid}/series/${sag.seriesInstanceUid}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const parts = multipartParts(Buffer.from(await res.arrayBuffer()), res.headers.get('content-type')!);
    expect(parts).toHaveLength(14);
    const datasetOf = (file: Buffer): Buffer => {
      const metaLength = file.readUInt32LE(132 + 8);
      return file.subarray(132 + 12 + metaLength);
    };
    const sent = new Set(sag.files.map((f) => datasetOf(f).toString('base64')));
    for (const p of parts) expect(sent.has(datasetOf(p.body).toString('base64'))).toBe(true);
  });

  it('re-sending the same files stores nothing new and enqueues no second job', async () => {
    const sag = makeSeries({ plane: 'sagittal', slices: 10 });
    const paths = await writeDicomFiles(sag.files);
    await run('storescu', ['-aec', a.aeTitle, '127.0.0.1', port(), ...paths], { env });
    await run('storescu', ['-aec', a.aeTitle, '127.0.0.1', port(), ...paths], { env });
    const [s] = await systemQuery<{ id: string; instance_count: number }>(
      `SELECT id, instance_count FROM series WHERE tenant_id = $1 AND series_instance_uid = $2`,
      [a.id, sag.seriesInstanceUid],
    );
    expect(s!.instance_count).toBe(10);
    const jobs = await systemQuery(`SELECT 1 FROM pgboss.job WHERE name = 'inference' AND data->>'seriesId' = $1`, [s!.id]);
    expect(jobs).toHaveLength(1);
  });

  it('with the stored-UID filter answering for the hospital, new instances need no look-up and other bytes under a stored UID are still refused', async () => {
    const hospital = await createTestHospital();
    const checks = async (): Promise<{ filter: number; index: number }> => {
      const text = await (await fetch(`${platform.url}/metrics`)).text();
      const value = (answer: string) => Number(new RegExp(`^cruciate_api_dimse_uid_checks\\{answer="${answer}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? NaN);
      return { filter: value('filter'), index: value('index') };
    };
    // The hospital's first association starts the load of its filter (its instances are looked up meanwhile).
    const first = makeSeries({ plane: 'sagittal', slices: 6 });
    await run('storescu', ['-aec', hospital.aeTitle, '127.0.0.1', port(), ...(await writeDicomFiles(first.files))], { env });
    const before = await checks();
    const second = makeSeries({ plane: 'sagittal', slices: 6 });
    await run('storescu', ['-aec', hospital.aeTitle, '127.0.0.1', port(), ...(await writeDicomFiles(second.files))], { env });
    const after = await checks();
    // Each new instance is asked about twice (when its command arrives, and before its answer): the filter answered.
    expect(after.filter - before.filter).toBeGreaterThanOrEqual(12);
    // The same UID with other bytes (last pixel byte): the filter says "maybe", the look-up finds the stored copy,
    // which stays as it was.
    const storedCopy = () =>
      systemQuery<{ sha256: string }>(`SELECT sha256 FROM instance WHERE tenant_id = $1 AND sop_instance_uid = $2`, [hospital.id, first.sopInstanceUids[2]]);
    const kept = await storedCopy();
    expect(kept).toHaveLength(1);
    const altered = Buffer.from(first.files[2]!);
    altered[altered.length - 1] = altered.at(-1)! ^ 0xff;
    const result = await run('storescu', ['-d', '-aec', hospital.aeTitle, '127.0.0.1', port(), ...(await writeDicomFiles([altered]))], { env }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(`${result.stdout}${result.stderr}`).toMatch(/0xa900/i);
    expect((await checks()).index).toBeGreaterThan(after.index);
    expect(await storedCopy()).toEqual(kept);
  });

  it("the called AE title decides the hospital: B's AE title stores into B, never into A", async () => {
    const sag = makeSeries({ plane: 'sagittal', slices: 8 });
    await run('storescu', ['-aec', b.aeTitle, '127.0.0.1', port(), ...(await writeDicomFiles(sag.files))], { env });
    const rows = await systemQuery<{ tenant_id: string }>(`SELECT tenant_id FROM study WHERE study_instance_uid = $1`, [sag.studyInstanceUid]);
    expect(rows.map((r) => r.tenant_id)).toEqual([b.id]);
  });

  it('a malformed instance gets a failure status and nothing is stored; the listener keeps serving', async () => {
    const bad = makeSeries({ slices: 1, extraAttributes: [{ tag: '00280010', vr: 'US', value: 80 }] });
    const result = await run('storescu', ['-d', '-aec', a.aeTitle, '127.0.0.1', port(), ...(await writeDicomFiles(bad.files))], { env }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(`${result.stdout}${result.stderr}`).toMatch(/0xa900/i);
    expect(await systemQuery(`SELECT 1 FROM instance WHERE sop_instance_uid = $1`, [bad.sopInstanceUids[0]])).toHaveLength(0);
    await expect(run('echoscu', ['-aec', a.aeTitle, '127.0.0.1', port()], { env })).resolves.toBeDefined();
  });

  it('the hospital admin sets the AE title and a calling-AE allow-list; associations follow them', async () => {
    const h = await createTestHospital();
    const admin = (await signInWithPkce(platform.url, h.admin.email, h.admin.password)).accessToken;
    const res = await gql<{ updateDicomSettings: { aeTitle: string; allowedCallingAes: string[] } }>(
      platform.url,
      admin,
      `mutation { updateDicomSettings(input: { aeTitle: "KNEE_${h.slug.slice(2, 8).toUpperCase()}", allowedCallingAes: ["PACS1"] }) { aeTitle allowedCallingAes } }`,
    );
    expect(res.errors).toBeUndefined();
    const ae = res.data!.updateDicomSettings.aeTitle;
    expect(res.data!.updateDicomSettings.allowedCallingAes).toEqual(['PACS1']);
    await expect(run('echoscu', ['-aec', ae, '-aet', 'PACS1', '127.0.0.1', port()], { env })).resolves.toBeDefined();
    await expect(run('echoscu', ['-aec', ae, '-aet', 'INTRUDER', '127.0.0.1', port()], { env })).rejects.toBeDefined();
    await expect(run('echoscu', ['-aec', h.aeTitle, '-aet', 'PACS1', '127.0.0.1', port()], { env })).rejects.toBeDefined();
    const taken = await gql(platform.url, admin, `mutation { updateDicomSettings(input: { aeTitle: "${a.aeTitle}", allowedCallingAes: [] }) { aeTitle } }`);
    expect(taken.code).toBe('CONFLICT');
  });
});
