import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Decoder as JpegLosslessDecoder } from 'jpeg-lossless-decoder-js';
import { PixelDecodeError } from './pixels-errors.js';

/** A decoded frame straight from a codec: raw sample bits, before BitsStored masking. */
export interface CodecFrame {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  /** Precision the codestream declares. */
  readonly bitsPerSample: number;
  /** Int8Array/Int16Array when the codestream says its samples are signed (JPEG 2000), unsigned containers otherwise. */
  readonly samples: Uint8Array | Uint16Array | Int8Array | Int16Array;
}

// ---- Emscripten modules of @cornerstonejs/codec-charls and @cornerstonejs/codec-openjpeg (CommonJS, WASM) ----

interface WasmFrameInfo {
  readonly width: number;
  readonly height: number;
  readonly bitsPerSample: number;
  readonly componentCount: number;
  readonly isSigned?: boolean;
}

/** The decoder classes both builds expose through embind (JpegLSDecoder, J2KDecoder). */
interface WasmDecoder {
  /** A view of WASM memory that holds `length` bytes of codestream: copy the input into it. */
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): WasmFrameInfo;
  /** A view of WASM memory holding the decoded samples, little endian; valid until delete(). */
  getDecodedBuffer(): Uint8Array;
  delete(): void;
}

interface CharLsModule {
  readonly JpegLSDecoder: new () => WasmDecoder & { getNearLossless(): number };
  readonly getExceptionMessage?: (pointer: number) => unknown;
}

interface OpenJpegModule {
  readonly J2KDecoder: new () => WasmDecoder;
  readonly getExceptionMessage?: (pointer: number) => unknown;
}

interface EmscriptenOptions {
  readonly wasmBinary: Uint8Array;
  readonly print: (text: string) => void;
  readonly printErr: (text: string) => void;
}

type EmscriptenFactory<T> = (options: EmscriptenOptions) => Promise<T>;

const require = createRequire(import.meta.url);

/** Loads an Emscripten module with its .wasm read from node_modules (never fetched); stdout/stderr chatter is kept, not printed. */
async function loadWasm<T>(factoryId: string, wasmId: string, log: string[]): Promise<T> {
  try {
    // The packages are CommonJS factories without types; their shape is declared by T.
    const factory = require(factoryId) as EmscriptenFactory<T>;
    const wasmBinary = readFileSync(require.resolve(wasmId));
    const keep = (text: string): void => {
      log.push(text);
      if (log.length > 20) log.shift();
    };
    return await factory({ wasmBinary, print: keep, printErr: keep });
  } catch (error) {
    throw new PixelDecodeError(`the ${factoryId} codec could not be loaded: ${errorText(error)}`, { code: 'CODEC_UNAVAILABLE', cause: error });
  }
}

function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = null; // a failed load is retried on the next call
      throw error;
    });
    return pending;
  };
}

const charlsLog: string[] = [];
const openJpegLog: string[] = [];
const charls = lazy(() => loadWasm<CharLsModule>('@cornerstonejs/codec-charls/decodewasmjs', '@cornerstonejs/codec-charls/decodewasm', charlsLog));
const openJpeg = lazy(() => loadWasm<OpenJpegModule>('@cornerstonejs/codec-openjpeg/decodewasmjs', '@cornerstonejs/codec-openjpeg/decodewasm', openJpegLog));

