/**
 * Part 10 file framing for instances received over DIMSE: a C-STORE carries only the dataset, so the listener
 * writes the 128-byte preamble, "DICM" and the File Meta Information group (PS3.10 7.1) in front of the received
 * dataset bytes, which are kept untouched.
 */

/** Our implementation class UID: 2.25 + a fixed UUID (PS3.5 B.2). */
export const CRUCIATE_IMPLEMENTATION_CLASS_UID = '2.25.40919136305955700188863627079828044189';
/** SH, at most 16 characters. */
export const CRUCIATE_IMPLEMENTATION_VERSION = 'CRUCIATE_1';

export interface FileMetaFields {
  readonly mediaStorageSopClassUid: string;
  readonly mediaStorageSopInstanceUid: string;
  readonly transferSyntaxUid: string;
  /** Calling AE title of the association; left out when empty or not a valid AE value. */
  readonly sourceAeTitle?: string | null;
  readonly implementationClassUid?: string;
  readonly implementationVersionName?: string;
}

const PREAMBLE_AND_PREFIX = 132;

/** Preamble, "DICM" and the whole File Meta Information group (explicit VR little endian). */
export function fileMetaHeader(fields: FileMetaFields): Buffer {
  const elements: Buffer[] = [
    element(0x0001, 'OB', Buffer.from([0x00, 0x01])),
    element(0x0002, 'UI', uiValue(fields.mediaStorageSopClassUid)),
    element(0x0003, 'UI', uiValue(fields.mediaStorageSopInstanceUid)),
    element(0x0010, 'UI', uiValue(fields.transferSyntaxUid)),
    element(0x0012, 'UI', uiValue(fields.implementationClassUid ?? CRUCIATE_IMPLEMENTATION_CLASS_UID)),
    element(0x0013, 'SH', textValue(fields.implementationVersionName ?? CRUCIATE_IMPLEMENTATION_VERSION)),
  ];
  const source = fields.sourceAeTitle?.trim();
  if (source && isAeTitle(source)) elements.push(element(0x0016, 'AE', textValue(source)));
  const body = Buffer.concat(elements);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(body.length);
  const header = Buffer.alloc(PREAMBLE_AND_PREFIX);
  header.write('DICM', 128, 'latin1');
  return Buffer.concat([header, element(0x0000, 'UL', groupLength), body]);
}

/** The Part 10 bytes: meta header, then the dataset chunks exactly as received. */
export function part10File(fields: FileMetaFields, dataset: readonly Uint8Array[]): Buffer {
  return Buffer.concat([fileMetaHeader(fields), ...dataset]);
}

/** AE (PS3.5 6.2): up to 16 characters of the default repertoire, no backslash or control characters. */
export function isAeTitle(value: string): boolean {
  return value.length > 0 && value.length <= 16 && /^[\x20-\x5b\x5d-\x7e]+$/.test(value);
}

function element(elementNumber: number, vr: 'OB' | 'UI' | 'SH' | 'AE' | 'UL', value: Buffer): Buffer {
  if (vr === 'OB') {
    const head = Buffer.alloc(12);
    head.writeUInt16LE(0x0002, 0);
    head.writeUInt16LE(elementNumber, 2);
    head.write(vr, 4, 'latin1');
    head.writeUInt32LE(value.length, 8);
    return Buffer.concat([head, value]);
  }
  if (value.length > 0xffff) throw new Error(`file meta element (0002,${elementNumber.toString(16).padStart(4, '0')}) too long`);
  const head = Buffer.alloc(8);
  head.writeUInt16LE(0x0002, 0);
  head.writeUInt16LE(elementNumber, 2);
  head.write(vr, 4, 'latin1');
  head.writeUInt16LE(value.length, 6);
  return Buffer.concat([head, value]);
}

/** UI values are padded to even length with a NUL. */
function uiValue(uid: string): Buffer {
  const trimmed = uid.replace(/[\0 ]+$/, '');
  const bytes = Buffer.from(trimmed, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from([0])]);
}

/** Text values are padded to even length with a space. */
function textValue(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.from(' ', 'latin1')]);
}
