import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

export interface StoredBlob {
  /** Content address: `sha256/<2>/<2>/<hex>`. */
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/** Where DICOM files and derived arrays live. Keys are content addresses, so writes are idempotent. */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<StoredBlob>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Readable;
  has(key: string): Promise<boolean>;
}

/**
 * Filesystem blob store. Received bytes are stored untouched, under their SHA-256: created exclusively,
 * written and fsync'd (data), then the folder fsync'd, before put() returns. A file left half-written by a
 * crash is never referenced (rows are written only after put() returns) and is replaced atomically (temp
 * file + rename) the next time the same content arrives.
 */
export class FilesystemBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private ready: Promise<void> | null = null;
  /** Folders known to exist (256 x 256 of them at most). */
  private readonly dirs = new Set<string>();

  constructor(private readonly root: string) {
    this.tmpDir = path.join(root, 'tmp');
  }

  async put(bytes: Uint8Array): Promise<StoredBlob> {
    await this.init();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = keyOf(sha256);
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    // Written in place under its content address, created exclusively, data fsync'd before anyone is told.
    const created = await this.writeExclusive(target, bytes);
    if (!created && !(await this.holds(target, sha256))) {
      // A partial file left by a crash mid-write: replace it atomically (temp file + rename).
      const tmp = path.join(this.tmpDir, `${sha256}.${randomBytes(6).toString('hex')}`);
      await this.writeExclusive(tmp, bytes);
      await rename(tmp, target);
    }
    if (created) await syncDir(dir);
    return { key, sha256, size: bytes.byteLength };
  }

  /** False when the file already exists. */
  private async writeExclusive(file: string, bytes: Uint8Array): Promise<boolean> {
    let fh;
    try {
      fh = await open(file, 'wx', 0o640);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    try {
      await fh.writeFile(bytes);
      await fh.datasync();
    } catch (err) {
      await fh.close();
      await unlink(file).catch(() => undefined);
      throw err;
    }
    await fh.close();
    return true;
  }

  /** Whether the file at a content address really holds that content. */
  private async holds(file: string, sha256: string): Promise<boolean> {
    const existing = await readFile(file).catch(() => null);
    return existing !== null && createHash('sha256').update(existing).digest('hex') === sha256;
  }

  async get(key: string): Promise<Buffer> {
    return readFile(this.pathOf(key));
  }

  stream(key: string): Readable {
    return createReadStream(this.pathOf(key));
  }

  async has(key: string): Promise<boolean> {
    return exists(this.pathOf(key));
  }

  private pathOf(key: string): string {
    if (!/^sha256\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`invalid blob key ${key}`);
    return path.join(this.root, key);
  }

  private init(): Promise<void> {
    this.ready ??= mkdir(this.tmpDir, { recursive: true }).then(() => undefined);
    return this.ready;
  }
}

export function keyOf(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
