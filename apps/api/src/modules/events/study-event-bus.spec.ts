import { randomUUID } from 'node:crypto';
import { StudyStatus } from '@cruciate/contracts';
import { describe, expect, it } from 'vitest';
import { type StudyChange, StudyEventBus } from './study-event-bus.js';

const change = (tenantId: string, studyId: string, status = StudyStatus.QUEUED): StudyChange => ({ tenantId, studyId, status });

describe('StudyEventBus', () => {
  it("offers an event only to its own hospital's subscribers, and to study subscribers of that study only", async () => {
    const bus = new StudyEventBus();
    const [a, b, s1, s2] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const worklistA = bus.subscribe(a);
    const studyA1 = bus.subscribe(a, s1);
    const worklistB = bus.subscribe(b);
    bus.publish(change(a, s1));
    bus.publish(change(a, s2));
    bus.publish(change(b, s2, StudyStatus.FAILED));
    expect((await worklistA.next()).value).toEqual(change(a, s1));
    expect((await worklistA.next()).value).toEqual(change(a, s2));
    expect((await studyA1.next()).value).toEqual(change(a, s1));
    expect((await worklistB.next()).value).toEqual(change(b, s2, StudyStatus.FAILED));
    // Nothing else is waiting for the study subscriber: its next event is the next one for s1.
    const pending = studyA1.next();
    bus.publish(change(a, s2));
    bus.publish(change(a, s1, StudyStatus.ANALYZING));
    expect((await pending).value).toEqual(change(a, s1, StudyStatus.ANALYZING));
  });

  it('unsubscribes on return(), ends a pending next(), and counts open subscriptions', async () => {
    const bus = new StudyEventBus();
    const t = randomUUID();
    const s = bus.subscribe(t);
    const other = bus.subscribe(t);
    expect(bus.size).toBe(2);
    const pending = s.next();
    await s.return();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(bus.size).toBe(1);
    bus.publish(change(t, randomUUID()));
    expect((await s.next()).done).toBe(true);
    bus.closeAll();
    expect(bus.size).toBe(0);
    expect((await other.next()).done).toBe(true);
  });

  it("bounds a slow subscriber's buffer: the oldest waiting events are dropped and counted", async () => {
    let dropped = 0;
    const bus = new StudyEventBus({ bufferSize: 3, onDrop: () => dropped++ });
    const t = randomUUID();
    const s = bus.subscribe(t);
    const ids = Array.from({ length: 5 }, () => randomUUID());
    for (const id of ids) bus.publish(change(t, id));
    expect(dropped).toBe(2);
    const got = [(await s.next()).value, (await s.next()).value, (await s.next()).value].map((c) => (c as StudyChange).studyId);
    expect(got).toEqual(ids.slice(2));
  });
});
