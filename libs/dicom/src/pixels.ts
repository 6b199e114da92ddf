import { deflateSync } from 'node:zlib';
import { inflatePart10, UNCOMPRESSED_TRANSFER_SYNTAXES } from './parse-instance.js';
import { PixelDecodeError } from './pixels-errors.js';
import { TRANSFER_SYNTAX, type ParsedInstance } from './types.js';

export { PixelDecodeError, type PixelDecodeErrorCode, type PixelDecodeErrorOptions } from './pixels-errors.js';

export type PixelFrame = Int32Array | Float32Array;

/**
 * Modality values from stored values (decodeFrame's output): value * RescaleSlope + RescaleIntercept (1 and 0 when
 * absent). Int32Array when both are integers, Float32Array otherwise. A new array; `stored` is left as it is.
 */
export function applyRescale(stored: ArrayLike<number>, parsed: Pick<ParsedInstance, 'rescaleSlope' | 'rescaleIntercept'>): PixelFrame {
  const slope = parsed.rescaleSlope ?? 1;
  const intercept = parsed.rescaleIntercept ?? 0;
  const out: PixelFrame = Number.isInteger(slope) && Number.isInteger(intercept) ? new Int32Array(stored.length) : new Float32Array(stored.length);
  for (let i = 0; i < out.length; i++) out[i] = (stored[i] as number) * slope + intercept;
  return out;
}

/**
 * One frame of native (uncompressed) pixel data as modality values: stored values masked to BitsStored
 * (sign-extended when PixelRepresentation is 1), then Rescale Slope/Intercept applied. Int32Array when the rescale
 * keeps integers, Float32Array otherwise. Samples stay interleaved when SamplesPerPixel > 1.
 * `bytes` is the Part 10 file `parsed` came from (for the deflated transfer syntax it is inflated here).
 */
export function decodeUncompressedFrame(bytes: Uint8Array, parsed: ParsedInstance, frameIndex = 0): PixelFrame {
  const { pixelData, rows, columns, bitsAllocated, transferSyntaxUid } = parsed;
  if (pixelData === null || rows === null || columns === null || bitsAllocated === null)
    throw new PixelDecodeError('instance has no pixel data', { code: 'NO_PIXEL_DATA' });
  if (pixelData.encapsulated || !UNCOMPRESSED_TRANSFER_SYNTAXES.has(transferSyntaxUid)) {
    throw new PixelDecodeError(`pixel data in transfer syntax ${transferSyntaxUid} is compressed; only native pixel data is decoded here (use decodeFrame)`, {
      code: 'UNSUPPORTED_TRANSFER_SYNTAX',
    });
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16)
    throw new PixelDecodeError(`BitsAllocated ${bitsAllocated} is not supported`, { code: 'UNSUPPORTED_PIXEL_FORMAT' });
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= parsed.numberOfFrames) {
    throw new PixelDecodeError(`frame ${frameIndex} does not exist (the instance has ${parsed.numberOfFrames})`, { code: 'FRAME_OUT_OF_RANGE' });
  }
  const source = transferSyntaxUid === TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN ? inflatePart10(bytes) : bytes;
  const count = rows * columns * (parsed.samplesPerPixel ?? 1);
  const bytesPerSample = bitsAllocated / 8;
  const start = pixelData.offset + frameIndex * count * bytesPerSample;
  if (start + count * bytesPerSample > source.length || start + count * bytesPerSample > pixelData.offset + pixelData.length) {
    throw new PixelDecodeError(`frame ${frameIndex} runs past the end of the pixel data`);
  }
  const view = new DataView(source.buffer, source.byteOffset + start, count * bytesPerSample);
  const littleEndian = transferSyntaxUid !== TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN;
  const signed = parsed.pixelRepresentation === 1;
  const bitsStored = Math.min(parsed.bitsStored ?? bitsAllocated, bitsAllocated);
  const slope = parsed.rescaleSlope ?? 1;
  const intercept = parsed.rescaleIntercept ?? 0;
  const integral = Number.isInteger(slope) && Number.isInteger(intercept);
  const out: PixelFrame = integral ? new Int32Array(count) : new Float32Array(count);
  const shift = 32 - bitsStored;
  const mask = (1 << bitsStored) - 1;

  for (let i = 0; i < count; i++) {
    const raw = bitsAllocated === 8 ? view.getUint8(i) : view.getUint16(i * 2, littleEndian);
    // Keep the stored bits (HighBit = BitsStored - 1); sign-extend them for signed pixels.
    const stored = signed ? (raw << shift) >> shift : raw & mask;
    out[i] = stored * slope + intercept;
  }
  return out;
}

