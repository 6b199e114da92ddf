import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { IndexQueue } from './index-queue.js';

const silent = pino({ level: 'silent' });

/** A batch indexer that records its calls and can be told to fail. */
function recorder(opts: { failTimes?: number; refuse?: (item: string) => boolean; delayMs?: number } = {}) {
  const calls: { tenantId: string; items: string[] }[] = [];
  let failures = opts.failTimes ?? 0;
  const index = async (tenantId: string, items: readonly string[]): Promise<(string | Error)[]> => {
    calls.push({ tenantId, items: [...items] });
    if (opts.delayMs) await new Promise((resolve) => setTimeout(resolve, opts.delayMs));
    if (failures > 0) {
      failures--;
      throw new Error('database away');
    }
    return items.map((item) => (opts.refuse?.(item) ? new Error(`refused ${item}`) : `indexed:${item}`));
  };
  return { calls, index };
}

/** Claims and accepts an item; resolves at once with its `done` (an async function would flatten the promise). */
async function accept(queue: IndexQueue<string, string>, tenantId: string, item: string, sha = `sha-${item}`): Promise<{ done: Promise<string> }> {
  const claim = await queue.claim(tenantId, item, sha);
  if (claim.kind !== 'new') throw new Error(`expected a new claim for ${item}, got ${claim.kind}`);
  const done = claim.accept(item);
  done.catch(() => undefined);
  return { done };
}

const all = async (items: Promise<{ done: Promise<string> }>[]) => (await Promise.all(items)).map((i) => i.done);

