/**
 * The DICOM upper layer protocol (PS3.8 section 9), as much of it as an SCP of C-ECHO and C-STORE needs: framing of
 * the byte stream into PDUs, A-ASSOCIATE-RQ decoding, and encoders for A-ASSOCIATE-AC/RJ, A-RELEASE-RP, A-ABORT and
 * P-DATA-TF. P-DATA-TF is not buffered whole: its presentation data values are handed on as slices of the received
 * chunks as they arrive, so an instance can stream to disk.
 */

export const PduType = {
  ASSOCIATE_RQ: 0x01,
  ASSOCIATE_AC: 0x02,
  ASSOCIATE_RJ: 0x03,
  P_DATA_TF: 0x04,
  RELEASE_RQ: 0x05,
  RELEASE_RP: 0x06,
  ABORT: 0x07,
} as const;

/** The DICOM application context name (PS3.7 Annex A.2.1). */
export const APPLICATION_CONTEXT_NAME = '1.2.840.10008.3.1.1.1';

/** Message control header bits of a PDV (PS3.8 E.2). */
export const PDV_COMMAND = 0x01;
export const PDV_LAST = 0x02;

/** A-ASSOCIATE-RJ fields (PS3.8 9.3.4). */
export const RejectResult = { PERMANENT: 1, TRANSIENT: 2 } as const;
export const RejectSource = { SERVICE_USER: 1, SERVICE_PROVIDER_ACSE: 2, SERVICE_PROVIDER_PRESENTATION: 3 } as const;
export const RejectReason = {
  NO_REASON: 1,
  APPLICATION_CONTEXT_NOT_SUPPORTED: 2,
  CALLING_AE_NOT_RECOGNIZED: 3,
  CALLED_AE_NOT_RECOGNIZED: 7,
  /** With source SERVICE_PROVIDER_ACSE. */
  PROTOCOL_VERSION_NOT_SUPPORTED: 2,
  /** With source SERVICE_PROVIDER_PRESENTATION. */
  TEMPORARY_CONGESTION: 1,
} as const;

/** Presentation context results in A-ASSOCIATE-AC (PS3.8 9.3.3.2). */
export const ContextResult = {
  ACCEPT: 0,
  USER_REJECTION: 1,
  NO_REASON: 2,
  ABSTRACT_SYNTAX_NOT_SUPPORTED: 3,
  TRANSFER_SYNTAXES_NOT_SUPPORTED: 4,
} as const;

/** A-ABORT source and reason (PS3.8 9.3.8). */
export const AbortSource = { SERVICE_USER: 0, SERVICE_PROVIDER: 2 } as const;
export const AbortReason = {
  NOT_SPECIFIED: 0,
  UNRECOGNIZED_PDU: 1,
  UNEXPECTED_PDU: 2,
  UNRECOGNIZED_PARAMETER: 4,
  UNEXPECTED_PARAMETER: 5,
  INVALID_PARAMETER: 6,
} as const;

/** The peer broke the protocol; the connection is aborted. */
export class PduError extends Error {
  constructor(
    message: string,
    readonly abortReason: number = AbortReason.INVALID_PARAMETER,
  ) {
    super(message);
    this.name = 'PduError';
  }
}

export interface ProposedContext {
  readonly id: number;
  readonly abstractSyntaxUid: string;
  readonly transferSyntaxUids: readonly string[];
}

export interface AssociateRequest {
  readonly protocolVersion: number;
  /** Trimmed. */
  readonly calledAe: string;
  readonly callingAe: string;
  /** The 64 bytes of AE titles and reserved field, echoed in the A-ASSOCIATE-AC. */
  readonly titles: Buffer;
  readonly applicationContext: string | null;
  readonly contexts: readonly ProposedContext[];
  /** The requestor's maximum PDU length (0: unlimited). */
  readonly maxPduLength: number;
}

export interface PduEvents {
  /** A whole PDU other than P-DATA-TF. */
  pdu(type: number, body: Buffer): void;
  /** A piece of a presentation data value; `end` on its last piece. A PDV's pieces arrive in order. */
  pdv(contextId: number, control: number, data: Buffer, end: boolean): void;
}

const PDU_TYPES: ReadonlySet<number> = new Set(Object.values(PduType));

/**
 * Splits one connection's byte stream into PDUs. A PDU of unknown type, or longer than `maxPduBytes`, is refused at
 * its header (before its body is buffered). P-DATA-TF is parsed as it arrives and its PDVs are passed on in pieces.
 */
export class PduStream {
  private readonly header = Buffer.alloc(6);
  private headerBytes = 0;
  /** A non-P-DATA PDU body being gathered, and its type. */
  private body: Buffer | null = null;
  private pendingType = 0;
  private bodyBytes = 0;
  /** Inside a P-DATA-TF: bytes of it left, the current PDV's header and the bytes left of its value. */
  private inPData = false;
  private pduRemaining = 0;
  private readonly itemHeader = Buffer.alloc(6);
  private itemHeaderBytes = 0;
  private itemRemaining = 0;
  private contextId = 0;
  private control = 0;
  private failed: PduError | null = null;

