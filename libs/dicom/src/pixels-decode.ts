import { inflatePart10 } from './parse-instance.js';
import { decodeJpeg2000, decodeJpegLossless, decodeJpegLs, startsJpeg2000Stream, startsJpegStream, type CodecFrame } from './pixels-codecs.js';
import { frameFragments, joinFragments, readEncapsulatedPixelData, readExtendedOffsetTable } from './pixels-encapsulated.js';
import { PixelDecodeError } from './pixels-errors.js';
import { decodeRleFrame } from './pixels-rle.js';
import { describeTransferSyntax } from './pixels-transfer-syntax.js';
import { DicomRejectError, TRANSFER_SYNTAX, type ParsedInstance } from './types.js';

/** Transfer syntaxes decodeFrame decodes. */
export const DECODABLE_TRANSFER_SYNTAXES: ReadonlySet<string> = new Set<string>([
  TRANSFER_SYNTAX.IMPLICIT_VR_LITTLE_ENDIAN,
  TRANSFER_SYNTAX.EXPLICIT_VR_LITTLE_ENDIAN,
  TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN,
  TRANSFER_SYNTAX.RLE_LOSSLESS,
  TRANSFER_SYNTAX.JPEG_LOSSLESS_P14,
  TRANSFER_SYNTAX.JPEG_LOSSLESS_SV1,
  TRANSFER_SYNTAX.JPEG_LS_LOSSLESS,
  TRANSFER_SYNTAX.JPEG_LS_NEAR_LOSSLESS,
  TRANSFER_SYNTAX.JPEG_2000_LOSSLESS,
  TRANSFER_SYNTAX.JPEG_2000,
]);

/** The pixel module facts decoding needs, checked: monochrome, one sample per pixel, 8 or 16 bits allocated. */
export interface MonochromeLayout {
  readonly rows: number;
  readonly columns: number;
  readonly bitsAllocated: 8 | 16;
  readonly bitsStored: number;
  readonly signed: boolean;
}

/** Checks that decodeFrame can decode this instance's pixels at all (transfer syntax, layout); throws PixelDecodeError if not. */
export function monochromeLayout(parsed: ParsedInstance): MonochromeLayout {
  const { pixelData, rows, columns, bitsAllocated, transferSyntaxUid } = parsed;
  if (pixelData === null || rows === null || columns === null || bitsAllocated === null) {
    throw new PixelDecodeError('the instance has no pixel data', { code: 'NO_PIXEL_DATA' });
  }
  if (!DECODABLE_TRANSFER_SYNTAXES.has(transferSyntaxUid)) {
    throw new PixelDecodeError(`${describeTransferSyntax(transferSyntaxUid)} is not supported`, { code: 'UNSUPPORTED_TRANSFER_SYNTAX' });
  }
  const samples = parsed.samplesPerPixel ?? 1;
  const photometric = parsed.photometricInterpretation;
  if (samples !== 1 || (photometric !== null && photometric !== 'MONOCHROME1' && photometric !== 'MONOCHROME2')) {
    throw new PixelDecodeError(
      `colour pixel data (SamplesPerPixel ${samples}, PhotometricInterpretation ${photometric ?? 'absent'}) is not supported: only monochrome images are decoded`,
      { code: 'UNSUPPORTED_PIXEL_FORMAT' },
    );
  }
  if (bitsAllocated !== 8 && bitsAllocated !== 16) {
    throw new PixelDecodeError(`BitsAllocated ${bitsAllocated} is not supported (8 or 16)`, { code: 'UNSUPPORTED_PIXEL_FORMAT' });
  }
  const bitsStored = parsed.bitsStored ?? bitsAllocated;
  if (bitsStored < 1 || bitsStored > bitsAllocated) {
    throw new PixelDecodeError(`BitsStored ${bitsStored} does not fit BitsAllocated ${bitsAllocated}`, { code: 'UNSUPPORTED_PIXEL_FORMAT' });
  }
  return { rows, columns, bitsAllocated, bitsStored, signed: parsed.pixelRepresentation === 1 };
}

/**
 * One frame of a monochrome image as stored values (PS3.3 C.7.6.3.1): the BitsStored low bits of each sample,
 * sign-extended when PixelRepresentation is 1, in an Int32Array of Rows x Columns, row by row. Rescale Slope/Intercept
 * is not applied (see applyRescale). Decodes native pixel data (implicit/explicit VR little endian, explicit VR big
 * endian, deflated), RLE Lossless, JPEG Lossless (process 14), JPEG-LS (lossless and near-lossless) and JPEG 2000
 * (lossless and lossy). `bytes` is the Part 10 file `parsed` was read from.
 *
 * Throws PixelDecodeError for any other transfer syntax (the message names it), colour images, BitsAllocated other than
 * 8/16, a missing frame, and truncated or corrupt pixel data. Its `permanent` is false only when a codec failed to load.
 */
