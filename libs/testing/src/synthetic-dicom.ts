import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateRawSync } from 'node:zlib';

/**
 * Synthetic knee MR series written as DICOM Part 10 by a small hand-written encoder (explicit/implicit VR little
 * endian, explicit VR big endian, deflated explicit VR little endian). The output passes dciodvfy without errors.
 */

const execFileAsync = promisify(execFile);

/** A fresh UID under the UUID-derived root 2.25 (PS3.5 B.2): never Math.random. */
export function newUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replaceAll('-', '')}`).toString()}`;
}

/** Fixed implementation class UID of this writer (2.25 + a fixed UUID). */
export const SYNTHETIC_IMPLEMENTATION_CLASS_UID = `2.25.${BigInt('0x6b1d2c1e8f6a4b0e9d3c5a7f1e2b4c6d').toString()}`;
export const SYNTHETIC_IMPLEMENTATION_VERSION = 'CRUCIATE_SYN_1';

export const SYNTHETIC_TRANSFER_SYNTAX = {
  'explicit-le': '1.2.840.10008.1.2.1',
  'implicit-le': '1.2.840.10008.1.2',
  'explicit-be': '1.2.840.10008.1.2.2',
  'deflated-le': '1.2.840.10008.1.2.1.99',
} as const;
export type SyntheticEncoding = keyof typeof SYNTHETIC_TRANSFER_SYNTAX;

export const MR_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.4';

export type SyntheticVr =
  | 'AE'
  | 'AS'
  | 'AT'
  | 'CS'
  | 'DA'
  | 'DS'
  | 'DT'
  | 'FD'
  | 'FL'
  | 'IS'
  | 'LO'
  | 'LT'
  | 'OB'
  | 'OW'
  | 'PN'
  | 'SH'
  | 'SL'
  | 'SQ'
  | 'SS'
  | 'ST'
  | 'TM'
  | 'UI'
  | 'UL'
  | 'UN'
  | 'US'
  | 'UT';

/** One data element to write. `tag` is 8 hex digits, group then element ('0020000D'). */
export interface SyntheticElement {
  readonly tag: string;
  readonly vr: SyntheticVr;
  /**
   * Strings for text VRs (several values are joined with a backslash), numbers for binary numeric VRs and for
   * DS/IS, bytes for OB/UN, 16-bit words (Uint16Array, or little-endian Uint8Array) for OW, items for SQ.
   */
  readonly value: string | readonly string[] | number | readonly number[] | Uint8Array | Uint16Array | readonly (readonly SyntheticElement[])[];
}

export interface Part10Options {
  readonly encoding?: SyntheticEncoding;
  /** Overrides of the file meta information; null leaves the attribute out. Defaults come from the dataset. */
  readonly meta?: {
    readonly transferSyntaxUid?: string | null;
    readonly mediaStorageSopClassUid?: string | null;
    readonly mediaStorageSopInstanceUid?: string | null;
  };
}

const LONG_LENGTH_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

