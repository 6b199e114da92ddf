import { createHash } from 'node:crypto';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemBlobStore, keyOf } from './blob-store.js';

describe('FilesystemBlobStore', () => {
  it('stores bytes untouched under their SHA-256, idempotently, leaving no temp files', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'blobs-'));
    const store = new FilesystemBlobStore(root);
    const bytes = Buffer.from('DICM and some bytes');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const [a, b] = await Promise.all([store.put(bytes), store.put(bytes)]);
    expect(a).toEqual({ key: `sha256/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`, sha256: sha, size: bytes.length });
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

  it('refuses keys that are not content addresses (no path traversal)', async () => {
    const store = new FilesystemBlobStore(await mkdtemp(path.join(os.tmpdir(), 'blobs-')));
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/invalid blob key/);
  });
});
