import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { compressWithGdcm, makeSeries, phantomPixel, type GdcmCompression, type SyntheticElement } from '@cruciate/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInstance } from './parse-instance.js';
import { decodeFrame } from './pixels-decode.js';
import { frameFragments, joinFragments, readEncapsulatedPixelData } from './pixels-encapsulated.js';
import { PixelDecodeError } from './pixels-errors.js';
import { decodeRleFrame } from './pixels-rle.js';
import { applyRescale, decodeUncompressedFrame } from './pixels.js';
import { TRANSFER_SYNTAX, type ParsedInstance } from './types.js';

const execFileAsync = promisify(execFile);

/** gdcmconv with arbitrary flags (lossy modes that compressWithGdcm does not offer). */
async function gdcmconv(file: Buffer, flags: readonly string[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cruciate-pixels-'));
  try {
    await writeFile(path.join(dir, 'in.dcm'), file);
    await execFileAsync('gdcmconv', [...flags, path.join(dir, 'in.dcm'), path.join(dir, 'out.dcm')]);
    return await readFile(path.join(dir, 'out.dcm'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ROWS = 40;
const COLUMNS = 56;

function pixelModule(bitsAllocated: 8 | 16, bitsStored: number, signed: boolean, values: (i: number) => number, frames = 1): SyntheticElement[] {
  const count = ROWS * COLUMNS * frames;
  const data =
    bitsAllocated === 8 ? Uint8Array.from({ length: count }, (_, i) => values(i) & 0xff) : Uint16Array.from({ length: count }, (_, i) => values(i) & 0xffff);
  return [
    { tag: '00280100', vr: 'US', value: bitsAllocated },
    { tag: '00280101', vr: 'US', value: bitsStored },
    { tag: '00280102', vr: 'US', value: bitsStored - 1 },
    { tag: '00280103', vr: 'US', value: signed ? 1 : 0 },
    ...(frames > 1 ? [{ tag: '00280008', vr: 'IS', value: frames } as const] : []),
    { tag: '7FE00010', vr: bitsAllocated === 8 ? 'OB' : 'OW', value: data },
  ];
}

/** Test images: the phantom (12 of 16 bits), signed 16-bit, signed 12-bit, 8-bit, and a 3-frame 16-bit instance. */
const CASES = {
  'unsigned 16-bit phantom': (): Buffer[] => makeSeries({ slices: 3, rows: ROWS, columns: COLUMNS }).files,
  'signed 16-bit': (): Buffer[] => [one(pixelModule(16, 16, true, (i) => ((i * 131) % 40000) - 20000))],
  'signed 12-bit': (): Buffer[] => [one(pixelModule(16, 12, true, (i) => ((i * 17) % 4096) - 2048))],
  '8-bit': (): Buffer[] => [one(pixelModule(8, 8, false, (i) => (i * 7) % 256))],
  '3-frame 16-bit': (): Buffer[] => [one(pixelModule(16, 12, false, (i) => (i * 3) % 4096, 3))],
} as const;
type CaseName = keyof typeof CASES;

function one(attributes: readonly SyntheticElement[]): Buffer {
  return makeSeries({ slices: 1, rows: ROWS, columns: COLUMNS, extraAttributes: attributes }).files[0]!;
}

async function allFrames(file: Uint8Array): Promise<Int32Array[]> {
  const parsed = parseInstance(file);
  const frames: Int32Array[] = [];
  for (let f = 0; f < parsed.numberOfFrames; f++) frames.push(await decodeFrame(file, parsed, f));
  return frames;
}

async function decodeError(file: Uint8Array, parsed: ParsedInstance, frame = 0): Promise<PixelDecodeError> {
  const error: unknown = await decodeFrame(file, parsed, frame).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PixelDecodeError);
  return error as PixelDecodeError;
}

const LOSSLESS: Record<GdcmCompression, readonly string[]> = {
  rle: [TRANSFER_SYNTAX.RLE_LOSSLESS],
  jpegls: [TRANSFER_SYNTAX.JPEG_LS_LOSSLESS],
  j2k: [TRANSFER_SYNTAX.JPEG_2000_LOSSLESS],
  'jpeg-lossless': [TRANSFER_SYNTAX.JPEG_LOSSLESS_SV1, TRANSFER_SYNTAX.JPEG_LOSSLESS_P14],
  deflated: [TRANSFER_SYNTAX.DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN],
};

/**
 * Rewrites a file's encapsulated pixel data (which must end the file) with the given fragments per frame, with or without
 * a Basic Offset Table.
 */
function reencapsulate(file: Uint8Array, parsed: ParsedInstance, frames: readonly (readonly Uint8Array[])[], withBot: boolean): Buffer {
  const headerStart = parsed.pixelData!.offset - 12;
  const item = (value: Uint8Array): Buffer => {
    const head = Buffer.alloc(8);
    head.writeUInt16LE(0xfffe, 0);
    head.writeUInt16LE(0xe000, 2);
    head.writeUInt32LE(value.length, 4);
    return Buffer.concat([head, value]);
  };
  const items: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (const fragments of frames) {
    offsets.push(at);
    for (const fragment of fragments) {
      const padded = fragment.length % 2 === 0 ? fragment : Buffer.concat([fragment, Buffer.alloc(1)]);
      items.push(item(padded));
      at += 8 + padded.length;
    }
  }
  const bot = Buffer.alloc(withBot ? 4 * frames.length : 0);
  offsets.forEach((o, i) => withBot && bot.writeUInt32LE(o, 4 * i));
  const delimiter = Buffer.from([0xfe, 0xff, 0xdd, 0xe0, 0, 0, 0, 0]);
  return Buffer.concat([file.subarray(0, headerStart), file.subarray(headerStart, headerStart + 12), item(bot), ...items, delimiter]);
}

/** Each frame's codestream of a compressed file. */
function codestreams(file: Uint8Array, parsed: ParsedInstance): Uint8Array[] {
  const data = readEncapsulatedPixelData(file, parsed.pixelData!.offset, parsed.pixelData!.length);
  return Array.from({ length: parsed.numberOfFrames }, (_, f) =>
    joinFragments(file, frameFragments(file, data, { numberOfFrames: parsed.numberOfFrames, frameIndex: f, startsFrame: null })),
  );
}

function split(data: Uint8Array, parts: number): Uint8Array[] {
  const size = Math.ceil(data.length / parts / 2) * 2;
  return Array.from({ length: parts }, (_, i) => data.subarray(i * size, Math.min(data.length, (i + 1) * size)));
}

describe('decodeFrame', () => {
  const originals = new Map<CaseName, { files: Buffer[]; frames: Int32Array[][] }>();

  beforeAll(async () => {
    for (const name of Object.keys(CASES) as CaseName[]) {
      const files = CASES[name]();
      originals.set(name, { files, frames: await Promise.all(files.map((f) => allFrames(f))) });
    }
  });

  it('decodes native pixel data to the stored values decodeUncompressedFrame gives', async () => {
    const { files } = originals.get('unsigned 16-bit phantom')!;
    for (const transferSyntax of ['explicit-le', 'implicit-le', 'explicit-be', 'deflated-le'] as const) {
      const file = makeSeries({ slices: 1, rows: ROWS, columns: COLUMNS, transferSyntax }).files[0]!;
      const parsed = parseInstance(file);
      expect(Array.from(await decodeFrame(file, parsed))).toEqual(Array.from(decodeUncompressedFrame(file, parsed)));
    }
    const first = (await allFrames(files[0]!))[0]!;
    expect(first[0]).toBe(phantomPixel(0, 0, 0, { slices: 3, rows: ROWS, columns: COLUMNS }));
  });

  for (const kind of Object.keys(LOSSLESS) as GdcmCompression[]) {
    it.each(Object.keys(CASES) as CaseName[])(`decodes %s compressed with gdcmconv (${kind}) to exactly the original stored values`, async (name) => {
      const { files, frames } = originals.get(name)!;
      for (const [i, file] of files.entries()) {
        const compressed = await compressWithGdcm(file, kind);
        const parsed = parseInstance(compressed);
        expect(LOSSLESS[kind]).toContain(parsed.transferSyntaxUid);
        const decoded = await allFrames(compressed);
        expect(decoded.length).toBe(frames[i]!.length);
        decoded.forEach((frame, f) => expect(frame).toEqual(frames[i]![f]));
      }
    });
  }

  it('keeps the phantom values of a 3-slice series through every lossless syntax', async () => {
    const geometry = { slices: 3, rows: ROWS, columns: COLUMNS };
    const { files } = originals.get('unsigned 16-bit phantom')!;
    const expected = (slice: number) =>
      Int32Array.from({ length: ROWS * COLUMNS }, (_, i) => phantomPixel(slice, Math.floor(i / COLUMNS), i % COLUMNS, geometry));
    for (const kind of Object.keys(LOSSLESS) as GdcmCompression[]) {
      for (const slice of [0, 1, 2]) {
        const compressed = await compressWithGdcm(files[slice]!, kind);
        expect(await decodeFrame(compressed, parseInstance(compressed))).toEqual(expected(slice));
      }
    }
  });

  it('decodes near-lossless JPEG-LS within its NEAR bound', async () => {
    for (const name of ['unsigned 16-bit phantom', '8-bit'] as const) {
      const { files, frames } = originals.get(name)!;
      const compressed = await gdcmconv(files[0]!, ['--jpegls', '--lossy', '-e', '3']);
      const parsed = parseInstance(compressed);
      expect(parsed.transferSyntaxUid).toBe(TRANSFER_SYNTAX.JPEG_LS_NEAR_LOSSLESS);
      const decoded = await decodeFrame(compressed, parsed);
      const original = frames[0]![0]!;
      const worst = decoded.reduce((m, v, i) => Math.max(m, Math.abs(v - original[i]!)), 0);
      expect(worst).toBeLessThanOrEqual(3);
    }
  });

  it('decodes lossy JPEG 2000 as gdcm itself does', async () => {
    const { files, frames } = originals.get('unsigned 16-bit phantom')!;
    const compressed = await gdcmconv(files[1]!, ['--j2k', '--lossy', '-r', '8']);
    const parsed = parseInstance(compressed);
    expect(parsed.transferSyntaxUid).toBe(TRANSFER_SYNTAX.JPEG_2000);
    const decoded = await decodeFrame(compressed, parsed);
    // gdcm's own decompression of the same codestream is the reference (OpenJPEG both sides; allow rounding).
    const reference = await gdcmconv(compressed, ['--raw']);
    const expected = await decodeFrame(reference, parseInstance(reference));
    expect(decoded.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0)).toBeLessThanOrEqual(1);
    const original = frames[1]![0]!;
    const meanError = decoded.reduce((s, v, i) => s + Math.abs(v - original[i]!), 0) / decoded.length;
    expect(meanError).toBeLessThan(20);
  });

  describe('encapsulated frames', () => {
    it.each(['jpegls', 'j2k', 'jpeg-lossless'] as const)('finds multi-fragment frames with and without a Basic Offset Table (%s)', async (kind) => {
      const { files, frames } = originals.get('3-frame 16-bit')!;
      const compressed = await compressWithGdcm(files[0]!, kind);
      const parsed = parseInstance(compressed);
      const streams = codestreams(compressed, parsed);
      for (const withBot of [true, false]) {
        const rebuilt = reencapsulate(
          compressed,
          parsed,
          streams.map((s) => split(s, 3)),
          withBot,
        );
        const reparsed = parseInstance(rebuilt);
        expect(reparsed.numberOfFrames).toBe(3);
        expect(await allFrames(rebuilt)).toEqual(frames[0]);
      }
      // One frame split over several fragments.
      const single = originals.get('signed 16-bit')!;
      const one = await compressWithGdcm(single.files[0]!, kind);
      const oneParsed = parseInstance(one);
      const rebuilt = reencapsulate(one, oneParsed, [split(codestreams(one, oneParsed)[0]!, 4)], false);
      expect(await allFrames(rebuilt)).toEqual(single.frames[0]);
    });

    it('uses the offset table for RLE and refuses to guess without one', async () => {
      const { files, frames } = originals.get('3-frame 16-bit')!;
      const compressed = await compressWithGdcm(files[0]!, 'rle');
      const parsed = parseInstance(compressed);
      const streams = codestreams(compressed, parsed);
      const withBot = reencapsulate(
        compressed,
        parsed,
        streams.map((s) => split(s, 2)),
        true,
      );
      expect(await allFrames(withBot)).toEqual(frames[0]);
      const oneEach = reencapsulate(
        compressed,
        parsed,
        streams.map((s) => [s]),
        false,
      );
      expect(await allFrames(oneEach)).toEqual(frames[0]);
      const ambiguous = reencapsulate(
        compressed,
        parsed,
        streams.map((s) => split(s, 2)),
        false,
      );
      const error = await decodeError(ambiguous, parseInstance(ambiguous), 1);
      expect(error.message).toMatch(/cannot tell which of the 6 fragments hold frame 1/);
    });

    it('reads an Extended Offset Table in front of the pixel data', async () => {
      const { files, frames } = originals.get('3-frame 16-bit')!;
      const compressed = await compressWithGdcm(files[0]!, 'rle');
      const parsed = parseInstance(compressed);
      const streams = codestreams(compressed, parsed);
      const rebuilt = reencapsulate(
        compressed,
        parsed,
        streams.map((s) => split(s, 2)),
        false,
      );
      const reparsed = parseInstance(rebuilt);
      const headerStart = reparsed.pixelData!.offset - 12;
      const ov = (element: number, values: readonly number[]): Buffer => {
        const b = Buffer.alloc(12 + 8 * values.length);
        b.writeUInt16LE(0x7fe0, 0);
        b.writeUInt16LE(element, 2);
        b.write('OV', 4, 'latin1');
        b.writeUInt32LE(8 * values.length, 8);
        values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 12 + 8 * i));
        return b;
      };
      let at = 0;
      const offsets = streams.map((s) => {
        const o = at;
        for (const part of split(s, 2)) at += 8 + part.length + (part.length % 2);
        return o;
      });
      const eot = Buffer.concat([
        ov(1, offsets),
        ov(
          2,
          streams.map((s) => s.length),
        ),
      ]);
      const withEot = Buffer.concat([rebuilt.subarray(0, headerStart), eot, rebuilt.subarray(headerStart)]);
      // dicom-parser does not know the OV VR, so the header is the one parsed before the table went in, moved along.
      const moved: ParsedInstance = { ...reparsed, pixelData: { ...reparsed.pixelData!, offset: reparsed.pixelData!.offset + eot.length } };
      for (let f = 0; f < 3; f++) expect(await decodeFrame(withEot, moved, f)).toEqual(frames[0]![f]);
    });
  });

  describe('bad input', () => {
    it.each(['rle', 'jpegls', 'j2k', 'jpeg-lossless'] as const)('refuses a truncated %s frame with a permanent PixelDecodeError', async (kind) => {
      const { files } = originals.get('unsigned 16-bit phantom')!;
      const compressed = await compressWithGdcm(files[0]!, kind);
      const parsed = parseInstance(compressed);
      const stream = codestreams(compressed, parsed)[0]!;
      for (const keep of [0.5, 0.9]) {
        const cut = stream.subarray(0, Math.floor((stream.length * keep) / 2) * 2);
        const truncated = reencapsulate(compressed, parsed, [[cut]], false);
        const error = await decodeError(truncated, parseInstance(truncated));
        expect(error.permanent).toBe(true);
        expect(error.code).toBe('CORRUPT');
      }
      // The file itself cut short inside the fragment: the header parsed from the whole file no longer fits.
      const short = compressed.subarray(0, compressed.length - Math.floor(stream.length / 2));
      expect((await decodeError(short, parsed)).code).toBe('CORRUPT');
    });

    it.each(['rle', 'jpegls', 'j2k', 'jpeg-lossless'] as const)('never crashes or hangs on corrupted %s frames', async (kind) => {
      const { files } = originals.get('unsigned 16-bit phantom')!;
      const compressed = await compressWithGdcm(files[0]!, kind);
      const parsed = parseInstance(compressed);
      const stream = codestreams(compressed, parsed)[0]!;
      let seed = 12345;
      const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
      for (let trial = 0; trial < 25; trial++) {
        const damaged = Uint8Array.from(stream);
        for (let k = 0; k < 8; k++) damaged[Math.floor(random() * damaged.length)] = Math.floor(random() * 256);
        const file = reencapsulate(compressed, parsed, [[damaged]], false);
        const outcome = await decodeFrame(file, parseInstance(file)).then(
          (frame) => frame.length,
          (e: unknown) => (e instanceof PixelDecodeError ? 'error' : e),
        );
        expect([ROWS * COLUMNS, 'error']).toContain(outcome);
      }
    });

    it('names an unsupported transfer syntax: JPEG baseline made by gdcmconv', async () => {
      const { files } = originals.get('8-bit')!;
      const baseline = await gdcmconv(files[0]!, ['--jpeg', '--lossy', '-q', '90']);
      const parsed = parseInstance(baseline);
      expect(parsed.transferSyntaxUid).toBe(TRANSFER_SYNTAX.JPEG_BASELINE);
      const error = await decodeError(baseline, parsed);
      expect(error.message).toBe('JPEG Baseline (Process 1) 1.2.840.10008.1.2.4.50 is not supported');
      expect(error.code).toBe('UNSUPPORTED_TRANSFER_SYNTAX');
      expect(error.permanent).toBe(true);
      // The same baseline stream labelled JPEG lossless is caught by its frame header.
      const mislabelled = await decodeError(baseline, { ...parsed, transferSyntaxUid: TRANSFER_SYNTAX.JPEG_LOSSLESS_SV1 });
      expect(mislabelled.message).toMatch(/SOF0 .*not the lossless process 14/);
    });

    it('names hand-edited transfer syntaxes, known or not', async () => {
      const file = await compressWithGdcm(originals.get('signed 16-bit')!.files[0]!, 'j2k');
      const parsed = parseInstance(file);
      const htj2k = await decodeError(file, { ...parsed, transferSyntaxUid: '1.2.840.10008.1.2.4.201' });
      expect(htj2k.message).toBe('High-Throughput JPEG 2000 Image Compression (Lossless Only) 1.2.840.10008.1.2.4.201 is not supported');
      const unknown = await decodeError(file, { ...parsed, transferSyntaxUid: '1.2.3.4' });
      expect(unknown.message).toBe('unknown transfer syntax 1.2.3.4 is not supported');
    });

    it('refuses colour images, other bit depths and missing frames', async () => {
      const rgb = makeSeries({
        slices: 1,
        rows: 2,
        columns: 2,
        extraAttributes: [
          { tag: '00280002', vr: 'US', value: 3 },
          { tag: '00280004', vr: 'CS', value: 'RGB' },
          { tag: '00280006', vr: 'US', value: 0 },
          { tag: '00280100', vr: 'US', value: 8 },
          { tag: '00280101', vr: 'US', value: 8 },
          { tag: '00280102', vr: 'US', value: 7 },
          { tag: '7FE00010', vr: 'OB', value: new Uint8Array(12) },
        ],
      }).files[0]!;
      const colour = await decodeError(rgb, parseInstance(rgb));
      expect(colour.message).toMatch(/colour pixel data \(SamplesPerPixel 3, PhotometricInterpretation RGB\) is not supported/);
      expect(colour.code).toBe('UNSUPPORTED_PIXEL_FORMAT');
      const file = originals.get('signed 16-bit')!.files[0]!;
      const parsed = parseInstance(file);
      expect((await decodeError(file, { ...parsed, bitsAllocated: 32 })).code).toBe('UNSUPPORTED_PIXEL_FORMAT');
      expect((await decodeError(file, parsed, 1)).code).toBe('FRAME_OUT_OF_RANGE');
      expect((await decodeError(file, { ...parsed, pixelData: null })).code).toBe('NO_PIXEL_DATA');
    });
  });
});

describe('decodeRleFrame', () => {
  const frame = (segments: readonly number[][]): Uint8Array => {
    const header = new Uint8Array(64);
    const view = new DataView(header.buffer);
    view.setUint32(0, segments.length, true);
    let at = 64;
    segments.forEach((s, i) => {
      view.setUint32(4 + 4 * i, at, true);
      at += s.length;
    });
    return Uint8Array.from([...header, ...segments.flat()]);
  };

  it('unpacks literal, replicate and no-op runs (8-bit)', () => {
    // literal [1,2,3], -128 no-op, replicate 9 x4, literal [7], one byte of padding after the end.
    const data = frame([[2, 1, 2, 3, 128, 253, 9, 0, 7, 0]]);
    expect(Array.from(decodeRleFrame(data, 8, 8))).toEqual([1, 2, 3, 9, 9, 9, 9, 7]);
  });

  it('joins the high and low byte segments (16-bit)', () => {
    const data = frame([
      [255, 0x12, 0, 0xff], // replicate 0x12 twice -> [0x12, 0x12]; literal [0xff] is beyond the 2 pixels
      [1, 0x34, 0x80],
    ]);
    expect(Array.from(decodeRleFrame(data, 2, 16))).toEqual([0x1234, 0x1280]);
  });

  it('refuses short segments and the wrong segment count', () => {
    expect(() => decodeRleFrame(frame([[2, 1, 2]]), 3, 8)).toThrow(/ends inside a literal run/);
    expect(() => decodeRleFrame(frame([[253, 9]]), 5, 8)).toThrow(/ends after 4 of 5 bytes/);
    expect(() => decodeRleFrame(frame([[0, 1]]), 1, 16)).toThrow(/has 1 segment\(s\); 16-bit monochrome pixels need 2/);
    expect(() => decodeRleFrame(new Uint8Array(10), 1, 8)).toThrow(PixelDecodeError);
  });
});

describe('applyRescale', () => {
  it('gives integers for integral slope and intercept, floats otherwise', () => {
    expect(applyRescale(Int32Array.of(-1, 0, 2), { rescaleSlope: 2, rescaleIntercept: -1024 })).toEqual(Int32Array.of(-1026, -1024, -1020));
    expect(applyRescale(Int32Array.of(1, 2), { rescaleSlope: 0.5, rescaleIntercept: null })).toEqual(Float32Array.of(0.5, 1));
  });
});
