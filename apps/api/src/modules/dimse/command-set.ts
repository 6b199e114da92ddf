import { PduError } from './pdu.js';

/**
 * DIMSE command sets (PS3.7 section 9 and E.1): group 0000 elements, always implicit VR little endian whatever the
 * presentation context's transfer syntax.
 */

export const CommandField = {
  C_STORE_RQ: 0x0001,
  C_STORE_RSP: 0x8001,
  C_ECHO_RQ: 0x0030,
  C_ECHO_RSP: 0x8030,
} as const;

/** CommandDataSetType value meaning "no data set follows". */
export const NO_DATA_SET = 0x0101;

const Tag = {
  GROUP_LENGTH: 0x0000,
  AFFECTED_SOP_CLASS_UID: 0x0002,
  COMMAND_FIELD: 0x0100,
  MESSAGE_ID: 0x0110,
  MESSAGE_ID_BEING_RESPONDED_TO: 0x0120,
  COMMAND_DATA_SET_TYPE: 0x0800,
  STATUS: 0x0900,
  ERROR_COMMENT: 0x0902,
  AFFECTED_SOP_INSTANCE_UID: 0x1000,
} as const;

/** The fields of a request command set this SCP uses. */
export interface CommandRequest {
  readonly commandField: number;
  readonly messageId: number;
  readonly affectedSopClassUid: string;
  readonly affectedSopInstanceUid: string;
  readonly hasDataSet: boolean;
}

/** Decodes a command set; throws PduError when it is malformed or lacks a required element. */
export function parseCommand(bytes: Buffer): CommandRequest {
  const values = new Map<number, Buffer>();
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 8 > bytes.length) throw new PduError('command set element header runs past its end');
    const group = bytes.readUInt16LE(offset);
    const element = bytes.readUInt16LE(offset + 2);
    const length = bytes.readUInt32LE(offset + 4);
    if (group !== 0x0000) throw new PduError(`command set holds element (${hex4(group)},${hex4(element)}) outside group 0000`);
    if (offset + 8 + length > bytes.length) throw new PduError(`command element (0000,${hex4(element)}) runs past the command set`);
    values.set(element, bytes.subarray(offset + 8, offset + 8 + length));
    offset += 8 + length;
  }
  const us = (tag: number): number | null => {
    const v = values.get(tag);
    return v && v.length >= 2 ? v.readUInt16LE(0) : null;
  };
  const text = (tag: number): string => (values.get(tag)?.toString('latin1') ?? '').replace(/[\0 ]+$/, '').trim();
  const commandField = us(Tag.COMMAND_FIELD);
  if (commandField === null) throw new PduError('command set without CommandField (0000,0100)');
  const messageId = us(Tag.MESSAGE_ID);
  if (messageId === null) throw new PduError('command set without MessageID (0000,0110)');
  const dataSetType = us(Tag.COMMAND_DATA_SET_TYPE);
  if (dataSetType === null) throw new PduError('command set without CommandDataSetType (0000,0800)');
  return {
    commandField,
    messageId,
    affectedSopClassUid: text(Tag.AFFECTED_SOP_CLASS_UID),
    affectedSopInstanceUid: text(Tag.AFFECTED_SOP_INSTANCE_UID),
    hasDataSet: dataSetType !== NO_DATA_SET,
  };
}

export interface CommandResponse {
  readonly commandField: number;
  readonly messageIdBeingRespondedTo: number;
  readonly affectedSopClassUid: string;
  readonly affectedSopInstanceUid?: string;
  readonly status: number;
  /** Error Comment (LO): already a valid value (see errorComment). */
  readonly errorComment?: string;
}

/** Encodes a response command set (no data set), elements in ascending tag order, with its group length. */
export function encodeResponse(r: CommandResponse): Buffer {
  const elements: Buffer[] = [
    element(Tag.AFFECTED_SOP_CLASS_UID, padded(r.affectedSopClassUid, 0)),
    element(Tag.COMMAND_FIELD, us(r.commandField)),
    element(Tag.MESSAGE_ID_BEING_RESPONDED_TO, us(r.messageIdBeingRespondedTo)),
    element(Tag.COMMAND_DATA_SET_TYPE, us(NO_DATA_SET)),
    element(Tag.STATUS, us(r.status)),
  ];
  if (r.errorComment) elements.push(element(Tag.ERROR_COMMENT, padded(r.errorComment, 0x20)));
  if (r.affectedSopInstanceUid) elements.push(element(Tag.AFFECTED_SOP_INSTANCE_UID, padded(r.affectedSopInstanceUid, 0)));
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length);
  return Buffer.concat([element(Tag.GROUP_LENGTH, groupLength), body]);
}

function element(tag: number, value: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0000, 0);
  head.writeUInt16LE(tag, 2);
  head.writeUInt32LE(value.length, 4);
  return Buffer.concat([head, value]);
}

function us(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

/** Text padded to even length (UI with NUL, LO with space). */
function padded(text: string, pad: number): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([pad])]);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0').toUpperCase();
}
