import { randomUUID } from 'node:crypto';
import { clientCredentialsToken, createTestHospital, makeSeries, signInWithPkce, stow, systemQuery, type TestHospital } from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { subscribe, type TestSubscription, type TestWsClient, wsClient } from './graphql-ws-client.js';
import { startTestPlatform } from './test-platform.js';

interface Event {
  studyId: string;
  status: string;
  study: { id: string; status: string; studyInstanceUid: string } | null;
}
type Worklist = { worklistUpdated: Event };
type StudyUpdated = { studyUpdated: Event };

const WORKLIST = 'subscription { worklistUpdated { studyId status study { id status studyInstanceUid } } }';
const STUDY = 'subscription($id: ID!) { studyUpdated(id: $id) { studyId status study { id status studyInstanceUid } } }';
/** A change committed in the database reaches a subscriber within this (the design target is far below it). */
const DELIVERY_MS = 3000;
const MAX_SUBSCRIPTIONS = 3;

describe('GraphQL subscriptions (graphql-ws) fed by PostgreSQL LISTEN/NOTIFY', () => {
  let platform: Platform;
  let a: TestHospital;
  let b: TestHospital;
  let clinicianA: string;
  let clinicianB: string;
  let integratorA: string;
  let integratorB: string;
  let studyA: string;
  let studyB: string;
  const clients: TestWsClient[] = [];

  const connect = async (token: string): Promise<TestWsClient> => {
    const c = wsClient(platform.url, token);
    clients.push(c);
    await c.connected;
    return c;
  };
  const upload = async (h: TestHospital, token: string): Promise<{ id: string; uid: string }> => {
    const s = makeSeries({ plane: 'sagittal', slices: 4, rows: 32, columns: 32 });
    expect((await stow(platform.url, token, s.files)).status).toBe(200);
    const [row] = await systemQuery<{ id: string }>(`SELECT id FROM study WHERE tenant_id = $1 AND study_instance_uid = $2`, [h.id, s.studyInstanceUid]);
    return { id: row!.id, uid: s.studyInstanceUid };
  };
  const setStatus = (h: TestHospital, id: string, status: string) =>
    systemQuery(`UPDATE study SET status = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [h.id, id, status]);
  const auditCount = async (h: TestHospital, action: string, targetId: string): Promise<number> =>
    Number(
      (
        await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM audit_event WHERE tenant_id = $1 AND action = $2 AND target_id = $3`, [
          h.id,
          action,
          targetId,
        ])
      )[0]!.n,
    );
  /** A subscription is live once its start was audited (it is on the bus before the audit commits). */
  const live = async (h: TestHospital, action: string, targetId: string, atLeast: number): Promise<void> => {
    const deadline = Date.now() + 10_000;
    while ((await auditCount(h, action, targetId)) < atLeast) {
      if (Date.now() > deadline) throw new Error(`no ${action} audit event for ${targetId}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  beforeAll(async () => {
    platform = await startTestPlatform({ GRAPHQL_WS_MAX_SUBSCRIPTIONS: String(MAX_SUBSCRIPTIONS) });
    [a, b] = await Promise.all([createTestHospital(), createTestHospital()]);
    clinicianA = (await signInWithPkce(platform.url, a.clinician.email, a.clinician.password)).accessToken;
    clinicianB = (await signInWithPkce(platform.url, b.clinician.email, b.clinician.password)).accessToken;
    integratorA = await clientCredentialsToken(platform.url, a.integrator.clientId, a.integrator.secret);
    integratorB = await clientCredentialsToken(platform.url, b.integrator.clientId, b.integrator.secret);
    studyA = (await upload(a, integratorA)).id;
    studyB = (await upload(b, integratorB)).id;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose().catch(() => undefined)));
    await platform?.close();
  });

  it("delivers a committed change of hospital A's study to A's subscribers, with the study's fresh fields; B's subscriber never sees it", async () => {
    const [ca, cb] = await Promise.all([connect(clinicianA), connect(clinicianB)]);
    const beforeA = await auditCount(a, 'worklist.subscribe', '*');
    const beforeB = await auditCount(b, 'worklist.subscribe', '*');
    const beforeStudy = await auditCount(a, 'study.subscribe', studyA);
    const worklistA = subscribe<Worklist>(ca, WORKLIST);
    const oneStudyA = subscribe<StudyUpdated>(ca, STUDY, { id: studyA });
    const worklistB = subscribe<Worklist>(cb, WORKLIST);
    await live(a, 'worklist.subscribe', '*', beforeA + 1);
    await live(a, 'study.subscribe', studyA, beforeStudy + 1);
    await live(b, 'worklist.subscribe', '*', beforeB + 1);

    // A status change committed by anyone (here: plain SQL, as the worker does) fires the study trigger's NOTIFY.
    const t0 = Date.now();
    await setStatus(a, studyA, 'ANALYZING');
    const got = await worklistA.waitFor((r) => r.data?.worklistUpdated.studyId === studyA && r.data.worklistUpdated.status === 'ANALYZING', DELIVERY_MS);
    const latency = Date.now() - t0;
    expect(got.errors).toBeUndefined();
    expect(got.data!.worklistUpdated.study).toMatchObject({ id: studyA, status: 'ANALYZING' });
    const one = await oneStudyA.waitFor((r) => r.data?.studyUpdated.status === 'ANALYZING', DELIVERY_MS);
    expect(one.data!.studyUpdated).toMatchObject({ studyId: studyA, study: { id: studyA, status: 'ANALYZING' } });
    expect(latency).toBeLessThan(DELIVERY_MS);

    // A real ingest (STOW-RS) in A: the new study appears (RECEIVING), then its series completes and ingest sets the
    // study's status (QUEUED, or NOT_APPLICABLE when nothing can be analysed): both reach A's worklist.
    const uploaded = await upload(a, integratorA);
    const ofUpload = (status: (s: string) => boolean) => (r: { data?: Worklist | null }) =>
      r.data?.worklistUpdated.studyId === uploaded.id && status(r.data.worklistUpdated.status);
    await worklistA.waitFor(
      ofUpload((s) => s === 'RECEIVING'),
      DELIVERY_MS,
    );
    await worklistA.waitFor(
      ofUpload((s) => s === 'QUEUED' || s === 'NOT_APPLICABLE'),
      DELIVERY_MS,
    );
    expect(oneStudyA.results.every((r) => r.data?.studyUpdated.studyId === studyA)).toBe(true);

    // NOTIFYs arrive in commit order on one connection: once B's own later change is in, A's would have been too.
    await setStatus(b, studyB, 'FAILED');
    await worklistB.waitFor((r) => r.data?.worklistUpdated.studyId === studyB, DELIVERY_MS);
    const seenByB = worklistB.results.map((r) => r.data?.worklistUpdated.studyId);
    expect(seenByB).not.toContain(studyA);
    expect(seenByB).not.toContain(uploaded.id);
    expect(worklistA.results.map((r) => r.data?.worklistUpdated.studyId)).not.toContain(studyB);
    for (const s of [worklistA, oneStudyA, worklistB]) s.stop();
  });

  it("studyUpdated on hospital B's study, asked by A, answers NOT_FOUND and never delivers", async () => {
    const ca = await connect(clinicianA);
    const sub = subscribe<StudyUpdated>(ca, STUDY, { id: studyB });
    await sub.ended();
    expect(sub.code).toBe('NOT_FOUND');
    expect(sub.results.some((r) => r.data?.studyUpdated)).toBe(false);
    const unknown = subscribe<StudyUpdated>(ca, STUDY, { id: randomUUID() });
    await unknown.ended();
    expect(unknown.code).toBe('NOT_FOUND');
    const notUuid = subscribe<StudyUpdated>(ca, STUDY, { id: 'not-a-uuid' });
    await notUuid.ended();
    expect(notUuid.code).toBe('NOT_FOUND');
    expect(await auditCount(a, 'study.subscribe', studyB)).toBe(0);
  });

  it('each subscription start writes one audit event with actor and request id', async () => {
    const c = await connect(integratorA);
    const before = await auditCount(a, 'study.subscribe', studyA);
    const sub = subscribe<StudyUpdated>(c, STUDY, { id: studyA });
    await live(a, 'study.subscribe', studyA, before + 1);
    const [row] = await systemQuery<{ actor_type: string; actor_id: string; target_type: string; request_id: string | null }>(
      `SELECT actor_type, actor_id, target_type, request_id FROM audit_event WHERE tenant_id = $1 AND action = 'study.subscribe' AND target_id = $2 ORDER BY id DESC LIMIT 1`,
      [a.id, studyA],
    );
    expect(row).toMatchObject({ actor_type: 'SERVICE_ACCOUNT', actor_id: a.integrator.id, target_type: 'study' });
    expect(row!.request_id).toBeTruthy();
    sub.stop();
  });

  it('refuses connections without a valid token (close 4401) and hospital admins get FORBIDDEN on subscribe', async () => {
    for (const params of [undefined, { authorization: 'Bearer not.a.token' }, { authorization: clinicianA }]) {
      const c = wsClient(platform.url, null, params);
      clients.push(c);
      const sub = subscribe(c, WORKLIST);
      expect((await c.closed).code).toBe(4401);
      expect(sub.results).toEqual([]);
    }
    // `Authorization` (capitalised) is accepted too.
    const capital = wsClient(platform.url, null, { Authorization: `Bearer ${clinicianA}` });
    clients.push(capital);
    await capital.connected;

    const admin = (await signInWithPkce(platform.url, a.admin.email, a.admin.password)).accessToken;
    const c = await connect(admin);
    const sub = subscribe(c, WORKLIST);
    await sub.ended();
    expect(sub.code).toBe('FORBIDDEN');
  });

  it('serves only subscriptions, within the operation limits and at most GRAPHQL_WS_MAX_SUBSCRIPTIONS per connection', async () => {
    const c = await connect(clinicianA);
    const query = subscribe(c, '{ me { id } }');
    await query.ended();
    expect(query.code).toBe('BAD_REQUEST');
    const invalid = subscribe(c, 'subscription { nope }');
    await invalid.ended();
    expect(invalid.code).toBe('GRAPHQL_VALIDATION_FAILED');

    const before = await auditCount(a, 'worklist.subscribe', '*');
    const open: TestSubscription<Worklist>[] = [];
    for (let i = 0; i < MAX_SUBSCRIPTIONS; i++) open.push(subscribe<Worklist>(c, WORKLIST));
    await live(a, 'worklist.subscribe', '*', before + MAX_SUBSCRIPTIONS);
    const extra = subscribe<Worklist>(c, WORKLIST);
    await extra.ended();
    expect(extra.code).toBe('TOO_MANY_SUBSCRIPTIONS');
    // The others are unaffected, and one slot frees when a subscription stops.
    expect(open.every((s) => !s.completed && !s.error)).toBe(true);
    open[0]!.stop();
    const again = subscribe<Worklist>(c, WORKLIST);
    await live(a, 'worklist.subscribe', '*', before + MAX_SUBSCRIPTIONS + 1);
    expect(again.error).toBeNull();
    for (const s of [...open, again]) s.stop();
  });

  it('shutdown closes open subscriptions (1001, clients reconnect elsewhere) without waiting for them', async () => {
    const p = await startTestPlatform();
    // Its own issuer (the built-in provider of that instance): sign in there.
    const token = (await signInWithPkce(p.url, a.clinician.email, a.clinician.password)).accessToken;
    const c = wsClient(p.url, token);
    clients.push(c);
    await c.connected;
    const before = await auditCount(a, 'worklist.subscribe', '*');
    const sub = subscribe(c, WORKLIST);
    await live(a, 'worklist.subscribe', '*', before + 1);
    const t0 = Date.now();
    await p.close();
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await c.closed).code).toBe(1001);
    sub.stop();
  });
});
