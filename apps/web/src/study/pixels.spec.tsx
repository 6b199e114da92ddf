import { describe, expect, it } from 'vitest';
import { multipartBoundary, MultipartFormatError, parseMultipart } from './multipart.js';
import { decodeFrame, greyFromRgba, type InstanceMeta, isBigEndianPart, parseInstanceMeta, PixelFormatError } from './pixels.js';

function meta(overrides: Partial<InstanceMeta> = {}): InstanceMeta {
  return {
    sopInstanceUid: '1.2.3',
    instanceNumber: 1,
    rows: 1,
    columns: 3,
    bitsAllocated: 16,
    bitsStored: 16,
    pixelRepresentation: 0,
    samplesPerPixel: 1,
    photometricInterpretation: 'MONOCHROME2',
    rescale: { slope: 1, intercept: 0 },
    window: null,
    ...overrides,
  };
}

describe('parseInstanceMeta (DICOM JSON)', () => {
  it('reads size, pixel format, rescale and the first window', () => {
    const m = parseInstanceMeta({
      '00080018': { vr: 'UI', Value: ['1.2.840.1'] },
      '00200013': { vr: 'IS', Value: [7] },
      '00280010': { vr: 'US', Value: [256] },
      '00280011': { vr: 'US', Value: [192] },
      '00280100': { vr: 'US', Value: [16] },
      '00280101': { vr: 'US', Value: [12] },
      '00280103': { vr: 'US', Value: [1] },
      '00281050': { vr: 'DS', Value: ['600', '300'] },
      '00281051': { vr: 'DS', Value: [1200, 500] },
      '00281052': { vr: 'DS', Value: ['-1024'] },
      '00281053': { vr: 'DS', Value: ['2.5'] },
      '7FE00010': { vr: 'OW', BulkDataURI: 'http://x/frames/1' },
    });
    expect(m).toMatchObject({
      sopInstanceUid: '1.2.840.1',
      instanceNumber: 7,
      rows: 256,
      columns: 192,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 1,
      rescale: { slope: 2.5, intercept: -1024 },
      window: { center: 600, width: 1200 },
      photometricInterpretation: 'MONOCHROME2',
    });
  });

  it('defaults what is absent and refuses an instance without rows/columns', () => {
    const m = parseInstanceMeta({ '00080018': { Value: ['1'] }, '00280010': { Value: [2] }, '00280011': { Value: [2] } });
    expect(m.rescale).toEqual({ slope: 1, intercept: 0 });
    expect(m.window).toBeNull();
    expect(m.bitsAllocated).toBe(16);
    expect(() => parseInstanceMeta({ '00080018': { Value: ['1'] } })).toThrow(PixelFormatError);
    expect(() => parseInstanceMeta('x')).toThrow(PixelFormatError);
  });
});

describe('decodeFrame', () => {
  it('reads little-endian unsigned 16-bit', () => {
    const bytes = new Uint8Array([0x01, 0x00, 0xff, 0xff, 0x34, 0x12]);
    const px = decodeFrame(bytes, meta());
    expect(px).toBeInstanceOf(Uint16Array);
    expect(Array.from(px)).toEqual([1, 65535, 0x1234]);
  });

  it('reads signed 16-bit and big-endian', () => {
    expect(Array.from(decodeFrame(new Uint8Array([0xff, 0xff, 0x00, 0x80, 0x05, 0x00]), meta({ pixelRepresentation: 1 })))).toEqual([-1, -32768, 5]);
    expect(Array.from(decodeFrame(new Uint8Array([0x12, 0x34, 0, 1, 0, 0]), meta(), false))).toEqual([0x1234, 1, 0]);
  });

  it('masks bits above BitsStored and sign-extends signed values', () => {
    expect(Array.from(decodeFrame(new Uint8Array([0xff, 0xff, 0x00, 0xf8, 0xff, 0x07]), meta({ bitsStored: 12 })))).toEqual([4095, 2048, 2047]);
    expect(Array.from(decodeFrame(new Uint8Array([0xff, 0x0f, 0x00, 0x08, 0xff, 0x07]), meta({ bitsStored: 12, pixelRepresentation: 1 })))).toEqual([
      -1, -2048, 2047,
    ]);
  });

  it('decodes a frame at an odd byte offset (a view into a multipart body)', () => {
    const body = new Uint8Array([9, 0x02, 0x00, 0x03, 0x00, 0x04, 0x00]);
    expect(Array.from(decodeFrame(body.subarray(1), meta()))).toEqual([2, 3, 4]);
  });

  it('reads 8-bit and refuses short frames and colour', () => {
    expect(Array.from(decodeFrame(new Uint8Array([1, 2, 3]), meta({ bitsAllocated: 8 })))).toEqual([1, 2, 3]);
    expect(() => decodeFrame(new Uint8Array(4), meta())).toThrow(PixelFormatError);
    expect(() => decodeFrame(new Uint8Array(18), meta({ samplesPerPixel: 3 }))).toThrow(PixelFormatError);
    expect(() => decodeFrame(new Uint8Array(18), meta({ bitsAllocated: 32 }))).toThrow(PixelFormatError);
  });

  it('takes the grey channel of rendered RGBA', () => {
    expect(Array.from(greyFromRgba(new Uint8Array([10, 10, 10, 255, 200, 200, 200, 255])))).toEqual([10, 200]);
  });

  it('detects the big-endian transfer syntax in a part content type', () => {
    expect(isBigEndianPart('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.2')).toBe(true);
    expect(isBigEndianPart('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1')).toBe(false);
    expect(isBigEndianPart('application/octet-stream')).toBe(false);
    expect(isBigEndianPart(undefined)).toBe(false);
  });
});

describe('multipart/related', () => {
  const enc = new TextEncoder();
  const concat = (...chunks: (string | Uint8Array)[]): Uint8Array => {
    const parts = chunks.map((c) => (typeof c === 'string' ? enc.encode(c) : c));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  };

  it('finds the boundary in the content type', () => {
    expect(multipartBoundary('multipart/related; type="application/octet-stream"; boundary=cruciate-abc')).toBe('cruciate-abc');
    expect(multipartBoundary('multipart/related; boundary="q b"; type=x')).toBe('q b');
    expect(multipartBoundary('application/json')).toBeNull();
    expect(multipartBoundary(null)).toBeNull();
  });

  it('splits parts with their headers, keeping binary bodies intact (CRLF inside included)', () => {
    const frame = new Uint8Array([0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]);
    const body = concat('--b1\r\nContent-Type: application/octet-stream\r\n\r\n', frame, '\r\n--b1\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b1--\r\n');
    const parts = parseMultipart(body, 'b1');
    expect(parts).toHaveLength(2);
    expect(parts[0]!.headers['content-type']).toBe('application/octet-stream');
    expect(Array.from(parts[0]!.body)).toEqual(Array.from(frame));
    expect(new TextDecoder().decode(parts[1]!.body)).toBe('hi');
  });

  it('rejects a body without the boundary or a truncated one', () => {
    expect(() => parseMultipart(enc.encode('nothing'), 'b1')).toThrow(MultipartFormatError);
    expect(() => parseMultipart(enc.encode('--b1\r\nContent-Type: x\r\n\r\nabc'), 'b1')).toThrow(MultipartFormatError);
  });
});
