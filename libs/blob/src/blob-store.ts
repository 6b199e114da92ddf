import { createHash, randomBytes, type Hash } from 'node:crypto';
import fs, { createReadStream } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { FileThread } from './file-thread.js';
import { BlobJournal, journalDirName, recoverJournals, type JournalOptions, type JournalRecord, type JournalRecovery } from './journal.js';
import { asError, call, inParallel, parentsOfCreated, writeAllSync } from './util.js';

/** Temporary files older than this are leftovers of a crash. */
const TMP_MAX_AGE_MS = 60 * 60 * 1000;
/** Spool files created ahead per tenant, with one folder fsync for the lot. */
const SPOOL_BATCH = 16;
/** Another host's spool files older than this belong to a process that is gone (it would have indexed them). */
const FOREIGN_SPOOL_MAX_AGE_MS = 10 * 60 * 1000;
/**
 * A write on the event loop longer than this (ms) sends writes through the thread pool for THREAD_POOL_WRITES_MS: the
 * kernel throttling writers of dirty pages (tens of ms and more), not a shared VM's usual hiccups (a few ms).
 */
const DIRECT_WRITE_SLOW_MS = 20;
const THREAD_POOL_WRITES_MS = 1_000;
/** Folder fsyncs in flight after the first of a batch (see syncFolders). */
const FOLDER_SYNC_CONCURRENCY = 8;
/** Chunks per writev (Linux IOV_MAX is 1024). */
const MAX_IOV = 512;
/** Page size: written-ahead spool files are whole pages long. */
const PAGE_BYTES = 4096;

/** The end of a spool file's trailer (see spoolTrailer). */
const TRAILER_MAGIC = Buffer.from('\n-cruciate spool trailer 1-\n', 'latin1');
/** SHA-256 (32 bytes), length (uint64 big-endian), TRAILER_MAGIC. */
const TRAILER_BYTES = 32 + 8 + TRAILER_MAGIC.length;

/**
 * The last bytes of a spool file written ahead (FilesystemBlobStoreOptions.spoolPrewriteMaxBytes): the SHA-256 and
 * length of the instance it holds, then TRAILER_MAGIC. Written ahead with length 0 (nothing received yet); the flush
 * that an instance's acknowledgement waits for writes the instance's own, after the instance (or where the file
 * written ahead ends, whichever is further), in the same fdatasync. The file is cut to the instance only later, before
 * it is linked into its content address (off the path that the sender waits for), so until then its trailer is what
 * tells recovery how long the instance is, and that it was flushed whole (its hash matches).
 */
export function spoolTrailer(sha256: Buffer | null, length: number): Buffer {
  const out = Buffer.alloc(TRAILER_BYTES);
  sha256?.copy(out, 0);
  out.writeBigUInt64BE(BigInt(length), 32);
  TRAILER_MAGIC.copy(out, 40);
  return out;
}

/**
 * What recovery finds in a spool file: `unused` (nothing received: empty, all zeros, or zeros and a trailer of length
 * 0), `incomplete` (bytes received but no trailer of their own, or one whose hash does not match: the flush never ended,
 * so never acknowledged) or `written` (an instance of `length` bytes from the start of the file: told by its trailer,
 * or a file without a trailer, whose length is its own, to be parsed).
 */
export type SpoolFileState = 'unused' | 'incomplete' | 'written';

export function readSpoolFile(bytes: Uint8Array): { readonly state: SpoolFileState; readonly length: number } {
  const trailed = bytes.length >= TRAILER_BYTES && Buffer.compare(bytes.subarray(bytes.length - TRAILER_MAGIC.length), TRAILER_MAGIC) === 0;
  if (!trailed) return bytes.every((b) => b === 0) ? { state: 'unused', length: 0 } : { state: 'written', length: bytes.length };
  const trailer = Buffer.from(bytes.buffer, bytes.byteOffset + bytes.length - TRAILER_BYTES, TRAILER_BYTES);
  const length = Number(trailer.readBigUInt64BE(32));
  const room = bytes.length - TRAILER_BYTES;
  if (length === 0) return bytes.subarray(0, room).every((b) => b === 0) ? { state: 'unused', length: 0 } : { state: 'incomplete', length: 0 };
  if (length > room) return { state: 'incomplete', length: 0 };
  const sha256 = createHash('sha256').update(bytes.subarray(0, length)).digest();
  return sha256.equals(trailer.subarray(0, 32)) ? { state: 'written', length } : { state: 'incomplete', length: 0 };
}

export interface StoredBlob {
  /** Content address: `sha256/<2>/<hex>` (blobs stored before 0.2 keep `sha256/<2>/<2>/<hex>`; both are read). */
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
  /**
   * Starts making the blob durable in the background, short of what durableAll shares among many blobs (a file
   * writer: fdatasync, then rename or link, the folder fsync left; a journalled object: see BlobJournal.stage).
   * Idempotent; its failure is reported by durable() / durableAll().
   */
  stage(): void;
  /** Drops what was written (the temporary file); never throws. */
  discard(): Promise<void>;
}

/**
 * A blob written into the spool (the C-STORE path): `flush()` makes the received bytes durable under a spool name
 * whose folder entry was made durable before any byte arrived (one flush on the latency path), so the instance may be
 * acknowledged; `durable()` then links it into its content address (the spool file stays), and `release()` removes
 * the spool file once the index row that refers to the blob has committed. A crash anywhere in between leaves the
 * spool file, which recovery (IngestService.recoverSpool) indexes again: every step is idempotent.
 */
