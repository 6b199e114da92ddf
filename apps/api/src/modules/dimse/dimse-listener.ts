import net, { type AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HospitalStatus } from '@cruciate/contracts';
import { readInstanceHead, type InstanceHead } from '@cruciate/dicom';
import type { Logger } from '../../common/logger.js';
import type { SpoolWriter } from '@cruciate/blob';
import { IngestError } from '../ingest/ingest.errors.js';
import type { EarlyLookup, IngestService, ReceivedInstance } from '../ingest/ingest.service.js';
import { CommandField, encodeResponse, parseCommand, type CommandRequest } from './command-set.js';
import { DimseStatus, dimseStatusFor, errorComment, type DimseStatusResult } from './dimse-status.js';
import { negotiateContext, STORAGE_SOP_CLASSES, stripUid, VERIFICATION_SOP_CLASS } from './negotiation.js';
import { CRUCIATE_IMPLEMENTATION_CLASS_UID, CRUCIATE_IMPLEMENTATION_VERSION, fileMetaHeader } from './part10.js';
import {
  abortPdu,
  AbortReason,
  AbortSource,
  APPLICATION_CONTEXT_NAME,
  associateAccept,
  associateReject,
  ContextResult,
  parseAssociateRequest,
  pDataTf,
  PduError,
  PduStream,
  PduType,
  PDV_COMMAND,
  PDV_LAST,
  RejectReason,
  RejectResult,
  RejectSource,
  releaseResponse,
  type AssociateRequest,
  type ContextAnswer,
} from './pdu.js';

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
export type DimseIngest = Pick<IngestService, 'openWriter' | 'lookUpEarly' | 'storeReceived' | 'indexNow' | 'completeSeries'>;

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
  /** Told the seconds of each C-STORE phase (metrics; see ApiMetrics.dimseStorePhases). */
  readonly observePhase?: (phase: StorePhase, seconds: number) => void;
  /**
   * While only one association is open, flush each instance on the event loop (SpoolWriter.flush `inline`): one
   * thread hand-off less on the latency path, while nothing else of the listener waits on the event loop. Default false.
   */
  readonly inlineFlushWhenAlone?: boolean;
}

/**
 * Where a C-STORE's time goes, per instance. On one association instances go one after the other, so the three add
 * up to the time per instance: `transfer` (its command to the last fragment of its data set), `answer` (that fragment
 * to our response) and `peer` (our response to the next command).
 */
export type StorePhase = 'transfer' | 'answer' | 'peer';

const DEFAULT_MAX_INSTANCE_BYTES = 64 * 1024 * 1024;
const DEFAULT_MAX_PDU_LENGTH = 262_144;
const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
/** After A-ASSOCIATE-RJ or A-RELEASE-RP the requestor closes the connection; if it does not, we do (ARTIM). */
const ARTIM_MS = 10_000;
/** How long an A-RELEASE-RQ waits for the series completion before it is answered anyway. */
const RELEASE_COMPLETION_WAIT_MS = 30_000;

/**
 * The DICOM C-ECHO / C-STORE listener: our own `net` server (explicit bind address, TCP_NODELAY) and our own upper
 * layer protocol (pdu.ts, command-set.ts). Called AE title -> hospital; each received instance is framed as a Part 10
 * file (received dataset bytes untouched) and STREAMED into a spool file as its P-DATA arrives (hashed on the way),
 * then handed to IngestService.storeReceived, which answers once the bytes are durable (one fdatasync) and the index has
 * said whether the SOP Instance UID is new, a duplicate or a conflict; the index row follows in a group commit. When
 * the association ends, it waits for those rows, then completes the series it stored once.
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
      observePhase: this.options.observePhase ?? (() => undefined),
      inlineFlush: () => this.options.inlineFlushWhenAlone === true && this.sessions.size === 1,
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
  readonly observePhase: (phase: StorePhase, seconds: number) => void;
  /** Whether this instance's flush runs on the event loop (asked per instance: other associations come and go). */
  readonly inlineFlush: () => boolean;
}