/** Loads the WASM codecs now (they otherwise load on first use), e.g. during a worker's warm-up. */
export async function initPixelCodecs(): Promise<void> {
  await Promise.all([charls(), openJpeg()]);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** A C++ exception surfaces as a number (a pointer); the module can turn it into its message. */
function wasmErrorText(module: { readonly getExceptionMessage?: (pointer: number) => unknown }, error: unknown): string {
  if (typeof error === 'number' && module.getExceptionMessage) {
    try {
      const message = module.getExceptionMessage(error);
      if (Array.isArray(message)) return message.filter((m) => typeof m === 'string' && m !== '').join(': ');
      return String(message);
    } catch {
      return `native exception ${error}`;
    }
  }
  return errorText(error);
}

function runWasmDecoder(
  module: { readonly getExceptionMessage?: (pointer: number) => unknown },
  decoder: WasmDecoder,
  data: Uint8Array,
  codec: string,
  log: string[],
): CodecFrame {
  try {
    log.length = 0;
    decoder.getEncodedBuffer(data.length).set(data);
    decoder.decode();
    const info = decoder.getFrameInfo();
    const decoded = decoder.getDecodedBuffer();
    const bytesPerSample = info.bitsPerSample <= 8 ? 1 : 2;
    const count = info.width * info.height * info.componentCount;
    if (decoded.length < count * bytesPerSample) {
      throw new PixelDecodeError(`the ${codec} decoder returned ${decoded.length} bytes for ${info.width}x${info.height}x${info.componentCount} samples`);
    }
    // Copy out of WASM memory before delete() frees it; the WASM heap is little endian like the platform here.
    const bytes = decoded.slice(0, count * bytesPerSample);
    const samples =
      bytesPerSample === 1
        ? info.isSigned === true
          ? new Int8Array(bytes.buffer)
          : new Uint8Array(bytes.buffer)
        : info.isSigned === true
          ? new Int16Array(bytes.buffer)
          : new Uint16Array(bytes.buffer);
    return { width: info.width, height: info.height, components: info.componentCount, bitsPerSample: info.bitsPerSample, samples };
  } catch (error) {
    if (error instanceof PixelDecodeError) throw error;
    const detail = [wasmErrorText(module, error), ...log.filter((l) => /error/i.test(l))].join('; ');
    throw new PixelDecodeError(`the ${codec} codestream could not be decoded: ${detail}`, { cause: error });
  } finally {
    decoder.delete();
  }
}

/**
 * Throws unless the codestream ends with its EOI/EOC marker (0xFFD9), allowing a few bytes after it (DICOM pads odd
 * fragments with 0x00; some writers add more). 0xFF 0xD9 cannot occur inside JPEG, JPEG-LS or JPEG 2000 entropy-coded
 * data, so finding it in the tail means the stream is complete.
 */
function requireEndMarker(data: Uint8Array, codec: string, markerName: string): void {
  for (let at = data.length - 2; at >= Math.max(0, data.length - 16); at--) {
    if (data[at] === 0xff && data[at + 1] === 0xd9) return;
  }
  throw new PixelDecodeError(`the ${codec} codestream does not end with its ${markerName} marker: the frame is truncated`);
}

/** JPEG-LS (ISO 14495-1), lossless or near-lossless, through CharLS. */
export async function decodeJpegLs(data: Uint8Array): Promise<CodecFrame> {
  const module = await charls();
  requireStartMarker(data, 0xd8, 'JPEG-LS', 'SOI');
  requireEndMarker(data, 'JPEG-LS', 'EOI');
  return runWasmDecoder(module, new module.JpegLSDecoder(), data, 'JPEG-LS', charlsLog);
}

/** JPEG 2000 (ISO 15444-1) codestream, reversible or irreversible, through OpenJPEG. */
export async function decodeJpeg2000(data: Uint8Array): Promise<CodecFrame> {
  const module = await openJpeg();
  if (isJp2File(data)) {
    throw new PixelDecodeError('the JPEG 2000 frame is a JP2 file, not the bare codestream DICOM requires', { code: 'UNSUPPORTED_PIXEL_FORMAT' });
  }
  requireStartMarker(data, 0x4f, 'JPEG 2000', 'SOC');
  // OpenJPEG decodes a truncated codestream without complaint (a JPEG 2000 feature); DICOM frames are complete.
  requireEndMarker(data, 'JPEG 2000', 'EOC');
  return runWasmDecoder(module, new module.J2KDecoder(), data, 'JPEG 2000', openJpegLog);
}

/** JPEG lossless (ISO 10918-1 process 14, any selection value), through jpeg-lossless-decoder-js. */
export function decodeJpegLossless(data: Uint8Array): CodecFrame {
  requireStartMarker(data, 0xd8, 'JPEG lossless', 'SOI');
  const sof = jpegFrameMarker(data);
  if (sof !== 0xc3) {
    throw new PixelDecodeError(
      `the JPEG frame uses SOF${(sof - 0xc0).toString()} (0xFF${sof.toString(16).toUpperCase()}), not the lossless process 14 (SOF3)`,
      {
        code: 'UNSUPPORTED_PIXEL_FORMAT',
      },
    );
  }
  requireEndMarker(data, 'JPEG lossless', 'EOI');
  const decoder = new JpegLosslessDecoder();
  let samples: Uint8Array | Uint16Array;
  try {
    samples = decoder.decode(data.buffer as ArrayBuffer, data.byteOffset, data.length);
  } catch (error) {
    throw new PixelDecodeError(`the JPEG lossless codestream could not be decoded: ${errorText(error)}`, { cause: error });
  }
  return { width: decoder.xDim, height: decoder.yDim, components: decoder.numComp, bitsPerSample: decoder.precision ?? 0, samples };
}

/** The SOFn marker (0xC0-0xCF less DHT, JPG, DAC) of a JPEG stream, read by walking its marker segments. */
function jpegFrameMarker(data: Uint8Array): number {
  let at = 2;
  while (at + 4 <= data.length) {
    if (data[at] !== 0xff) throw new PixelDecodeError(`the JPEG stream has no marker at byte ${at}: the frame is corrupt`);
    const marker = data[at + 1] as number;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return marker;
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + (((data[at + 2] as number) << 8) | (data[at + 3] as number));
  }
  throw new PixelDecodeError('the JPEG stream has no frame header (SOF) before its scan: the frame is corrupt');
}

function requireStartMarker(data: Uint8Array, marker: number, codec: string, markerName: string): void {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== marker) {
    throw new PixelDecodeError(`the ${codec} frame does not start with its ${markerName} marker: the frame is corrupt`);
  }
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20];

function isJp2File(data: Uint8Array): boolean {
  return JP2_SIGNATURE.every((b, i) => data[i] === b);
}

/** Whether a fragment starts a JPEG / JPEG-LS (SOI) or JPEG 2000 (SOC) codestream: used to find frames without an offset table. */
export function startsJpegStream(fragment: Uint8Array): boolean {
  return fragment.length >= 2 && fragment[0] === 0xff && fragment[1] === 0xd8;
}

export function startsJpeg2000Stream(fragment: Uint8Array): boolean {
  return (fragment.length >= 4 && fragment[0] === 0xff && fragment[1] === 0x4f && fragment[2] === 0xff && fragment[3] === 0x51) || isJp2File(fragment);
}
