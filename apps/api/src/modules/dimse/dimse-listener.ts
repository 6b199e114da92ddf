import net, { type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import dcmjsDimse, { type association, type requests, type responses } from 'dcmjs-dimse';
import { HospitalStatus } from '@cruciate/contracts';
import type { Logger } from '../../common/logger.js';
import { IngestError } from '../ingest/ingest.errors.js';
import type { IngestService } from '../ingest/ingest.service.js';
import { DimseStatus, dimseStatusFor, errorComment, type DimseStatusResult } from './dimse-status.js';
import { negotiateContext, STORAGE_SOP_CLASSES, stripUid } from './negotiation.js';
import { CRUCIATE_IMPLEMENTATION_CLASS_UID, CRUCIATE_IMPLEMENTATION_VERSION, part10File } from './part10.js';
import { PduGuard } from './pdu-guard.js';

const { Scp, Dataset, Implementation, constants } = dcmjsDimse;
const { CEchoResponse, CStoreResponse } = dcmjsDimse.responses;
const { PresentationContextResult, RejectReason, RejectResult, RejectSource, Status } = constants;

type Association = association.Association;
type PresentationContext = association.PresentationContext;
type CEchoRequest = requests.CEchoRequest;
type CStoreRequest = requests.CStoreRequest;
type CEchoResponseType = responses.CEchoResponse;
type CStoreResponseType = responses.CStoreResponse;

/** The hospital a called AE title belongs to. */
export interface DimseHospital {
  readonly id: string;
  readonly aeTitle: string | null;
  /** Calling AE titles allowed to send to this hospital; null, undefined or empty: any. */
  readonly allowedCallingAes?: readonly string[] | null;
  /** Only ACTIVE hospitals accept associations. */
  readonly status: string;
}

/** What the listener needs from IngestService (the real one is passed; tests pass a fake). */
export type DimseIngest = Pick<IngestService, 'storeInstance' | 'completeSeries'>;

export interface DimseListenerOptions {
  /** Bind address (DIMSE_HOST); never all interfaces unless asked for ('0.0.0.0' / '::'). */
  readonly host: string;
  /** DIMSE_PORT; 0 = any free port. (-1 means "off": the caller does not construct the listener.) */
  readonly port: number;
  readonly ingest: DimseIngest;
  /** Called AE title (trimmed) -> hospital, or null when no hospital has it. Cross-tenant: use Db.forSystem. */
  readonly resolveHospital: (calledAe: string) => Promise<DimseHospital | null>;
  readonly logger: Logger;
  /** Largest dataset accepted per instance (MAX_INSTANCE_BYTES); larger ones get 0xA700 without being kept. Default 64 MiB. */
  readonly maxInstanceBytes?: number;
  /** Max PDU length we advertise (what the SCU may send us). Default 262144. */
  readonly maxPduLength?: number;
  /** A connection with no traffic for this long is dropped. Default 60 s. */
  readonly idleTimeoutMs?: number;
  /** stop(): how long open associations get to finish before they are aborted. Default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /** Most simultaneous connections; further ones are refused by the kernel backlog / closed. Default 100. */
  readonly maxConnections?: number;
}

const DEFAULT_MAX_INSTANCE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_PDU_LENGTH = 262_144;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** After A-ASSOCIATE-RJ or A-RELEASE-RP the requestor closes the connection; if it does not, we do (ARTIM). */
const ARTIM_MS = 10_000;
/** How long an A-RELEASE-RQ waits for the series completion before it is answered anyway. */
const RELEASE_COMPLETION_WAIT_MS = 30_000;

/**
 * The DICOM C-ECHO / C-STORE listener: our own `net` server (explicit bind address, TCP_NODELAY) handing each
 * connection to a dcmjs-dimse Scp. Called AE title -> hospital; each received instance is framed as a Part 10 file
 * (received dataset bytes untouched) and handed to IngestService.storeInstance, whose blob write is fsynced before
 * the C-STORE response is sent. When the association ends, the series it stored are completed once.
 */
export class DimseListener {
  private server: net.Server | null = null;
  private readonly sessions = new Set<Session>();
  private stopping = false;
  private readonly logger: Logger;

  constructor(private readonly options: DimseListenerOptions) {
    this.logger = options.logger.child({ component: 'dimse' });
  }

  async start(): Promise<{ port: number }> {
    if (this.server) throw new Error('DIMSE listener already started');
    configureDcmjsDimse(this.logger);
    this.stopping = false;
    const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections ?? 100;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.options.host, port: this.options.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.logger.error({ err }, 'DIMSE listener error'));
    this.server = server;
    const address = server.address() as AddressInfo;
    this.logger.info({ host: address.address, port: address.port }, 'DIMSE listener started');
    return { port: address.port };
  }

  /** The bound address, or null when not listening. */
  address(): AddressInfo | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? address : null;
  }

  /** Stops accepting, lets open associations finish (up to shutdownTimeoutMs), then aborts the rest. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.stopping = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const timeout = this.options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
    const allDone = () => Promise.all([...this.sessions].map((s) => s.done));
    if (!(await settlesWithin(allDone(), timeout))) {
      this.logger.warn({ open: this.sessions.size }, 'DIMSE associations still open at shutdown; aborting them');
      for (const session of this.sessions) session.abort();
      // Completion of what they stored runs on close; give it the same time again.
      if (!(await settlesWithin(allDone(), timeout))) this.logger.error({ open: this.sessions.size }, 'DIMSE sessions did not finish after abort');
    }
    await closed;
    this.server = null;
    this.logger.info('DIMSE listener stopped');
  }

  private accept(socket: net.Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    const maxPduLength = this.options.maxPduLength ?? DEFAULT_MAX_PDU_LENGTH;
    const session = new Session(socket, {
      ingest: this.options.ingest,
      resolveHospital: this.options.resolveHospital,
      logger: this.logger,
      maxInstanceBytes: this.options.maxInstanceBytes ?? DEFAULT_MAX_INSTANCE_BYTES,
      maxPduLength,
      idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
      isStopping: () => this.stopping,
    });
    this.sessions.add(session);
    void session.done.then(() => this.sessions.delete(session));
  }
}

interface SessionDeps {
  readonly ingest: DimseIngest;
  readonly resolveHospital: (calledAe: string) => Promise<DimseHospital | null>;
  readonly logger: Logger;
  readonly maxInstanceBytes: number;
  readonly maxPduLength: number;
  readonly idleTimeoutMs: number;
  readonly isStopping: () => boolean;
}

/** One TCP connection: at most one association. */
class Session {
  /** Resolves once the socket is closed and the association's series completion has run. */
  readonly done: Promise<void>;
  private readonly scp: AssociationScp;
  private readonly logger: Logger;
  private readonly peer: string;
  private hospital: DimseHospital | null = null;
  private callingAe = '';
  private calledAe = '';
  private readonly seriesIds = new Set<string>();
  private readonly inflight = new Set<Promise<unknown>>();
  private finishing: Promise<void> | null = null;
  private counts = { stored: 0, duplicates: 0, failed: 0 };