/** First bytes of each instance kept in memory for the header parser (the rest only goes to disk). */
export const INSTANCE_HEAD_BYTES = 64 * 1024;
/** Bytes of an instance waiting to be written before the connection stops reading (backpressure). */
const MAX_PENDING_WRITE_BYTES = 4 * 1024 * 1024;

type SessionState = 'awaiting-request' | 'negotiating' | 'established' | 'releasing' | 'closed';

/** An accepted presentation context. */
interface AcceptedContext {
  readonly abstractSyntaxUid: string;
  readonly transferSyntaxUid: string;
}

/** The DIMSE message being received: its command, then (C-STORE) its data set. */
interface IncomingMessage {
  readonly contextId: number;
  command: Buffer[];
  request: CommandRequest | null;
  store: InstanceReceiver | null;
  /** performance.now() when the command was complete, and when the data set was. */
  commandAt: number;
  dataSetAt: number;
}

/** One TCP connection: at most one association. */
class Session {
  /** Resolves once the socket is closed and the association's series completion has run. */
  readonly done: Promise<void>;
  private readonly logger: Logger;
  private readonly peer: string;
  private readonly pdus: PduStream;
  private state: SessionState = 'awaiting-request';
  private hospital: DimseHospital | null = null;
  private callingAe = '';
  private calledAe = '';
  private peerMaxPdu = 0;
  private readonly contexts = new Map<number, AcceptedContext>();
  private message: IncomingMessage | null = null;
  private readonly seriesIds = new Set<string>();
  /** When the last C-STORE response went out (0: none since the last command), for the `peer` phase. */
  private answeredAt = 0;
  private readonly inflight = new Set<Promise<unknown>>();
  private finishing: Promise<void> | null = null;
  private counts = { stored: 0, duplicates: 0, failed: 0, unindexed: 0 };
  /** A blob writer opened ahead of the next C-STORE (its temporary file exists already). */
  private nextWriter: Promise<SpoolWriter> | null = null;
  private readyWriter: SpoolWriter | null = null;

