import { inflateRawSync } from 'node:zlib';
import dicomParser, { type DataSet, type Element } from 'dicom-parser';
import { DicomRejectError, SOP_CLASS, TRANSFER_SYNTAX, type ParsedInstance } from './types.js';

/** Default upper bound on one instance (64 MiB). */
export const DEFAULT_MAX_INSTANCE_BYTES = 64 * 1024 * 1024;

export interface ParseInstanceOptions {
  /** Larger inputs are rejected with TOO_LARGE before parsing. */
  readonly maxBytes?: number;
}

const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;
const MAX_UID_LENGTH = 64;
const UNDEFINED_LENGTH = 0xffffffff;

/** Transfer syntaxes whose pixel data is stored native (not encapsulated). */
export const UNCOMPRESSED_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set([
  TRANSFER_SYNTAX.IMPLICIT_VR_LITTLE_ENDIAN,
  TRANSFER_SYNTAX.EXPLICIT_VR_LITTLE_ENDIAN,
  TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN,
]);

const SUPPORTED_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set(Object.values(TRANSFER_SYNTAX));
const SUPPORTED_SOP_CLASSES: ReadonlySet<string> = new Set(Object.values(SOP_CLASS));

/** Tag in dicom-parser's form ('x0020000d') -> DICOM's written form ('(0020,000D)'). */
function tagLabel(tag: string): string {
  return `(${tag.slice(1, 5).toUpperCase()},${tag.slice(5, 9).toUpperCase()})`;
}

function attributeLabel(keyword: string, tag: string): string {
  return `${keyword} ${tagLabel(tag)}`;
}

/** The text of whatever dicom-parser threw: a string, an Error, or `{ exception, dataSet }`. */
function parserErrorText(error: unknown): string {
  if (typeof error === 'string') return error;
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'exception' in error) return parserErrorText(error.exception);
  return String(error);
}

const TRUNCATION_TEXT =
  /overrun|overread|past end of buffer|eof encountered|cannot seek|missing sequence delimiter|unexpected end of file|greater than or equal to 'byteArray' length/i;

function parseFailure(error: unknown, what: string): DicomRejectError {
  const text = parserErrorText(error);
  if (TRUNCATION_TEXT.test(text)) {
    return new DicomRejectError('TRUNCATED', `${what} ends early or an element length runs past the end of the file (${text})`);
  }
  return new DicomRejectError('NOT_DICOM', `${what} could not be parsed as DICOM (${text})`);
}