export interface SpoolWriter extends BlobWriter {
  /** The spool file (for logs). */
  readonly file: string;
  /**
   * fdatasync of the spool file; refuses when the file was unlinked meanwhile (so nothing is acknowledged that is gone).
   * `inline`: the fdatasync runs on the event loop (blocking it for the flush, once every byte is written) instead of
   * through the thread pool, which saves a hand-off to a pool thread and back. The first call decides.
   */
  flush(options?: { readonly inline?: boolean }): Promise<StoredBlob>;
  /** Removes the spool file (the blob and its row exist); never throws. */
  release(): Promise<void>;
  /** Closes the file and leaves it in the spool, no longer owned: the next recovery pass indexes it; never throws. */
  leaveForRecovery(): Promise<void>;
}

/** A spool file left by an earlier process (or one whose indexing failed), for recovery. */
export interface SpooledFile {
  readonly tenantId: string;
  readonly file: string;
  readonly size: number;
}

/** Where DICOM files and derived arrays live. Keys are content addresses, so writes are idempotent. */
export interface BlobStore {
  put(bytes: Uint8Array): Promise<StoredBlob>;
  /** A streamed write (see BlobWriter). */
  writer(): Promise<BlobWriter>;
  /**
   * A whole object held in memory, sealed (the throughput path: STOW-RS). With a journal (FilesystemBlobStore's
   * `journal` option) durable() and durableAll() cost one fdatasync of the journal for a whole batch; otherwise it is
   * writer() + write() + seal().
   */
  sealed(bytes: Uint8Array): Promise<BlobWriter>;
  /** A streamed write into the spool of a tenant (see SpoolWriter). */
  spoolWriter(tenantId: string): Promise<SpoolWriter>;
  /** Spool files no live writer of this process owns: this host's all, other hosts' when old. */
  spooled(): Promise<SpooledFile[]>;
  /** A spooled file, adopted for recovery: durable() links it into its content address, release() removes it. */
  adoptSpooled(file: SpooledFile): Promise<{ bytes: Buffer; writer: SpoolWriter; state: SpoolFileState }>;
  /** Moves a spooled file that cannot be indexed out of the spool (kept for an operator, never deleted). */
  quarantine(file: SpooledFile, reason: string): Promise<string>;
  /** Shutdown: closes and removes the spool files created ahead, checkpoints and removes the journal; never throws. */
  closeSpool(): Promise<void>;
  /**
   * durable() for many writers of this store at once: each is flushed and put at its content address, then each
   * folder touched is fsync'd once for the lot (one file-system journal commit instead of one per blob). Resolves per
   * writer with its blob or why it failed.
   */
  durableAll(writers: readonly BlobWriter[], concurrency?: number): Promise<(StoredBlob | Error)[]>;
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
export interface FilesystemBlobStoreOptions {
  /** A write-ahead journal for sealed() objects (see journal.ts); off when absent. */
  readonly journal?: JournalOptions;
  /**
   * Spool writers (C-STORE) in durableAll: the content folders their links touched are fsync'd by a background pass
   * (FolderSettler) instead of before durableAll resolves, and each spool file is kept until the pass that covers its
   * link has run. Until then the spool file (its bytes flushed, its name durable) is the durable copy: recovery links
   * it again. A pass runs once no link was added for `idleMs`, and at most `maxDelayMs` after the first one waiting.
   * Absent: each durableAll fsyncs its folders.
   */
  readonly spoolFolderSync?: { readonly idleMs?: number; readonly maxDelayMs: number };
  /**
   * Spool files created ahead are also written ahead, up to this many bytes: when an instance's flush starts, the
   * tenant's next spool file gets zeros up to that instance's size (whole pages, at most this), ending with an empty
   * trailer (spoolTrailer). The next instance then overwrites pages that are in the page cache already instead of
   * adding new ones to its file (the page allocation moves off the path that the sender waits for, into the flush
   * before); its flush writes its trailer (length, SHA-256), and the file is cut to the instance before it is linked
   * into its content address. 0 or absent: spool files are created empty.
   */
  readonly spoolPrewriteMaxBytes?: number;
}

export class FilesystemBlobStore implements BlobStore {
  private readonly tmpDir: string;
  /** This host's spool: `spool/<host>/<tenant>/<file>`. */
  private readonly spoolRoot: string;
  private readonly spoolDir: string;
  private ready: Promise<void> | null = null;
  /** Content folders known to exist (the 256 of the current layout). */
  private readonly dirs = new Set<string>();
  private readonly pools = new Map<string, SpoolPool>();
  private readonly syncer = new DirSyncer();
  /** Spool files this process owns (created ahead, or being written, flushed or indexed). */
  readonly live = new Set<string>();
  /** Until when writes go through the thread pool (performance.now()), after a write on the event loop took long. */
  private threadPoolUntil = 0;
  /** This host's journals: `journal/<host>/<pid>.<random>`. */
  private readonly journalHostDir: string;
  /** This process's journal (when the option is set), opened with the store. */
  readonly journal: BlobJournal | null;
  /** Background fsync of the content folders spool files were linked into (the spoolFolderSync option). */
  private readonly settler: FolderSettler | null;
  private readonly spoolPrewriteMaxBytes: number;
  /**
   * The spool's file calls on the C-STORE path (spool files created, published into their content addresses,
   * removed): one thread, one message per turn of the event loop, instead of a thread-pool hand-off per call.
   */
  readonly files = new FileThread('blob spool');