  constructor(
    private readonly socket: net.Socket,
    private readonly deps: SessionDeps,
  ) {
    this.peer = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    this.logger = deps.logger.child({ peer: this.peer });
    // A PDU longer than we advertised (with room for peers that round up) or of unknown type is cut off at its header.
    this.pdus = new PduStream(Math.max(1 << 20, 2 * deps.maxPduLength), {
      pdu: (type, body) => this.onPdu(type, body),
      pdv: (contextId, control, data, end) => this.onPdv(contextId, control, data, end),
    });
    socket.setTimeout(deps.idleTimeoutMs, () => {
      this.logger.debug('DIMSE connection idle; closing it');
      socket.destroy();
    });
    socket.on('data', (chunk: Buffer) => {
      if (this.state === 'closed') return;
      try {
        this.pdus.push(chunk);
      } catch (err) {
        this.protocolError(err);
      }
    });
    socket.on('error', (err) => {
      this.logger.debug({ err: err.message }, 'DIMSE connection error');
      socket.destroy();
    });
    this.done = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.state = 'closed';
        void this.message?.store?.abandon();
        this.message = null;
        this.finish('close')
          .then(() => this.dropNextWriter())
          .then(resolve, resolve);
      });
    });
  }

  /** Sends A-ABORT (when an association is up) and drops the connection. */
  abort(): void {
    if (this.state === 'established' && !this.socket.destroyed) this.socket.write(abortPdu(AbortSource.SERVICE_USER, AbortReason.NOT_SPECIFIED));
    this.socket.destroy();
  }

  private protocolError(err: unknown): void {
    if (!(err instanceof PduError)) {
      this.fail(err, 'PDU handling');
      return;
    }
    this.logger.warn({ reason: err.message }, 'DIMSE protocol violation; aborting the connection');
    if (!this.socket.destroyed && this.state !== 'awaiting-request') this.socket.write(abortPdu(AbortSource.SERVICE_PROVIDER, err.abortReason));
    this.state = 'closed';
    this.socket.destroy();
  }

  private onPdu(type: number, body: Buffer): void {
    switch (type) {
      case PduType.ASSOCIATE_RQ:
        if (this.state !== 'awaiting-request') throw new PduError('A-ASSOCIATE-RQ on an established connection', AbortReason.UNEXPECTED_PDU);
        this.state = 'negotiating';
        this.onAssociationRequested(parseAssociateRequest(body)).catch((err: unknown) => this.fail(err, 'association request'));
        return;
      case PduType.RELEASE_RQ:
        if (this.state !== 'established') throw new PduError('A-RELEASE-RQ outside an association', AbortReason.UNEXPECTED_PDU);
        this.state = 'releasing';
        this.onReleaseRequested().catch((err: unknown) => this.fail(err, 'association release'));
        return;
      case PduType.ABORT:
        this.onAbort();
        return;
      default:
        throw new PduError(`unexpected PDU type 0x${type.toString(16).padStart(2, '0')}`, AbortReason.UNEXPECTED_PDU);
    }
  }

  private onPdv(contextId: number, control: number, data: Buffer, end: boolean): void {
    if (this.state !== 'established') throw new PduError('P-DATA-TF outside an association', AbortReason.UNEXPECTED_PDU);
    const isCommand = (control & PDV_COMMAND) !== 0;
    const last = end && (control & PDV_LAST) !== 0;
    let message = this.message;
    if (isCommand) {
      if (message === null) {
        message = { contextId, command: [], request: null, store: null, commandAt: 0, dataSetAt: 0 };
        this.message = message;
      } else if (message.request !== null || message.contextId !== contextId) {
        throw new PduError('command fragment where a data set fragment was expected', AbortReason.UNEXPECTED_PARAMETER);
      }
      message.command.push(Buffer.from(data));
      if (last) {
        message.commandAt = performance.now();
        if (this.answeredAt > 0) this.deps.observePhase('peer', (message.commandAt - this.answeredAt) / 1000);
        this.answeredAt = 0;
        this.onCommand(message, parseCommand(Buffer.concat(message.command)));
      }
      return;
    }
    if (message === null || message.request === null || message.contextId !== contextId || !message.request.hasDataSet) {
      throw new PduError('data set fragment without a command that announced one', AbortReason.UNEXPECTED_PARAMETER);
    }
    message.store?.write(data);
    if (last) {
      message.dataSetAt = performance.now();
      this.message = null;
      this.dispatch(message);
    }
  }

  private onCommand(message: IncomingMessage, request: CommandRequest): void {
    message.request = request;
    message.command = [];
    switch (request.commandField) {
      case CommandField.C_ECHO_RQ:
      case CommandField.C_STORE_RQ:
        break;
      default:
        throw new PduError(`DIMSE command 0x${request.commandField.toString(16)} is not supported here`, AbortReason.UNRECOGNIZED_PARAMETER);
    }
    if (request.commandField === CommandField.C_STORE_RQ && request.hasDataSet) {
      const context = this.contexts.get(message.contextId);
      if (context && STORAGE_SOP_CLASSES.has(context.abstractSyntaxUid)) {
        const meta = fileMetaHeader({
          mediaStorageSopClassUid: stripUid(request.affectedSopClassUid),
          mediaStorageSopInstanceUid: stripUid(request.affectedSopInstanceUid),
          transferSyntaxUid: context.transferSyntaxUid,
          sourceAeTitle: this.callingAe,
        });
        // The index look-up of the instance the command names runs while its data set arrives.
        const sopInstanceUid = stripUid(request.affectedSopInstanceUid);
        const lookup = sopInstanceUid !== '' ? this.deps.ingest.lookUpEarly(this.hospital!.id, sopInstanceUid) : undefined;
        message.store = new InstanceReceiver(this.takeWriter(), meta, this.deps.maxInstanceBytes, this.socket, lookup);
      }
    }
    if (!request.hasDataSet) {
      this.message = null;
      this.dispatch(message);
    }
  }

  /** A blob writer for the next instance: the one opened ahead when ready, and opens the one after it. */
  private takeWriter(): SpoolWriter | Promise<SpoolWriter> {
    const ready = this.readyWriter;
    const next = this.nextWriter;
    this.readyWriter = null;
    this.nextWriter = null;
    this.prefetchWriter();
    return ready ?? next ?? this.deps.ingest.openWriter(this.hospital!.id);
  }

  private prefetchWriter(): void {
    if (this.nextWriter || this.state === 'closed' || !this.hospital) return;
    const next = this.deps.ingest.openWriter(this.hospital.id);
    this.nextWriter = next;
    next.then(
      (writer) => {
        // Once taken (nextWriter moved on), the receiver it was handed to owns it.
        if (this.nextWriter === next) this.readyWriter = writer;
      },
      (err: unknown) => {
        if (this.nextWriter === next) this.nextWriter = null;
        this.logger.warn({ err }, 'DIMSE could not open a blob writer ahead');
      },
    );
  }

  private async dropNextWriter(): Promise<void> {
    const next = this.nextWriter;
    this.nextWriter = null;
    this.readyWriter = null;
    if (next) await next.then((w) => w.discard()).catch(() => undefined);
  }

  /** Runs one complete request; its response is sent when it is done, in the order requests complete. */
  private dispatch(message: IncomingMessage): void {
    const request = message.request!;
    const work = (async () => {
      const response =
        request.commandField === CommandField.C_ECHO_RQ ? this.echo(message.contextId, request) : await this.onStore(message.contextId, request, message.store);
      if (this.socket.destroyed) return;
      // One write: with Nagle off, each write is a TCP segment of its own, and the peer, woken by a PDU header alone,
      // would wait for its body in a second wake-up.
      this.socket.write(Buffer.concat(pDataTf(message.contextId, true, encodeResponse(response), this.peerMaxPdu)));
      if (request.commandField === CommandField.C_STORE_RQ && message.dataSetAt > 0) {
        this.answeredAt = performance.now();
        this.deps.observePhase('transfer', (message.dataSetAt - message.commandAt) / 1000);
        this.deps.observePhase('answer', (this.answeredAt - message.dataSetAt) / 1000);
      }
    })();
    this.track(work).catch((err: unknown) => this.fail(err, 'DIMSE request'));
  }

  private echo(contextId: number, request: CommandRequest) {
    const context = this.contexts.get(contextId);
    const status = context?.abstractSyntaxUid === VERIFICATION_SOP_CLASS ? DimseStatus.SUCCESS : DimseStatus.SOP_CLASS_NOT_SUPPORTED;
    return {
      commandField: CommandField.C_ECHO_RSP,
      messageIdBeingRespondedTo: request.messageId,
      affectedSopClassUid: request.affectedSopClassUid || VERIFICATION_SOP_CLASS,
      status,
    };
  }

  private async onAssociationRequested(request: AssociateRequest): Promise<void> {
    this.callingAe = request.callingAe;
    this.calledAe = request.calledAe;
    const who = { callingAe: this.callingAe, calledAe: this.calledAe };
    if ((request.protocolVersion & 0x0001) === 0) {
      this.logger.warn({ ...who, protocolVersion: request.protocolVersion }, 'DIMSE association rejected: protocol version');
      return this.reject(RejectResult.PERMANENT, RejectSource.SERVICE_PROVIDER_ACSE, RejectReason.PROTOCOL_VERSION_NOT_SUPPORTED);
    }
    if (request.applicationContext !== APPLICATION_CONTEXT_NAME) {
      this.logger.warn({ ...who, applicationContext: request.applicationContext }, 'DIMSE association rejected: application context');
      return this.reject(RejectResult.PERMANENT, RejectSource.SERVICE_USER, RejectReason.APPLICATION_CONTEXT_NOT_SUPPORTED);
    }
    if (this.deps.isStopping()) {
      this.logger.info(who, 'DIMSE association refused: shutting down');
      return this.reject(RejectResult.TRANSIENT, RejectSource.SERVICE_PROVIDER_PRESENTATION, RejectReason.TEMPORARY_CONGESTION);
    }
    let hospital: DimseHospital | null = null;
    if (this.calledAe !== '') {
      try {
        hospital = await this.deps.resolveHospital(this.calledAe);
      } catch (err) {
        this.logger.error({ err, ...who }, 'DIMSE association refused: hospital lookup failed');
        return this.reject(RejectResult.TRANSIENT, RejectSource.SERVICE_PROVIDER_PRESENTATION, RejectReason.TEMPORARY_CONGESTION);
      }
    }
    if (!hospital || hospital.status !== (HospitalStatus.ACTIVE as string)) {
      this.logger.warn(
        { ...who, hospitalId: hospital?.id, reason: hospital ? 'hospital not active' : 'unknown called AE' },
        'DIMSE association rejected: called AE title not recognized',
      );
      return this.reject(RejectResult.PERMANENT, RejectSource.SERVICE_USER, RejectReason.CALLED_AE_NOT_RECOGNIZED);
    }
    const allowed = hospital.allowedCallingAes?.map((ae) => ae.trim()).filter((ae) => ae !== '') ?? [];
    if (allowed.length > 0 && !allowed.includes(this.callingAe)) {
      this.logger.warn({ ...who, hospitalId: hospital.id }, 'DIMSE association rejected: calling AE title not recognized');
      return this.reject(RejectResult.PERMANENT, RejectSource.SERVICE_USER, RejectReason.CALLING_AE_NOT_RECOGNIZED);
    }
    if (this.socket.destroyed || this.state !== 'negotiating') return;

    const answers: ContextAnswer[] = [];
    const accepted: string[] = [];
    for (const proposed of request.contexts) {
      const decision = negotiateContext(proposed.abstractSyntaxUid, proposed.transferSyntaxUids);
      const fallback = proposed.transferSyntaxUids[0] ?? '1.2.840.10008.1.2';
      switch (decision.result) {
        case 'accept':
          this.contexts.set(proposed.id, { abstractSyntaxUid: stripUid(proposed.abstractSyntaxUid), transferSyntaxUid: decision.transferSyntaxUid });
          answers.push({ id: proposed.id, result: ContextResult.ACCEPT, transferSyntaxUid: decision.transferSyntaxUid });
          accepted.push(`${proposed.id}:${stripUid(proposed.abstractSyntaxUid)}/${decision.transferSyntaxUid}`);
          break;
        case 'abstract-syntax-not-supported':
          answers.push({ id: proposed.id, result: ContextResult.ABSTRACT_SYNTAX_NOT_SUPPORTED, transferSyntaxUid: fallback });
          break;
        case 'transfer-syntaxes-not-supported':
          answers.push({ id: proposed.id, result: ContextResult.TRANSFER_SYNTAXES_NOT_SUPPORTED, transferSyntaxUid: fallback });
          break;
      }
    }
    // One operation at a time (no asynchronous operations window is offered), and our own receive limit.
    this.hospital = hospital;
    this.peerMaxPdu = request.maxPduLength;
    this.state = 'established';
    this.socket.write(
      associateAccept(request, answers, {
        maxPduLength: this.deps.maxPduLength,
        implementationClassUid: CRUCIATE_IMPLEMENTATION_CLASS_UID,
        implementationVersion: CRUCIATE_IMPLEMENTATION_VERSION,
      }),
    );
    if (this.contexts.size > 0) this.prefetchWriter();
    this.logger.info({ ...who, hospitalId: hospital.id, contexts: accepted.length }, 'DIMSE association accepted');
    this.logger.debug({ accepted }, 'DIMSE presentation contexts accepted');
  }

  private reject(result: number, source: number, reason: number): void {
    this.state = 'closed';
    if (this.socket.destroyed) return;
    this.socket.write(associateReject(result, source, reason));
    this.closeAfterArtim();
  }

  private async onStore(contextId: number, request: CommandRequest, received: InstanceReceiver | null) {
    const result = await this.store(contextId, request, received);
    return {
      commandField: CommandField.C_STORE_RSP,
      messageIdBeingRespondedTo: request.messageId,
      affectedSopClassUid: request.affectedSopClassUid,
      affectedSopInstanceUid: request.affectedSopInstanceUid,
      status: result.status,
      errorComment: result.status !== DimseStatus.SUCCESS ? errorComment(result.comment) : undefined,
    };
  }

  private async store(contextId: number, request: CommandRequest, received: InstanceReceiver | null): Promise<DimseStatusResult> {
    const sopInstanceUid = stripUid(request.affectedSopInstanceUid);
    const hospital = this.hospital;
    if (!hospital) {
      this.counts.failed++;
      await received?.abandon();
      return { status: DimseStatus.PROCESSING_FAILURE, comment: 'no association' };
    }
    if (!request.hasDataSet) {
      this.counts.failed++;
      return { status: DimseStatus.CANNOT_UNDERSTAND, comment: 'no dataset received' };
    }
    const context = this.contexts.get(contextId);
    if (!received || !context || !STORAGE_SOP_CLASSES.has(context.abstractSyntaxUid)) {
      this.counts.failed++;
      await received?.abandon();
      return { status: DimseStatus.SOP_CLASS_NOT_SUPPORTED, comment: 'SOP class not negotiated on this presentation context' };
    }
    if (received.overLimit) {
      this.counts.failed++;
      await received.abandon();
      this.logger.warn({ sopInstanceUid, bytes: received.datasetBytes }, 'C-STORE refused: instance too large');
      return dimseStatusFor(new IngestError('DICOM_REJECTED', `instance exceeds ${this.deps.maxInstanceBytes} bytes`, 'TOO_LARGE'));
    }
    try {
      const receipt = await this.deps.ingest.storeReceived(hospital.id, { ...(await received.complete()), inlineFlush: this.deps.inlineFlush() });
      if (receipt.status === 'DUPLICATE') this.counts.duplicates++;
      else this.counts.stored++;
      // The index row follows the response (group commit); the association's series complete once all have landed.
      void this.track(
        receipt.indexed.then(
          (outcome) => {
            this.seriesIds.add(outcome.seriesId);
            this.logger.debug({ sopInstanceUid, status: outcome.status, seriesId: outcome.seriesId }, 'C-STORE indexed');
          },
          (err: unknown) => {
            this.counts.unindexed++;
            this.logger.error({ err, sopInstanceUid }, 'C-STORE acknowledged but not indexed yet; its spool file is left to recovery');
          },
        ),
      );
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

  /** Tracks a request handler, so completion waits for it. */
  private track<T>(work: Promise<T>): Promise<T> {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work)).catch(() => undefined);
    return work;
  }

  private async onReleaseRequested(): Promise<void> {
    await settlesWithin(this.finish('release'), RELEASE_COMPLETION_WAIT_MS);
    if (this.socket.destroyed) return;
    this.socket.write(releaseResponse());
    this.state = 'closed';
    this.closeAfterArtim();
  }

  private onAbort(): void {
    this.state = 'closed';
    void this.finish('abort');
    this.socket.destroy();
  }

  /** Completes the association's series exactly once (release, abort or close, whichever comes first). */
  private finish(trigger: 'release' | 'abort' | 'close'): Promise<void> {
    this.finishing ??= this.complete(trigger);
    return this.finishing;
  }

  private async complete(trigger: 'release' | 'abort' | 'close'): Promise<void> {
    // Let C-STORE handlers still running (abort or close mid-store) reach their outcome first; the rows still lingering
    // in the group commit are indexed now (nothing more is coming from this association).
    const hospital = this.hospital;
    if (hospital) this.deps.ingest.indexNow(hospital.id);
    while (this.inflight.size > 0) {
      await Promise.allSettled([...this.inflight]);
      if (hospital) this.deps.ingest.indexNow(hospital.id);
    }
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

  /** A handler failed where it must not: log it and drop the connection (its state is unknown). */
  private fail(err: unknown, where: string): void {
    this.logger.error({ err, where }, 'DIMSE handler failed; closing the connection');
    this.socket.destroy();
  }

  private closeAfterArtim(): void {
    setTimeout(() => this.socket.destroy(), ARTIM_MS).unref();
  }
}

