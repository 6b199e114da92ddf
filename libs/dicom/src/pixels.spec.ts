import { inflateSync } from 'node:zlib';
import { makeSeries, phantomPixel, type SyntheticElement, type SyntheticEncoding } from '@cruciate/testing';
import { describe, expect, it } from 'vitest';
import { parseInstance } from './parse-instance.js';
import { crc32, decodeUncompressedFrame, defaultWindow, encodePngGray8, PixelDecodeError, windowToGray8 } from './pixels.js';

/** A 2x2 single-frame instance with the given pixel module attributes and pixel data. */
function tinyInstance(attributes: readonly SyntheticElement[], transferSyntax: SyntheticEncoding = 'explicit-le'): Buffer {
  return makeSeries({ slices: 1, rows: 2, columns: 2, transferSyntax, extraAttributes: attributes }).files[0]!;
}

function decodeTiny(attributes: readonly SyntheticElement[], transferSyntax: SyntheticEncoding = 'explicit-le', frame = 0): number[] {
  const file = tinyInstance(attributes, transferSyntax);
  return Array.from(decodeUncompressedFrame(file, parseInstance(file), frame));
}

const signed16 = (bitsStored: number): SyntheticElement[] => [
  { tag: '00280101', vr: 'US', value: bitsStored },
  { tag: '00280102', vr: 'US', value: bitsStored - 1 },
  { tag: '00280103', vr: 'US', value: 1 },
];

interface PngChunk {
  type: string;
  data: Buffer;
  crc: number;
}