  constructor(
    private readonly socket: net.Socket,
    private readonly deps: SessionDeps,
  ) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.logger = deps.logger.child({ peer: this.peer });
    // Registered before dcmjs-dimse's own 'data' listener, so an oversized or unknown PDU is cut off at its header.
    const guard = new PduGuard(Math.max(1 << 20, 2 * deps.maxPduLength));
    socket.on('data', (chunk: Buffer) => {
      const verdict = guard.push(chunk);
      if (!verdict.ok && !socket.destroyed) {
        this.logger.warn({ reason: verdict.reason }, 'DIMSE protocol violation; closing the connection');
        socket.destroy();
      }
    });
    this.scp = new AssociationScp(socket, { connectTimeout: deps.idleTimeoutMs }, this);
    this.scp.on('networkError', (err: Error) => {
      this.logger.debug({ err: err.message }, 'DIMSE connection error');
      socket.destroy();
    });
    this.done = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.finish('close').then(resolve, resolve);
      });
    });
  }

  /** Sends A-ABORT (when an association is up) and drops the connection. */
  abort(): void {
    try {
      if (this.hospital && !this.socket.destroyed) this.scp.sendAbort();
    } catch {
      // nothing to do: the socket is going away anyway
    }
    this.socket.destroy();
  }

  async onAssociationRequested(association: Association): Promise<void> {
    this.callingAe = association.getCallingAeTitle().trim();
    this.calledAe = association.getCalledAeTitle().trim();
    const who = { callingAe: this.callingAe, calledAe: this.calledAe };
    if (this.deps.isStopping()) {
      this.logger.info(who, 'DIMSE association refused: shutting down');
      return this.reject(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.TemporaryCongestion);
    }
    let hospital: DimseHospital | null = null;
    if (this.calledAe !== '') {
      try {
        hospital = await this.deps.resolveHospital(this.calledAe);
      } catch (err) {
        this.logger.error({ err, ...who }, 'DIMSE association refused: hospital lookup failed');
        return this.reject(RejectResult.Transient, RejectSource.ServiceProviderPresentation, RejectReason.TemporaryCongestion);
      }
    }
    if (!hospital || hospital.status !== (HospitalStatus.ACTIVE as string)) {
      this.logger.warn(
        { ...who, hospitalId: hospital?.id, reason: hospital ? 'hospital not active' : 'unknown called AE' },
        'DIMSE association rejected: called AE title not recognized',
      );
      return this.reject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CalledAeNotRecognized);
    }
    const allowed = hospital.allowedCallingAes?.map((ae) => ae.trim()).filter((ae) => ae !== '') ?? [];
    if (allowed.length > 0 && !allowed.includes(this.callingAe)) {
      this.logger.warn({ ...who, hospitalId: hospital.id }, 'DIMSE association rejected: calling AE title not recognized');
      return this.reject(RejectResult.Permanent, RejectSource.ServiceUser, RejectReason.CallingAeNotRecognized);
    }
    if (this.socket.destroyed) return;

    const accepted: string[] = [];
    for (const { id } of association.getPresentationContexts()) {
      const context = association.getPresentationContext(id);
      const decision = negotiateContext(context.getAbstractSyntaxUid(), context.getTransferSyntaxUids());
      switch (decision.result) {
        case 'accept':
          context.setResult(PresentationContextResult.Accept, decision.transferSyntaxUid);
          accepted.push(`${id}:${stripUid(context.getAbstractSyntaxUid())}/${decision.transferSyntaxUid}`);
          break;
        case 'abstract-syntax-not-supported':
          context.setResult(PresentationContextResult.RejectAbstractSyntaxNotSupported);
          break;
        case 'transfer-syntaxes-not-supported':
          context.setResult(PresentationContextResult.RejectTransferSyntaxesNotSupported);
          break;
      }
    }
    // One operation at a time (no asynchronous operations window), and our own receive limit.
    association.setNegotiateAsyncOps(false);
    association.setMaxPduLength(this.deps.maxPduLength);
    this.hospital = hospital;
    this.scp.sendAssociationAccept();
    this.logger.info({ ...who, hospitalId: hospital.id, contexts: accepted.length }, 'DIMSE association accepted');
    this.logger.debug({ accepted }, 'DIMSE presentation contexts accepted');
  }

  private reject(result: number, source: number, reason: number): void {
    if (this.socket.destroyed) return;
    this.scp.sendAssociationReject(result, source, reason);
    this.closeAfterArtim();
  }

  onEcho(request: CEchoRequest): CEchoResponseType {
    const response = CEchoResponse.fromRequest(request);
    response.setStatus(Status.Success);
    return response;
  }

  async onStore(request: CStoreRequest, received: InstanceAccumulator | undefined): Promise<CStoreResponseType> {
    const result = await this.store(request, received);
    const response = CStoreResponse.fromRequest(request);
    response.setStatus(result.status);
    if (result.status !== DimseStatus.SUCCESS) response.setErrorComment(errorComment(result.comment));
    return response;
  }

  private async store(request: CStoreRequest, received: InstanceAccumulator | undefined): Promise<DimseStatusResult> {
    const sopClassUid = stripUid(request.getAffectedSopClassUid() ?? '');
    const sopInstanceUid = stripUid(request.getAffectedSopInstanceUid() ?? '');
    const hospital = this.hospital;
    if (!hospital) {
      this.counts.failed++;
      return { status: DimseStatus.PROCESSING_FAILURE, comment: 'no association' };
    }
    if (!received) {
      this.counts.failed++;
      return { status: DimseStatus.CANNOT_UNDERSTAND, comment: 'no dataset received' };
    }
    const context = received.context;
    const transferSyntaxUid = context.getAcceptedTransferSyntaxUid();
    if (!transferSyntaxUid || context.getResult() !== PresentationContextResult.Accept || !STORAGE_SOP_CLASSES.has(stripUid(context.getAbstractSyntaxUid()))) {
      this.counts.failed++;
      return { status: DimseStatus.SOP_CLASS_NOT_SUPPORTED, comment: 'SOP class not negotiated on this presentation context' };
    }
    if (received.overLimit) {
      this.counts.failed++;
      this.logger.warn({ sopInstanceUid, bytes: received.bytes }, 'C-STORE refused: instance too large');
      return dimseStatusFor(new IngestError('DICOM_REJECTED', `instance exceeds ${this.deps.maxInstanceBytes} bytes`, 'TOO_LARGE'));
    }
    const bytes = part10File(
      { mediaStorageSopClassUid: sopClassUid, mediaStorageSopInstanceUid: sopInstanceUid, transferSyntaxUid, sourceAeTitle: this.callingAe },
      received.take(),
    );
    try {
      const outcome = await this.deps.ingest.storeInstance(hospital.id, bytes);
      this.seriesIds.add(outcome.seriesId);
      if (outcome.status === 'DUPLICATE') this.counts.duplicates++;
      else this.counts.stored++;
      this.logger.debug({ sopInstanceUid, status: outcome.status, seriesId: outcome.seriesId }, 'C-STORE stored');
      return { status: DimseStatus.SUCCESS, comment: '' };
    } catch (err) {
      this.counts.failed++;
      const result = dimseStatusFor(err);
      if (err instanceof IngestError) {
        this.logger.warn({ sopInstanceUid, code: err.code, dicomCode: err.dicomCode, reason: err.message, status: hex(result.status) }, 'C-STORE refused');
      } else {
        this.logger.error({ err, sopInstanceUid, status: hex(result.status) }, 'C-STORE failed');
      }
      return result;
    }
  }

  /** Runs a request handler, tracked so completion waits for it; never throws. */
  track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => undefined);
    return work;
  }

  async onReleaseRequested(): Promise<void> {
    await settlesWithin(this.finish('release'), RELEASE_COMPLETION_WAIT_MS);
    if (this.socket.destroyed) return;
    this.scp.sendAssociationReleaseResponse();
    this.closeAfterArtim();
  }

  onAbort(): void {
    void this.finish('abort');
    this.socket.destroy();
  }

  /** Completes the association's series exactly once (release, abort or close, whichever comes first). */
  finish(trigger: 'release' | 'abort' | 'close'): Promise<void> {
    this.finishing ??= this.complete(trigger);
    return this.finishing;
  }

  private async complete(trigger: 'release' | 'abort' | 'close'): Promise<void> {
    // Let C-STORE handlers still running (abort or close mid-store) reach their outcome first.
    await Promise.allSettled([...this.inflight]);
    const hospital = this.hospital;
    if (!hospital) return;
    const seriesIds = [...this.seriesIds];
    this.logger.info(
      { trigger, callingAe: this.callingAe, calledAe: this.calledAe, hospitalId: hospital.id, ...this.counts, series: seriesIds.length },
      'DIMSE association ended',
    );
    if (seriesIds.length === 0) return;
    try {
      await this.deps.ingest.completeSeries(hospital.id, seriesIds, null, {
        via: 'DIMSE',
        callingAe: this.callingAe,
        calledAe: this.calledAe,
        peer: this.peer,
      });
    } catch (err) {
      this.logger.error({ err, hospitalId: hospital.id, seriesIds }, 'DIMSE series completion failed; the quiet period will complete them');
    }
  }

  maxInstanceBytes(): number {
    return this.deps.maxInstanceBytes;
  }

  isOpen(): boolean {
    return !this.socket.destroyed;
  }

  /** A handler failed where it must not: log it and drop the connection (its state is unknown). */
  fail(err: unknown, where: string): void {
    this.logger.error({ err, where }, 'DIMSE handler failed; closing the connection');
    this.socket.destroy();
  }

  private closeAfterArtim(): void {
    setTimeout(() => this.socket.destroy(), ARTIM_MS).unref();
  }
}