/**
 * One C-STORE data set on its way to disk: the Part 10 meta header, then the received fragments exactly as they
 * arrive, go to a blob writer (hashed there); only the first INSTANCE_HEAD_BYTES stay in memory, for the header
 * parser. When the writer is not open yet, fragments wait for it; when writes fall behind, the socket stops reading.
 */
class InstanceReceiver {
  private readonly head = Buffer.allocUnsafe(INSTANCE_HEAD_BYTES);
  private headBytes = 0;
  /** The head, read as soon as it was complete (while the rest arrives): parsing it is then off the latency path. */
  private headRead: InstanceHead | null | undefined = undefined;
  private writer: SpoolWriter | null = null;
  private waiting: Buffer[] | null = null;
  private readonly opened: Promise<SpoolWriter>;
  private error: unknown = null;
  private paused = false;
  datasetBytes = 0;
  overLimit = false;

  constructor(
    writer: SpoolWriter | Promise<SpoolWriter>,
    meta: Buffer,
    private readonly limit: number,
    private readonly socket: net.Socket,
    private readonly lookup: EarlyLookup | undefined,
  ) {
    if (writer instanceof Promise) {
      this.waiting = [];
      this.opened = writer.then((w) => {
        this.writer = w;
        for (const chunk of this.waiting ?? []) this.toWriter(w, chunk);
        this.waiting = null;
        return w;
      });
      this.opened.catch((err: unknown) => {
        this.error = err;
        this.waiting = null;
      });
    } else {
      this.writer = writer;
      this.opened = Promise.resolve(writer);
    }
    this.keep(meta);
    this.send(meta);
  }

