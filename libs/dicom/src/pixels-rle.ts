import { PixelDecodeError } from './pixels-errors.js';

const RLE_HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

/**
 * Decodes one RLE Lossless frame (PS3.5 Annex G) of monochrome pixels: a 64-byte header (segment count and offsets),
 * then one PackBits segment per byte of each sample, most significant byte first. Returns the raw sample bits:
 * Uint8Array for BitsAllocated 8, Uint16Array for 16.
 */
export function decodeRleFrame(data: Uint8Array, pixelCount: number, bitsAllocated: 8 | 16): Uint8Array | Uint16Array {
  if (data.length < RLE_HEADER_BYTES) throw new PixelDecodeError(`the RLE frame is ${data.length} bytes, shorter than its 64-byte header`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const segmentCount = view.getUint32(0, true);
  const expected = bitsAllocated / 8;
  if (segmentCount !== expected) {
    throw new PixelDecodeError(
      segmentCount > MAX_SEGMENTS
        ? `the RLE header declares ${segmentCount} segments (at most ${MAX_SEGMENTS}): the frame is corrupt`
        : `the RLE frame has ${segmentCount} segment(s); ${bitsAllocated}-bit monochrome pixels need ${expected}`,
      { code: segmentCount > MAX_SEGMENTS ? 'CORRUPT' : 'UNSUPPORTED_PIXEL_FORMAT' },
    );
  }
  const offsets: number[] = [];
  for (let s = 0; s < segmentCount; s++) offsets.push(view.getUint32(4 + 4 * s, true));
  for (let s = 0; s < segmentCount; s++) {
    const start = offsets[s] as number;
    const end = s + 1 < segmentCount ? (offsets[s + 1] as number) : data.length;
    if (start < RLE_HEADER_BYTES || end > data.length || end < start) {
      throw new PixelDecodeError(`RLE segment ${s} spans bytes ${start}-${end} of a ${data.length}-byte frame: the frame is truncated or corrupt`);
    }
  }
  const segmentEnd = (s: number): number => (s + 1 < segmentCount ? (offsets[s + 1] as number) : data.length);
  if (bitsAllocated === 8) {
    const out = new Uint8Array(pixelCount);
    unpackBits(data, offsets[0] as number, segmentEnd(0), out, 0);
    return out;
  }
  const high = new Uint8Array(pixelCount);
  const low = new Uint8Array(pixelCount);
  unpackBits(data, offsets[0] as number, segmentEnd(0), high, 0);
  unpackBits(data, offsets[1] as number, segmentEnd(1), low, 1);
  const out = new Uint16Array(pixelCount);
  for (let i = 0; i < pixelCount; i++) out[i] = ((high[i] as number) << 8) | (low[i] as number);
  return out;
}

/**
 * PackBits (PS3.5 G.3.1): header n in 0..127 copies the next n+1 bytes, -127..-1 repeats the next byte -n+1 times,
 * -128 does nothing. Fills `out` exactly; a segment that runs out first is an error, bytes beyond it are ignored
 * (encoders pad segments to an even length).
 */
function unpackBits(data: Uint8Array, start: number, end: number, out: Uint8Array, segment: number): void {
  const n = out.length;
  let i = start;
  let o = 0;
  while (o < n) {
    if (i >= end) throw new PixelDecodeError(`RLE segment ${segment} ends after ${o} of ${n} bytes: the frame is truncated or corrupt`);
    const header = data[i++] as number;
    if (header < 128) {
      const count = Math.min(header + 1, n - o);
      if (i + count > end) throw new PixelDecodeError(`RLE segment ${segment} ends inside a literal run: the frame is truncated or corrupt`);
      out.set(data.subarray(i, i + count), o);
      i += header + 1;
      o += count;
    } else if (header > 128) {
      if (i >= end) throw new PixelDecodeError(`RLE segment ${segment} ends inside a replicate run: the frame is truncated or corrupt`);
      const count = Math.min(257 - header, n - o);
      out.fill(data[i++] as number, o, o + count);
      o += count;
    }
  }
}
