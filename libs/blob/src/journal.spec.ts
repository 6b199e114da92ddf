import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemBlobStore, keyOf } from './blob-store.js';
import { scanSegment } from './journal.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
/** Distinct content per `i` (a pattern repeated: fast to build at any size). */
const object = (i: number, size = 20_000): Buffer => {
  const pattern = Buffer.from(Array.from({ length: 256 }, (_, k) => (k * 31 + i * 7) % 256));
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += pattern.length) pattern.copy(out, at);
  out.writeUInt32LE(i, 0);
  return out;
};

async function journalled(options: { segmentBytes?: number; idleCheckpointMs?: number } = {}): Promise<{ root: string; store: FilesystemBlobStore }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-journal-'));
  return { root, store: new FilesystemBlobStore(root, 'host-a', { journal: { idleCheckpointMs: 60_000, ...options } }) };
}

/** Byte-for-byte equality (vitest's deep equality walks a Buffer element by element: seconds for a few MB). */
function expectBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length);
  expect(Buffer.compare(actual, expected)).toBe(0);
}

/** The records of every segment of a journal folder (current generation only). */
async function recordsIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const seg of (await readdir(dir)).filter((n) => n.endsWith('.seg')).sort())
    out.push(...scanSegment(await readFile(path.join(dir, seg))).records.map((r) => r.sha256));
  return out;
}