export interface Window {
  readonly center: number;
  readonly width: number;
}

/**
 * DICOM linear VOI LUT (PS3.3 C.11.2.1.2.1) to 8-bit grey: values at or below c - 0.5 - (w - 1) / 2 map to 0,
 * above c - 0.5 + (w - 1) / 2 to 255, linearly in between. Widths below 1 are treated as 1.
 */
export function windowToGray8(frame: ArrayLike<number>, center: number, width: number): Uint8Array {
  const w = Math.max(1, width);
  const low = center - 0.5 - (w - 1) / 2;
  const high = center - 0.5 + (w - 1) / 2;
  const out = new Uint8Array(frame.length);
  for (let i = 0; i < frame.length; i++) {
    const x = frame[i] as number;
    if (x <= low) out[i] = 0;
    else if (x > high) out[i] = 255;
    else out[i] = Math.round(((x - (center - 0.5)) / (w - 1) + 0.5) * 255);
  }
  return out;
}

export interface DefaultWindowOptions {
  /** Percentile (0-100) mapped to black; 0 uses the minimum. Default 0.5. */
  readonly lowerPercentile?: number;
  /** Percentile (0-100) mapped to white; 100 uses the maximum. Default 99.5. */
  readonly upperPercentile?: number;
}

/**
 * A window spanning the frame's value range between two percentiles (robust to a few outliers), chosen so the
 * lower value maps to 0 and the upper to 255 under windowToGray8.
 */
export function defaultWindow(frame: ArrayLike<number>, options: DefaultWindowOptions = {}): Window {
  if (frame.length === 0) return { center: 0.5, width: 1 };
  const sorted = Float64Array.from(frame).sort();
  const at = (percentile: number): number => {
    const clamped = Math.min(100, Math.max(0, percentile));
    return sorted[Math.round((clamped / 100) * (sorted.length - 1))] as number;
  };
  const lo = at(options.lowerPercentile ?? 0.5);
  const hi = at(options.upperPercentile ?? 99.5);
  if (hi <= lo) return { center: lo + 0.5, width: 1 };
  return { center: (lo + hi) / 2 + 0.5, width: hi - lo + 1 };
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309 / PNG / zlib polynomial 0xEDB88320). */
export function crc32(...chunks: readonly Uint8Array[]): number {
  let crc = 0xffffffff;
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) crc = (CRC_TABLE[(crc ^ (chunk[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return (crc ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Uint8Array): Buffer {
  const typeBytes = Buffer.from(type, 'latin1');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(data.length);
  const tail = Buffer.alloc(4);
  tail.writeUInt32BE(crc32(typeBytes, data));
  return Buffer.concat([head, typeBytes, data, tail]);
}

/** An 8-bit greyscale PNG (colour type 0), scanlines unfiltered (filter type 0), one zlib IDAT chunk. */
export function encodePngGray8(width: number, height: number, pixels: Uint8Array): Buffer {
  return encodePng(width, height, pixels, 1);
}

/** An 8-bit RGBA PNG (colour type 6) of width x height pixels given as R,G,B,A bytes row by row. */
export function encodePngRgba(width: number, height: number, rgba: Uint8Array): Buffer {
  return encodePng(width, height, rgba, 4);
}

function encodePng(width: number, height: number, pixels: Uint8Array, channels: 1 | 4): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`invalid PNG size ${width}x${height}`);
  if (pixels.length !== width * height * channels) {
    throw new RangeError(`expected ${width * height * channels} bytes for ${width}x${height}, got ${pixels.length}`);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 6; // colour type: greyscale or RGBA
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method 0
  header[12] = 0; // no interlace
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', new Uint8Array(0))]);
}
