import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import v8 from 'node:v8';
import vm from 'node:vm';
import { inflateRawSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import { completeInstanceHead, parseInstance, parseInstanceHead, type ParsedInstance } from '@cruciate/dicom';
import { compressWithGdcm, makeSeries } from '@cruciate/testing';
import { IngestError } from '../ingest/ingest.errors.js';
import type { EarlyLookup, ReceivedInstance, Receipt, StoreOutcome } from '../ingest/ingest.service.js';
import type { SpoolWriter, StoredBlob } from '@cruciate/blob';
import { DimseListener, INSTANCE_HEAD_BYTES, type DimseHospital, type DimseIngest } from './dimse-listener.js';

/**
 * The listener alone on a real socket, driven by the real dcmtk tools. Ingest is a fake that records what it gets
 * (a collaborator, not the database); the full path with the database is the e2e test.
 */

type Behaviour = 'store' | 'reject-sop-class' | 'conflict' | 'crash' | 'slow';

interface StoreCall {
  readonly tenantId: string;
  readonly bytes: Buffer;
}
interface CompleteCall {
  readonly tenantId: string;
  readonly seriesIds: readonly string[];
  readonly actor: unknown;
  readonly source: Record<string, unknown>;
}

/** A blob writer that keeps the bytes in memory. */
class MemoryWriter implements SpoolWriter {
  readonly chunks: Buffer[] = [];
  readonly pendingBytes = 0;
  readonly file = 'memory';
  discarded = false;

  flush(): Promise<StoredBlob> {
    return Promise.resolve(this.seal());
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
  leaveForRecovery(): Promise<void> {
    return Promise.resolve();
  }
  write(chunk: Uint8Array): void {
    this.chunks.push(Buffer.from(chunk));
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  seal(): StoredBlob {
    const size = this.chunks.reduce((n, c) => n + c.length, 0);
    return { key: 'sha256/00/00/' + '0'.repeat(64), sha256: '0'.repeat(64), size };
  }
  readBack(): Promise<Buffer> {
    return Promise.resolve(Buffer.concat(this.chunks));
  }
  durable(): Promise<StoredBlob> {
    return Promise.resolve(this.seal());
  }
  stage(): void {}
  discard(): Promise<void> {
    this.discarded = true;
    return Promise.resolve();
  }
}

class FakeIngest implements DimseIngest {
  behaviour: Behaviour = 'store';
  readonly stored: StoreCall[] = [];
  readonly completed: CompleteCall[] = [];
  readonly writers: MemoryWriter[] = [];
  private readonly seen = new Set<string>();

  /** Index look-ups started by the listener, and for each stored instance the look-up it was handed. */
  readonly lookups: string[] = [];
  readonly lookupsHanded: (string | undefined)[] = [];
  /** Per stored instance: whether the listener asked for its flush on the event loop. */
  readonly inlineFlushes: boolean[] = [];
  /** Per stored instance: its head as the listener read it while the rest arrived (undefined: not read early). */
  readonly headReads: ReceivedInstance['headRead'][] = [];

  lookUpEarly(_tenantId: string, sopInstanceUid: string): EarlyLookup {
    this.lookups.push(sopInstanceUid);
    return { sopInstanceUid, startedAt: performance.now(), stored: Promise.resolve(null) };
  }

  /** Hospitals whose rows the listener asked to be indexed at once (its release). */
  readonly hurried: string[] = [];

  indexNow(tenantId: string): void {
    this.hurried.push(tenantId);
  }

  openWriter(): Promise<SpoolWriter> {
    const writer = new MemoryWriter();
    this.writers.push(writer);
    return Promise.resolve(writer);
  }

  async storeReceived(tenantId: string, received: ReceivedInstance): Promise<Receipt> {
    this.lookupsHanded.push(received.lookup?.sopInstanceUid);
    this.inlineFlushes.push(received.inlineFlush === true);
    this.headReads.push(received.headRead);
    const outcome = await this.storeInstance(tenantId, await received.blob.readBack());
    return { status: outcome.status, sopInstanceUid: outcome.sopInstanceUid, indexed: Promise.resolve(outcome) };
  }

  storeInstance(tenantId: string, bytes: Uint8Array): Promise<StoreOutcome> {
    this.stored.push({ tenantId, bytes: Buffer.from(bytes) });
    switch (this.behaviour) {
      case 'reject-sop-class':
        return Promise.reject(new IngestError('DICOM_REJECTED', 'x', 'SOP_CLASS_NOT_SUPPORTED'));
      case 'conflict':
        return Promise.reject(new IngestError('INSTANCE_CONFLICT', 'already stored with different content'));
      case 'crash':
        return Promise.reject(new Error('database connection lost'));
      case 'store':
      case 'slow':
        break;
    }
    const parsed = parseInstance(bytes);
    const duplicate = this.seen.has(parsed.sopInstanceUid);
    this.seen.add(parsed.sopInstanceUid);
    const outcome: StoreOutcome = {
      status: duplicate ? 'DUPLICATE' : 'STORED',
      instanceId: `instance:${parsed.sopInstanceUid}`,
      seriesId: `series:${parsed.seriesInstanceUid}`,
      studyId: `study:${parsed.studyInstanceUid}`,
      sopClassUid: parsed.sopClassUid,
      sopInstanceUid: parsed.sopInstanceUid,
      studyInstanceUid: parsed.studyInstanceUid,
      seriesInstanceUid: parsed.seriesInstanceUid,
    };
    const delay = this.behaviour === 'slow' ? 300 : 0;
    return new Promise((resolve) => setTimeout(() => resolve(outcome), delay));
  }

  completeSeries(tenantId: string, seriesIds: readonly string[], actor: null, source: Record<string, unknown> = {}) {
    this.completed.push({ tenantId, seriesIds: [...seriesIds], actor, source });
    return Promise.resolve({ enqueued: [...seriesIds], notApplicable: [] });
  }

  reset(): void {
    this.behaviour = 'store';
    this.stored.length = 0;
    this.completed.length = 0;
    this.lookups.length = 0;
    this.lookupsHanded.length = 0;
    this.inlineFlushes.length = 0;
    this.headReads.length = 0;
    this.hurried.length = 0;
  }
}

const HOSPITALS: Record<string, DimseHospital> = {
  GOODAE: { id: 'hospital-good', aeTitle: 'GOODAE', status: 'ACTIVE' },
  LOCKEDAE: { id: 'hospital-locked', aeTitle: 'LOCKEDAE', status: 'ACTIVE', allowedCallingAes: ['MODALITY1'] },
  SUSPENDEDAE: { id: 'hospital-suspended', aeTitle: 'SUSPENDEDAE', status: 'SUSPENDED' },
};

interface ToolResult {
  readonly code: number;
  readonly output: string;
}

function run(tool: string, args: readonly string[]): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(tool, args, { env: { ...process.env, TCP_NODELAY: '1' }, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** A full garbage collection (V8's gc, exposed at run time), so memory figures count only what is still referenced. */
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Bytes after the File Meta Information group of a Part 10 file. */
function datasetOf(file: Buffer): Buffer {
  return file.subarray(132 + 12 + file.readUInt32LE(140));
}

/** The real Socket#write, for spies that record and pass through. */
const originalWrite = net.Socket.prototype.write;

describe('DimseListener (dcmtk against the real socket)', () => {
  const ingest = new FakeIngest();
  const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
  let listener: DimseListener;
  let port: number;
  const phases: { phase: string; seconds: number }[] = [];
  let dir: string;

  const echo = (calledAe: string, callingAe = 'ECHOSCU') => run('echoscu', ['-aet', callingAe, '-aec', calledAe, '127.0.0.1', String(port)]);
  const store = (calledAe: string, files: readonly string[], extra: readonly string[] = []) =>
    run('storescu', ['-v', ...extra, '-aet', 'MODALITY1', '-aec', calledAe, '127.0.0.1', String(port), ...files]);

  async function writeFiles(name: string, files: readonly Buffer[]): Promise<string[]> {
    return Promise.all(
      files.map(async (file, i) => {
        const target = path.join(dir, `${name}-${i}.dcm`);
        await writeFile(target, file);
        return target;
      }),
    );
  }

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cruciate-dimse-'));
    listener = new DimseListener({
      host: '127.0.0.1',
      port: 0,
      ingest,
      resolveHospital: (calledAe) => (calledAe === 'BROKENAE' ? Promise.reject(new Error('database down')) : Promise.resolve(HOSPITALS[calledAe] ?? null)),
      logger,
      observePhase: (phase, seconds) => phases.push({ phase, seconds }),
      inlineFlushWhenAlone: true,
    });
    ({ port } = await listener.start());
  });

  afterAll(async () => {
    await listener.stop();
    await rm(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    ingest.reset();
    phases.length = 0;
  });

  it('binds only the address it was given', () => {
    expect(listener.address()).toMatchObject({ address: '127.0.0.1', port });
  });

  it('answers C-ECHO for a known called AE title', async () => {
    const result = await echo('GOODAE');
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  });

  it('rejects the association for an unknown called AE title or a suspended hospital', async () => {
    for (const calledAe of ['BADAE', 'SUSPENDEDAE']) {
      const result = await echo(calledAe);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(/Called AE Title Not Recognized/i);
    }
  });

  it('rejects the association (transient) when the hospital lookup fails', async () => {
    const result = await echo('BROKENAE');
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/Rejected Transient/i);
    expect((await echo('GOODAE')).code).toBe(0);
  });

  it('applies the calling AE allow-list', async () => {
    const refused = await echo('LOCKEDAE', 'INTRUDER');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/Calling AE Title Not Recognized/i);
    expect((await echo('LOCKEDAE', 'MODALITY1')).code).toBe(0);
  });

  it('stores every instance byte-identical and completes the series once after release', async () => {
    const series = makeSeries({ slices: 2, rows: 32, columns: 32 });
    const files = await writeFiles('series', series.files);
    const result = await store('GOODAE', files);
    expect(result.code, result.output).toBe(0);

    expect(ingest.stored).toHaveLength(2);
    // Each instance's index look-up started with its command, and went with its data set to ingest.
    expect(ingest.lookups).toEqual(series.sopInstanceUids);
    expect(ingest.lookupsHanded).toEqual(series.sopInstanceUids);
    // The only association: each flush on the event loop.
    expect(ingest.inlineFlushes).toEqual([true, true]);
    // Per instance: its transfer and our answer; between the two instances, the peer's turn.
    expect(phases.map((p) => p.phase).sort()).toEqual(['answer', 'answer', 'peer', 'transfer', 'transfer']);
    for (const p of phases) expect(p.seconds).toBeGreaterThanOrEqual(0);
    for (const [i, call] of ingest.stored.entries()) {
      expect(call.tenantId).toBe('hospital-good');
      expect(datasetOf(call.bytes).equals(datasetOf(series.files[i]!))).toBe(true);
      const parsed = parseInstance(call.bytes);
      expect(parsed.sopInstanceUid).toBe(series.sopInstanceUids[i]);
      expect(parsed.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    }
    // At the release the rows still lingering in the group commit are asked for at once.
    expect(ingest.hurried).toContain('hospital-good');
    // Completion runs before the A-RELEASE-RP, so it is done when storescu exits.
    expect(ingest.completed).toEqual([
      {
        tenantId: 'hospital-good',
        seriesIds: [`series:${series.seriesInstanceUid}`],
        actor: null,
        source: { via: 'DIMSE', callingAe: 'MODALITY1', calledAe: 'GOODAE', peer: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown },
      },
    ]);
  });

  it('reads the head of an instance larger than the head while the rest arrives, the same answer as parsing it all', async () => {
    const large = makeSeries({ slices: 2, rows: 256, columns: 256 });
    const small = makeSeries({ slices: 1, rows: 16, columns: 16 });
    expect(large.files[0]!.length).toBeGreaterThan(INSTANCE_HEAD_BYTES);
    const result = await store('GOODAE', [...(await writeFiles('large', large.files)), ...(await writeFiles('small', small.files))]);
    expect(result.code, result.output).toBe(0);
    expect(ingest.headReads).toHaveLength(3);
    for (const [i, read] of ingest.headReads.slice(0, 2).entries()) {
      // The stored bytes carry our meta header: the object's length is that of what was stored.
      const stored = ingest.stored[i]!.bytes;
      expect(read?.end).toBe(stored.length);
      expect(completeInstanceHead(read!, stored.length)).toEqual(parseInstance(stored));
    }
    // Smaller than the head: parsed whole, once complete.
    expect(ingest.headReads[2]).toBeUndefined();
  });

  it('sends each response in one write (with Nagle off, one segment: the peer wakes once per response)', async () => {
    const writes: Buffer[] = [];
    const spy = vi.spyOn(net.Socket.prototype, 'write').mockImplementation(function (this: net.Socket, ...args: Parameters<net.Socket['write']>) {
      const [chunk] = args;
      if (Buffer.isBuffer(chunk) && chunk[0] === 0x04) writes.push(Buffer.from(chunk));
      return originalWrite.apply(this, args);
    });
    try {
      const series = makeSeries({ slices: 3, rows: 16, columns: 16 });
      const result = await store('GOODAE', await writeFiles('one-write', series.files));
      expect(result.code, result.output).toBe(0);
    } finally {
      spy.mockRestore();
    }
    // Three C-STORE responses: each write is one whole P-DATA-TF PDU (header and command together).
    expect(writes).toHaveLength(3);
    for (const w of writes) expect(w.readUInt32BE(2) + 6).toBe(w.length);
  });

  it('flushes through the thread pool while another association is open', async () => {
    const other = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => other.once('connect', resolve).once('error', reject));
    try {
      const series = makeSeries({ slices: 2, rows: 16, columns: 16 });
      const result = await store('GOODAE', await writeFiles('not-alone', series.files));
      expect(result.code, result.output).toBe(0);
      expect(ingest.inlineFlushes).toEqual([false, false]);
    } finally {
      other.destroy();
    }
  });

  it('keeps the transfer syntax of each file: implicit, deflated and compressed', async () => {
    const implicit = makeSeries({ slices: 1, rows: 16, columns: 16, transferSyntax: 'implicit-le' });
    const deflated = makeSeries({ slices: 1, rows: 16, columns: 16, transferSyntax: 'deflated-le' });
    const rle = await compressWithGdcm(makeSeries({ slices: 1, rows: 16, columns: 16 }).files[0]!, 'rle');
    const originals = [implicit.files[0]!, deflated.files[0]!, rle];
    const files = await writeFiles('syntaxes', originals);
    // storescu proposes only uncompressed syntaxes unless told: -xd deflated, -xr RLE (plus uncompressed fallbacks).
    for (const [i, proposal] of [[], ['-xd'], ['-xr']].entries()) {
      const result = await store('GOODAE', [files[i]!], proposal);
      expect(result.code, result.output).toBe(0);
    }
    expect(ingest.stored.map((c) => parseInstance(c.bytes).transferSyntaxUid)).toEqual(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1.99', '1.2.840.10008.1.2.5']);
    const [sentImplicit, sentDeflated, sentRle] = ingest.stored.map((c) => datasetOf(c.bytes));
    expect(sentImplicit!.equals(datasetOf(originals[0]!))).toBe(true);
    expect(sentRle!.equals(datasetOf(originals[2]!))).toBe(true);
    // storescu inflates and deflates again on the way (its own compression level): the content is what we compare.
    expect(inflateRawSync(sentDeflated!).equals(inflateRawSync(datasetOf(originals[1]!)))).toBe(true);
    expect(ingest.completed).toHaveLength(3);
  });

  it('answers success for a re-sent instance (duplicate)', async () => {
    const files = await writeFiles('dup', makeSeries({ slices: 1, rows: 16, columns: 16 }).files);
    expect((await store('GOODAE', files)).code).toBe(0);
    const again = await store('GOODAE', files);
    expect(again.code, again.output).toBe(0);
    expect(ingest.stored).toHaveLength(2);
    expect(ingest.completed).toHaveLength(2);
  });

  it.each([
    ['reject-sop-class', 'DIMSE Status                  : 0x0122', '[x]'],
    ['conflict', 'DIMSE Status                  : 0xa900', '[SOP Instance UID already stored with different content]'],
    ['crash', 'DIMSE Status                  : 0xc001', '[processing failure]'],
  ] as const)('reports the failure status when ingest says %s', async (behaviour, status, comment) => {
    ingest.behaviour = behaviour;
    const series = makeSeries({ slices: 1, rows: 16, columns: 16 });
    const result = await store('GOODAE', await writeFiles(behaviour, series.files), ['-d']);
    expect(result.code).not.toBe(0);
    expect(result.output).toContain(status);
    expect(result.output).toContain(`(0000,0902) LO ${comment}`);
    expect(ingest.stored).toHaveLength(1);
    // Nothing stored: nothing to complete.
    expect(ingest.completed).toHaveLength(0);
  });

  it('refuses a SOP class it does not store without calling ingest', async () => {
    const ct = makeSeries({ slices: 1, rows: 16, columns: 16, sopClass: '1.2.840.10008.5.1.4.1.1.2' });
    const result = await store('GOODAE', await writeFiles('ct', ct.files));
    expect(result.code).not.toBe(0);
    expect(result.output).toMatch(/no presentation context/i);
    expect(ingest.stored).toHaveLength(0);
  });

  it('survives garbage, an oversized PDU header and a silent connection', async () => {
    const garbage = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => garbage.once('connect', resolve));
    garbage.end(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await new Promise((resolve) => garbage.once('close', resolve));

    const huge = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => huge.once('connect', resolve));
    huge.write(Buffer.from([0x04, 0x00, 0xff, 0xff, 0xff, 0xf0, 0x00, 0x00]));
    // The listener cuts it off at the header instead of buffering 4 GiB.
    await new Promise((resolve) => huge.once('close', resolve));

    const silent = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => silent.once('connect', resolve));
    silent.destroy();

    expect((await echo('GOODAE')).code).toBe(0);
  });
  it('aborts on malformed or out-of-order PDUs and keeps serving', async () => {
    const attempts: Buffer[] = [
      // P-DATA-TF before any association.
      Buffer.from([0x04, 0, 0, 0, 0, 8, 0, 0, 0, 4, 1, 3, 0, 0]),
      // A-ASSOCIATE-RQ whose first item claims more bytes than the PDU holds.
      Buffer.concat([Buffer.from([0x01, 0, 0, 0, 0, 72, 0, 1, 0, 0]), Buffer.alloc(64, 0x20), Buffer.from([0x10, 0, 0x7f, 0xff, 0, 0, 0, 0]).subarray(0, 8)]),
      // A-RELEASE-RQ with no association.
      Buffer.from([0x05, 0, 0, 0, 0, 4, 0, 0, 0, 0]),
    ];
    for (const bytes of attempts) {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.resume(); // read the A-ABORT, if any, so the close is seen
      socket.write(bytes);
      await new Promise((resolve) => socket.once('close', resolve));
    }
    expect(ingest.stored).toHaveLength(0);
    expect((await echo('GOODAE')).code).toBe(0);
  });
});

describe('DimseListener limits and shutdown', () => {
  const logger = pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' });
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cruciate-dimse-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function listenerWith(ingest: FakeIngest, extra: { maxInstanceBytes?: number; shutdownTimeoutMs?: number } = {}): DimseListener {
    return new DimseListener({
      host: '127.0.0.1',
      port: 0,
      ingest,
      resolveHospital: (calledAe) => Promise.resolve(HOSPITALS[calledAe] ?? null),
      logger,
      ...extra,
    });
  }

  it('refuses an instance over the size limit with 0xA700 and never hands it to ingest', async () => {
    const ingest = new FakeIngest();
    const listener = listenerWith(ingest, { maxInstanceBytes: 4096 });
    const { port } = await listener.start();
    try {
      const file = path.join(dir, 'big.dcm');
      await writeFile(file, makeSeries({ slices: 1, rows: 64, columns: 64 }).files[0]!);
      const result = await run('storescu', ['-d', '-aec', 'GOODAE', '127.0.0.1', String(port), file]);
      expect(result.output).toContain('DIMSE Status                  : 0xa700');
      expect(result.output).toContain('(0000,0902) LO [instance exceeds 4096 bytes]');
      expect(ingest.stored).toHaveLength(0);
    } finally {
      await listener.stop();
    }
  });

  it('streams a large instance to its blob in pieces as it arrives: memory does not grow with the instance', async () => {
    const series = makeSeries({ slices: 1, rows: 3072, columns: 4096 });
    const original = series.files[0]!;
    const file = path.join(dir, 'large.dcm');
    await writeFile(file, original);
    const seen = { writes: 0, largest: 0, bytes: 0, heldAtStore: Number.NaN };
    const hash = createHash('sha256');
    const counting: SpoolWriter = {
      write: (chunk) => {
        seen.writes++;
        seen.largest = Math.max(seen.largest, chunk.length);
        seen.bytes += chunk.length;
        hash.update(chunk);
      },
      pendingBytes: 0,
      drained: () => Promise.resolve(),
      seal: () => ({ key: 'x', sha256: 'x', size: seen.bytes }),
      readBack: () => Promise.reject(new Error('must not be read back')),
      durable: () => Promise.resolve({ key: 'x', sha256: 'x', size: seen.bytes }),
      stage: () => undefined,
      discard: () => Promise.resolve(),
      file: 'memory',
      flush: () => Promise.resolve({ key: 'x', sha256: 'x', size: seen.bytes }),
      release: () => Promise.resolve(),
      leaveForRecovery: () => Promise.resolve(),
    };
    const ingest = new FakeIngest();
    ingest.openWriter = () => Promise.resolve(counting);
    let parsedFromHead: ParsedInstance | null = null;
    let head = Buffer.alloc(0);
    let baseline = 0;
    ingest.storeReceived = async (_tenantId: string, received: ReceivedInstance) => {
      // Every byte has arrived and nothing is stored yet: a listener that buffered the instance would hold it now.
      // Two collections with a turn of the event loop between them: V8 releases freed ArrayBuffer memory lazily, so
      // a single gc() right away can still count buffers nothing references any more.
      collectGarbage();
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
      seen.heldAtStore = process.memoryUsage().arrayBuffers - baseline;
      head = Buffer.from(received.head);
      parsedFromHead = parseInstanceHead(received.head, received.blob.seal().size, { maxBytes: Number.MAX_SAFE_INTEGER });
      const outcome: StoreOutcome = {
        status: 'STORED',
        instanceId: 'i',
        seriesId: 's',
        studyId: 'st',
        sopClassUid: '',
        sopInstanceUid: '',
        studyInstanceUid: '',
        seriesInstanceUid: '',
      };
      return { status: 'STORED', sopInstanceUid: '', indexed: Promise.resolve(outcome) } satisfies Receipt;
    };
    const listener = listenerWith(ingest);
    const { port } = await listener.start();
    try {
      collectGarbage();
      baseline = process.memoryUsage().arrayBuffers;
      const result = await run('storescu', ['-aec', 'GOODAE', '127.0.0.1', String(port), file]);
      expect(result.code, result.output).toBe(0);
    } finally {
      await listener.stop();
    }
    // Every byte reached the writer (our file meta, then the dataset untouched), in PDU-sized pieces; only the
    // 64 KiB head was handed over in memory, and it was enough to parse and validate the instance.
    const dataset = datasetOf(original);
    const metaLength = 144 + head.readUInt32LE(140);
    expect(seen.bytes).toBe(metaLength + dataset.length);
    expect(hash.digest('hex')).toBe(createHash('sha256').update(head.subarray(0, metaLength)).update(dataset).digest('hex'));
    expect(seen.writes).toBeGreaterThan(20);
    expect(seen.largest).toBeLessThanOrEqual(262_144);
    expect(head.length).toBe(65_536);
    expect(parsedFromHead).toMatchObject({ sopInstanceUid: series.sopInstanceUids[0], rows: 3072, columns: 4096 });
    expect(original.length).toBeGreaterThan(24_000_000);
    // The 25 MB instance was never held whole: what is still referenced once it has arrived is a few PDUs at most.
    expect(seen.heldAtStore).toBeLessThan(4 * 1024 * 1024);
  });

  it('stop() lets an association in flight finish, then refuses new connections', async () => {
    const ingest = new FakeIngest();
    ingest.behaviour = 'slow';
    const listener = listenerWith(ingest, { shutdownTimeoutMs: 20_000 });
    const { port } = await listener.start();
    const series = makeSeries({ slices: 4, rows: 16, columns: 16 });
    const files = await Promise.all(
      series.files.map(async (f, i) => {
        const target = path.join(dir, `slow-${i}.dcm`);
        await writeFile(target, f);
        return target;
      }),
    );
    const sending = run('storescu', ['-aet', 'MODALITY1', '-aec', 'GOODAE', '127.0.0.1', String(port), ...files]);
    while (ingest.stored.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await listener.stop();
    const result = await sending;
    expect(result.code, result.output).toBe(0);
    expect(ingest.stored).toHaveLength(4);
    expect(ingest.completed).toHaveLength(1);
    expect((await run('echoscu', ['-aec', 'GOODAE', '127.0.0.1', String(port)])).code).not.toBe(0);
  });

  it('completes the series once when the SCU drops the connection mid-association', async () => {
    const ingest = new FakeIngest();
    ingest.behaviour = 'slow';
    const listener = listenerWith(ingest);
    const { port } = await listener.start();
    try {
      const series = makeSeries({ slices: 6, rows: 16, columns: 16 });
      const files = await Promise.all(
        series.files.map(async (f, i) => {
          const target = path.join(dir, `drop-${i}.dcm`);
          await writeFile(target, f);
          return target;
        }),
      );
      const child = spawn('storescu', ['-aec', 'GOODAE', '127.0.0.1', String(port), ...files], { env: { ...process.env, TCP_NODELAY: '1' }, stdio: 'ignore' });
      const exited = new Promise((resolve) => child.once('exit', resolve));
      while (ingest.stored.length < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      child.kill('SIGKILL');
      await exited;
      await vi.waitFor(() => expect(ingest.completed).toHaveLength(1));
      // The store in flight when the connection dropped finished first and is part of the completion.
      expect(ingest.completed[0]!.seriesIds).toEqual([`series:${series.seriesInstanceUid}`]);
      expect(ingest.stored.length).toBeLessThan(6);
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(ingest.completed).toHaveLength(1);
    } finally {
      await listener.stop();
    }
  });

  it('stop() aborts connections that outlive the shutdown timeout', async () => {
    const listener = listenerWith(new FakeIngest(), { shutdownTimeoutMs: 200 });
    const { port } = await listener.start();
    const idle = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => idle.once('connect', resolve));
    const closed = new Promise((resolve) => idle.once('close', resolve));
    const started = Date.now();
    await listener.stop();
    await closed;
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