/** Collects one C-STORE dataset as it arrives, up to a limit; synchronous, so it never asks the sender to wait. */
class InstanceAccumulator extends Writable {
  private chunks: Buffer[] = [];
  bytes = 0;
  overLimit = false;

  constructor(
    readonly context: PresentationContext,
    private readonly limit: number,
  ) {
    // dcmjs-dimse awaits 'drain' only on its first write and processes PDUs concurrently, so write() must always
    // return true: PDVs are far below this mark and _write completes synchronously.
    super({ highWaterMark: Number.MAX_SAFE_INTEGER, decodeStrings: false });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.bytes += chunk.length;
    if (!this.overLimit) {
      if (this.bytes > this.limit) {
        this.overLimit = true;
        this.chunks = [];
      } else {
        this.chunks.push(chunk);
      }
    }
    callback();
  }

  /** The received dataset chunks, handed over once. */
  take(): Buffer[] {
    const chunks = this.chunks;
    this.chunks = [];
    return chunks;
  }
}

/** dcmjs-dimse's Scp for one connection; every hook delegates to the Session and never throws into the library. */
class AssociationScp extends Scp {
  private readonly received = new WeakMap<object, InstanceAccumulator>();

  constructor(
    socket: net.Socket,
    opts: { connectTimeout: number },
    private readonly session: Session,
  ) {
    super(socket, opts);
  }