describe('FilesystemBlobStore journal (sealed objects)', () => {
  it('durable(): the object is in the journal and at its content address, byte for byte', async () => {
    const { root, store } = await journalled();
    const bytes = object(1);
    const writer = await store.sealed(bytes);
    expect(writer.seal()).toEqual({ key: keyOf(sha(bytes)), sha256: sha(bytes), size: bytes.length });
    expect(() => writer.write(Buffer.from('late'))).toThrow(/sealed/);
    expectBytes(await writer.readBack(), bytes);
    expect(await writer.durable()).toEqual(writer.seal());
    expectBytes(await store.get(writer.seal().key), bytes);
    expect(await recordsIn(store.journal!.dir)).toEqual([sha(bytes)]);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    await store.closeSpool();
  });

  it('durableAll: journalled and ordinary writers together, each answered in its place', async () => {
    const { store } = await journalled({ segmentBytes: 256 * 1024 });
    const small = [0, 1, 2, 3, 4].map((i) => object(i));
    const large = object(9, 100_000); // over a quarter of a segment: stored the ordinary way
    const writers = [...(await Promise.all(small.map((b) => store.sealed(b)))), await store.sealed(large)];
    const results = await store.durableAll(writers);
    expect(results.map((r) => (r instanceof Error ? r.message : r.sha256))).toEqual([...small, large].map(sha));
    for (const b of [...small, large]) expectBytes(await store.get(keyOf(sha(b))), b);
    expect(await recordsIn(store.journal!.dir)).toEqual(small.map(sha));
    await store.closeSpool();
  });

  it('rolls over to the other segment when one is full, checkpoints the full one, and starts it over', async () => {
    const { store } = await journalled({ segmentBytes: 128 * 1024 });
    const objects = Array.from({ length: 12 }, (_, i) => object(i));
    for (const b of objects) await (await store.sealed(b)).durable();
    await store.journal!.checkpointNow();
    // Everything is durable at its address, so nothing is left in either segment's current generation.
    expect(await recordsIn(store.journal!.dir)).toEqual([]);
    for (const b of objects) expectBytes(await store.get(keyOf(sha(b))), b);
    const later = object(99);
    await (await store.sealed(later)).durable();
    expect(await recordsIn(store.journal!.dir)).toEqual([sha(later)]);
    expect(store.journal!.checkpointFailures).toBe(0);
    await store.closeSpool();
  });

  it('stage(): once 2 MiB are staged they are flushed and written out in the background; durable() then finds it done', async () => {
    const { store } = await journalled();
    const objects = Array.from({ length: 12 }, (_, i) => object(i, 200_000));
    const writers = await Promise.all(objects.map((b) => store.sealed(b)));
    for (const w of writers) w.stage();
    // The first eleven reach 2 MiB: flushed and written out without anyone asking; the twelfth waits for durable().
    const first = objects.slice(0, 11);
    const deadline = Date.now() + 10_000;
    while (!(await Promise.all(first.map((b) => store.has(keyOf(sha(b)))))).every(Boolean) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const b of first) expectBytes(await store.get(keyOf(sha(b))), b);
    expect(await store.has(keyOf(sha(objects[11]!)))).toBe(false);
    expect((await Promise.all(writers.map((w) => w.durable()))).map((b) => b.sha256)).toEqual(objects.map(sha));
    await store.closeSpool();
  });

  it('close() checkpoints and removes the journal; the objects stay', async () => {
    const { root, store } = await journalled();
    const bytes = object(3);
    await (await store.sealed(bytes)).durable();
    const dir = store.journal!.dir;
    await store.closeSpool();
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    expect(await readdir(path.join(root, 'journal', 'host-a'))).toEqual([]);
    expectBytes(await readFile(path.join(root, keyOf(sha(bytes)))), bytes);
  });

  it('recovery after a crash: every durable record is written to its address again; a torn last record is left out', async () => {
    const { root, store: dead } = await journalled();
    const objects = [0, 1, 2].map((i) => object(i, 30_000));
    await dead.durableAll(await Promise.all(objects.map((b) => dead.sealed(b))));
    // The crash: the files written out since the last checkpoint were never fsync'd, so they may be gone or short.
    await unlink(path.join(root, keyOf(sha(objects[0]!))));
    await writeFile(path.join(root, keyOf(sha(objects[1]!))), objects[1]!.subarray(0, 100));
    // And an append that no fdatasync covered, cut short (never acknowledged).
    const torn = object(7, 30_000);
    await dead.sealed(torn);
    // The journal as the process that died left it: under the pid of a process that has exited.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid;
    const left = path.join(root, 'journal', 'host-a', `${gone}.0000dead`);
    await cp(dead.journal!.dir, left, { recursive: true });
    const segment = path.join(left, '0.seg');
    await truncate(segment, (await stat(segment)).size - 1000);

    const next = new FilesystemBlobStore(root, 'host-a', { journal: {} });
    const recovery = await next.recoverJournals();
    expect(recovery).toEqual({ journals: 1, blobs: 3, torn: 1 });
    for (const b of objects) expectBytes(await next.get(keyOf(sha(b))), b);
    expect(await next.has(keyOf(sha(torn)))).toBe(false);
    await expect(stat(left)).rejects.toThrow(/ENOENT/);
    // Journals open in this process (its own, the other store's) are not touched.
    expect((await readdir(path.join(root, 'journal', 'host-a'))).sort()).toEqual([path.basename(dead.journal!.dir), path.basename(next.journal!.dir)].sort());
    expect((await readdir(path.join(root, 'tmp'))).length).toBe(0);
    await next.closeSpool();
    await dead.closeSpool();
  });

  it('recovery leaves alone the journal of a live process, and a segment started over has nothing to recover', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-journal-'));
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      const liveDir = path.join(root, 'journal', 'host-a', `${live.pid}.abcd1234`);
      await mkdir(liveDir, { recursive: true });
      const store = new FilesystemBlobStore(root, 'host-a', { journal: { idleCheckpointMs: 60_000 } });
      const bytes = object(5);
      await (await store.sealed(bytes)).durable();
      // A copy of the segment as it is now (one record), to stand in for the live process's journal.
      await writeFile(path.join(liveDir, '0.seg'), await readFile(path.join(store.journal!.dir, '0.seg')));
      await store.journal!.checkpointNow();
      const afterCheckpoint = scanSegment(await readFile(path.join(store.journal!.dir, '0.seg')));
      expect(afterCheckpoint.generation).toBe(2);
      expect(afterCheckpoint.records).toEqual([]);

      const other = new FilesystemBlobStore(root, 'host-a');
      expect(await other.recoverJournals()).toEqual({ journals: 0, blobs: 0, torn: 0 });
      expect(await recordsIn(liveDir)).toEqual([sha(bytes)]);
      await store.closeSpool();
    } finally {
      live.kill();
    }
  });

  it('a store without the journal option stores sealed objects the ordinary way', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root, 'host-a');
    expect(store.journal).toBeNull();
    const bytes = object(4);
    const blob = await (await store.sealed(bytes)).durable();
    expectBytes(await store.get(blob.key), bytes);
    await expect(stat(path.join(root, 'journal'))).rejects.toThrow(/ENOENT/);
  });
});