describe('IndexQueue (group commit behind the C-STORE response)', () => {
  it('indexes what gathers while a batch commits in the next batch, per tenant, results in order', async () => {
    const { calls, index } = recorder({ delayMs: 30 });
    const queue = new IndexQueue<string, string>(index, silent);
    const first = (await accept(queue, 't1', 'a')).done;
    const rest = await all(['b', 'c', 'd'].map((i) => accept(queue, 't1', i)));
    const other = (await accept(queue, 't2', 'x')).done;
    expect(await Promise.all([first, ...rest, other])).toEqual(['indexed:a', 'indexed:b', 'indexed:c', 'indexed:d', 'indexed:x']);
    expect(calls).toEqual([
      { tenantId: 't1', items: ['a'] },
      { tenantId: 't2', items: ['x'] },
      { tenantId: 't1', items: ['b', 'c', 'd'] },
    ]);
    expect(queue.size).toBe(0);
  });

  it('hurry(): what lingers is indexed at once, and so is what is queued behind it, until the queue is empty', async () => {
    const { calls, index } = recorder({ delayMs: 20 });
    const queue = new IndexQueue<string, string>(index, silent, { lingerMs: 60_000 });
    const first = (await accept(queue, 't', 'a')).done;
    const second = (await accept(queue, 't', 'b')).done;
    let settled = false;
    void Promise.all([first, second]).then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Lingering for more (a minute): nothing indexed yet.
    expect(settled).toBe(false);
    expect(calls).toEqual([]);
    queue.hurry('other tenant'); // nothing queued there: no effect
    queue.hurry('t');
    // Queued while that batch commits (20 ms): indexed right after it, without lingering either.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const third = (await accept(queue, 't', 'c')).done;
    expect(await Promise.all([first, second, third])).toEqual(['indexed:a', 'indexed:b', 'indexed:c']);
    expect(calls).toEqual([
      { tenantId: 't', items: ['a', 'b'] },
      { tenantId: 't', items: ['c'] },
    ]);
  });

  it('remembers indexed instances for memoryMs: later copies are told apart without the index, and early look-ups hold that long', async () => {
    const { calls, index } = recorder();
    const queue = new IndexQueue<string, string>(index, silent, { memoryMs: 60 });
    const lookupStarted = performance.now();
    expect(await (await accept(queue, 't', 'a')).done).toBe('indexed:a');
    const again = await queue.claim('t', 'a', 'sha-a');
    expect(again.kind).toBe('duplicate');
    if (again.kind === 'duplicate') expect(await again.indexed).toBe('indexed:a');
    expect((await queue.claim('t', 'a', 'other bytes')).kind).toBe('conflict');
    expect((await queue.claim('t2', 'a', 'sha-a')).kind).toBe('new');
    expect(queue.lookupHolds(lookupStarted)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 80));
    // Forgotten: the index decides again (a new claim), and a look-up that old no longer holds.
    expect(queue.lookupHolds(lookupStarted)).toBe(false);
    expect((await queue.claim('t', 'a', 'sha-a')).kind).toBe('new');
    expect(calls).toHaveLength(1);
  });

  it('a refused instance is not remembered; forgetting early (too many) ends the look-ups that started before', async () => {
    const { index } = recorder({ refuse: (item) => item === 'bad' });
    const queue = new IndexQueue<string, string>(index, silent, { memoryMs: 60_000, maxRemembered: 2 });
    await expect((await accept(queue, 't', 'bad')).done).rejects.toThrow(/refused/);
    expect((await queue.claim('t', 'bad', 'sha-bad')).kind).toBe('new');
    const before = performance.now();
    for (const item of ['a', 'b']) await (await accept(queue, 't', item)).done;
    expect(queue.lookupHolds(before)).toBe(true);
    await (
      await accept(queue, 't', 'c')
    ).done;
    // 'a' was forgotten before its time: a look-up started before it was indexed could have missed it.
    expect(queue.lookupHolds(before)).toBe(false);
    expect(queue.lookupHolds(performance.now())).toBe(true);
    expect((await queue.claim('t', 'a', 'sha-a')).kind).toBe('new');
    expect((await queue.claim('t', 'c', 'sha-c')).kind).toBe('duplicate');
  });

  it('lingers for more instances before a batch that is not full (fewer commits)', async () => {
    const { calls, index } = recorder();
    const queue = new IndexQueue<string, string>(index, silent, { lingerMs: 40, maxBatch: 3 });
    const done: Promise<string>[] = [];
    for (const item of ['a', 'b', 'c', 'd']) {
      done.push((await accept(queue, 't', item)).done);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all(done);
    expect(calls.map((c) => c.items)).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('retries a batch that fails as a whole, and refuses its items after the last try', async () => {
    const flaky = recorder({ failTimes: 2 });
    const queue = new IndexQueue<string, string>(flaky.index, silent, { backoffMs: 1 });
    expect(await (await accept(queue, 't', 'a')).done).toBe('indexed:a');
    expect(flaky.calls).toHaveLength(3);

    const down = recorder({ failTimes: 100 });
    const failing = new IndexQueue<string, string>(down.index, silent, { backoffMs: 1, attempts: 3 });
    await expect((await accept(failing, 't', 'b')).done).rejects.toThrow(/database away/);
    expect(down.calls).toHaveLength(3);
    expect(failing.size).toBe(0);
  });

  it('an item refused on its own fails alone', async () => {
    const { index } = recorder({ refuse: (item) => item === 'bad', delayMs: 10 });
    const queue = new IndexQueue<string, string>(index, silent);
    const first = (await accept(queue, 't', 'first')).done;
    const [good, bad] = await all([accept(queue, 't', 'good'), accept(queue, 't', 'bad')]);
    expect(await first).toBe('indexed:first');
    expect(await good).toBe('indexed:good');
    await expect(bad).rejects.toThrow(/refused bad/);
  });

  it('claims: a second copy in flight is a duplicate (same bytes) or a conflict (other bytes); per tenant', async () => {
    const { index } = recorder({ delayMs: 20 });
    const queue = new IndexQueue<string, string>(index, silent);
    const first = await queue.claim('t', 'sop', 'sha-1');
    expect(first.kind).toBe('new');
    // Other bytes are a conflict at once; the same bytes wait for the first copy's decision.
    expect((await queue.claim('t', 'sop', 'sha-2')).kind).toBe('conflict');
    expect((await queue.claim('other-tenant', 'sop', 'sha-2')).kind).toBe('new');
    const second = queue.claim('t', 'sop', 'sha-1');
    if (first.kind !== 'new') throw new Error('unreachable');
    const indexed = first.accept('sop');
    const dup = await second;
    expect(dup.kind).toBe('duplicate');
    if (dup.kind !== 'duplicate') throw new Error('unreachable');
    expect(await dup.indexed).toBe(await indexed);
    // Once indexed, the claim is released: the next copy is checked against the index again.
    expect((await queue.claim('t', 'sop', 'sha-2')).kind).toBe('new');
  });

  it('claims: when the first copy is refused (cancelled), a waiting copy of the same bytes becomes the first', async () => {
    const queue = new IndexQueue<string, string>(recorder().index, silent);
    const first = await queue.claim('t', 'sop', 'sha');
    const waiting = queue.claim('t', 'sop', 'sha');
    if (first.kind !== 'new') throw new Error('unreachable');
    first.cancel();
    expect((await waiting).kind).toBe('new');
  });

  it('drain() waits for everything queued', async () => {
    const { index } = recorder({ delayMs: 20 });
    const queue = new IndexQueue<string, string>(index, silent);
    let done = 0;
    for (const item of ['a', 'b', 'c']) void (await accept(queue, 't', item)).done.then(() => done++);
    await queue.drain();
    await Promise.resolve();
    expect(done).toBe(3);
  });
});