  override createStoreWritableStream(acceptedPresentationContext: PresentationContext, request: CStoreRequest): Writable {
    const accumulator = new InstanceAccumulator(acceptedPresentationContext, this.session.maxInstanceBytes());
    this.received.set(request, accumulator);
    return accumulator;
  }

  override createDatasetFromStoreWritableStream(
    _writable: Writable,
    acceptedPresentationContext: PresentationContext,
    callback: (dataset: InstanceType<typeof Dataset>) => void,
  ): void {
    // The bytes stay in the accumulator (looked up by request in cStoreRequest); dcmjs never parses the dataset.
    callback(new Dataset({}, acceptedPresentationContext.getAcceptedTransferSyntaxUid()));
  }

  override associationRequested(association: Association): void {
    this.session.onAssociationRequested(association).catch((err: unknown) => this.session.fail(err, 'association request'));
  }

  override associationReleaseRequested(): void {
    this.session.onReleaseRequested().catch((err: unknown) => this.session.fail(err, 'association release'));
  }

  override cEchoRequest(request: CEchoRequest, callback: (response: CEchoResponseType) => void): void {
    try {
      this.respond(callback, this.session.onEcho(request));
    } catch (err) {
      this.session.fail(err, 'C-ECHO');
    }
  }

  override cStoreRequest(request: CStoreRequest, callback: (response: CStoreResponseType) => void): void {
    const received = this.received.get(request);
    this.received.delete(request);
    this.session
      .track(this.session.onStore(request, received))
      .then((response) => this.respond(callback, response))
      .catch((err: unknown) => this.session.fail(err, 'C-STORE'));
  }