  constructor(
    private readonly root: string,
    host: string = os.hostname(),
    options: FilesystemBlobStoreOptions = {},
  ) {
    this.tmpDir = path.join(root, 'tmp');
    this.spoolRoot = path.join(root, 'spool');
    this.spoolDir = path.join(this.spoolRoot, safeName(host));
    this.journalHostDir = path.join(root, 'journal', safeName(host));
    this.journal = options.journal ? new BlobJournal(this, path.join(this.journalHostDir, journalDirName()), options.journal) : null;
    const folderSync = options.spoolFolderSync;
    this.settler = folderSync && folderSync.maxDelayMs > 0 ? new FolderSettler(this, this.live, folderSync.idleMs ?? 200, folderSync.maxDelayMs) : null;
    this.spoolPrewriteMaxBytes = Math.max(0, options.spoolPrewriteMaxBytes ?? 0);
  }

  /** Folder passes of the spoolFolderSync option run so far, and spool files waiting for one (tests, metrics). */
  folderSyncStats(): { passes: number; waiting: number } {
    return this.settler?.stats() ?? { passes: 0, waiting: 0 };
  }

  async sealed(bytes: Uint8Array): Promise<BlobWriter> {
    await this.init();
    if (this.journal && bytes.length <= this.journal.maxObjectBytes) {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const record = this.journal.append(bytes, { key: keyOf(sha256), sha256, size: bytes.length });
      if (record) return new JournalBlobWriter(this.journal, record, bytes);
    }
    const writer = await this.writer();
    writer.write(bytes);
    writer.seal();
    return writer;
  }

  /**
   * Writes out the journals of this host's processes that are gone (a crash before their checkpoint): at start,
   * before anything is read. Journals of live processes are left alone.
   */
  async recoverJournals(): Promise<JournalRecovery> {
    await this.init();
    return recoverJournals(this, this.journalHostDir);
  }

  async put(bytes: Uint8Array): Promise<StoredBlob> {
    const writer = await this.writer();
    writer.write(bytes);
    writer.seal();
    return writer.durable();
  }

  async writer(): Promise<BlobWriter> {
    await this.init();
    const file = this.tmpFile();
    const fd = await call<number>((cb) => fs.open(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o640, cb));
    return new FileBlobWriter(this, fd, file);
  }

  /** A new name for a temporary file (never referenced; those a crash leaves are swept after TMP_MAX_AGE_MS). */
  tmpFile(): string {
    return path.join(this.tmpDir, `${Date.now().toString(36)}.${randomBytes(8).toString('hex')}`);
  }

  /** Moves a sealed, fdatasync'd temporary file into its content address; resolves with the folders to fsync. */
  async commit(tmp: string, key: string): Promise<string[]> {
    return this.place(key, (target) => call<void>((cb) => fs.rename(tmp, target, cb)));
  }

  /** Whether writers may write on the event loop now (see FileBlobWriter). */
  writesDirect(): boolean {
    return performance.now() >= this.threadPoolUntil;
  }

  /** A write on the event loop took `ms`: a long one sends writes through the thread pool for a while. */
  wroteDirect(ms: number): void {
    if (ms > DIRECT_WRITE_SLOW_MS) this.threadPoolUntil = performance.now() + THREAD_POOL_WRITES_MS;
  }

  /**
   * fsync of folders: the first alone (on a journalling file system it commits what all of them hold), then the rest
   * FOLDER_SYNC_CONCURRENCY at a time (each is then a cache flush, and the block layer merges flushes in flight).
   */
  async syncFolders(folders: Iterable<string>): Promise<void> {
    const [first, ...rest] = new Set(folders);
    if (first === undefined) return;
    await this.syncer.sync(first);
    await inParallel(rest, FOLDER_SYNC_CONCURRENCY, (dir) => this.syncer.sync(dir));
  }

  async durableAll(writers: readonly BlobWriter[], concurrency = 2): Promise<(StoredBlob | Error)[]> {
    const journalled = writers.filter((w): w is JournalBlobWriter => w instanceof JournalBlobWriter);
    if (journalled.length === 0) return this.durableFiles(writers, concurrency);
    const files = writers.filter((w) => !(w instanceof JournalBlobWriter));
    const [fromJournal, fromFiles] = await Promise.all([this.durableJournalled(journalled), this.durableFiles(files, concurrency)]);
    let j = 0;
    let f = 0;
    return writers.map((w) => (w instanceof JournalBlobWriter ? fromJournal[j++]! : fromFiles[f++]!));
  }

  /** One flush of the journal for all of them, their objects written out meanwhile (BlobJournal.durableAll). */
  private async durableJournalled(writers: readonly JournalBlobWriter[]): Promise<(StoredBlob | Error)[]> {
    const journal = this.journal;
    if (!journal || writers.some((w) => !w.of(journal))) throw new Error('durableAll: a writer of another store');
    const results = await journal.durableAll(writers.map((w) => w.record));
    results.forEach((result, i) => writers[i]!.settled(result));
    return results;
  }

