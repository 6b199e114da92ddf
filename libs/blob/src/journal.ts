import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { StoredBlob } from './blob-store.js';
import { FileThread } from './file-thread.js';
import { asError, call, parentsOfCreated, writeAllSync } from './util.js';

/**
 * The blob journal: a write-ahead log that makes whole objects held in memory (STOW-RS parts) durable with one
 * fdatasync per batch instead of one file (and one file-system journal commit) per object.
 *
 * An object is appended to the active segment (a record: header with its size and SHA-256, then its bytes, copied into
 * the page cache on the event loop). It is durable once an fdatasync of the segment covering it has returned (one per
 * segment for all the records appended before it started). It is then put at its content address as usual (temporary
 * file, rename) but without an fsync of its own, so readers in any process find it there at once. A thread of the
 * journal's own does that, copying from the segment (still in the page cache) in batches: one message per batch, where
 * the thread pool would cost the event loop four hand-offs (open, write, close, rename) per object. A checkpoint, once
 * the segment is sealed (full, or idle), fdatasyncs those files and fsyncs their folders, and only then starts the
 * segment over (a new generation). A crash before the checkpoint leaves the segment: recovery (recoverJournals, at
 * start) writes every record of its current generation to its content address again, the ordinary way (temporary
 * file, fdatasync, rename, folder fsync), then removes the journal. Content addressing makes that idempotent.
 *
 * Two segments are used in turn: one takes appends while the other is checkpointed. An object that does not fit (or
 * arrives while neither segment is free) is not journalled: the caller stores it the ordinary way.
 */

const SEGMENT_MAGIC = Buffer.from('CRJSEG01', 'latin1');
const RECORD_MAGIC = Buffer.from('CRJREC01', 'latin1');
/** Segment header: magic, generation. Records start after it. */
const SEGMENT_HEADER_BYTES = 4096;
/** Record header: magic (8), generation (8), size (8), SHA-256 (32), reserved (8). */
const RECORD_HEADER_BYTES = 64;
const DEFAULT_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_IDLE_CHECKPOINT_MS = 1_000;
/**
 * Staged bytes that start a background flush: a few per request (each fdatasync costs a device cache flush, and tens of
 * milliseconds when the disk is busy, however little it covers) while most of a request is durable and written out
 * by the time its body ends.
 */
const STAGE_FLUSH_BYTES = 2 * 1024 * 1024;
/** Journal folders open in this process (recovery never takes them, whichever store asks). */
const openHere = new Set<string>();

export interface JournalOptions {
  /** Bytes per segment (two are used in turn); an object larger than a quarter of it is not journalled. Default 64 MiB. */
  readonly segmentBytes?: number;
  /** A segment that has records and took no append for this long is checkpointed. Default 1000 ms. */
  readonly idleCheckpointMs?: number;
  /** Told when a checkpoint fails (its segment is kept for the next start's recovery and no longer used). */
  readonly onCheckpointError?: (err: Error, segment: string) => void;
}

/** What the journal needs of its blob store. */
export interface JournalHost {
  /** A new name for a temporary file (same file system as the blobs). */
  tmpFile(): string;
  /** The file of a content address. */
  pathOf(key: string): string;
  /** Puts a file at the content address of `key` (`put` renames it there); resolves with the folders to fsync. */
  place(key: string, put: (target: string) => Promise<unknown>): Promise<string[]>;
  /** fsync of folders (what makes renames and links durable). */
  syncFolders(folders: Iterable<string>): Promise<void>;
  /** Stores bytes the ordinary way: temporary file, fdatasync, rename, folder fsync (recovery). */
  put(bytes: Uint8Array): Promise<StoredBlob>;
}

/** An object appended to the journal. */
export class JournalRecord {
  /** Offset just past the record in its segment. */
  readonly end: number;
  /** Put at its content address (not yet fsync'd): resolves with the folders the rename touched. */
  materialized: Promise<string[]> | null = null;
  /** The checkpoint fsync'd its file: durable on its own. */
  synced = false;
  /** Given up by its writer: the checkpoint need not put it at its address. */
  discarded = false;

  constructor(
    readonly segment: Segment,
    readonly offset: number,
    readonly blob: StoredBlob,
  ) {
    this.end = offset + RECORD_HEADER_BYTES + blob.size;
  }
}

type SegmentState = 'free' | 'active' | 'sealed';

class Segment {
  generation = 1;
  end = SEGMENT_HEADER_BYTES;
  flushedTo = SEGMENT_HEADER_BYTES;
  flushing: Promise<void> | null = null;
  /** An fdatasync failed: what it should have covered can never be trusted (the kernel may have dropped the pages). */
  failed: Error | null = null;
  records: JournalRecord[] = [];
  state: SegmentState = 'free';
  checkpointing: Promise<void> | null = null;