  constructor(
    private readonly maxPduBytes: number,
    private readonly events: PduEvents,
  ) {}

  /** Feeds received bytes; throws PduError (and keeps refusing) once the peer broke the framing. */
  push(chunk: Buffer): void {
    if (this.failed) throw this.failed;
    try {
      this.consume(chunk);
    } catch (err) {
      if (err instanceof PduError) this.failed = err;
      throw err;
    }
  }

  private consume(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.inPData) {
        offset = this.consumePData(chunk, offset);
        continue;
      }
      if (this.body) {
        const take = Math.min(this.body.length - this.bodyBytes, chunk.length - offset);
        chunk.copy(this.body, this.bodyBytes, offset, offset + take);
        this.bodyBytes += take;
        offset += take;
        if (this.bodyBytes === this.body.length) this.emitBody();
        continue;
      }
      const take = Math.min(6 - this.headerBytes, chunk.length - offset);
      chunk.copy(this.header, this.headerBytes, offset, offset + take);
      this.headerBytes += take;
      offset += take;
      if (this.headerBytes < 6) break;
      this.headerBytes = 0;
      const type = this.header.readUInt8(0);
      const length = this.header.readUInt32BE(2);
      if (!PDU_TYPES.has(type)) throw new PduError(`unknown PDU type 0x${type.toString(16).padStart(2, '0')}`, AbortReason.UNRECOGNIZED_PDU);
      if (length > this.maxPduBytes) throw new PduError(`PDU of ${length} bytes exceeds the limit of ${this.maxPduBytes}`);
      if (type === PduType.P_DATA_TF) {
        this.inPData = length > 0;
        this.pduRemaining = length;
      } else {
        this.pendingType = type;
        this.body = Buffer.alloc(length);
        this.bodyBytes = 0;
        if (length === 0) this.emitBody();
      }
    }
  }

  private emitBody(): void {
    const body = this.body!;
    this.body = null;
    this.events.pdu(this.pendingType, body);
  }

  private consumePData(chunk: Buffer, start: number): number {
    let offset = start;
    if (this.itemRemaining === 0 && this.itemHeaderBytes < 6) {
      const take = Math.min(6 - this.itemHeaderBytes, chunk.length - offset);
      chunk.copy(this.itemHeader, this.itemHeaderBytes, offset, offset + take);
      this.itemHeaderBytes += take;
      offset += take;
      if (this.itemHeaderBytes < 6) return offset;
      const itemLength = this.itemHeader.readUInt32BE(0);
      if (itemLength < 2 || itemLength + 4 > this.pduRemaining) {
        throw new PduError(`presentation data value item of ${itemLength} bytes does not fit its P-DATA-TF (${this.pduRemaining} bytes left)`);
      }
      this.contextId = this.itemHeader.readUInt8(4);
      this.control = this.itemHeader.readUInt8(5);
      this.pduRemaining -= 6;
      this.itemRemaining = itemLength - 2;
      if (this.itemRemaining === 0) {
        this.itemDone();
        this.events.pdv(this.contextId, this.control, Buffer.alloc(0), true);
        return offset;
      }
    }
    const take = Math.min(this.itemRemaining, chunk.length - offset);
    const piece = chunk.subarray(offset, offset + take);
    this.itemRemaining -= take;
    this.pduRemaining -= take;
    offset += take;
    const end = this.itemRemaining === 0;
    if (end) this.itemDone();
    this.events.pdv(this.contextId, this.control, piece, end);
    return offset;
  }

  private itemDone(): void {
    this.itemHeaderBytes = 0;
    if (this.pduRemaining === 0) this.inPData = false;
  }
}

/** Decodes the body of an A-ASSOCIATE-RQ (PS3.8 9.3.2). */
export function parseAssociateRequest(body: Buffer): AssociateRequest {
  if (body.length < 68) throw new PduError('A-ASSOCIATE-RQ too short');
  const protocolVersion = body.readUInt16BE(0);
  const titles = Buffer.from(body.subarray(4, 68));
  const calledAe = body.toString('latin1', 4, 20).trim();
  const callingAe = body.toString('latin1', 20, 36).trim();
  let applicationContext: string | null = null;
  const contexts: ProposedContext[] = [];
  let maxPduLength = 0;
  forEachItem(body, 68, body.length, (type, offset, length) => {
    switch (type) {
      case 0x10:
        applicationContext = uidText(body, offset, length);
        break;
      case 0x20: {
        if (length < 4) throw new PduError('presentation context item too short');
        const id = body.readUInt8(offset);
        let abstractSyntaxUid = '';
        const transferSyntaxUids: string[] = [];
        forEachItem(body, offset + 4, offset + length, (sub, subOffset, subLength) => {
          if (sub === 0x30) abstractSyntaxUid = uidText(body, subOffset, subLength);
          else if (sub === 0x40) transferSyntaxUids.push(uidText(body, subOffset, subLength));
        });
        contexts.push({ id, abstractSyntaxUid, transferSyntaxUids });
        break;
      }
      case 0x50:
        forEachItem(body, offset, offset + length, (sub, subOffset, subLength) => {
          if (sub === 0x51 && subLength === 4) maxPduLength = body.readUInt32BE(subOffset);
        });
        break;
      default:
        // Unknown items are ignored (PS3.8 9.3.1: forward compatibility).
        break;
    }
  });
  return { protocolVersion, calledAe, callingAe, titles, applicationContext, contexts, maxPduLength };
}

