import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { FilesystemBlobStore, keyOf, readSpoolFile, spoolTrailer } from './blob-store.js';

describe('FilesystemBlobStore', () => {
  it('stores bytes untouched under their SHA-256, idempotently, leaving no temp files', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root);
    const bytes = Buffer.from('DICM and some bytes');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const [a, b] = await Promise.all([store.put(bytes), store.put(bytes)]);
    expect(a).toEqual({ key: `sha256/${sha.slice(0, 2)}/${sha}`, sha256: sha, size: bytes.length });
    expect(b.key).toBe(a.key);
    expect(await store.get(a.key)).toEqual(bytes);
    expect(await store.has(a.key)).toBe(true);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('replaces a half-written file left by a crash when the same content arrives again', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root);
    const bytes = Buffer.from('the whole instance, not just a part of it');
    const first = await store.put(bytes);
    await writeFile(path.join(root, first.key), bytes.subarray(0, 10));
    await store.put(bytes);
    expect(await store.get(first.key)).toEqual(bytes);
  });

  it('streams a blob: nothing at its address until durable(), the same bytes after it; discard() leaves nothing', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root);
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 256));
    const writer = await store.writer();
    for (let i = 0; i < bytes.length; i += 16_384) writer.write(bytes.subarray(i, i + 16_384));
    const sealed = writer.seal();
    expect(sealed).toEqual({
      key: keyOf(createHash('sha256').update(bytes).digest('hex')),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
    });
    expect(() => writer.write(Buffer.from('late'))).toThrow(/sealed/);
    expect(await store.has(sealed.key)).toBe(false);
    expect(await writer.durable()).toEqual(sealed);
    expect(await store.get(sealed.key)).toEqual(bytes);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);

    const dropped = await store.writer();
    dropped.write(Buffer.from('refused instance'));
    await dropped.discard();
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect(await store.has(dropped.seal().key)).toBe(false);
  });

  it('durableAll: many blobs stored with one folder fsync pass; a blob that fails, fails alone', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root, 'host-a');
    const contents = [0, 1, 2, 3].map((i) => Buffer.from(`instance ${i} `.repeat(1000 + i)));
    const spooled = await Promise.all(contents.slice(0, 3).map(() => store.spoolWriter('tenant-1')));
    const plain = await store.writer();
    const writers = [...spooled, plain];
    writers.forEach((w, i) => {
      w.write(contents[i]!);
      w.seal();
    });
    // The second spool file disappears before it was flushed: it must not count as stored. (Removed before stage():
    // removed after it, it may go while its flush is under way, and then fail at the link instead.)
    await unlink(spooled[1]!.file);
    for (const w of writers) w.stage();
    const results = await store.durableAll(writers, 3);
    expect(results[1]).toBeInstanceOf(Error);
    expect((results[1] as Error).message).toMatch(/removed while it was written/);
    for (const i of [0, 2, 3]) {
      expect(results[i]).toEqual(writers[i]!.seal());
      expect(await store.get(writers[i]!.seal().key)).toEqual(contents[i]);
      await expect(writers[i]!.durable()).resolves.toEqual(results[i]);
    }
    expect(await store.has(writers[1]!.seal().key)).toBe(false);
    await expect(writers[1]!.durable()).rejects.toThrow(/removed while it was written/);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);

    const other = new FilesystemBlobStore(await mkdtemp(path.join(os.tmpdir(), 'blobs-')));
    const foreign = await other.writer();
    foreign.write(Buffer.from('x'));
    await expect(store.durableAll([foreign])).rejects.toThrow(/another store/);
    await store.closeSpool();
  });

  it('writes on the event loop while that stays quick; after a slow write, through the thread pool, same bytes', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root, 'host-a');
    const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 13) % 251));
    const direct = await store.spoolWriter('t');
    direct.write(bytes.subarray(0, 70_000));
    // Already in the file when write() returns: nothing pending, nothing to wait for before the flush.
    expect(direct.pendingBytes).toBe(0);
    expect((await stat(direct.file)).size).toBe(70_000);
    direct.write(bytes.subarray(70_000));
    await direct.flush();
    expect(await readFile(direct.file)).toEqual(bytes);

    store.wroteDirect(50); // as if the kernel had throttled a write for 50 ms
    expect(store.writesDirect()).toBe(false);
    const pooled = await store.spoolWriter('t');
    pooled.write(bytes.subarray(0, 70_000));
    expect(pooled.pendingBytes).toBe(70_000);
    pooled.write(bytes.subarray(70_000));
    expect((await pooled.flush()).sha256).toBe((await direct.flush()).sha256);
    expect(await readFile(pooled.file)).toEqual(bytes);
    await Promise.all([direct.discard(), pooled.discard()]);
    await store.closeSpool();
  });

  it('reads blobs stored under the two-level layout of earlier versions', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root);
    const bytes = Buffer.from('stored by an earlier version');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const legacy = `sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;
    await mkdir(path.join(root, path.dirname(legacy)), { recursive: true });
    await writeFile(path.join(root, legacy), bytes);
    expect(await store.get(legacy)).toEqual(bytes);
    expect(await store.has(legacy)).toBe(true);
  });

  it('refuses keys that are not content addresses (no path traversal)', async () => {
    const store = new FilesystemBlobStore(await mkdtemp(path.join(os.tmpdir(), 'blobs-')));
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/invalid blob key/);
  });

  describe('spool (the C-STORE path)', () => {
    const tenant = '11111111-2222-3333-4444-555555555555';
    const spoolDir = (root: string, host = 'host-a') => path.join(root, 'spool', host, tenant);

    it('creates files ahead; flush() makes the bytes durable in the spool, durable() links them to their address, release() removes the spool file', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
      const store = new FilesystemBlobStore(root, 'host-a');
      const writer = await store.spoolWriter(tenant);
      // Created ahead, in a batch, before any byte arrived.
      expect((await readdir(spoolDir(root))).length).toBeGreaterThan(1);
      const bytes = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 13) % 256));
      for (let i = 0; i < bytes.length; i += 16_384) writer.write(bytes.subarray(i, i + 16_384));
      const flushed = await writer.flush();
      expect(await readFile(writer.file)).toEqual(bytes);
      expect(await store.has(flushed.key)).toBe(false);
      expect(await writer.durable()).toEqual(flushed);
      expect(await store.get(flushed.key)).toEqual(bytes);
      expect(await readFile(writer.file)).toEqual(bytes); // kept until the row exists
      await writer.release();
      await expect(stat(writer.file)).rejects.toThrow();
      expect(await store.get(flushed.key)).toEqual(bytes);
      // Files created ahead and never used are removed at shutdown.
      await store.closeSpool();
      expect(await readdir(spoolDir(root))).toEqual([]);
    });

    it('flush({ inline: true }) runs the fdatasync on the event loop; the bytes are the same, a removed file still refused', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
      const store = new FilesystemBlobStore(root, 'host-a');
      const sync = vi.spyOn(fs, 'fdatasyncSync');
      const pooled = vi.spyOn(fs, 'fdatasync');
      try {
        const bytes = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7) % 256));
        const inline = await store.spoolWriter(tenant);
        inline.write(bytes);
        const flushing = inline.flush({ inline: true });
        // Already done when flush() returns, before any other work of the event loop.
        expect(sync).toHaveBeenCalledTimes(1);
        expect(pooled).not.toHaveBeenCalled();
        expect((await flushing).sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(await readFile(inline.file)).toEqual(bytes);
        const usual = await store.spoolWriter(tenant);
        usual.write(bytes);
        await usual.flush();
        expect(sync).toHaveBeenCalledTimes(1);
        expect(pooled).toHaveBeenCalledTimes(1);
        const gone = await store.spoolWriter(tenant);
        gone.write(bytes);
        await unlink(gone.file);
        await expect(gone.flush({ inline: true })).rejects.toThrow(/was removed/);
      } finally {
        sync.mockRestore();
        pooled.mockRestore();
        await store.closeSpool();
      }
    });

    it('never acknowledges a spool file that was removed while it was written', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
      const store = new FilesystemBlobStore(root, 'host-a');
      const writer = await store.spoolWriter(tenant);
      writer.write(Buffer.from('instance bytes'));
      await unlink(writer.file);
      await expect(writer.flush()).rejects.toThrow(/was removed/);
    });

    it('spooled(): files no live writer owns; this host all of them, another host only old ones', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
      const dead = new FilesystemBlobStore(root, 'host-a');
      const left = await dead.spoolWriter(tenant);
      left.write(Buffer.from('acknowledged, not indexed'));
      await left.flush();
      const foreign = new FilesystemBlobStore(root, 'host-b');
      const live = await foreign.spoolWriter(tenant);
      live.write(Buffer.from('another host, being written'));

      const next = new FilesystemBlobStore(root, 'host-a');
      const mine = await next.spoolWriter(tenant);
      const found = await next.spooled();
      const files = found.map((f) => f.file);
      expect(files).toContain(left.file);
      expect(found.find((f) => f.file === left.file)).toEqual({ tenantId: tenant, file: left.file, size: 25 });
      expect(files).not.toContain(mine.file); // its own live writer
      expect(files.some((f) => f.includes(`${path.sep}host-b${path.sep}`))).toBe(false); // recent: another host's
      // Adopted for recovery: published under its content address, then released.
      const { bytes, writer } = await next.adoptSpooled(found.find((f) => f.file === left.file)!);
      expect(bytes.toString()).toBe('acknowledged, not indexed');
      const blob = await writer.durable();
      expect((await next.get(blob.key)).toString()).toBe('acknowledged, not indexed');
      await writer.release();
      await expect(stat(left.file)).rejects.toThrow();
    });

    it('quarantine() moves a file out of the spool with its reason', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
      const store = new FilesystemBlobStore(root, 'host-a');
      const writer = await store.spoolWriter(tenant);
      writer.write(Buffer.from('cut short'));
      await writer.flush();
      const where = await store.quarantine({ tenantId: tenant, file: writer.file, size: 9 }, 'not a whole instance');
      expect(await readFile(where, 'utf8')).toBe('cut short');
      expect(await readFile(`${where}.reason.txt`, 'utf8')).toMatch(/not a whole instance/);
      await expect(stat(writer.file)).rejects.toThrow();
    });

    describe("spoolFolderSync: content folders fsync'd by a background pass, spool files kept until it has run", () => {
      /** n spool writers of distinct content, flushed, made durable in one durableAll. */
      async function durableSpooled(store: FilesystemBlobStore, n: number, tag: string) {
        const writers = await Promise.all(Array.from({ length: n }, () => store.spoolWriter(tenant)));
        writers.forEach((w, i) => w.write(Buffer.from(`${tag} instance ${i}`)));
        await Promise.all(writers.map((w) => w.flush()));
        const results = await store.durableAll(writers);
        return { writers, results };
      }

      it('durableAll leaves the folders to the pass; release() keeps the spool file until it has run, then removes it', async () => {
        const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
        const store = new FilesystemBlobStore(root, 'host-a', { spoolFolderSync: { idleMs: 100, maxDelayMs: 60_000 } });
        const syncFolders = vi.spyOn(store, 'syncFolders');
        const { writers, results } = await durableSpooled(store, 3, 'idle');
        // Linked and readable at once; no folder fsync'd for them yet.
        for (const [i, r] of results.entries()) expect(await store.get((r as { key: string }).key)).toEqual(Buffer.from(`idle instance ${i}`));
        expect(syncFolders.mock.calls.flatMap((c) => [...c[0]])).toEqual([]);
        await Promise.all(writers.map((w) => w.release()));
        // The rows exist (released) but the links may not survive a crash yet: the spool files stay, owned by this process.
        for (const w of writers) expect((await stat(w.file)).isFile()).toBe(true);
        expect(store.folderSyncStats()).toEqual({ passes: 0, waiting: 3 });
        expect((await store.spooled()).map((f) => f.file)).toEqual([]);
        await vi.waitFor(() => expect(store.folderSyncStats()).toEqual({ passes: 1, waiting: 0 }), { timeout: 5_000 });
        // One pass: each folder the links touched, once.
        const synced = syncFolders.mock.calls.flatMap((c) => [...c[0]]);
        const expected = new Set(results.map((r) => path.dirname(path.join(root, (r as { key: string }).key))));
        expect(new Set(synced)).toEqual(expected);
        expect(synced).toHaveLength(expected.size);
        for (const w of writers) await expect(stat(w.file)).rejects.toThrow();
        await store.closeSpool();
      });

      it('a steady stream of links still gets a pass within maxDelayMs; closeSpool runs the one pending', async () => {
        const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
        const store = new FilesystemBlobStore(root, 'host-a', { spoolFolderSync: { idleMs: 60_000, maxDelayMs: 300 } });
        const started = performance.now();
        let round = 0;
        while (store.folderSyncStats().passes === 0 && performance.now() - started < 10_000) {
          const { writers } = await durableSpooled(store, 1, `steady ${round++}`);
          await writers[0]!.release();
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        // Never idle for idleMs, yet passes ran: the oldest link waited about maxDelayMs, not for the stream to end.
        expect(store.folderSyncStats().passes).toBeGreaterThanOrEqual(1);
        expect(round).toBeGreaterThan(2);
        const { writers } = await durableSpooled(store, 2, 'last');
        await Promise.all(writers.map((w) => w.release()));
        expect(store.folderSyncStats().waiting).toBeGreaterThanOrEqual(2);
        await store.closeSpool();
        expect(store.folderSyncStats().waiting).toBe(0);
        for (const w of writers) await expect(stat(w.file)).rejects.toThrow();
        expect(await readdir(spoolDir(root))).toEqual([]);
      });

      it('a pass that fails leaves the spool files to recovery (not removed, no longer owned)', async () => {
        const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
        const store = new FilesystemBlobStore(root, 'host-a', { spoolFolderSync: { idleMs: 50, maxDelayMs: 60_000 } });
        const { writers } = await durableSpooled(store, 2, 'failing');
        vi.spyOn(store, 'syncFolders').mockRejectedValueOnce(new Error('EIO: the disk went away'));
        await Promise.all(writers.map((w) => w.release()));
        await vi.waitFor(() => expect(store.folderSyncStats()).toEqual({ passes: 1, waiting: 0 }), { timeout: 5_000 });
        for (const w of writers) expect((await stat(w.file)).isFile()).toBe(true);
        expect((await store.spooled()).map((f) => f.file).sort()).toEqual(writers.map((w) => w.file).sort());
        await store.closeSpool();
      });
    });

    describe('spoolPrewriteMaxBytes: spool files written ahead, a trailer written by the flush, cut before the link', () => {
      const pattern = (n: number, seed: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 1) % 256));
      const sha = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
      const TRAILER = spoolTrailer(null, 0).length;
      /** Takes spool writers until one was written ahead (each flush writes the next file ahead). */
      const presizedWriter = async (store: FilesystemBlobStore) => {
        for (let i = 0; i < 40; i++) {
          const w = await store.spoolWriter(tenant);
          if ((await stat(w.file)).size > 0) return w;
          await w.discard();
        }
        throw new Error('no spool file was written ahead');
      };

      it('a flush writes the next file ahead to its own size; an instance overwrites it, its flush adds its trailer, durable() cuts it to the instance', async () => {
        const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
        const store = new FilesystemBlobStore(root, 'host-a', { spoolPrewriteMaxBytes: 1024 * 1024 });
        const first = await store.spoolWriter(tenant);
        expect((await stat(first.file)).size).toBe(0); // no flush yet: nothing written ahead
        first.write(pattern(50_000, 7));
        await first.flush();
        await first.release();
        const ahead = await presizedWriter(store);
        const written = await readFile(ahead.file);
        const presized = Math.ceil((50_000 + TRAILER) / 4096) * 4096;
        expect(written.length).toBe(presized);
        expect(written.subarray(presized - TRAILER)).toEqual(spoolTrailer(null, 0));
        expect(readSpoolFile(written).state).toBe('unused');

        const bytes = pattern(30_000, 11);
        for (let i = 0; i < bytes.length; i += 8_192) ahead.write(bytes.subarray(i, i + 8_192));
        ahead.seal();
        expect(await ahead.readBack()).toEqual(bytes); // not what was written ahead
        expect(readSpoolFile(await readFile(ahead.file)).state).toBe('incomplete'); // received, not flushed
        const blob = await ahead.flush();
        expect(blob).toMatchObject({ size: bytes.length, sha256: sha(bytes).toString('hex') });
        const flushed = await readFile(ahead.file);
        expect(flushed.length).toBe(presized); // no truncation on the way to the answer
        expect(flushed.subarray(0, bytes.length)).toEqual(bytes);
        expect(flushed.subarray(presized - TRAILER)).toEqual(spoolTrailer(sha(bytes), bytes.length));
        expect(readSpoolFile(flushed)).toEqual({ state: 'written', length: bytes.length });
        await ahead.durable();
        expect(await readFile(ahead.file)).toEqual(bytes); // cut before the link: both names hold the instance only
        expect(await store.get(blob.key)).toEqual(bytes);
        await ahead.release();
        await store.closeSpool();
        expect(await readdir(spoolDir(root))).toEqual([]);
      });

      it('an instance larger than the file written ahead gets its trailer after it; an inline flush; the cap', async () => {
        const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
        const store = new FilesystemBlobStore(root, 'host-a', { spoolPrewriteMaxBytes: 20_000 });
        const first = await store.spoolWriter(tenant);
        first.write(pattern(50_000, 3));
        await first.flush();
        const capped = await presizedWriter(store);
        expect((await stat(capped.file)).size).toBe(16_384); // 20,000 rounded down to whole pages
        const larger = pattern(40_000, 5);
        capped.write(larger);
        await capped.flush({ inline: true });
        const file = await readFile(capped.file);
        expect(file.length).toBe(40_000 + TRAILER);
        expect(readSpoolFile(file)).toEqual({ state: 'written', length: 40_000 });
        expect((await store.get((await capped.durable()).key)).equals(larger)).toBe(true);

        const small = await presizedWriter(store);
        const bytes = pattern(1_000, 13);
        small.write(bytes);
        await small.flush({ inline: true });
        expect(readSpoolFile(await readFile(small.file))).toEqual({ state: 'written', length: 1_000 });
        await small.durable();
        expect(await readFile(small.file)).toEqual(bytes);
        await store.closeSpool();
      });

      it('readSpoolFile: unused, never flushed whole (no trailer of its own, or a torn one), and written files', () => {
        const instance = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), pattern(4_000, 9), Buffer.alloc(64)]);
        const gap = Buffer.alloc(8_192 - instance.length - TRAILER);
        const ahead = Buffer.concat([Buffer.alloc(8_192 - TRAILER), spoolTrailer(null, 0)]);
        expect(readSpoolFile(Buffer.alloc(0)).state).toBe('unused');
        expect(readSpoolFile(Buffer.alloc(8_192)).state).toBe('unused'); // its length durable, its zeros never written
        expect(readSpoolFile(ahead).state).toBe('unused');
        expect(readSpoolFile(Buffer.concat([instance, gap, spoolTrailer(null, 0)])).state).toBe('incomplete');
        expect(readSpoolFile(Buffer.concat([instance, gap, spoolTrailer(sha(instance), instance.length)]))).toEqual({
          state: 'written',
          length: instance.length,
        });
        const torn = Buffer.concat([instance, gap, spoolTrailer(sha(instance), instance.length)]);
        torn[1_000] = torn[1_000]! ^ 0xff; // a page of the instance that never reached the disk
        expect(readSpoolFile(torn).state).toBe('incomplete');
        expect(readSpoolFile(Buffer.concat([instance.subarray(0, 100), spoolTrailer(sha(instance), instance.length)])).state).toBe('incomplete'); // longer than the file
        expect(readSpoolFile(instance)).toEqual({ state: 'written', length: instance.length }); // no trailer: its own length
      });
    });

    it('a truncated file already at the address (an older crash) is replaced when the same content is published', async () => {
      const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
      const store = new FilesystemBlobStore(root, 'host-a');
      const bytes = Buffer.from('the whole instance, published from the spool');
      const first = await store.put(bytes);
      await writeFile(path.join(root, first.key), bytes.subarray(0, 5));
      const writer = await store.spoolWriter(tenant);
      writer.write(bytes);
      await writer.durable();
      expect(await store.get(first.key)).toEqual(bytes);
    });
  });
});