function hasDicmPrefix(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function readMetaHeader(bytes: Uint8Array): DataSet & { position?: number } {
  try {
    return dicomParser.readPart10Header(bytes);
  } catch (error) {
    throw parseFailure(error, 'the file meta information');
  }
}

/** End of the file meta group: where the dataset starts. */
function metaEnd(meta: DataSet & { position?: number }): number {
  if (typeof meta.position === 'number') return meta.position;
  return Object.values(meta.elements).reduce((end, el) => Math.max(end, el.dataOffset + el.length), 132);
}

/** One decoder each, made once: making a TextDecoder costs more than decoding an attribute (about 30 per instance). */
const UTF8 = new TextDecoder('utf-8');
const LATIN1 = new TextDecoder('latin1');

function decodeText(bytes: Uint8Array, utf8: boolean): string {
  return (utf8 ? UTF8 : LATIN1).decode(bytes);
}

/**
 * For the deflated transfer syntax: preamble + file meta + the inflated dataset, with the meta's transfer syntax
 * rewritten (same length, NUL padded) to explicit VR little endian so the result parses as a plain Part 10 file.
 * For any other transfer syntax the input itself. `ParsedInstance.pixelData` offsets refer to this array.
 */
export function inflatePart10(bytes: Uint8Array): Uint8Array {
  if (!hasDicmPrefix(bytes)) return bytes;
  const meta = readMetaHeader(bytes);
  const ts = meta.elements['x00020010'];
  if (!ts || meta.string('x00020010') !== TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) return bytes;
  const start = metaEnd(meta);
  let inflated: Uint8Array;
  try {
    inflated = inflateRawSync(bytes.subarray(start));
  } catch (error) {
    throw new DicomRejectError('TRUNCATED', `the deflated dataset cannot be inflated: it is truncated or corrupt (${parserErrorText(error)})`);
  }
  const out = new Uint8Array(start + inflated.length);
  out.set(bytes.subarray(0, start), 0);
  out.set(inflated, start);
  const explicit = new TextEncoder().encode(TRANSFER_SYNTAX.EXPLICIT_VR_LITTLE_ENDIAN);
  out.fill(0, ts.dataOffset, ts.dataOffset + ts.length);
  out.set(explicit.subarray(0, ts.length), ts.dataOffset);
  return out;
}

function rawText(ds: DataSet, tag: string, utf8: boolean): string | null {
  const el = ds.elements[tag];
  if (!el || el.length === 0 || el.length === UNDEFINED_LENGTH) return null;
  return decodeText(ds.byteArray.subarray(el.dataOffset, el.dataOffset + el.length), utf8);
}

/** Reads attribute values from a parsed dataset, honouring UTF-8 (ISO_IR 192) when the dataset declares it. */
class AttributeReader {
  private readonly utf8: boolean;

  constructor(private readonly ds: DataSet) {
    this.utf8 = (rawText(ds, 'x00080005', false) ?? '').includes('ISO_IR 192');
  }

  element(tag: string): Element | undefined {
    return this.ds.elements[tag];
  }

  /** All values of a string attribute, trimmed of padding; [] when absent or empty. */
  strings(tag: string): string[] {
    const raw = rawText(this.ds, tag, this.utf8);
    if (raw === null) return [];
    return raw.split('\\').map((v) => v.replace(/\0+$/, '').trim());
  }

  /** The first value, or null when absent or empty. */
  string(tag: string): string | null {
    const first = this.strings(tag)[0];
    return first === undefined || first === '' ? null : first;
  }

  /** IS/DS values as numbers; null when absent, empty or not numeric. */
  numbers(tag: string): number[] | null {
    const values = this.strings(tag);
    if (values.length === 0) return null;
    const parsed = values.map((v) => (v === '' ? Number.NaN : Number(v)));
    return parsed.every((n) => Number.isFinite(n)) ? parsed : null;
  }

  number(tag: string): number | null {
    const values = this.numbers(tag);
    return values?.[0] ?? null;
  }

  uint16(tag: string): number | null {
    const el = this.ds.elements[tag];
    if (!el || el.length < 2) return null;
    return this.ds.uint16(tag) ?? null;
  }
}

/** The first element (nested items included) whose value runs past the end of the bytes, if any. */
function findOverrun(dataSet: DataSet, end: number): Element | null {
  return findOverrunIn(dataSet.elements, end);
}

function findOverrunIn(elements: DataSet['elements'], end: number, except?: Element): Element | null {
  for (const el of Object.values(elements)) {
    if (el === except) continue;
    if (el.length !== UNDEFINED_LENGTH && el.dataOffset + el.length > end) return el;
    for (const item of el.items ?? []) {
      const nested = item.dataSet ? findOverrun(item.dataSet, end) : null;
      if (nested) return nested;
    }
  }
  return null;
}

function checkUid(value: string, label: string): void {
  if (value.length > MAX_UID_LENGTH) {
    throw new DicomRejectError('INVALID_ATTRIBUTE', `${label} is ${value.length} characters long; a UID has at most ${MAX_UID_LENGTH}`);
  }
  if (!UID_PATTERN.test(value)) {
    throw new DicomRejectError('INVALID_ATTRIBUTE', `${label} '${value}' is not a valid UID (digits separated by dots)`);
  }
}

function requireUid(reader: AttributeReader, keyword: string, tag: string): string {
  const value = reader.string(tag);
  if (value === null) throw new DicomRejectError('MISSING_ATTRIBUTE', `${attributeLabel(keyword, tag)} is missing`);
  checkUid(value, attributeLabel(keyword, tag));
  return value;
}

function requireUint16(reader: AttributeReader, keyword: string, tag: string): number {
  const value = reader.uint16(tag);
  if (value === null) throw new DicomRejectError('MISSING_ATTRIBUTE', `image attribute ${attributeLabel(keyword, tag)} is missing`);
  if (value === 0) throw new DicomRejectError('INVALID_ATTRIBUTE', `image attribute ${attributeLabel(keyword, tag)} is 0`);
  return value;
}

/** Bytes of native pixel data a frame set needs (PS3.5 8.1.1; YBR_*_422 stores two samples per pixel). */
export function expectedPixelDataLength(p: {
  rows: number;
  columns: number;
  numberOfFrames: number;
  samplesPerPixel: number;
  bitsAllocated: number;
  photometricInterpretation: string | null;
}): number {
  const samples = p.photometricInterpretation?.endsWith('_422') ? 2 : p.samplesPerPixel;
  return Math.ceil((p.rows * p.columns * p.numberOfFrames * samples * p.bitsAllocated) / 8);
}

/**
 * Reads and validates one DICOM Part 10 instance header (the whole dataset is walked so the pixel data offset is
 * known, but pixel values are neither copied nor decoded). Throws DicomRejectError with a specific code.
 */
export function parseInstance(bytes: Uint8Array, options: ParseInstanceOptions = {}): ParsedInstance {
  checkSize(bytes.length, options);
  if (!hasDicmPrefix(bytes)) {
    throw new DicomRejectError('NOT_DICOM', 'not a DICOM Part 10 file: no "DICM" prefix after the 128-byte preamble');
  }

  const metaSet = readMetaHeader(bytes);
  const metaOverrun = findOverrun(metaSet, bytes.length);
  if (metaOverrun) {
    throw new DicomRejectError('TRUNCATED', `the file ends inside file meta element ${tagLabel(metaOverrun.tag)}`);
  }
  const groupLength = metaSet.elements['x00020000'] ? metaSet.uint32('x00020000') : undefined;
  if (groupLength !== undefined && bytes.length < 144 + groupLength) {
    throw new DicomRejectError('TRUNCATED', `the file ends inside the file meta information (${groupLength} bytes declared, ${bytes.length - 144} present)`);
  }
  if (metaEnd(metaSet) >= bytes.length) {
    throw new DicomRejectError('TRUNCATED', 'the file ends after the file meta information: there is no dataset');
  }
  const meta = new AttributeReader(metaSet);
  const transferSyntaxUid = meta.string('x00020010');
  if (transferSyntaxUid === null) {
    throw new DicomRejectError('MISSING_ATTRIBUTE', `${attributeLabel('TransferSyntaxUID', 'x00020010')} is missing from the file meta information`);
  }
  checkUid(transferSyntaxUid, attributeLabel('TransferSyntaxUID', 'x00020010'));
  if (!SUPPORTED_TRANSFER_SYNTAXES.has(transferSyntaxUid)) {
    throw new DicomRejectError('TRANSFER_SYNTAX_NOT_SUPPORTED', `transfer syntax ${transferSyntaxUid} is not supported`);
  }

  const source = transferSyntaxUid === TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN ? inflatePart10(bytes) : bytes;
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(source);
  } catch (error) {
    throw parseFailure(error, 'the dataset');
  }
  const truncationWarning = dataSet.warnings.find((w) => TRUNCATION_TEXT.test(w));
  if (truncationWarning !== undefined) {
    throw new DicomRejectError('TRUNCATED', `the dataset ends early (${truncationWarning})`);
  }
  // dicom-parser's implicit VR reader skips over element values without checking that they fit.
  const overrun = findOverrun(dataSet, source.length);
  if (overrun) {
    throw new DicomRejectError(
      'TRUNCATED',
      `element ${tagLabel(overrun.tag)} declares ${overrun.length} bytes but only ${Math.max(0, source.length - overrun.dataOffset)} remain: the file is truncated or the length is wrong`,
    );
  }
  return describeInstance(meta, dataSet, transferSyntaxUid, source.length);
}