class ByteSink {
  private readonly chunks: Buffer[] = [];
  constructor(readonly bigEndian: boolean) {}
  push(chunk: Buffer): void {
    this.chunks.push(chunk);
  }
  u16(value: number): void {
    const b = Buffer.alloc(2);
    if (this.bigEndian) b.writeUInt16BE(value);
    else b.writeUInt16LE(value);
    this.chunks.push(b);
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    if (this.bigEndian) b.writeUInt32BE(value);
    else b.writeUInt32LE(value);
    this.chunks.push(b);
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function formatDecimal(value: number): string {
  const plain = String(value);
  if (plain.length <= 16) return plain;
  for (let digits = 15; digits > 0; digits--) {
    const shorter = value.toPrecision(digits);
    if (shorter.length <= 16) return shorter;
  }
  throw new RangeError(`cannot write ${value} as DS`);
}

function asList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

function valueBytes(element: SyntheticElement, bigEndian: boolean, implicit: boolean): Buffer {
  const { vr, value } = element;
  const numeric = (size: number, write: (b: Buffer, v: number, offset: number) => void): Buffer => {
    const list = asList(value as number | readonly number[]);
    const b = Buffer.alloc(list.length * size);
    list.forEach((v, i) => write(b, v, i * size));
    return b;
  };
  switch (vr) {
    case 'AE':
    case 'AS':
    case 'CS':
    case 'DA':
    case 'DS':
    case 'DT':
    case 'IS':
    case 'LO':
    case 'LT':
    case 'PN':
    case 'SH':
    case 'ST':
    case 'TM':
    case 'UI':
    case 'UT': {
      const parts = asList(value as string | number | readonly (string | number)[]).map((v) =>
        typeof v === 'number' ? (vr === 'DS' ? formatDecimal(v) : String(Math.trunc(v))) : v,
      );
      const text = Buffer.from(parts.join('\\'), 'latin1');
      return text.length % 2 === 0 ? text : Buffer.concat([text, Buffer.from([vr === 'UI' ? 0 : 0x20])]);
    }
    case 'US':
      return numeric(2, (b, v, o) => (bigEndian ? b.writeUInt16BE(v, o) : b.writeUInt16LE(v, o)));
    case 'SS':
      return numeric(2, (b, v, o) => (bigEndian ? b.writeInt16BE(v, o) : b.writeInt16LE(v, o)));
    case 'UL':
      return numeric(4, (b, v, o) => (bigEndian ? b.writeUInt32BE(v, o) : b.writeUInt32LE(v, o)));
    case 'SL':
      return numeric(4, (b, v, o) => (bigEndian ? b.writeInt32BE(v, o) : b.writeInt32LE(v, o)));
    case 'FL':
      return numeric(4, (b, v, o) => (bigEndian ? b.writeFloatBE(v, o) : b.writeFloatLE(v, o)));
    case 'FD':
      return numeric(8, (b, v, o) => (bigEndian ? b.writeDoubleBE(v, o) : b.writeDoubleLE(v, o)));
    case 'AT':
      return numeric(4, (b, v, o) => {
        const group = Math.floor(v / 0x10000);
        const elem = v % 0x10000;
        if (bigEndian) {
          b.writeUInt16BE(group, o);
          b.writeUInt16BE(elem, o + 2);
        } else {
          b.writeUInt16LE(group, o);
          b.writeUInt16LE(elem, o + 2);
        }
      });
    case 'OB':
    case 'UN': {
      const bytes = Buffer.from(value as Uint8Array);
      return bytes.length % 2 === 0 ? bytes : Buffer.concat([bytes, Buffer.alloc(1)]);
    }
    case 'OW': {
      if (value instanceof Uint16Array) {
        const b = Buffer.alloc(value.length * 2);
        value.forEach((w, i) => (bigEndian ? b.writeUInt16BE(w, i * 2) : b.writeUInt16LE(w, i * 2)));
        return b;
      }
      // Bytes are taken as little-endian words; an odd trailing byte is padded (the value length must be even).
      const bytes = Buffer.from(value as Uint8Array);
      const b = Buffer.alloc(bytes.length + (bytes.length % 2));
      bytes.copy(b);
      if (bigEndian) b.swap16();
      return b;
    }
    case 'SQ': {
      const items = value as readonly (readonly SyntheticElement[])[];
      const sink = new ByteSink(bigEndian);
      for (const item of items) {
        const body = encodeElements(item, bigEndian, implicit);
        sink.u16(0xfffe);
        sink.u16(0xe000);
        sink.u32(body.length);
        sink.push(body);
      }
      return sink.toBuffer();
    }
  }
}

/** Encodes elements (sorted by tag) as a dataset body. */
export function encodeElements(elements: readonly SyntheticElement[], bigEndian: boolean, implicit: boolean): Buffer {
  const sink = new ByteSink(bigEndian);
  const sorted = [...elements].sort((a, b) => parseInt(a.tag, 16) - parseInt(b.tag, 16));
  for (const element of sorted) {
    const group = parseInt(element.tag.slice(0, 4), 16);
    const elem = parseInt(element.tag.slice(4, 8), 16);
    const bytes = valueBytes(element, bigEndian, implicit);
    sink.u16(group);
    sink.u16(elem);
    if (implicit) {
      sink.u32(bytes.length);
    } else {
      sink.push(Buffer.from(element.vr, 'latin1'));
      if (LONG_LENGTH_VRS.has(element.vr)) {
        sink.u16(0);
        sink.u32(bytes.length);
      } else {
        if (bytes.length > 0xffff) throw new RangeError(`element ${element.tag} too long for VR ${element.vr}`);
        sink.u16(bytes.length);
      }
    }
    sink.push(bytes);
  }
  return sink.toBuffer();
}

function findString(elements: readonly SyntheticElement[], tag: string): string | null {
  const found = elements.find((e) => e.tag === tag);
  return found && typeof found.value === 'string' ? found.value : null;
}

/** Writes a DICOM Part 10 file: 128-byte preamble, "DICM", file meta group (explicit VR LE), dataset. */
export function writePart10(dataset: readonly SyntheticElement[], options: Part10Options = {}): Buffer {
  const encoding = options.encoding ?? 'explicit-le';
  const meta = options.meta ?? {};
  const pick = (override: string | null | undefined, fallback: string | null): string | null => (override === undefined ? fallback : override);
  const metaElements: SyntheticElement[] = [{ tag: '00020001', vr: 'OB', value: new Uint8Array([0, 1]) }];
  const sopClass = pick(meta.mediaStorageSopClassUid, findString(dataset, '00080016'));
  const sopInstance = pick(meta.mediaStorageSopInstanceUid, findString(dataset, '00080018'));
  const transferSyntax = pick(meta.transferSyntaxUid, SYNTHETIC_TRANSFER_SYNTAX[encoding]);
  if (sopClass !== null) metaElements.push({ tag: '00020002', vr: 'UI', value: sopClass });
  if (sopInstance !== null) metaElements.push({ tag: '00020003', vr: 'UI', value: sopInstance });
  if (transferSyntax !== null) metaElements.push({ tag: '00020010', vr: 'UI', value: transferSyntax });
  metaElements.push({ tag: '00020012', vr: 'UI', value: SYNTHETIC_IMPLEMENTATION_CLASS_UID });
  metaElements.push({ tag: '00020013', vr: 'SH', value: SYNTHETIC_IMPLEMENTATION_VERSION });
  const metaBody = encodeElements(metaElements, false, false);
  const groupLength = encodeElements([{ tag: '00020000', vr: 'UL', value: metaBody.length }], false, false);

  let body: Buffer;
  switch (encoding) {
    case 'explicit-le':
      body = encodeElements(dataset, false, false);
      break;
    case 'implicit-le':
      body = encodeElements(dataset, false, true);
      break;
    case 'explicit-be':
      body = encodeElements(dataset, true, false);
      break;
    case 'deflated-le':
      body = deflateRawSync(encodeElements(dataset, false, false));
      if (body.length % 2 === 1) body = Buffer.concat([body, Buffer.alloc(1)]);
      break;
  }
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), groupLength, metaBody, body]);
}