  private async durableFiles(writers: readonly BlobWriter[], concurrency: number): Promise<(StoredBlob | Error)[]> {
    const own = writers.map((w) => {
      if (!(w instanceof FileBlobWriter) || !w.of(this)) throw new Error('durableAll: a writer of another store');
      return w;
    });
    const placed: ({ blob: StoredBlob; folders: string[] } | Error)[] = [];
    await inParallel([...own.keys()], Math.max(1, concurrency), async (i) => {
      placed[i] = await own[i]!.place().catch(asError);
    });
    // Spool files stay until a later pass has fsync'd their folders (spoolFolderSync): only the others' folders now.
    const settler = this.settler;
    const now: string[] = [];
    placed.forEach((p, i) => {
      if (p instanceof Error) return;
      if (settler && own[i]!.isSpool) own[i]!.deferFolders(settler.add(p.folders));
      else now.push(...p.folders);
    });
    const failed = await this.syncFolders(now).then(() => null, asError);
    return placed.map((p, i) => {
      const result = failed ?? (p instanceof Error ? p : p.blob);
      own[i]!.settled(result);
      return result;
    });
  }

  /**
   * Links a flushed spool file, still open as `fd`, into its content address (the spool file stays): the file thread
   * cuts it to `cutTo` bytes (null: leaves it), closes `fd` (whatever happens: the caller no longer owns it) and links
   * it. Resolves with the folders the link touched, which must be fsync'd (syncFolders) before the blob counts as stored.
   */
  async publishSpool(fd: number, cutTo: number | null, file: string, key: string): Promise<string[]> {
    let handedOver = false;
    try {
      return await this.place(key, async (target) => {
        handedOver = true;
        try {
          await this.files.run({ op: 'publish', fd, cutTo, file, target });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          await replaceIfShorter(file, target);
        }
      });
    } finally {
      if (!handedOver) await this.files.run({ op: 'close', fd }).catch(() => undefined);
    }
  }

  /**
   * Puts a file at the content address of `key` (`put` renames or links it there). Resolves with what must be fsync'd
   * for the new name to survive a crash: its folder, and the parents of a folder created just now. Also when the name
   * existed already: a process that died before its fsync may have left it in the page cache only.
   */
  async place(key: string, put: (target: string) => Promise<unknown>): Promise<string[]> {
    const target = this.pathOf(key);
    const dir = path.dirname(target);
    const folders = [dir];
    if (!this.dirs.has(dir)) {
      const created = await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
      folders.push(...parentsOfCreated(dir, created));
    }
    await put(target);
    return folders;
  }

  async spoolWriter(tenantId: string): Promise<SpoolWriter> {
    await this.init();
    let pool = this.pools.get(tenantId);
    if (!pool) {
      pool = new SpoolPool(path.join(this.spoolDir, safeName(tenantId)), this.live, this.files, this.spoolPrewriteMaxBytes);
      this.pools.set(tenantId, pool);
    }
    const slot = await pool.take();
    return new FileBlobWriter(this, slot.fd, slot.file, { live: this.live, presized: slot.presized, flushing: pool.writeAheadFor.bind(pool) });
  }

  async spooled(): Promise<SpooledFile[]> {
    const out: SpooledFile[] = [];
    const hosts = await fs.promises.readdir(this.spoolRoot).catch(() => [] as string[]);
    const cutoff = Date.now() - FOREIGN_SPOOL_MAX_AGE_MS;
    for (const host of hosts) {
      const hostDir = path.join(this.spoolRoot, host);
      const own = hostDir === this.spoolDir;
      for (const tenantId of await fs.promises.readdir(hostDir).catch(() => [] as string[])) {
        const dir = path.join(hostDir, tenantId);
        for (const name of await fs.promises.readdir(dir).catch(() => [] as string[])) {
          const file = path.join(dir, name);
          if (this.live.has(file)) continue;
          const info = await stat(file).catch(() => null);
          if (!info?.isFile() || (!own && info.mtimeMs > cutoff)) continue;
          out.push({ tenantId, file, size: info.size });
        }
      }
    }
    return out;
  }

  /**
   * `bytes`: the instance (a written-ahead file whose trailer matches is cut to it here: the writer's flush makes that
   * durable before durable() links it); `state`: see SpoolFileState.
   */
  async adoptSpooled(spooled: SpooledFile): Promise<{ bytes: Buffer; writer: SpoolWriter; state: SpoolFileState }> {
    const raw = await readFile(spooled.file);
    const { state, length } = readSpoolFile(raw);
    const bytes = state === 'written' ? raw.subarray(0, length) : raw;
    if (bytes.length < raw.length) await call<void>((cb) => fs.truncate(spooled.file, length, cb));
    const fd = await call<number>((cb) => fs.open(spooled.file, fs.constants.O_RDONLY, cb));
    this.live.add(spooled.file);
    const writer = new FileBlobWriter(this, fd, spooled.file, { live: this.live });
    writer.adopt(bytes);
    return { bytes, writer, state };
  }

  async quarantine(spooled: SpooledFile, reason: string): Promise<string> {
    const dir = path.join(this.root, 'quarantine', safeName(spooled.tenantId));
    await mkdir(dir, { recursive: true });
    const target = path.join(dir, path.basename(spooled.file));
    await fs.promises.writeFile(`${target}.reason.txt`, `${new Date().toISOString()} ${reason}\n`);
    await call<void>((cb) => fs.rename(spooled.file, target, cb));
    await this.syncer.sync(dir);
    this.live.delete(spooled.file);
    return target;
  }

  async closeSpool(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.close()));
    await this.settler?.close();
    if (this.ready) await this.journal?.close().catch(() => undefined);
    await this.syncer.close();
    await this.files.close();
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

