import { createHash } from 'node:crypto';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FilesystemBlobStore } from './blob-store.js';

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

  it('refuses keys that are not content addresses (no path traversal)', async () => {
    const store = new FilesystemBlobStore(await mkdtemp(path.join(os.tmpdir(), 'blobs-')));
    await expect(store.get('../../etc/passwd')).rejects.toThrow(/invalid blob key/);
  });
});
