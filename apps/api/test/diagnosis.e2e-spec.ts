import { clientCredentialsToken, createTestHospital, gql, makeSeries, signInWithPkce, stow, systemQuery, type TestHospital } from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';
import { activateModel, startTestWorker, waitFor, type TestWorker } from './test-worker.js';

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
    await activateModel(platform, [a, b]);
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