  constructor(
    readonly file: string,
    readonly fd: number,
  ) {}
}

export class BlobJournal {
  private readonly segmentBytes: number;
  private readonly idleCheckpointMs: number;
  private readonly onCheckpointError: (err: Error, segment: string) => void;
  private segments: Segment[] = [];
  private active: Segment | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly writer = new FileThread('blob journal');
  private readonly syncer = new FileThread('blob journal');
  private staged: JournalRecord[] = [];
  private stagedBytes = 0;
  private staging: Promise<void> | null = null;
  /** Checkpoints that failed (their segment stays for recovery at the next start). */
  checkpointFailures = 0;

  constructor(
    private readonly host: JournalHost,
    /** This process's journal folder: `journal/<host>/<pid>.<random>`. */
    readonly dir: string,
    options: JournalOptions = {},
  ) {
    this.segmentBytes = Math.max(2 * SEGMENT_HEADER_BYTES, options.segmentBytes ?? DEFAULT_SEGMENT_BYTES);
    this.idleCheckpointMs = options.idleCheckpointMs ?? DEFAULT_IDLE_CHECKPOINT_MS;
    this.onCheckpointError = options.onCheckpointError ?? (() => undefined);
  }

  /** Creates the two segments (header of generation 1, fdatasync'd) and makes their names durable. */
  async open(): Promise<void> {
    const created = await mkdir(this.dir, { recursive: true });
    openHere.add(this.dir);
    for (const name of ['0.seg', '1.seg']) {
      const file = path.join(this.dir, name);
      const fd = await call<number>((cb) => fs.open(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o640, cb));
      const segment = new Segment(file, fd);
      await writeHeader(segment);
      this.segments.push(segment);
    }
    await this.host.syncFolders([this.dir, ...parentsOfCreated(this.dir, created)]);
    this.active = this.segments[0]!;
    this.active.state = 'active';
  }

  /** Largest object the journal takes. */
  get maxObjectBytes(): number {
    return Math.floor(this.segmentBytes / 4);
  }

  /**
   * Appends an object (copied into the page cache now, on the event loop). Null when it is not journalled (too large,
   * no free segment, journal closed or failing): the caller stores it the ordinary way.
   */
  append(bytes: Uint8Array, blob: StoredBlob): JournalRecord | null {
    if (this.closed || blob.size !== bytes.length || bytes.length > this.maxObjectBytes) return null;
    const need = RECORD_HEADER_BYTES + bytes.length;
    let segment = this.active;
    if (segment && (segment.failed || segment.end + need > this.segmentBytes)) {
      this.seal(segment);
      segment = this.active;
    }
    if (!segment) return null;
    const header = Buffer.alloc(RECORD_HEADER_BYTES);
    RECORD_MAGIC.copy(header, 0);
    header.writeBigUInt64LE(BigInt(segment.generation), 8);
    header.writeBigUInt64LE(BigInt(bytes.length), 16);
    Buffer.from(blob.sha256, 'hex').copy(header, 24);
    try {
      writeAllSync(segment.fd, [header, bytes], segment.end);
    } catch {
      // A write error (no space, I/O): this object goes the ordinary way, which reports the error if it persists.
      return null;
    }
    const record = new JournalRecord(segment, segment.end, blob);
    segment.end = record.end;
    segment.records.push(record);
    this.armIdle();
    return record;
  }

  /** Resolves once `records` are durable in the journal (one fdatasync per segment for all of them). */
  async flush(records: readonly JournalRecord[]): Promise<void> {
    const upTo = new Map<Segment, number>();
    for (const r of records) if (!r.synced) upTo.set(r.segment, Math.max(upTo.get(r.segment) ?? 0, r.end));
    await Promise.all([...upTo].map(([segment, end]) => flushSegment(segment, end)));
  }

  /**
   * Makes the record durable and writes it out in the background, soon: while a request is still read, once
   * STAGE_FLUSH_BYTES have been staged, an fdatasync of the segment covers them (and whatever was appended before it
   * started), and what it covered goes to the writer thread; the rest waits for durable(). durable() / durableAll()
   * then find the work done or under way. An object is never written out before a flush has covered it: a file at a
   * content address always has its record durable in the journal.
   */
  stage(record: JournalRecord): void {
    this.staged.push(record);
    this.stagedBytes += record.blob.size;
    if (!this.staging && this.stagedBytes >= STAGE_FLUSH_BYTES) this.staging = this.pumpStaged().finally(() => (this.staging = null));
  }