function pngChunks(png: Buffer): PngChunk[] {
  const chunks: PngChunk[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    chunks.push({ type: png.toString('latin1', at + 4, at + 8), data: png.subarray(at + 8, at + 8 + length), crc: png.readUInt32BE(at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

describe('decodeUncompressedFrame', () => {
  it.each(['explicit-le', 'implicit-le', 'explicit-be', 'deflated-le'] as const)('returns the phantom values exactly (%s)', (transferSyntax) => {
    const geometry = { slices: 4, rows: 12, columns: 10 };
    const series = makeSeries({ ...geometry, transferSyntax });
    for (const slice of [0, 2]) {
      const file = series.files[slice]!;
      const frame = decodeUncompressedFrame(file, parseInstance(file), 0);
      expect(frame).toBeInstanceOf(Int32Array);
      const expected = Array.from({ length: 12 * 10 }, (_, i) => phantomPixel(slice, Math.floor(i / 10), i % 10, geometry));
      expect(Array.from(frame)).toEqual(expected);
    }
  });

  it('shows the bright band on the central slices only', () => {
    const series = makeSeries({ slices: 8, rows: 16, columns: 16 });
    const centre = (slice: number) => {
      const file = series.files[slice]!;
      return decodeUncompressedFrame(file, parseInstance(file))[8 * 16 + 8]!;
    };
    expect(centre(4) - centre(0)).toBeGreaterThan(1900);
  });

  it.each(['explicit-le', 'explicit-be'] as const)('sign-extends signed 16-bit pixels and applies rescale (%s)', (transferSyntax) => {
    const values = decodeTiny(
      [
        ...signed16(16),
        { tag: '00281052', vr: 'DS', value: -1024 },
        { tag: '00281053', vr: 'DS', value: 2 },
        { tag: '7FE00010', vr: 'OW', value: new Uint16Array([0xffff, 0x8000, 5, 0x7fff]) },
      ],
      transferSyntax,
    );
    expect(values).toEqual([-1 * 2 - 1024, -32768 * 2 - 1024, 5 * 2 - 1024, 32767 * 2 - 1024]);
  });

  it('keeps only BitsStored bits: 12-bit signed and unsigned with high garbage bits', () => {
    const data = { tag: '7FE00010', vr: 'OW', value: new Uint16Array([0x0fff, 0x0800, 0xf001, 0x07ff]) } as const;
    expect(decodeTiny([...signed16(12), data])).toEqual([-1, -2048, 1, 2047]);
    expect(decodeTiny([data])).toEqual([4095, 2048, 1, 2047]);
  });

  it('decodes 8-bit pixels', () => {
    const values = decodeTiny([
      { tag: '00280100', vr: 'US', value: 8 },
      { tag: '00280101', vr: 'US', value: 8 },
      { tag: '00280102', vr: 'US', value: 7 },
      { tag: '7FE00010', vr: 'OB', value: new Uint8Array([0, 127, 255, 3]) },
    ]);
    expect(values).toEqual([0, 127, 255, 3]);
  });

  it('returns floats for a fractional rescale', () => {
    const file = tinyInstance([
      { tag: '00281052', vr: 'DS', value: 0.25 },
      { tag: '00281053', vr: 'DS', value: 0.5 },
      { tag: '7FE00010', vr: 'OW', value: new Uint16Array([1, 2, 3, 4]) },
    ]);
    const frame = decodeUncompressedFrame(file, parseInstance(file));
    expect(frame).toBeInstanceOf(Float32Array);
    expect(Array.from(frame)).toEqual([0.75, 1.25, 1.75, 2.25]);
  });

  it('reads the requested frame of a multi-frame instance and refuses one past the end', () => {
    const attributes: SyntheticElement[] = [
      { tag: '00280008', vr: 'IS', value: 2 },
      { tag: '7FE00010', vr: 'OW', value: new Uint16Array([1, 2, 3, 4, 10, 20, 30, 40]) },
    ];
    expect(decodeTiny(attributes, 'explicit-le', 1)).toEqual([10, 20, 30, 40]);
    expect(() => decodeTiny(attributes, 'explicit-le', 2)).toThrow(PixelDecodeError);
  });

  it('refuses encapsulated pixel data', () => {
    const file = tinyInstance([]);
    const parsed = parseInstance(file);
    expect(() =>
      decodeUncompressedFrame(file, { ...parsed, transferSyntaxUid: '1.2.840.10008.1.2.5', pixelData: { ...parsed.pixelData!, encapsulated: true } }),
    ).toThrow(/compressed/);
  });
});

describe('windowToGray8', () => {
  it('follows the DICOM linear VOI function', () => {
    expect(Array.from(windowToGray8([-50, 0, 128, 255, 256, 1000], 128, 256))).toEqual([0, 0, 128, 255, 255, 255]);
    // c=40, w=80: black at or below 0, white above 79, ((x - 39.5) / 79 + 0.5) * 255 in between.
    expect(Array.from(windowToGray8([-1, 0, 1, 39.5, 78, 79, 80], 40, 80))).toEqual([0, 0, 3, 128, 252, 255, 255]);
  });

  it('is a threshold at width 1', () => {
    expect(Array.from(windowToGray8([9, 9.5, 10, 11], 10, 1))).toEqual([0, 0, 255, 255]);
  });
});

describe('defaultWindow', () => {
  it('spans min to max at the 0th and 100th percentiles', () => {
    const frame = Int32Array.from({ length: 1000 }, (_, i) => i);
    const window = defaultWindow(frame, { lowerPercentile: 0, upperPercentile: 100 });
    expect(window).toEqual({ center: 500, width: 1000 });
    expect(Array.from(windowToGray8([0, 999], window.center, window.width))).toEqual([0, 255]);
  });

  it('ignores a rare outlier by default', () => {
    const frame = Int32Array.from({ length: 1000 }, (_, i) => (i === 500 ? 1_000_000 : 100 + (i % 100)));
    const window = defaultWindow(frame);
    expect(window.center + window.width / 2).toBeLessThan(250);
    expect(window.center - window.width / 2).toBeLessThanOrEqual(100);
  });

  it('handles a constant frame', () => {
    const window = defaultWindow(new Int32Array(16).fill(7));
    expect(window.width).toBe(1);
    expect(Array.from(windowToGray8([7], window.center, window.width))).toEqual([0]);
  });
});

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
    expect(crc32(Buffer.from('IEND'))).toBe(0xae426082);
    expect(crc32(Buffer.from('1234'), Buffer.from('56789'))).toBe(0xcbf43926);
  });
});

describe('encodePngGray8', () => {
  it('writes a greyscale PNG whose scanlines inflate back to the pixels', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const png = encodePngGray8(5, 3, pixels);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const chunks = pngChunks(png);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    for (const chunk of chunks) expect(chunk.crc).toBe(crc32(Buffer.from(chunk.type, 'latin1'), chunk.data));
    const ihdr = chunks[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]]).toEqual([5, 3, 8, 0, 0, 0, 0]);
    const raw = inflateSync(chunks[1]!.data);
    expect(raw.length).toBe(3 * 6);
    for (let y = 0; y < 3; y++) {
      expect(raw[y * 6]).toBe(0);
      expect(Array.from(raw.subarray(y * 6 + 1, y * 6 + 6))).toEqual(Array.from(pixels.subarray(y * 5, y * 5 + 5)));
    }
    expect(chunks[2]!.data.length).toBe(0);
  });

  it('renders a decoded, windowed slice', () => {
    const file = makeSeries({ slices: 1, rows: 16, columns: 8 }).files[0]!;
    const parsed = parseInstance(file);
    const frame = decodeUncompressedFrame(file, parsed);
    const window = defaultWindow(frame, { lowerPercentile: 0, upperPercentile: 100 });
    const gray = windowToGray8(frame, window.center, window.width);
    const png = encodePngGray8(parsed.columns!, parsed.rows!, gray);
    const raw = inflateSync(pngChunks(png)[1]!.data);
    const row = (y: number) => Array.from(raw.subarray(y * 9 + 1, y * 9 + 9));
    // Darkest at the top-left corner, brightest at the right end of the band's last row (rows 6-9 of 16).
    expect(row(0)[0]).toBe(0);
    expect(row(9)[7]).toBe(255);
    expect(Math.min(...row(7))).toBeGreaterThan(Math.max(...row(5)));
  });

  it('refuses a pixel count that does not match the size', () => {
    expect(() => encodePngGray8(4, 4, new Uint8Array(15))).toThrow(RangeError);
  });
});
