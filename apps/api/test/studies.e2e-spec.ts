import { clientCredentialsToken, createTestHospital, gql, makeSeries, signInWithPkce, stow, systemQuery, type TestHospital } from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

interface Node {
  id: string;
  studyInstanceUid: string;
  studyDate: string | null;
  status: string;
  priority: number;
  patient: { key: string };
}
type Page = { studies: { edges: { cursor: string; node: Node }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

const FIELDS = 'edges { cursor node { id studyInstanceUid studyDate status priority patient { key } } } pageInfo { hasNextPage endCursor }';

describe('GraphQL studies: the worklist query', () => {
  let platform: Platform;
  let h: TestHospital;
  let clinician: string;
  const uids: Record<'urgent' | 'routine' | 'middle' | 'coronal', string> = { urgent: '', routine: '', middle: '', coronal: '' };

  beforeAll(async () => {
    platform = await startTestPlatform();
    h = await createTestHospital();
    const integrator = await clientCredentialsToken(platform.url, h.integrator.clientId, h.integrator.secret);
    clinician = (await signInWithPkce(platform.url, h.clinician.email, h.clinician.password)).accessToken;
    const studies = {
      urgent: makeSeries({ plane: 'sagittal', slices: 8, studyDate: '20260105', patientId: 'P-URGENT' }),
      routine: makeSeries({ plane: 'sagittal', slices: 8, studyDate: '20260210', patientId: 'P-ROUTINE' }),
      middle: makeSeries({ plane: 'sagittal', slices: 8, studyDate: '20260320', patientId: 'P-MIDDLE' }),
      coronal: makeSeries({ plane: 'coronal', slices: 8, studyDate: '20260415', patientId: 'P-CORONAL' }),
    };
    for (const [name, s] of Object.entries(studies)) {
      expect((await stow(platform.url, integrator, s.files)).status).toBe(200);
      uids[name as keyof typeof uids] = s.studyInstanceUid;
    }
    // Priorities come from inference later; set them here to test the worklist order.
    const set = (uid: string, p: number) => systemQuery(`UPDATE study SET priority = $2 WHERE tenant_id = $1 AND study_instance_uid = $3`, [h.id, p, uid]);
    await set(uids.urgent, 0.9);
    await set(uids.routine, 0.1);
    await set(uids.middle, 0.5);
  });
  afterAll(async () => platform?.close());

  const query = async (args: string): Promise<Node[]> => {
    const res = await gql<Page>(platform.url, clinician, `{ studies(${args}) { ${FIELDS} } }`);
    expect(res.errors).toBeUndefined();
    return res.data!.studies.edges.map((e) => e.node);
  };

  it('orders by AI priority by default', async () => {
    const nodes = await query('first: 10');
    expect(nodes.map((n) => n.studyInstanceUid)).toEqual([uids.urgent, uids.middle, uids.routine, uids.coronal]);
  });

  it('orders by study date either way', async () => {
    expect((await query('first: 10, orderBy: { field: STUDY_DATE, direction: ASC }')).map((n) => n.studyDate)).toEqual([
      '2026-01-05',
      '2026-02-10',
      '2026-03-20',
      '2026-04-15',
    ]);
    expect((await query('first: 10, orderBy: { field: STUDY_DATE, direction: DESC }')).map((n) => n.studyDate)).toEqual([
      '2026-04-15',
      '2026-03-20',
      '2026-02-10',
      '2026-01-05',
    ]);
  });

  it('filters by status, date range and patient key', async () => {
    expect((await query('first: 10, filter: { status: [NOT_APPLICABLE] }')).map((n) => n.studyInstanceUid)).toEqual([uids.coronal]);
    expect((await query('first: 10, filter: { status: [QUEUED] }')).map((n) => n.studyInstanceUid).sort()).toEqual(
      [uids.urgent, uids.middle, uids.routine].sort(),
    );
    expect((await query('first: 10, filter: { dateFrom: "2026-02-01", dateTo: "2026-03-31" }')).map((n) => n.studyInstanceUid).sort()).toEqual(
      [uids.routine, uids.middle].sort(),
    );
    const [urgent] = await query('first: 1');
    expect((await query(`first: 10, filter: { patientKey: "${urgent!.patient.key}" }`)).map((n) => n.studyInstanceUid)).toEqual([uids.urgent]);
  });

  it('pages with cursors without gaps or repeats, in every order', async () => {
    for (const orderBy of ['', ', orderBy: { field: RECEIVED_AT, direction: ASC }', ', orderBy: { field: STUDY_DATE, direction: DESC }']) {
      const all = (await query(`first: 10${orderBy}`)).map((n) => n.id);
      const walked: string[] = [];
      let after: string | null = null;
      for (let i = 0; i < 10; i++) {
        const res: Awaited<ReturnType<typeof gql<Page>>> = await gql<Page>(
          platform.url,
          clinician,
          `query($after: String) { studies(first: 1, after: $after${orderBy}) { ${FIELDS} } }`,
          { after },
        );
        walked.push(...res.data!.studies.edges.map((e) => e.node.id));
        if (!res.data!.studies.pageInfo.hasNextPage) break;
        after = res.data!.studies.pageInfo.endCursor;
      }
      expect(walked).toEqual(all);
    }
  });

  it('rejects a cursor it did not issue and a malformed filter', async () => {
    expect((await gql(platform.url, clinician, '{ studies(after: "bm90LWpzb24") { pageInfo { hasNextPage } } }')).code).toBe('BAD_USER_INPUT');
    expect((await gql(platform.url, clinician, '{ studies(filter: { dateFrom: "March 3" }) { pageInfo { hasNextPage } } }')).code).toBe('BAD_USER_INPUT');
  });
});