  /** The file of a content address (for readers that open it themselves, such as the worker's inference threads). */
  pathOf(key: string): string {
    if (!BLOB_KEY.test(key)) throw new Error(`invalid blob key ${key}`);
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
      const top = path.join(this.root, 'sha256');
      const folders = Array.from({ length: 256 }, (_, i) => path.join(top, i.toString(16).padStart(2, '0')));
      if (!(await exists(folders[255]!))) {
        for (const dir of folders) await mkdir(dir, { recursive: true });
        await this.syncer.sync(top);
        await this.syncer.sync(this.root);
      }
      for (const dir of folders) this.dirs.add(dir);
      await this.journal?.open();
      void this.sweepTmp();
    })();
    return this.ready;
  }
}

/**
 * Spool files of one tenant created ahead, in batches: the files are created, then their folder is fsync'd once, so
 * that a later fdatasync of a file's content is all it takes for the received instance to survive a crash.
 */
class SpoolPool {
  private readonly ready: ReadySlot[] = [];
  private filling: Promise<void> | null = null;
  private folderReady = false;
  private seq = 0;
  private readonly prefix = `${Date.now().toString(36)}.${randomBytes(4).toString('hex')}`;
  /** What a file is written ahead with (zeros, then an empty trailer), sized by the instance whose flush started it. */
  private prewrite: Buffer | null = null;

  constructor(
    private readonly dir: string,
    private readonly live: Set<string>,
    /** The store's file thread: creates each batch of files and fsyncs their folder, in one message. */
    private readonly files: FileThread,
    /** FilesystemBlobStoreOptions.spoolPrewriteMaxBytes. */
    private readonly prewriteMax: number,
  ) {}

  async take(): Promise<SpoolSlot> {
    for (;;) {
      const slot = this.ready.shift();
      if (this.ready.length < SPOOL_BATCH / 2) void this.fill().catch(() => undefined);
      if (!slot) {
        await this.fill();
        continue;
      }
      const presized = slot.prewritten ? await slot.prewritten : 0;
      if (presized !== null) return { fd: slot.fd, file: slot.file, presized };
      // Its write ahead failed half-way and could not be undone: not used.
      this.live.delete(slot.file);
      await call<void>((cb) => fs.close(slot.fd, cb)).catch(() => undefined);
      await call<void>((cb) => fs.unlink(slot.file, cb)).catch(() => undefined);
    }
  }

  /**
   * An instance of `size` bytes is being flushed: the next file not yet written ahead is, right after this turn of the
   * event loop (writeAheadSoon), sized for an instance like it. One at a time, per instance: a batch of them at once
   * competed with the sender for the CPUs.
   */
  writeAheadFor(size: number): void {
    if (this.prewriteMax <= 0) return;
    const slot = this.ready.find((s) => s.prewritten === null);
    if (!slot) return;
    const bytes = Math.min(Math.ceil((size + TRAILER_BYTES) / PAGE_BYTES) * PAGE_BYTES, Math.floor(this.prewriteMax / PAGE_BYTES) * PAGE_BYTES);
    if (bytes <= TRAILER_BYTES) return;
    if (this.prewrite?.length !== bytes) {
      this.prewrite = Buffer.alloc(bytes);
      spoolTrailer(null, 0).copy(this.prewrite, bytes - TRAILER_BYTES);
    }
    slot.prewritten = writeAheadSoon(slot.fd, this.prewrite);
  }

  async close(): Promise<void> {
    await this.filling?.catch(() => undefined);
    const slots = this.ready.splice(0);
    for (const slot of slots) {
      this.live.delete(slot.file);
      await slot.prewritten; // never rejects; its write must end before the descriptor is closed
      await call<void>((cb) => fs.close(slot.fd, cb)).catch(() => undefined);
      await call<void>((cb) => fs.unlink(slot.file, cb)).catch(() => undefined);
    }
  }

  private fill(): Promise<void> {
    this.filling ??= this.create().finally(() => {
      this.filling = null;
    });
    return this.filling;
  }

  private async create(): Promise<void> {
    if (!this.folderReady) {
      const created = await mkdir(this.dir, { recursive: true });
      for (const parent of parentsOfCreated(this.dir, created)) await this.files.run({ op: 'syncDir', dir: parent });
      this.folderReady = true;
    }
    // One message to the file thread (both asked for in this turn): the files, then their folder's fsync.
    const files = Array.from({ length: SPOOL_BATCH }, () => path.join(this.dir, `${this.prefix}.${(this.seq++).toString(36)}.dcm`));
    for (const file of files) this.live.add(file);
    const creating = Promise.allSettled(files.map((file) => this.files.run({ op: 'create', file, mode: 0o640 })));
    const syncing = this.files.run({ op: 'syncDir', dir: this.dir }).then(() => null, asError);
    const [created, synced] = await Promise.all([creating, syncing]);
    const failed = created.find((c): c is PromiseRejectedResult => c.status === 'rejected');
    const batch = created.flatMap((c, i) => (c.status === 'fulfilled' && c.value !== undefined ? [{ fd: c.value, file: files[i]!, prewritten: null }] : []));
    if (failed || synced || batch.length < files.length) {
      // Not one of them is used: their names may not be durable.
      await Promise.allSettled(batch.flatMap((slot) => [this.files.run({ op: 'close', fd: slot.fd }), this.files.run({ op: 'unlink', file: slot.file })]));
      for (const file of files) this.live.delete(file);
      throw failed ? asError(failed.reason) : (synced ?? new Error('spool file created without a descriptor'));
    }
    this.ready.push(...batch);
  }
}