export async function decodeFrame(bytes: Uint8Array, parsed: ParsedInstance, frameIndex = 0): Promise<Int32Array> {
  const layout = monochromeLayout(parsed);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= parsed.numberOfFrames) {
    throw new PixelDecodeError(`frame ${frameIndex} does not exist (the instance has ${parsed.numberOfFrames})`, { code: 'FRAME_OUT_OF_RANGE' });
  }
  const pixelData = parsed.pixelData as NonNullable<ParsedInstance['pixelData']>;
  const ts = parsed.transferSyntaxUid;
  const pixelCount = layout.rows * layout.columns;

  switch (ts) {
    case TRANSFER_SYNTAX.IMPLICIT_VR_LITTLE_ENDIAN:
    case TRANSFER_SYNTAX.EXPLICIT_VR_LITTLE_ENDIAN:
    case TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN:
    case TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN: {
      if (pixelData.encapsulated) throw new PixelDecodeError(`pixel data in ${describeTransferSyntax(ts)} must not be encapsulated`);
      const source = ts === TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN ? inflate(bytes) : bytes;
      const bytesPerSample = layout.bitsAllocated / 8;
      const start = pixelData.offset + frameIndex * pixelCount * bytesPerSample;
      const end = start + pixelCount * bytesPerSample;
      if (end > source.length || end > pixelData.offset + pixelData.length) {
        throw new PixelDecodeError(`frame ${frameIndex} runs past the end of the pixel data`);
      }
      return nativeStoredValues(source.subarray(start, end), layout, ts !== TRANSFER_SYNTAX.EXPLICIT_VR_BIG_ENDIAN);
    }
    default:
      break;
  }

  if (!pixelData.encapsulated) throw new PixelDecodeError(`pixel data in ${describeTransferSyntax(ts)} must be encapsulated`);
  const isJpeg2000 = ts === TRANSFER_SYNTAX.JPEG_2000 || ts === TRANSFER_SYNTAX.JPEG_2000_LOSSLESS;
  const isRle = ts === TRANSFER_SYNTAX.RLE_LOSSLESS;
  const encapsulated = readEncapsulatedPixelData(bytes, pixelData.offset, pixelData.length);
  const fragments = frameFragments(bytes, encapsulated, {
    numberOfFrames: parsed.numberOfFrames,
    frameIndex,
    extendedOffsetTable:
      encapsulated.basicOffsetTable.length === 0 && parsed.numberOfFrames > 1 ? readExtendedOffsetTable(bytes, pixelData.offset, parsed.numberOfFrames) : null,
    startsFrame: isRle ? null : isJpeg2000 ? startsJpeg2000Stream : startsJpegStream,
  });
  const frame = joinFragments(bytes, fragments);

  if (isRle) return storedValues(decodeRleFrame(frame, pixelCount, layout.bitsAllocated), layout);
  let decoded: CodecFrame;
  switch (ts) {
    case TRANSFER_SYNTAX.JPEG_LOSSLESS_P14:
    case TRANSFER_SYNTAX.JPEG_LOSSLESS_SV1:
      decoded = decodeJpegLossless(frame);
      break;
    case TRANSFER_SYNTAX.JPEG_LS_LOSSLESS:
    case TRANSFER_SYNTAX.JPEG_LS_NEAR_LOSSLESS:
      decoded = await decodeJpegLs(frame);
      break;
    default:
      decoded = await decodeJpeg2000(frame);
      break;
  }
  checkCodecFrame(decoded, layout, describeTransferSyntax(ts));
  return storedValues(decoded.samples, layout);
}

function inflate(bytes: Uint8Array): Uint8Array {
  try {
    return inflatePart10(bytes);
  } catch (error) {
    if (error instanceof DicomRejectError) throw new PixelDecodeError(error.message, { cause: error });
    throw error;
  }
}

function checkCodecFrame(frame: CodecFrame, layout: MonochromeLayout, syntax: string): void {
  if (frame.components !== 1) {
    throw new PixelDecodeError(`the ${syntax} frame has ${frame.components} components: only monochrome images are decoded`, {
      code: 'UNSUPPORTED_PIXEL_FORMAT',
    });
  }
  if (frame.width !== layout.columns || frame.height !== layout.rows) {
    throw new PixelDecodeError(`the ${syntax} frame is ${frame.width}x${frame.height} but the header says ${layout.columns}x${layout.rows}`);
  }
  if (frame.bitsPerSample > layout.bitsAllocated || frame.samples.length !== layout.rows * layout.columns) {
    throw new PixelDecodeError(`the ${syntax} frame has ${frame.bitsPerSample}-bit samples, which do not fit BitsAllocated ${layout.bitsAllocated}`, {
      code: 'UNSUPPORTED_PIXEL_FORMAT',
    });
  }
}

/** Native samples (8-bit, or 16-bit in the given byte order) to stored values. */
function nativeStoredValues(data: Uint8Array, layout: MonochromeLayout, littleEndian: boolean): Int32Array {
  if (layout.bitsAllocated === 8) return storedValues(data, layout);
  if (littleEndian && data.byteOffset % 2 === 0) return storedValues(new Uint16Array(data.buffer, data.byteOffset, data.length / 2), layout);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const words = new Uint16Array(data.length / 2);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint16(i * 2, littleEndian);
  return storedValues(words, layout);
}

/** Keeps the BitsStored low bits (HighBit = BitsStored - 1) of each sample; sign-extends them for signed pixels. */
export function storedValues(samples: ArrayLike<number>, layout: Pick<MonochromeLayout, 'bitsStored' | 'signed'>): Int32Array {
  const out = new Int32Array(samples.length);
  const { bitsStored, signed } = layout;
  if (signed) {
    const shift = 32 - bitsStored;
    for (let i = 0; i < out.length; i++) out[i] = ((samples[i] as number) << shift) >> shift;
  } else {
    const mask = bitsStored >= 32 ? -1 : (1 << bitsStored) - 1;
    for (let i = 0; i < out.length; i++) out[i] = (samples[i] as number) & mask;
  }
  return out;
}