  private async pumpStaged(): Promise<void> {
    while (this.stagedBytes >= STAGE_FLUSH_BYTES) {
      const batch = this.staged.splice(0);
      this.stagedBytes = 0;
      const flushed = await this.flush(batch).then(
        () => true,
        () => false, // durable() reports it
      );
      if (flushed) for (const r of batch) this.materialize(r).catch(() => undefined);
    }
  }

  /** Puts the record's object at its content address (temporary file, rename; no fsync: the journal holds it). */
  materialize(record: JournalRecord): Promise<string[]> {
    record.materialized ??= this.writeOut(record);
    return record.materialized;
  }

  /** flush, then materialize, for many records; resolves per record with its blob or why it failed. */
  async durableAll(records: readonly JournalRecord[]): Promise<(StoredBlob | Error)[]> {
    const flushed = await this.flush(records).then(
      () => null,
      (err: unknown) => asError(err),
    );
    // Written out only once durable in the journal; all in one go (the writer thread takes them in one message).
    return Promise.all(
      records.map((r) =>
        flushed && !r.synced
          ? Promise.resolve(flushed)
          : this.materialize(r).then(
              () => r.blob,
              (err: unknown) => asError(err),
            ),
      ),
    );
  }

  /** Seals the active segment (if it holds records) and waits for every checkpoint; closes and removes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.sealActive();
    await this.checkpoints();
    const clean = this.segments.every((s) => s.state !== 'sealed');
    await this.writer.close();
    await this.syncer.close();
    for (const s of this.segments) await call<void>((cb) => fs.close(s.fd, cb)).catch(() => undefined);
    openHere.delete(this.dir);
    // A segment whose checkpoint failed stays for recovery at the next start.
    if (clean) {
      await rm(this.dir, { recursive: true, force: true });
      await this.host.syncFolders([path.dirname(this.dir)]).catch(() => undefined);
    }
  }

  /** Seals the active segment and checkpoints it now (tests; also what the idle timer does). */
  checkpointNow(): Promise<void> {
    this.sealActive();
    return this.checkpoints();
  }

  /** Seals the active segment when it holds records (its checkpoint starts). */
  private sealActive(): void {
    const active = this.active;
    if (active && active.records.length > 0) this.seal(active);
  }

  /** Resolves once every checkpoint under way has ended (failed ones included: see seal). */
  private async checkpoints(): Promise<void> {
    await Promise.all(this.segments.map((s) => s.checkpointing?.catch(() => undefined) ?? Promise.resolve()));
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      this.sealActive();
    }, this.idleCheckpointMs);
    this.idleTimer.unref();
  }

  /** No more appends to `segment`: the other (if free) takes them, and `segment` is checkpointed. */
  private seal(segment: Segment): void {
    segment.state = 'sealed';
    if (this.active === segment) this.active = null;
    const other = this.segments.find((s) => s !== segment && s.state === 'free');
    if (other && !this.closed) {
      other.state = 'active';
      this.active = other;
    }
    segment.checkpointing = this.checkpoint(segment).then(
      () => {
        segment.checkpointing = null;
        segment.state = 'free';
        if (!this.active && !this.closed) {
          segment.state = 'active';
          this.active = segment;
        }
      },
      (err: unknown) => {
        // Left sealed: never reused by this process; its records are written out again by the next start's recovery.
        segment.checkpointing = null;
        this.checkpointFailures += 1;
        this.onCheckpointError(asError(err), segment.file);
      },
    );
  }

  /** Every record at its content address and fsync'd there, folders fsync'd; then the segment starts over. */
  private async checkpoint(segment: Segment): Promise<void> {
    if (segment.failed) throw segment.failed;
    await flushSegment(segment, segment.end);
    const records = segment.records.filter((r) => !r.discarded || r.materialized !== null);
    const placed: JournalRecord[] = [];
    // One that cannot be written out is referenced by nothing (its writer's durable() failed with it).
    await Promise.all(
      records.map((r) =>
        this.materialize(r).then(
          () => placed.push(r),
          () => undefined,
        ),
      ),
    );
    await Promise.all(placed.map((r) => this.syncer.run({ op: 'sync', file: this.host.pathOf(r.blob.key) })));
    const folders = (await Promise.all(placed.map((r) => r.materialized!))).flat();
    await this.host.syncFolders(folders);
    for (const r of segment.records) r.synced = true;
    segment.generation += 1;
    segment.records = [];
    segment.end = SEGMENT_HEADER_BYTES;
    segment.flushedTo = SEGMENT_HEADER_BYTES;
    await writeHeader(segment);
  }

  private async writeOut(record: JournalRecord): Promise<string[]> {
    const tmp = this.host.tmpFile();
    // The content folders exist (the store creates them when it opens); place() makes sure of it all the same.
    return this.host.place(record.blob.key, (target) =>
      this.writer.run({ op: 'write', fd: record.segment.fd, offset: record.offset + RECORD_HEADER_BYTES, size: record.blob.size, tmp, target }),
    );
  }
}