  override abort(_source: number, _reason: number): void {
    this.session.onAbort();
  }

  private respond<R>(callback: (response: R) => void, response: R): void {
    if (!this.session.isOpen()) return;
    callback(response);
  }
}

/**
 * dcmjs-dimse logs through the root `loglevel` logger, at trace level by default (every PDU). Its messages go to our
 * pino logger at debug, and are not even formatted unless debug is enabled.
 */
let dcmjsDimseLogger: Logger | null = null;

function configureDcmjsDimse(logger: Logger): void {
  dcmjsDimseLogger = logger;
  const log = dcmjsDimse.log;
  log.methodFactory =
    () =>
    (...args: unknown[]) => {
      dcmjsDimseLogger?.debug({ lib: 'dcmjs-dimse' }, args.map((a) => (typeof a === 'string' ? a : String(a))).join(' '));
    };
  log.setLevel(logger.isLevelEnabled('debug') ? 'trace' : 'silent', false);
  Implementation.setImplementationClassUid(CRUCIATE_IMPLEMENTATION_CLASS_UID);
  Implementation.setImplementationVersion(CRUCIATE_IMPLEMENTATION_VERSION);
}

/** Whether the promise settles within ms (its rejection counts as settled). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      sleep(ms, false, { signal: timer.signal, ref: false }),
    ]);
  } finally {
    timer.abort();
  }
}

function hex(status: number): string {
  return `0x${status.toString(16).padStart(4, '0')}`;
}