/**
 * parseInstance for an object that is streamed to disk: `head` is its first bytes (at least the file meta and
 * every element before the pixel data), `totalBytes` its whole length. Answers exactly what parseInstance of the
 * whole object would, or null where the head cannot prove that (deflated transfer syntax, encapsulated pixel data,
 * elements after the pixel data, a head too short or malformed): the caller then parses the whole object.
 */
export function parseInstanceHead(head: Uint8Array, totalBytes: number, options: ParseInstanceOptions = {}): ParsedInstance | null {
  checkSize(totalBytes, options);
  if (head.length >= totalBytes) return parseInstance(head.subarray(0, totalBytes), options);
  const read = readInstanceHead(head);
  return read && completeInstanceHead(read, totalBytes, options);
}

/**
 * What the first bytes of an object say before its length is known (readInstanceHead): the whole of
 * parseInstanceHead's work but for the checks that need the length (completeInstanceHead). A receiver reads the head
 * as soon as it has it, while the rest of the object is still arriving.
 */
export interface InstanceHead {
  /** Where the pixel data ends: the object must end there for the head to speak for it. */
  readonly end: number;
  /** The file meta information's group length, when present. */
  readonly groupLength: number | undefined;
  /** The instance as parseInstance would describe it, or the reason it would refuse it. */
  readonly result: ParsedInstance | DicomRejectError;
}