export interface ContextAnswer {
  readonly id: number;
  readonly result: number;
  /** The accepted transfer syntax (for a rejection: not significant, but still sent). */
  readonly transferSyntaxUid: string;
}

/** A-ASSOCIATE-AC for a request (AE titles echoed), with our maximum receive PDU length and implementation. */
export function associateAccept(
  request: AssociateRequest,
  answers: readonly ContextAnswer[],
  options: { maxPduLength: number; implementationClassUid: string; implementationVersion: string },
): Buffer {
  const maxLength = Buffer.alloc(4);
  maxLength.writeUInt32BE(options.maxPduLength);
  const userInfo = Buffer.concat([
    item(0x51, maxLength),
    item(0x52, Buffer.from(options.implementationClassUid, 'latin1')),
    item(0x55, Buffer.from(options.implementationVersion, 'latin1')),
  ]);
  const version = Buffer.from([0x00, 0x01, 0x00, 0x00]);
  const body = Buffer.concat([
    version,
    request.titles,
    item(0x10, Buffer.from(APPLICATION_CONTEXT_NAME, 'latin1')),
    ...answers.map((a) => item(0x21, Buffer.concat([Buffer.from([a.id, 0, a.result, 0]), item(0x40, Buffer.from(a.transferSyntaxUid, 'latin1'))]))),
    item(0x50, userInfo),
  ]);
  return pdu(PduType.ASSOCIATE_AC, body);
}

export function associateReject(result: number, source: number, reason: number): Buffer {
  return pdu(PduType.ASSOCIATE_RJ, Buffer.from([0, result, source, reason]));
}

export function releaseResponse(): Buffer {
  return pdu(PduType.RELEASE_RP, Buffer.alloc(4));
}

export function abortPdu(source: number, reason: number): Buffer {
  return pdu(PduType.ABORT, Buffer.from([0, 0, source, reason]));
}

/**
 * P-DATA-TF PDUs carrying one message part (command or data set), split into PDVs that respect the peer's maximum
 * PDU length (0: unlimited).
 */
export function pDataTf(contextId: number, isCommand: boolean, data: Buffer, peerMaxPduLength: number): Buffer[] {
  const maxValue = peerMaxPduLength > 0 ? Math.max(1, peerMaxPduLength - 6) : Math.max(1, data.length);
  const out: Buffer[] = [];
  let offset = 0;
  do {
    const take = Math.min(maxValue, data.length - offset);
    const last = offset + take >= data.length;
    const head = Buffer.alloc(12);
    head.writeUInt8(PduType.P_DATA_TF, 0);
    head.writeUInt32BE(6 + take, 2);
    head.writeUInt32BE(2 + take, 6);
    head.writeUInt8(contextId, 10);
    head.writeUInt8((isCommand ? PDV_COMMAND : 0) | (last ? PDV_LAST : 0), 11);
    out.push(head, data.subarray(offset, offset + take));
    offset += take;
  } while (offset < data.length);
  return out;
}

function pdu(type: number, body: Buffer): Buffer {
  const head = Buffer.alloc(6);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(body.length, 2);
  return Buffer.concat([head, body]);
}

function item(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt8(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}

/** Items of the form type(1) reserved(1) length(2) value, from `start` to `end`. */
function forEachItem(body: Buffer, start: number, end: number, visit: (type: number, offset: number, length: number) => void): void {
  let offset = start;
  while (offset < end) {
    if (offset + 4 > end) throw new PduError('A-ASSOCIATE-RQ item header runs past its end');
    const type = body.readUInt8(offset);
    const length = body.readUInt16BE(offset + 2);
    if (offset + 4 + length > end) throw new PduError(`A-ASSOCIATE-RQ item 0x${type.toString(16)} runs past its end`);
    visit(type, offset + 4, length);
    offset += 4 + length;
  }
}

function uidText(body: Buffer, offset: number, length: number): string {
  return body.toString('latin1', offset, offset + length).replace(/[\0 ]+$/, '');
}