  write(chunk: Buffer): void {
    this.datasetBytes += chunk.length;
    if (this.overLimit) return;
    if (this.datasetBytes > this.limit) {
      this.overLimit = true;
      return;
    }
    this.keep(chunk);
    this.send(chunk);
  }

  /** Every byte written: what ingest needs. */
  async complete(): Promise<ReceivedInstance> {
    const writer = await this.opened;
    return { head: this.head.subarray(0, this.headBytes), blob: writer, lookup: this.lookup, headRead: this.headRead };
  }

  /** Drops the instance (refused, or the connection went away); never throws. */
  async abandon(): Promise<void> {
    this.overLimit = true;
    this.resume();
    const writer = await this.opened.catch(() => null);
    await writer?.discard();
  }

  private keep(chunk: Buffer): void {
    if (this.headBytes >= INSTANCE_HEAD_BYTES) return;
    this.headBytes += chunk.copy(this.head, this.headBytes, 0, Math.min(chunk.length, INSTANCE_HEAD_BYTES - this.headBytes));
    if (this.headBytes === INSTANCE_HEAD_BYTES) this.headRead = readHeadSafely(this.head);
  }

  private send(chunk: Buffer): void {
    if (this.error) return;
    if (this.writer) this.toWriter(this.writer, chunk);
    else this.waiting?.push(chunk);
  }

  private toWriter(writer: SpoolWriter, chunk: Buffer): void {
    writer.write(chunk);
    if (writer.pendingBytes > MAX_PENDING_WRITE_BYTES && !this.paused) {
      this.paused = true;
      this.socket.pause();
      void writer.drained().then(() => this.resume());
    }
  }

  private resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (!this.socket.destroyed) this.socket.resume();
  }
}

/** readInstanceHead; null (parse it all later) should it throw anything unexpected. */
function readHeadSafely(head: Buffer): InstanceHead | null {
  try {
    return readInstanceHead(head);
  } catch {
    return null;
  }
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