/**
 * Reads an object's head (see InstanceHead): null where the head cannot speak for the object (as parseInstanceHead),
 * however long the object turns out to be. `head` must be shorter than the object.
 */
export function readInstanceHead(head: Uint8Array): InstanceHead | null {
  if (!hasDicmPrefix(head)) return null;
  let metaSet: DataSet & { position?: number };
  let dataSet: DataSet;
  try {
    metaSet = dicomParser.readPart10Header(head);
    if (findOverrun(metaSet, head.length) || metaEnd(metaSet) >= head.length) return null;
    const transferSyntaxUid = new AttributeReader(metaSet).string('x00020010');
    if (transferSyntaxUid === null || transferSyntaxUid === TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN) return null;
    if (!SUPPORTED_TRANSFER_SYNTAXES.has(transferSyntaxUid) || !UNCOMPRESSED_TRANSFER_SYNTAXES.has(transferSyntaxUid)) return null;
    dataSet = dicomParser.parseDicom(head, { untilTag: PIXEL_DATA_TAG });
  } catch {
    return null;
  }
  if (dataSet.warnings.length > 0) return null;
  const pixel = dataSet.elements[PIXEL_DATA_TAG];
  if (!pixel || pixel.length === UNDEFINED_LENGTH || pixel.encapsulatedPixelData === true) return null;
  // Everything before the pixel data is in the head and within its bounds; the pixel data must end the object exactly.
  if (pixel.dataOffset > head.length) return null;
  if (findOverrunIn(dataSet.elements, pixel.dataOffset, pixel)) return null;
  const groupLength = metaSet.elements['x00020000'] ? metaSet.uint32('x00020000') : undefined;
  const meta = new AttributeReader(metaSet);
  const transferSyntaxUid = meta.string('x00020010');
  if (transferSyntaxUid === null) return null;
  const end = pixel.dataOffset + pixel.length;
  let result: ParsedInstance | DicomRejectError;
  try {
    checkUid(transferSyntaxUid, attributeLabel('TransferSyntaxUID', 'x00020010'));
    result = describeInstance(meta, dataSet, transferSyntaxUid, end);
  } catch (err) {
    if (!(err instanceof DicomRejectError)) throw err;
    result = err;
  }
  return { end, groupLength, result };
}