/**
 * Writes `content` into an empty spool file, into the page cache only (nothing waits for it to reach the disk: see
 * SpoolFileState), on the event loop once its current turn is over: after the answer of the instance whose flush asked
 * for it (a thread-pool hop cost the event loop about as much as the copy itself on a shared 2-vCPU VM, and woke a
 * thread that competed with the sender). Resolves with its length; 0 when it failed and the file is empty again (the
 * disk is full?), null when it could not even be emptied again.
 */
function writeAheadSoon(fd: number, content: Buffer): Promise<number | null> {
  return new Promise((resolve) => {
    setImmediate(() => {
      try {
        writeAllSync(fd, [content], 0);
        resolve(content.length);
      } catch {
        try {
          fs.ftruncateSync(fd, 0);
          resolve(0);
        } catch {
          resolve(null);
        }
      }
    });
  });
}

/** A spool file created ahead, and its write ahead (null: not written ahead yet). */
interface ReadySlot {
  readonly fd: number;
  readonly file: string;
  prewritten: Promise<number | null> | null;
}

/** A spool file handed out: `presized` bytes long (written ahead; 0 when empty). */
interface SpoolSlot {
  readonly fd: number;
  readonly file: string;
  readonly presized: number;
}

/**
 * One streamed blob: chunks are written in order with positional writes while the SHA-256 is updated on the event
 * loop. A chunk is written right there, on the event loop, while such writes stay short (they only copy into the page
 * cache): then nothing is left to wait for when the blob ends, and its flush starts at once. When one takes long (the
 * kernel throttling writers of dirty pages) the store sends writes through the thread pool (one hop per batch of
 * chunks, callback API: no FileHandle bookkeeping) for a while.
 */
class FileBlobWriter implements SpoolWriter {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private offset = 0;
  private queue: Uint8Array[] = [];
  private writing = false;
  private error: Error | null = null;
  private sealed: StoredBlob | null = null;
  private closed = false;
  private durablePromise: Promise<StoredBlob> | null = null;
  private placed: Promise<{ blob: StoredBlob; folders: string[] }> | null = null;
  private waiters: (() => void)[] = [];
  pendingBytes = 0;

  private flushed: Promise<StoredBlob> | null = null;
  private released = false;
  /** Set when a folder pass is to make this spool file's link durable: removes the file once it has run (deferFolders). */
  private removeAfterPass: ((file: string) => void) | null = null;

  /** The file's size when handed out: written ahead (SpoolPool), 0 when it was empty. */
  private readonly presized: number;
  /** Set once the flush wrote a trailer after the instance (written-ahead spool files): cut off before the link. */
  private trailed = false;

  constructor(
    private readonly store: FilesystemBlobStore,
    private readonly fd: number,
    readonly file: string,
    /**
     * Set for spool writers: the set of live spool files of the store, the file's size when handed out (written
     * ahead: SpoolPool), and who is told when its flush starts, with the instance's size (SpoolPool.writeAheadFor).
     */
    private readonly spool: { readonly live: Set<string>; readonly presized?: number; readonly flushing?: (size: number) => void } | null = null,
  ) {
    this.presized = spool?.presized ?? 0;
  }

  /** Recovery: the file already holds these bytes (nothing is written). */
  adopt(bytes: Uint8Array): void {
    this.hash.update(bytes);
    this.size = bytes.length;
    this.offset = bytes.length;
    this.seal();
  }

  flush(options: { readonly inline?: boolean } = {}): Promise<StoredBlob> {
    this.flushed ??= this.doFlush(options.inline === true);
    return this.flushed;
  }

  async leaveForRecovery(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.close();
    this.spool?.live.delete(this.file);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    await this.close();
    if (this.removeAfterPass) {
      // Its link is not durable yet: the spool file goes once a folder pass has run (FolderSettler), not before.
      this.removeAfterPass(this.file);
      return;
    }
    await call<void>((cb) => fs.unlink(this.file, cb)).catch(() => undefined);
    this.spool?.live.delete(this.file);
  }

  /** Whether this writer writes into the spool (its file stays until release). */
  get isSpool(): boolean {
    return this.spool !== null;
  }

  /** durableAll left this spool file's folders to a background pass (see FilesystemBlobStoreOptions.spoolFolderSync). */
  deferFolders(removeAfterPass: (file: string) => void): void {
    this.removeAfterPass = removeAfterPass;
  }

  write(chunk: Uint8Array): void {
    if (this.sealed) throw new Error('blob already sealed');
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.size += chunk.length;
    if (!this.writing && this.queue.length === 0 && this.error === null && this.store.writesDirect()) {
      const started = performance.now();
      try {
        writeAllSync(this.fd, [chunk], this.offset);
        this.offset += chunk.length;
      } catch (err) {
        this.error = asError(err);
      }
      this.store.wroteDirect(performance.now() - started);
      return;
    }
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
    const bytes = await readFile(this.file);
    // What was written ahead, and the trailer, are not part of the blob.
    return bytes.length > this.size ? bytes.subarray(0, this.size) : bytes;
  }

  durable(): Promise<StoredBlob> {
    this.durablePromise ??= this.place().then(async ({ blob, folders }) => {
      await this.store.syncFolders(folders);
      return blob;
    });
    return this.durablePromise;
  }

  stage(): void {
    this.place().catch(() => undefined);
  }

  /** Whether this writer writes into `store`. */
  of(store: FilesystemBlobStore): boolean {
    return this.store === store;
  }

  /** What durableAll found for this writer: durable() answers the same from now on. */
  settled(result: StoredBlob | Error): void {
    this.durablePromise ??= settledWith(result);
  }

