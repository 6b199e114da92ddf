import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs, { createReadStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Temporary files older than this are leftovers of a crash. */
const TMP_MAX_AGE_MS = 60 * 60 * 1000;

export interface StoredBlob {
  /** Content address: `sha256/<2>/<2>/<hex>`. */
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/**
 * A blob being written as its bytes arrive (streamed: memory does not grow with its size). Bytes are hashed and
 * handed to the file system as they come; `seal()` ends the content (its address is then known) and `durable()`
 * makes it durable under that address. Until durable() has resolved the blob must not be referenced.
 */
export interface BlobWriter {
  /** Appends bytes. The caller must not change the chunk afterwards. */
  write(chunk: Uint8Array): void;
  /** Bytes handed to write() and not yet written to the file (memory held for this blob). */
  readonly pendingBytes: number;
  /** Resolves when pendingBytes has fallen to 0 (backpressure for fast senders). */
  drained(): Promise<void>;
  /** Ends the content: its address. Further writes are refused. */
  seal(): StoredBlob;
  /** The written bytes, read back (only for validations that need the whole object; after seal()). */
  readBack(): Promise<Buffer>;
  /** fdatasync, rename into the content address, fsync of the folder(s): then, and only then, the blob is stored. */
  durable(): Promise<StoredBlob>;
  /** Drops what was written (the temporary file); never throws. */
  discard(): Promise<void>;
}

/** Where DICOM files and derived arrays live. Keys are content addresses, so writes are idempotent. */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /** A streamed write (see BlobWriter). */
  writer(): Promise<BlobWriter>;
  get(key: string): Promise<Buffer>;
  stream(key: string): Readable;
  has(key: string): Promise<boolean>;
}

/**
 * Filesystem blob store. Received bytes are stored untouched, under their SHA-256, atomically: written to a
 * temporary file as they arrive, fdatasync'd, renamed into their content address and the folder fsync'd before the
 * blob counts as stored. A crash leaves at most a temporary file (never referenced; removed at the next start). A
 * rename over an existing address replaces identical content (same hash), so a re-sent object, or one whose earlier
 * write was interrupted, ends up whole either way.
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
    const writer = await this.writer();
    writer.write(bytes);
    writer.seal();
    return writer.durable();
  }

  async writer(): Promise<BlobWriter> {
    await this.init();
    const file = path.join(this.tmpDir, `${Date.now().toString(36)}.${randomBytes(8).toString('hex')}`);
    const fd = await call<number>((cb) => fs.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o640, cb));
    return new FileBlobWriter(this, fd, file);
  }

  /** Moves a sealed, fdatasync'd temporary file into its content address and fsyncs what the rename touched. */
  async commit(tmp: string, key: string): Promise<void> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    let created: string | undefined;
    if (!this.dirs.has(dir)) {
      created = await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    await call<void>((cb) => fs.rename(tmp, target, cb));
    // The rename is durable once its folder is; a folder created just now must be durable in its parent too.
    const folders = [dir];
    if (created !== undefined) {
      for (let d = dir; d.length >= created.length && d !== this.root; d = path.dirname(d)) folders.push(path.dirname(d));
    }
    await Promise.all([...new Set(folders)].map(syncDir));
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

  /**
   * Temporary files are never referenced: those a crash left behind are garbage. Only old ones are removed, as
   * another process sharing the folder may be writing the recent ones.
   */
  private async sweepTmp(): Promise<void> {
    const cutoff = Date.now() - TMP_MAX_AGE_MS;
    const names = await fs.promises.readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => null);
      if (info && info.mtimeMs < cutoff) await fs.promises.unlink(file).catch(() => undefined);
    }
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(this.tmpDir, { recursive: true });
      void this.sweepTmp();
    })();
    return this.ready;
  }
}

/**
 * One streamed blob: chunks are written in order with positional writes (callback API: one thread-pool hop per
 * chunk, no FileHandle bookkeeping) while the SHA-256 is updated on the event loop.
 */
class FileBlobWriter implements BlobWriter {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private offset = 0;
  private queue: Uint8Array[] = [];
  private writing = false;
  private error: Error | null = null;
  private sealed: StoredBlob | null = null;
  private closed = false;
  private durablePromise: Promise<StoredBlob> | null = null;
  private waiters: (() => void)[] = [];
  pendingBytes = 0;

  constructor(
    private readonly store: FilesystemBlobStore,
    private readonly fd: number,
    private readonly file: string,
  ) {}

  write(chunk: Uint8Array): void {
    if (this.sealed) throw new Error('blob already sealed');
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.size += chunk.length;
    this.pendingBytes += chunk.length;
    this.queue.push(chunk);
    if (!this.writing) this.pump();
  }

  drained(): Promise<void> {
    if (this.pendingBytes === 0 || this.error) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  seal(): StoredBlob {
    if (!this.sealed) {
      const sha256 = this.hash.digest('hex');
      this.sealed = { key: keyOf(sha256), sha256, size: this.size };
    }
    return this.sealed;
  }

  async readBack(): Promise<Buffer> {
    this.seal();
    await this.drained();
    if (this.error) throw this.error;
    return readFile(this.file);
  }

  durable(): Promise<StoredBlob> {
    this.durablePromise ??= this.makeDurable();
    return this.durablePromise;
  }

  async discard(): Promise<void> {
    this.seal();
    await this.drained();
    await this.close();
    await call<void>((cb) => fs.unlink(this.file, cb)).catch(() => undefined);
  }

  private async makeDurable(): Promise<StoredBlob> {
    const blob = this.seal();
    try {
      await this.drained();
      if (this.error) throw this.error;
      await call<void>((cb) => fs.fdatasync(this.fd, cb));
      await this.close();
      await this.store.commit(this.file, blob.key);
      return blob;
    } catch (err) {
      await this.close();
      await call<void>((cb) => fs.unlink(this.file, cb)).catch(() => undefined);
      throw err;
    }
  }

  private pump(): void {
    const chunk = this.queue.shift();
    if (!chunk) {
      this.writing = false;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
      return;
    }
    this.writing = true;
    this.writeAll(chunk, 0);
  }

  private writeAll(chunk: Uint8Array, done: number): void {
    fs.write(this.fd, chunk, done, chunk.length - done, this.offset, (err, written) => {
      if (err) {
        this.error ??= err;
        this.pendingBytes = 0;
        this.queue = [];
        this.pump();
        return;
      }
      this.offset += written;
      this.pendingBytes -= written;
      if (done + written < chunk.length) this.writeAll(chunk, done + written);
      else this.pump();
    });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await call<void>((cb) => fs.close(this.fd, cb)).catch(() => undefined);
  }
}

export function keyOf(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

/** A node:fs callback call as a promise (cheaper than fs/promises' FileHandle on the hot path). */
function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

async function syncDir(dir: string): Promise<void> {
  const fd = await call<number>((cb) => fs.open(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY, cb));
  try {
    await call<void>((cb) => fs.fsync(fd, cb));
  } finally {
    await call<void>((cb) => fs.close(fd, cb));
  }
}