/** parseInstanceHead's answer from a head read before the object's length was known (readInstanceHead). */
export function completeInstanceHead(read: InstanceHead, totalBytes: number, options: ParseInstanceOptions = {}): ParsedInstance | null {
  checkSize(totalBytes, options);
  if (read.end !== totalBytes) return null;
  if (read.groupLength !== undefined && totalBytes < 144 + read.groupLength) return null;
  if (read.result instanceof DicomRejectError) throw read.result;
  return read.result;
}

function checkSize(totalBytes: number, options: ParseInstanceOptions): void {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INSTANCE_BYTES;
  if (totalBytes > maxBytes) {
    throw new DicomRejectError('TOO_LARGE', `instance is ${totalBytes} bytes; the limit is ${maxBytes} bytes`);
  }
}

const PIXEL_DATA_TAG = 'x7fe00010';

/** Validates the parsed attributes and maps them to a ParsedInstance (`length`: bytes of the whole object as parsed). */
function describeInstance(meta: AttributeReader, dataSet: DataSet, transferSyntaxUid: string, length: number): ParsedInstance {
  const ds = new AttributeReader(dataSet);

  const sopClassUid = requireUid(ds, 'SOPClassUID', 'x00080016');
  const sopInstanceUid = requireUid(ds, 'SOPInstanceUID', 'x00080018');
  const studyInstanceUid = requireUid(ds, 'StudyInstanceUID', 'x0020000d');
  const seriesInstanceUid = requireUid(ds, 'SeriesInstanceUID', 'x0020000e');

  const mediaSopClassUid = meta.string('x00020002');
  if (mediaSopClassUid !== null && mediaSopClassUid !== sopClassUid) {
    throw new DicomRejectError(
      'INVALID_ATTRIBUTE',
      `${attributeLabel('MediaStorageSOPClassUID', 'x00020002')} ${mediaSopClassUid} differs from the dataset's SOPClassUID ${sopClassUid}`,
    );
  }
  const mediaSopInstanceUid = meta.string('x00020003');
  if (mediaSopInstanceUid !== null && mediaSopInstanceUid !== sopInstanceUid) {
    throw new DicomRejectError(
      'INVALID_ATTRIBUTE',
      `${attributeLabel('MediaStorageSOPInstanceUID', 'x00020003')} ${mediaSopInstanceUid} differs from the dataset's SOPInstanceUID ${sopInstanceUid}`,
    );
  }
  if (!SUPPORTED_SOP_CLASSES.has(sopClassUid)) {
    throw new DicomRejectError(
      'SOP_CLASS_NOT_SUPPORTED',
      `SOP class ${sopClassUid} is not supported (accepted: MR Image, Enhanced MR Image, Secondary Capture)`,
    );
  }

  // Every accepted SOP class is an image.
  const rows = requireUint16(ds, 'Rows', 'x00280010');
  const columns = requireUint16(ds, 'Columns', 'x00280011');
  const bitsAllocated = requireUint16(ds, 'BitsAllocated', 'x00280100');
  const pixelElement = ds.element('x7fe00010');
  if (!pixelElement) throw new DicomRejectError('MISSING_ATTRIBUTE', `image attribute ${attributeLabel('PixelData', 'x7fe00010')} is missing`);

  const samplesPerPixel = ds.uint16('x00280002');
  const photometricInterpretation = ds.string('x00280004');
  const frames = ds.number('x00280008');
  if (frames !== null && (!Number.isInteger(frames) || frames < 1)) {
    throw new DicomRejectError('INVALID_ATTRIBUTE', `${attributeLabel('NumberOfFrames', 'x00280008')} '${frames}' is not a positive integer`);
  }
  const numberOfFrames = frames ?? 1;

  const encapsulated = pixelElement.encapsulatedPixelData === true;
  const uncompressed = UNCOMPRESSED_TRANSFER_SYNTAXES.has(transferSyntaxUid);
  if (uncompressed && encapsulated) {
    throw new DicomRejectError('PIXEL_DATA_MISMATCH', `pixel data is encapsulated but transfer syntax ${transferSyntaxUid} stores it native`);
  }
  if (!uncompressed && !encapsulated) {
    throw new DicomRejectError('PIXEL_DATA_MISMATCH', `transfer syntax ${transferSyntaxUid} is compressed but the pixel data is not encapsulated`);
  }
  if (encapsulated) {
    const end = pixelElement.dataOffset + pixelElement.length;
    const overrun = (pixelElement.fragments ?? []).some((f) => f.position + f.length > length);
    if (end > length || overrun) throw new DicomRejectError('TRUNCATED', 'the encapsulated pixel data runs past the end of the file');
    if ((pixelElement.fragments ?? []).length === 0) throw new DicomRejectError('PIXEL_DATA_MISMATCH', 'the encapsulated pixel data has no fragments');
  } else {
    const expected = expectedPixelDataLength({
      rows,
      columns,
      numberOfFrames,
      samplesPerPixel: samplesPerPixel ?? 1,
      bitsAllocated,
      photometricInterpretation,
    });
    const actual = pixelElement.length;
    if (actual !== expected && !(expected % 2 === 1 && actual === expected + 1)) {
      throw new DicomRejectError(
        'PIXEL_DATA_MISMATCH',
        `pixel data is ${actual} bytes; ${rows}x${columns} pixels x ${numberOfFrames} frame(s) x ${samplesPerPixel ?? 1} sample(s) at ${bitsAllocated} bits need ${expected}`,
      );
    }
  }

  const birthDate = ds.string('x00100030');
  const birthYear = birthDate !== null && /^\d{4}/.test(birthDate) ? Number(birthDate.slice(0, 4)) : null;
  const seriesNumber = ds.number('x00200011');
  const instanceNumber = ds.number('x00200013');
  const orientation = ds.numbers('x00200037');
  const position = ds.numbers('x00200032');
  const spacing = ds.numbers('x00280030');

  return {
    transferSyntaxUid,
    sopClassUid,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    patientId: ds.string('x00100020'),
    patientSex: ds.string('x00100040'),
    patientBirthYear: birthYear,
    studyDate: ds.string('x00080020'),
    studyTime: ds.string('x00080030'),
    accessionNumber: ds.string('x00080050'),
    studyDescription: ds.string('x00081030'),
    modality: ds.string('x00080060'),
    seriesDescription: ds.string('x0008103e'),
    seriesNumber: seriesNumber !== null && Number.isInteger(seriesNumber) ? seriesNumber : null,
    bodyPartExamined: ds.string('x00180015'),
    instanceNumber: instanceNumber !== null && Number.isInteger(instanceNumber) ? instanceNumber : null,
    imageOrientationPatient: orientation?.length === 6 ? orientation : null,
    imagePositionPatient: position?.length === 3 ? position : null,
    sliceLocation: ds.number('x00201041'),
    sliceThickness: ds.number('x00180050'),
    pixelSpacing: spacing?.length === 2 ? spacing : null,
    rows,
    columns,
    bitsAllocated,
    bitsStored: ds.uint16('x00280101'),
    pixelRepresentation: ds.uint16('x00280103'),
    samplesPerPixel,
    photometricInterpretation,
    numberOfFrames,
    windowCenter: ds.number('x00281050'),
    windowWidth: ds.number('x00281051'),
    rescaleSlope: ds.number('x00281053'),
    rescaleIntercept: ds.number('x00281052'),
    pixelData: { offset: pixelElement.dataOffset, length: pixelElement.length, encapsulated },
  };
}
