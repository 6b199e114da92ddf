/** Instance metadata (DICOM JSON) and native frame decoding for the viewer. Pure functions: no DOM. */
import type { RescaleTransform, WindowLevel } from './window-level.js';

export type StoredPixels = Int16Array | Uint16Array | Uint8Array;

export interface InstanceMeta {
  readonly sopInstanceUid: string;
  readonly instanceNumber: number | null;
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  /** 1: signed (two's complement) stored values. */
  readonly pixelRepresentation: number;
  readonly samplesPerPixel: number;
  readonly photometricInterpretation: string;
  readonly rescale: RescaleTransform;
  /** The first WindowCenter/WindowWidth pair of the header, if any. */
  readonly window: WindowLevel | null;
}

export class PixelFormatError extends Error {
  override readonly name = 'PixelFormatError';
}

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

const TAG = {
  SOP_INSTANCE_UID: '00080018',
  INSTANCE_NUMBER: '00200013',
  SAMPLES_PER_PIXEL: '00280002',
  PHOTOMETRIC: '00280004',
  ROWS: '00280010',
  COLUMNS: '00280011',
  BITS_ALLOCATED: '00280100',
  BITS_STORED: '00280101',
  PIXEL_REPRESENTATION: '00280103',
  WINDOW_CENTER: '00281050',
  WINDOW_WIDTH: '00281051',
  RESCALE_INTERCEPT: '00281052',
  RESCALE_SLOPE: '00281053',
} as const;

function first(json: DicomJson, tag: string): unknown {
  return json[tag]?.Value?.[0];
}

function num(json: DicomJson, tag: string): number | null {
  const v = first(json, tag);
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.split('\\')[0]) : NaN;
  return Number.isFinite(n) ? n : null;
}

function str(json: DicomJson, tag: string): string | null {
  const v = first(json, tag);
  return typeof v === 'string' ? v.trim() : null;
}

/** The viewer's view of one instance's DICOM JSON (WADO-RS metadata). Throws PixelFormatError without rows/columns. */
export function parseInstanceMeta(json: unknown): InstanceMeta {
  if (typeof json !== 'object' || json === null) throw new PixelFormatError('instance metadata is not a DICOM JSON object');
  const d = json as DicomJson;
  const sopInstanceUid = str(d, TAG.SOP_INSTANCE_UID);
  const rows = num(d, TAG.ROWS);
  const columns = num(d, TAG.COLUMNS);
  if (!sopInstanceUid) throw new PixelFormatError('instance metadata has no SOP Instance UID');
  if (!rows || !columns) throw new PixelFormatError(`instance ${sopInstanceUid} has no Rows/Columns`);
  const bitsAllocated = num(d, TAG.BITS_ALLOCATED) ?? 16;
  const center = num(d, TAG.WINDOW_CENTER);
  const width = num(d, TAG.WINDOW_WIDTH);
  return {
    sopInstanceUid,
    instanceNumber: num(d, TAG.INSTANCE_NUMBER),
    rows,
    columns,
    bitsAllocated,
    bitsStored: num(d, TAG.BITS_STORED) ?? bitsAllocated,
    pixelRepresentation: num(d, TAG.PIXEL_REPRESENTATION) ?? 0,
    samplesPerPixel: num(d, TAG.SAMPLES_PER_PIXEL) ?? 1,
    photometricInterpretation: str(d, TAG.PHOTOMETRIC) ?? 'MONOCHROME2',
    rescale: { slope: num(d, TAG.RESCALE_SLOPE) ?? 1, intercept: num(d, TAG.RESCALE_INTERCEPT) ?? 0 },
    window: center !== null && width !== null && width > 0 ? { center, width } : null,
  };
}

/** Explicit VR Big Endian (retired): the only native transfer syntax whose frames are not little-endian. */
export const BIG_ENDIAN_TRANSFER_SYNTAX = '1.2.840.10008.1.2.2';

/** Whether a frame part's Content-Type names the big-endian transfer syntax (absent: little-endian, as stored by the API). */
export function isBigEndianPart(contentType: string | undefined): boolean {
  return !!contentType && new RegExp(`transfer-syntax\\s*=\\s*"?${BIG_ENDIAN_TRANSFER_SYNTAX.replace(/\./g, '\\.')}"?`, 'i').test(contentType);
}

/**
 * One native frame's stored values: Uint8Array (8 bits), Uint16Array or Int16Array (16 bits, by PixelRepresentation),
 * with bits above BitsStored masked off (sign-extended for signed pixels). Rescale is applied later by the LUT.
 */
export function decodeFrame(bytes: Uint8Array, meta: InstanceMeta, littleEndian = true): StoredPixels {
  if (meta.samplesPerPixel !== 1) throw new PixelFormatError(`only greyscale images are shown (SamplesPerPixel ${meta.samplesPerPixel})`);
  const count = meta.rows * meta.columns;
  if (meta.bitsAllocated === 8) {
    if (bytes.length < count) throw new PixelFormatError(`frame has ${bytes.length} bytes, expected ${count}`);
    return bytes.slice(0, count);
  }
  if (meta.bitsAllocated !== 16) throw new PixelFormatError(`BitsAllocated ${meta.bitsAllocated} is not supported`);
  if (bytes.length < count * 2) throw new PixelFormatError(`frame has ${bytes.length} bytes, expected ${count * 2}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, count * 2);
  const signed = meta.pixelRepresentation === 1;
  const bitsStored = Math.min(16, Math.max(1, meta.bitsStored));
  const out = signed ? new Int16Array(count) : new Uint16Array(count);
  if (bitsStored === 16) {
    for (let i = 0; i < count; i++) out[i] = signed ? view.getInt16(i * 2, littleEndian) : view.getUint16(i * 2, littleEndian);
    return out;
  }
  const shift = 32 - bitsStored;
  const mask = (1 << bitsStored) - 1;
  for (let i = 0; i < count; i++) {
    const raw = view.getUint16(i * 2, littleEndian);
    out[i] = signed ? (raw << shift) >> shift : raw & mask;
  }
  return out;
}

/** The grey channel of an RGBA image (a rendered PNG drawn to a canvas) as 8-bit stored values. */
export function greyFromRgba(rgba: Uint8ClampedArray | Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = rgba[i * 4] as number;
  return out;
}