export type SyntheticPlane = 'sagittal' | 'coronal' | 'axial';

export interface MakeSeriesOptions {
  readonly plane?: SyntheticPlane;
  readonly slices?: number;
  readonly rows?: number;
  readonly columns?: number;
  readonly patientId?: string;
  readonly patientName?: string;
  readonly patientSex?: 'F' | 'M' | 'O';
  readonly patientBirthDate?: string;
  /** Reuse to put several series in one study. */
  readonly studyInstanceUid?: string;
  readonly studyDate?: string;
  readonly studyTime?: string;
  readonly studyDescription?: string;
  readonly accessionNumber?: string;
  readonly seriesDescription?: string;
  readonly seriesNumber?: number;
  /** 'MR' by default; anything else lets selection tests build a non-MR series (the file then stops being a valid MR IOD). */
  readonly modality?: string;
  readonly bodyPartExamined?: string | null;
  readonly laterality?: 'R' | 'L';
  readonly transferSyntax?: SyntheticEncoding;
  readonly sopClass?: string;
  /** Tags (8 hex digits) to leave out of every instance, to build invalid input. */
  readonly omitAttributes?: readonly string[];
  /** Elements added to every instance, replacing any generated element with the same tag. */
  readonly extraAttributes?: readonly SyntheticElement[];
  readonly meta?: Part10Options['meta'];
  /** Pixel values per slice (rows x columns each, at most 12 bits) instead of the built-in phantom. */
  readonly frames?: readonly Uint16Array[];
  /** ImagePositionPatient per slice instead of the generated ones (e.g. shuffled acquisition order). */
  readonly positions?: readonly (readonly number[])[];
  readonly pixelSpacing?: readonly [number, number];
}

