import { randomBytes, randomUUID } from 'node:crypto';
import { STUDY_EVENTS_CHANNEL, StudyStatus } from '@cruciate/contracts';
import { withClient } from '@cruciate/db';
import { createTestHospital, systemQuery, testDatabase } from '@cruciate/testing';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudyChange } from './study-event-bus.js';
import { StudyEventListener } from './study-event-listener.js';

const logger = pino({ level: 'silent' });

/** Starts a listener with a connection name of its own (so the test can find and kill exactly its backend). */
async function listen(): Promise<{
  listener: StudyEventListener;
  events: StudyChange[];
  name: string;
  waitFor: (p: (c: StudyChange) => boolean) => Promise<StudyChange>;
}> {
  const events: StudyChange[] = [];
  const name = `cruciate-events-test-${randomBytes(4).toString('hex')}`;
  const listener = new StudyEventListener({
    databaseUrl: testDatabase().appUrl,
    logger,
    applicationName: name,
    minBackoffMs: 20,
    maxBackoffMs: 200,
    onEvent: (c) => events.push(c),
  });
  await listener.start();
  const waitFor = async (p: (c: StudyChange) => boolean): Promise<StudyChange> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const hit = events.find(p);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event; got ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { listener, events, name, waitFor };
}

/** A study row of a new hospital, inserted as the system (no ingest). */
async function newStudy(): Promise<{ tenantId: string; studyId: string }> {
  const h = await createTestHospital();
  const [p] = await systemQuery<{ id: string }>(`INSERT INTO patient (tenant_id, patient_key) VALUES ($1, $2) RETURNING id`, [
    h.id,
    randomBytes(32).toString('hex'),
  ]);
  const [s] = await systemQuery<{ id: string }>(`INSERT INTO study (tenant_id, patient_id, study_instance_uid) VALUES ($1, $2, $3) RETURNING id`, [
    h.id,
    p!.id,
    `2.25.${BigInt(`0x${randomBytes(12).toString('hex')}`).toString()}`,
  ]);
  return { tenantId: h.id, studyId: s!.id };
}

describe('study events: trigger (migration 0008) -> NOTIFY -> StudyEventListener', () => {
  const started: StudyEventListener[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((l) => l.stop()));
  });

  it('hears a new study, each status change on commit, and nothing from a rolled-back change', async () => {
    const l = await listen();
    started.push(l.listener);
    const { tenantId, studyId } = await newStudy();
    expect(await l.waitFor((c) => c.studyId === studyId)).toEqual({ tenantId, studyId, status: 'RECEIVING' });
    await withClient(testDatabase().appUrl, async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      await c.query(`UPDATE study SET status = 'FAILED' WHERE id = $1`, [studyId]);
      await c.query('ROLLBACK');
    });
    await systemQuery(`UPDATE study SET status = 'QUEUED' WHERE id = $1`, [studyId]);
    await l.waitFor((c) => c.studyId === studyId && c.status === StudyStatus.QUEUED);
    // Unrelated columns (ingest's per-instance upsert) and same-value updates stay silent.
    await systemQuery(`UPDATE study SET modalities = '{MR}', updated_at = now() WHERE id = $1`, [studyId]);
    await systemQuery(`UPDATE study SET status = 'QUEUED' WHERE id = $1`, [studyId]);
    await systemQuery(`UPDATE study SET priority = 0.7 WHERE id = $1`, [studyId]);
    await l.waitFor((c) => c.studyId === studyId && c.status === StudyStatus.QUEUED && l.events.filter((e) => e.studyId === studyId).length === 3);
    expect(l.events.filter((e) => e.studyId === studyId).map((e) => e.status)).toEqual(['RECEIVING', 'QUEUED', 'QUEUED']);
  });

  it('a writer that still notifies explicitly (the worker) causes no duplicate: identical notifications of one transaction fold', async () => {
    const l = await listen();
    started.push(l.listener);
    const { tenantId, studyId } = await newStudy();
    await l.waitFor((c) => c.studyId === studyId);
    await withClient(testDatabase().appUrl, async (c) => {
      await c.query('BEGIN');
      await c.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
      await c.query(`UPDATE study SET status = 'ANALYZING' WHERE id = $1`, [studyId]);
      await c.query(`SELECT pg_notify($1, $2)`, [STUDY_EVENTS_CHANNEL, JSON.stringify({ tenantId, studyId, status: 'ANALYZING' })]);
      await c.query('COMMIT');
    });
    await systemQuery(`UPDATE study SET status = 'ANALYZED' WHERE id = $1`, [studyId]);
    await l.waitFor((c) => c.studyId === studyId && c.status === StudyStatus.ANALYZED);
    expect(l.events.filter((e) => e.studyId === studyId).map((e) => e.status)).toEqual(['RECEIVING', 'ANALYZING', 'ANALYZED']);
  });

  it('drops malformed payloads and reconnects after its connection is killed', async () => {
    const l = await listen();
    started.push(l.listener);
    await systemQuery(`SELECT pg_notify($1, 'not json'), pg_notify($1, '{"tenantId":"x"}'), pg_notify($1, $2)`, [
      STUDY_EVENTS_CHANNEL,
      JSON.stringify({ tenantId: randomUUID(), studyId: randomUUID(), status: 'NOT_A_STATUS' }),
    ]);
    const killed = await systemQuery<{ ok: boolean }>(`SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`, [l.name]);
    expect(killed).toEqual([{ ok: true }]);
    const deadline = Date.now() + 5000;
    let seen = false;
    // Events committed while it was down are lost (documented); once it is back, new ones arrive.
    while (!seen && Date.now() < deadline) {
      const { tenantId, studyId } = { tenantId: randomUUID(), studyId: randomUUID() };
      await systemQuery(`SELECT pg_notify($1, $2)`, [STUDY_EVENTS_CHANNEL, JSON.stringify({ tenantId, studyId, status: 'QUEUED' })]);
      await new Promise((r) => setTimeout(r, 50));
      seen = l.events.some((e) => e.studyId === studyId);
    }
    expect(seen).toBe(true);
    expect(l.listener.isConnected).toBe(true);
    expect(l.events.every((e) => e.status === StudyStatus.QUEUED)).toBe(true);
  });
});
