import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * The worker's view of the filesystem blob store the API writes: content-addressed files under
 * `sha256/<2>/<hex>` (and `sha256/<2>/<2>/<hex>` of earlier versions). Reads resolve keys to paths; writes are atomic
 * (temp file, fsync, rename, folder fsync).
 */
export class BlobFiles {
  constructor(private readonly root: string) {}

  pathOf(key: string): string {
    if (!/^sha256\/[0-9a-f]{2}\/(?:[0-9a-f]{2}\/)?[0-9a-f]{64}$/.test(key)) throw new Error(`not a blob key: ${key}`);
    return path.join(this.root, key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const sha = createHash('sha256').update(bytes).digest('hex');
    const key = `sha256/${sha.slice(0, 2)}/${sha}`;
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(dir, `.${sha}.${randomBytes(6).toString('hex')}.tmp`);
    const file = await open(tmp, 'wx');
    try {
      await file.writeFile(bytes);
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(tmp, target);
    const folder = await open(dir, 'r');
    try {
      await folder.sync();
    } finally {
      await folder.close();
    }
    return key;
  }
}
