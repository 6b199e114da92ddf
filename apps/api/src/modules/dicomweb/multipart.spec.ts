import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { MultipartError, parseMultipartRelated, readMultipart } from './multipart.js';

function body(boundary: string, parts: Buffer[]): Buffer {
  const pieces: Buffer[] = [Buffer.from('preamble to ignore\r\n')];
  for (const p of parts) pieces.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), p, Buffer.from('\r\n'));
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(pieces);
}

async function collect(stream: Readable, boundary: string, maxPartBytes = 1 << 20) {
  const out: (Buffer | 'tooLarge')[] = [];
  for await (const part of readMultipart(stream, boundary, { maxPartBytes, maxTotalBytes: 1 << 24 })) out.push('tooLarge' in part ? 'tooLarge' : part.body);
  return out;
}

describe('multipart/related', () => {
  it('parses the content type', () => {
    expect(parseMultipartRelated('multipart/related; type="application/dicom"; boundary=abc')).toEqual({ boundary: 'abc', type: 'application/dicom' });
    expect(() => parseMultipartRelated('application/json')).toThrow(MultipartError);
    expect(() => parseMultipartRelated('multipart/related; type="application/dicom"')).toThrow(/boundary/);
  });

  it.each([1, 7, 64, 100_000])('splits parts exactly whatever the chunk size (%i bytes)', async (chunkSize) => {
    const parts = [Buffer.from('first\r\n--not-the-boundary'), Buffer.alloc(5000, 7), Buffer.from('')];
    const raw = body('b0undary', parts);
    const chunks: Buffer[] = [];
    for (let i = 0; i < raw.length; i += chunkSize) chunks.push(raw.subarray(i, i + chunkSize));
    expect(await collect(Readable.from(chunks), 'b0undary')).toEqual(parts);
  });

  it('splits parts exactly when chunks cut the delimiters anywhere (chunk sizes around its length, and random ones)', async () => {
    const boundary = 'boundary-0123456789';
    const parts = Array.from({ length: 12 }, (_, i) => Buffer.alloc(300 + 37 * i, i + 1));
    parts.push(Buffer.from(`\r\n--${boundary.slice(0, -1)}\r\n--${boundary}X`.slice(0, 10)), Buffer.from(`almost \r\n--${boundary.slice(0, 5)}`));
    const raw = body(boundary, parts);
    const delimiterLength = boundary.length + 4;
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const chunkings: number[][] = [];
    for (let size = delimiterLength - 2; size <= delimiterLength + 3; size++) chunkings.push(Array.from({ length: raw.length }, () => size));
    for (let r = 0; r < 20; r++) chunkings.push(Array.from({ length: raw.length }, () => 1 + Math.floor(random() * 3 * delimiterLength)));
    for (const sizes of chunkings) {
      const chunks: Buffer[] = [];
      for (let i = 0, k = 0; i < raw.length; i += sizes[k++]!) chunks.push(raw.subarray(i, i + sizes[k]!));
      expect(await collect(Readable.from(chunks), boundary)).toEqual(parts);
    }
  });

  it('a part that arrives within one chunk is handed over without a copy; one spanning chunks is joined once', async () => {
    const raw = body('x', [Buffer.alloc(1000, 3), Buffer.alloc(3000, 4)]);
    const first = raw.subarray(0, 2000);
    const parts = await collect(Readable.from([first, raw.subarray(2000)]), 'x');
    expect(parts).toEqual([Buffer.alloc(1000, 3), Buffer.alloc(3000, 4)]);
    expect((parts[0] as Buffer).buffer).toBe(first.buffer);
    expect((parts[1] as Buffer).buffer).not.toBe(first.buffer);
  });

  it('reports an oversize part without holding it, and goes on with the next', async () => {
    const parts = [Buffer.alloc(3000, 1), Buffer.from('small')];
    expect(await collect(Readable.from([body('x', parts)]), 'x', 1000)).toEqual(['tooLarge', Buffer.from('small')]);
  });

  it('a body without its closing delimiter is an error', async () => {
    const raw = body('x', [Buffer.from('a')]);
    await expect(collect(Readable.from([raw.subarray(0, raw.length - 10)]), 'x')).rejects.toThrow(/closing delimiter/);
  });
});
