/** Why a frame could not be decoded. */
export type PixelDecodeErrorCode =
  | 'NO_PIXEL_DATA' // the instance has no pixel data or lacks Rows/Columns/BitsAllocated
  | 'FRAME_OUT_OF_RANGE' // the frame index does not exist
  | 'UNSUPPORTED_TRANSFER_SYNTAX' // a transfer syntax this module does not decode (JPEG baseline, MPEG, HTJ2K ...)
  | 'UNSUPPORTED_PIXEL_FORMAT' // colour, BitsAllocated other than 8/16, codec output that does not fit the header
  | 'CORRUPT' // the pixel data is truncated, malformed or the codec rejected it
  | 'CODEC_UNAVAILABLE'; // a WASM codec failed to load (an environment fault, not the instance's)

export interface PixelDecodeErrorOptions {
  readonly code?: PixelDecodeErrorCode;
  readonly cause?: unknown;
}

/**
 * Pixel data this module cannot decode. `permanent` says whether retrying the same bytes can ever succeed: true for
 * everything that is a property of the instance (a queue worker fails such a job at once), false only when a codec
 * could not be loaded.
 */
export class PixelDecodeError extends Error {
  readonly code: PixelDecodeErrorCode;
  readonly permanent: boolean;

  constructor(message: string, options: PixelDecodeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PixelDecodeError';
    this.code = options.code ?? 'CORRUPT';
    this.permanent = this.code !== 'CODEC_UNAVAILABLE';
  }
}