  /** durable() but the folder fsync: resolves with the blob and the folders to fsync (once, whatever the caller). */
  place(): Promise<{ blob: StoredBlob; folders: string[] }> {
    this.placed ??= this.makeDurable();
    return this.placed;
  }

  async discard(): Promise<void> {
    this.seal();
    await this.drained();
    await this.close();
    await call<void>((cb) => fs.unlink(this.file, cb)).catch(() => undefined);
    this.spool?.live.delete(this.file);
  }

  /**
   * Waits for queued writes (none when they went on the event loop: the fdatasync is asked for now), writes the
   * trailer of a written-ahead spool file (on the event loop: a copy into the page cache), then fdatasync: through
   * the thread pool, or `inline` on the event loop.
   */
  private async syncData(inline = false): Promise<void> {
    if (this.pendingBytes > 0) await this.drained();
    if (this.error) throw this.error;
    if (this.presized > 0 && !this.trailed) {
      const blob = this.seal();
      writeAllSync(this.fd, [spoolTrailer(Buffer.from(blob.sha256, 'hex'), blob.size)], Math.max(this.presized - TRAILER_BYTES, blob.size));
      this.trailed = true;
    }
    if (inline) fs.fdatasyncSync(this.fd);
    else await call<void>((cb) => fs.fdatasync(this.fd, cb));
  }

  private async doFlush(inline = false): Promise<StoredBlob> {
    const blob = this.seal();
    this.spool?.flushing?.(blob.size);
    await this.syncData(inline);
    // Unlinked meanwhile (another process's recovery took it for abandoned): never acknowledge what is gone.
    if (fs.fstatSync(this.fd).nlink === 0) throw new Error(`spool file ${this.file} was removed while it was written`);
    return blob;
  }

  private async makeDurable(): Promise<{ blob: StoredBlob; folders: string[] }> {
    if (this.spool) {
      const blob = await this.flush();
      // The trailer goes before the file gets its content address (the same file under a second name). Should the
      // process die first, the spool file is whole with its trailer, or cut; recovery handles either. The cut, the
      // close and the link are the store's file thread's (one message for a group commit's files).
      this.closed = true;
      return { blob, folders: await this.store.publishSpool(this.fd, this.trailed ? blob.size : null, this.file, blob.key) };
    }
    const blob = this.seal();
    try {
      await this.syncData();
      await this.close();
      return { blob, folders: await this.store.commit(this.file, blob.key) };
    } catch (err) {
      await this.close();
      await call<void>((cb) => fs.unlink(this.file, cb)).catch(() => undefined);
      throw err;
    }
  }

  /** Writes everything queued so far in one positional writev (one thread-pool hop however many chunks arrived). */
  private pump(): void {
    if (this.queue.length === 0) {
      this.writing = false;
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
      return;
    }
    this.writing = true;
    const chunks = this.queue.splice(0, MAX_IOV);
    fs.writev(this.fd, chunks, this.offset, (err, written) => {
      if (err) {
        this.error ??= err;
        this.pendingBytes = 0;
        this.queue = [];
        this.pump();
        return;
      }
      this.offset += written;
      this.pendingBytes -= written;
      // A short write: what is left of these chunks goes first next time.
      let skip = written;
      const rest: Uint8Array[] = [];
      for (const chunk of chunks) {
        if (skip >= chunk.length) skip -= chunk.length;
        else {
          rest.push(skip > 0 ? chunk.subarray(skip) : chunk);
          skip = 0;
        }
      }
      if (rest.length > 0) this.queue.unshift(...rest);
      this.pump();
    });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await call<void>((cb) => fs.close(this.fd, cb)).catch(() => undefined);
  }
}

/**
 * A whole object appended to the store's journal (see journal.ts): durable() waits for the journal's fdatasync that
 * covers it and for the object to be at its content address (renamed there, fsync'd later by the checkpoint).
 */
class JournalBlobWriter implements BlobWriter {
  readonly pendingBytes = 0;
  private durablePromise: Promise<StoredBlob> | null = null;

  constructor(
    private readonly journal: BlobJournal,
    readonly record: JournalRecord,
    /** The object, as the caller holds it (readBack). */
    private readonly bytes: Uint8Array,
  ) {}

  /** Whether this writer's record is in `journal`. */
  of(journal: BlobJournal): boolean {
    return this.journal === journal;
  }

  /** What durableAll found for this writer: durable() answers the same from now on. */
  settled(result: StoredBlob | Error): void {
    this.durablePromise ??= settledWith(result);
  }

  write(): void {
    throw new Error('blob already sealed');
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  seal(): StoredBlob {
    return this.record.blob;
  }

  readBack(): Promise<Buffer> {
    return Promise.resolve(Buffer.from(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength));
  }

  durable(): Promise<StoredBlob> {
    this.durablePromise ??= (async () => {
      await this.journal.flush([this.record]);
      await this.journal.materialize(this.record);
      return this.record.blob;
    })();
    return this.durablePromise;
  }

  /** Flushes the journal and writes the object out in the background (BlobJournal.stage). */
  stage(): void {
    this.journal.stage(this.record);
  }

  discard(): Promise<void> {
    this.record.discarded = true;
    return Promise.resolve();
  }
}

/** A settled promise of a durableAll result (observed: a failure nobody asks for again is not unhandled). */
function settledWith(result: StoredBlob | Error): Promise<StoredBlob> {
  const done = result instanceof Error ? Promise.reject(result) : Promise.resolve(result);
  done.catch(() => undefined);
  return done;
}

/**
 * The spoolFolderSync option: content folders that spool files were linked into, fsync'd together by one background
 * pass (each folder once, however many links it got since the last pass) instead of by each group commit; then the
 * spool files whose rows have committed meanwhile are removed. Until its pass, a spool file is the durable copy of
 * its blob (flushed, its name durable), and is kept: recovery links it again. Fewer device flushes per instance, and
 * none of them on the C-STORE latency path while a burst lasts.
 */
class FolderSettler {
  private folders = new Set<string>();
  /** Resolves true once the pass that will cover `folders` has run (false: it failed). */
  private pass = deferredBoolean();
  /** add() calls since the last pass started. */
  private added = 0;
  private idleTimer: NodeJS.Timeout | null = null;
  private maxTimer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();
  private readonly removals = new Set<Promise<void>>();
  private passes = 0;
  private waiting = 0;