/** What a recovery pass did. */
export interface JournalRecovery {
  /** Journals of processes that are gone, read. */
  readonly journals: number;
  /** Objects written to their content address from them. */
  readonly blobs: number;
  /** Records that ended a segment torn (an append no fdatasync covered; never acknowledged). */
  readonly torn: number;
}

/**
 * Writes out the journals that processes of this host left behind (crashed or killed before their checkpoint): every
 * record of each segment's current generation goes to its content address the ordinary way, then the journal is
 * removed. Journals of live processes (their pid exists, or this process's own) are left alone.
 */
export async function recoverJournals(host: JournalHost, hostDir: string): Promise<JournalRecovery> {
  let journals = 0;
  let blobs = 0;
  let torn = 0;
  for (const name of await readdir(hostDir).catch(() => [] as string[])) {
    const dir = path.join(hostDir, name);
    if (openHere.has(dir)) continue;
    const pid = Number(name.split('.')[0]);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) continue;
    journals += 1;
    for (const seg of (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.seg')).sort()) {
      const data = await readFile(path.join(dir, seg));
      const scan = scanSegment(data);
      torn += scan.torn ? 1 : 0;
      for (const r of scan.records) {
        await host.put(r.bytes);
        blobs += 1;
      }
    }
    await rm(dir, { recursive: true, force: true });
    await host.syncFolders([hostDir]);
  }
  return { journals, blobs, torn };
}

/** The valid records of a segment's current generation, in order; `torn` when the last one was cut short. */
export function scanSegment(data: Buffer): { generation: number; records: { sha256: string; bytes: Buffer }[]; torn: boolean } {
  const records: { sha256: string; bytes: Buffer }[] = [];
  if (data.length < SEGMENT_HEADER_BYTES || !data.subarray(0, 8).equals(SEGMENT_MAGIC)) return { generation: 0, records, torn: false };
  const generation = Number(data.readBigUInt64LE(8));
  let offset = SEGMENT_HEADER_BYTES;
  let torn = false;
  while (offset + RECORD_HEADER_BYTES <= data.length) {
    const header = data.subarray(offset, offset + RECORD_HEADER_BYTES);
    // Zeros, or a record of an earlier generation: the end of this one.
    if (!header.subarray(0, 8).equals(RECORD_MAGIC) || Number(header.readBigUInt64LE(8)) !== generation) break;
    const size = Number(header.readBigUInt64LE(16));
    const sha256 = header.subarray(24, 56).toString('hex');
    const start = offset + RECORD_HEADER_BYTES;
    const bytes = start + size <= data.length ? data.subarray(start, start + size) : null;
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== sha256) {
      torn = true;
      break;
    }
    records.push({ sha256, bytes });
    offset = start + size;
  }
  return { generation, records, torn };
}

/** The journal folder of a new process: `<hostDir>/<pid>.<random>` (the pid lets recovery tell live journals apart). */
export function journalDirName(): string {
  return `${process.pid}.${randomBytes(4).toString('hex')}`;
}

async function writeHeader(segment: Segment): Promise<void> {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  SEGMENT_MAGIC.copy(header, 0);
  header.writeBigUInt64LE(BigInt(segment.generation), 8);
  await call<number>((cb) => fs.write(segment.fd, header, 0, header.length, 0, cb));
  await call<void>((cb) => fs.fdatasync(segment.fd, cb));
}

/** One fdatasync of the segment covering `upTo` (joined by every caller that asks meanwhile). */
async function flushSegment(segment: Segment, upTo: number): Promise<void> {
  while (segment.flushedTo < upTo) {
    if (segment.failed) throw segment.failed;
    if (segment.flushing) {
      await segment.flushing.catch(() => undefined);
      continue;
    }
    const target = segment.end;
    segment.flushing = call<void>((cb) => fs.fdatasync(segment.fd, cb)).then(
      () => {
        segment.flushedTo = Math.max(segment.flushedTo, target);
        segment.flushing = null;
      },
      (err: unknown) => {
        segment.failed ??= asError(err);
        segment.flushing = null;
        throw segment.failed;
      },
    );
    await segment.flushing;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