export interface SyntheticSeries {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUids: readonly string[];
  readonly frameOfReferenceUid: string;
  readonly rows: number;
  readonly columns: number;
  readonly files: Buffer[];
}

/** Row and column direction cosines per plane (LPS patient coordinates). */
export const SYNTHETIC_ORIENTATION: Record<SyntheticPlane, readonly number[]> = {
  sagittal: [0, 1, 0, 0, 0, -1],
  coronal: [1, 0, 0, 0, 0, -1],
  axial: [1, 0, 0, 0, 1, 0],
};

const DEFAULT_DESCRIPTION: Record<SyntheticPlane, string> = {
  sagittal: 'SAG PD FS',
  coronal: 'COR PD FS',
  axial: 'AX T2 FS',
};

export const SYNTHETIC_PIXEL_SPACING = 0.5;
export const SYNTHETIC_SLICE_THICKNESS = 3;

export interface PhantomGeometry {
  readonly slices: number;
  readonly rows: number;
  readonly columns: number;
}

/** Whether a slice lies in the central band (the "ACL" slices) of the phantom. */
export function isPhantomBandSlice(slice: number, slices: number): boolean {
  return slice >= Math.floor((slices * 3) / 8) && slice < Math.ceil((slices * 5) / 8);
}

/**
 * The phantom's stored value at (slice, row, column): a gradient (rows then columns) plus a small per-slice offset,
 * and a bright horizontal band across the central rows of the central slices. Always below 4096 (12 bits stored).
 */
export function phantomPixel(slice: number, row: number, column: number, geometry: PhantomGeometry): number {
  const gradient = 100 + Math.floor((row * 1000) / geometry.rows) + Math.floor((column * 500) / geometry.columns) + (slice % 16) * 4;
  const inBandRows = row >= Math.floor((geometry.rows * 3) / 8) && row < Math.ceil((geometry.rows * 5) / 8);
  return gradient + (inBandRows && isPhantomBandSlice(slice, geometry.slices) ? 2000 : 0);
}

function phantomFrame(slice: number, geometry: PhantomGeometry): Uint16Array {
  const frame = new Uint16Array(geometry.rows * geometry.columns);
  for (let r = 0; r < geometry.rows; r++) {
    for (let c = 0; c < geometry.columns; c++) frame[r * geometry.columns + c] = phantomPixel(slice, r, c, geometry);
  }
  return frame;
}