  constructor(
    private readonly store: FilesystemBlobStore,
    private readonly live: Set<string>,
    private readonly idleMs: number,
    private readonly maxDelayMs: number,
  ) {}

  /**
   * Folders to fsync in the next pass. Returns what removes a spool file once that pass has run (or leaves it to
   * recovery when the pass failed).
   */
  add(folders: readonly string[]): (file: string) => void {
    for (const f of folders) this.folders.add(f);
    this.added += 1;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => void this.settle(), this.idleMs);
    this.idleTimer.unref();
    if (!this.maxTimer) {
      this.maxTimer = setTimeout(() => void this.settle(), this.maxDelayMs);
      this.maxTimer.unref();
    }
    const synced = this.pass.promise;
    return (file) => this.removeAfter(file, synced);
  }

  private removeAfter(file: string, synced: Promise<boolean>): void {
    this.waiting += 1;
    const removal = synced
      .then(async (ok) => {
        if (ok) await this.store.files.run({ op: 'unlink', file }).catch(() => undefined);
        this.live.delete(file);
      })
      .finally(() => {
        this.waiting -= 1;
        this.removals.delete(removal);
      });
    this.removals.add(removal);
  }

  stats(): { passes: number; waiting: number } {
    return { passes: this.passes, waiting: this.waiting };
  }

  /** Runs the pass now (if anything waits) and waits for every removal. */
  async close(): Promise<void> {
    await this.settle();
    await Promise.all([...this.removals]);
  }

  /** One pass: every folder added since the last one, fsync'd (passes run one after the other). */
  private settle(): Promise<void> {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.idleTimer = null;
    this.maxTimer = null;
    if (this.added === 0) return this.running;
    const folders = this.folders;
    const pass = this.pass;
    this.added = 0;
    this.folders = new Set();
    this.pass = deferredBoolean();
    this.running = this.running.then(async () => {
      const ok = await this.store.syncFolders(folders).then(
        () => true,
        () => false,
      );
      this.passes += 1;
      pass.resolve(ok);
    });
    return this.running;
  }
}

/**
 * `target` existed when `file` was to be linked there. Content addressing: it holds the same bytes, unless a crash of
 * an older writer cut it short; then it is replaced atomically (link under a temporary name, rename over it).
 */
async function replaceIfShorter(file: string, target: string): Promise<void> {
  const [existing, ours] = await Promise.all([stat(target), stat(file)]);
  if (existing.size === ours.size) return;
  const replacement = `${target}.${randomBytes(6).toString('hex')}.tmp`;
  await call<void>((cb) => fs.link(file, replacement, cb));
  await call<void>((cb) => fs.rename(replacement, target, cb));
}

function deferredBoolean(): { promise: Promise<boolean>; resolve: (ok: boolean) => void } {
  let resolve!: (ok: boolean) => void;
  const promise = new Promise<boolean>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * The content address of a SHA-256: one level of 256 folders, all created when the store opens, so that storing a
 * blob costs a rename (or link) and one folder fsync, never a mkdir and its parent's fsync.
 */
export function keyOf(sha256: string): string {
  return `sha256/${sha256.slice(0, 2)}/${sha256}`;
}

/** Content addresses: the current layout and the two-level one of earlier versions. */
const BLOB_KEY = /^sha256\/[0-9a-f]{2}\/(?:[0-9a-f]{2}\/)?[0-9a-f]{64}$/;

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** A host name or tenant id as one path segment. */
function safeName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_');
  if (safe === '' || safe === '.' || safe === '..') throw new Error(`unusable path segment ${JSON.stringify(name)}`);
  return safe;
}

/**
 * fsync of folders (what makes a create, rename or link in one durable) through descriptors kept open: the 256 blob
 * folders and the spool folders, a bounded set, so a folder fsync is one call instead of open + fsync + close.
 */
class DirSyncer {
  private readonly fds = new Map<string, Promise<number>>();

  async sync(dir: string): Promise<void> {
    let fd = this.fds.get(dir);
    if (!fd) {
      if (this.fds.size >= MAX_DIR_FDS) await this.close();
      fd = call<number>((cb) => fs.open(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY, cb));
      this.fds.set(dir, fd);
      fd.catch(() => this.fds.delete(dir));
    }
    const opened = await fd;
    await call<void>((cb) => fs.fsync(opened, cb));
  }

  async close(): Promise<void> {
    const fds = [...this.fds.values()];
    this.fds.clear();
    for (const fd of fds) {
      const opened = await fd.catch(() => null);
      if (opened !== null) await call<void>((cb) => fs.close(opened, cb)).catch(() => undefined);
    }
  }
}

const MAX_DIR_FDS = 512;