function slicePosition(plane: SyntheticPlane, slice: number, slices: number, rows: number, columns: number): { position: number[]; location: number } {
  const location = (slice - (slices - 1) / 2) * SYNTHETIC_SLICE_THICKNESS;
  const halfWidth = (columns * SYNTHETIC_PIXEL_SPACING) / 2;
  const halfHeight = (rows * SYNTHETIC_PIXEL_SPACING) / 2;
  switch (plane) {
    case 'sagittal':
      return { position: [location, -halfWidth, halfHeight], location };
    case 'coronal':
      return { position: [-halfWidth, location, halfHeight], location };
    case 'axial':
      return { position: [-halfWidth, -halfHeight, location], location };
  }
}

/** A synthetic knee MR series, one Part 10 file per slice. */
export function makeSeries(options: MakeSeriesOptions = {}): SyntheticSeries {
  const plane = options.plane ?? 'sagittal';
  const slices = options.slices ?? 16;
  const rows = options.rows ?? 64;
  const columns = options.columns ?? 64;
  const studyInstanceUid = options.studyInstanceUid ?? newUid();
  const seriesInstanceUid = newUid();
  const frameOfReferenceUid = newUid();
  const geometry = { slices, rows, columns };
  const omit = new Set((options.omitAttributes ?? []).map((t) => t.toUpperCase()));
  const extra = options.extraAttributes ?? [];
  const extraTags = new Set(extra.map((e) => e.tag.toUpperCase()));
  const files: Buffer[] = [];
  const sopInstanceUids: string[] = [];

  for (let slice = 0; slice < slices; slice++) {
    const sopInstanceUid = newUid();
    sopInstanceUids.push(sopInstanceUid);
    const generatedPosition = slicePosition(plane, slice, slices, rows, columns);
    const given = options.positions?.[slice];
    const position = given ? [...given] : generatedPosition.position;
    const location = generatedPosition.location;
    const generated: SyntheticElement[] = [
      { tag: '00080005', vr: 'CS', value: 'ISO_IR 100' },
      { tag: '00080008', vr: 'CS', value: ['ORIGINAL', 'PRIMARY', 'OTHER'] },
      { tag: '00080016', vr: 'UI', value: options.sopClass ?? MR_IMAGE_STORAGE },
      { tag: '00080018', vr: 'UI', value: sopInstanceUid },
      { tag: '00080020', vr: 'DA', value: options.studyDate ?? '20240115' },
      { tag: '00080021', vr: 'DA', value: options.studyDate ?? '20240115' },
      { tag: '00080030', vr: 'TM', value: options.studyTime ?? '101500' },
      { tag: '00080031', vr: 'TM', value: options.studyTime ?? '101500' },
      { tag: '00080050', vr: 'SH', value: options.accessionNumber ?? 'SYNACC0001' },
      { tag: '00080060', vr: 'CS', value: options.modality ?? 'MR' },
      { tag: '00080070', vr: 'LO', value: 'Cruciate Synthetic' },
      { tag: '00080090', vr: 'PN', value: 'Referrer^Synthetic' },
      { tag: '00081030', vr: 'LO', value: options.studyDescription ?? 'MRI KNEE RIGHT' },
      { tag: '0008103E', vr: 'LO', value: options.seriesDescription ?? DEFAULT_DESCRIPTION[plane] },
      { tag: '00081090', vr: 'LO', value: 'Phantom 1.5T' },
      { tag: '00100010', vr: 'PN', value: options.patientName ?? 'Synthetic^Knee' },
      { tag: '00100020', vr: 'LO', value: options.patientId ?? 'SYN-0001' },
      { tag: '00100030', vr: 'DA', value: options.patientBirthDate ?? '19800101' },
      { tag: '00100040', vr: 'CS', value: options.patientSex ?? 'F' },
      { tag: '00180020', vr: 'CS', value: 'SE' },
      { tag: '00180021', vr: 'CS', value: 'SK' },
      { tag: '00180022', vr: 'CS', value: 'FS' },
      { tag: '00180023', vr: 'CS', value: '2D' },
      { tag: '00180050', vr: 'DS', value: SYNTHETIC_SLICE_THICKNESS },
      { tag: '00180080', vr: 'DS', value: 3000 },
      { tag: '00180081', vr: 'DS', value: 30 },
      { tag: '00180083', vr: 'DS', value: 1 },
      { tag: '00180087', vr: 'DS', value: 1.5 },
      { tag: '00180088', vr: 'DS', value: SYNTHETIC_SLICE_THICKNESS },
      { tag: '00180091', vr: 'IS', value: 8 },
      { tag: '00185100', vr: 'CS', value: 'FFS' },
      { tag: '0020000D', vr: 'UI', value: studyInstanceUid },
      { tag: '0020000E', vr: 'UI', value: seriesInstanceUid },
      { tag: '00200010', vr: 'SH', value: '1' },
      { tag: '00200011', vr: 'IS', value: options.seriesNumber ?? 1 },
      { tag: '00200013', vr: 'IS', value: slice + 1 },
      { tag: '00200032', vr: 'DS', value: position },
      { tag: '00200037', vr: 'DS', value: SYNTHETIC_ORIENTATION[plane] },
      { tag: '00200052', vr: 'UI', value: frameOfReferenceUid },
      { tag: '00200060', vr: 'CS', value: options.laterality ?? 'R' },
      { tag: '00201040', vr: 'LO', value: '' },
      { tag: '00201041', vr: 'DS', value: location },
      { tag: '00280002', vr: 'US', value: 1 },
      { tag: '00280004', vr: 'CS', value: 'MONOCHROME2' },
      { tag: '00280010', vr: 'US', value: rows },
      { tag: '00280011', vr: 'US', value: columns },
      { tag: '00280030', vr: 'DS', value: options.pixelSpacing ? [...options.pixelSpacing] : [SYNTHETIC_PIXEL_SPACING, SYNTHETIC_PIXEL_SPACING] },
      { tag: '00280100', vr: 'US', value: 16 },
      { tag: '00280101', vr: 'US', value: 12 },
      { tag: '00280102', vr: 'US', value: 11 },
      { tag: '00280103', vr: 'US', value: 0 },
      { tag: '00281050', vr: 'DS', value: 1600 },
      { tag: '00281051', vr: 'DS', value: 3200 },
      { tag: '7FE00010', vr: 'OW', value: options.frames?.[slice] ?? phantomFrame(slice, geometry) },
    ];
    const bodyPart = options.bodyPartExamined === undefined ? 'KNEE' : options.bodyPartExamined;
    if (bodyPart !== null) generated.push({ tag: '00180015', vr: 'CS', value: bodyPart });
    const dataset = [...generated.filter((e) => !omit.has(e.tag) && !extraTags.has(e.tag)), ...extra.filter((e) => !omit.has(e.tag.toUpperCase()))];
    files.push(writePart10(dataset, { encoding: options.transferSyntax ?? 'explicit-le', ...(options.meta ? { meta: options.meta } : {}) }));
  }
  return { studyInstanceUid, seriesInstanceUid, sopInstanceUids, frameOfReferenceUid, rows, columns, files };
}

export type GdcmCompression = 'rle' | 'jpegls' | 'j2k' | 'jpeg-lossless' | 'deflated';

const GDCM_FLAGS: Record<GdcmCompression, readonly string[]> = {
  rle: ['--rle'],
  jpegls: ['--jpegls'],
  j2k: ['--j2k'],
  // gdcmconv --jpeg is lossless (process 14, selection value 1) unless --lossy is given.
  'jpeg-lossless': ['--jpeg'],
  deflated: ['--deflated'],
};

/** Re-encodes one Part 10 file with gdcmconv (libgdcm-tools) into a compressed transfer syntax. */
export async function compressWithGdcm(file: Buffer, kind: GdcmCompression): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cruciate-gdcm-'));
  try {
    const input = path.join(dir, 'in.dcm');
    const output = path.join(dir, 'out.dcm');
    await writeFile(input, file);
    await execFileAsync('gdcmconv', [...GDCM_FLAGS[kind], input, output]);
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
