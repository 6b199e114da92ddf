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

  it('reports an oversize part without holding it, and goes on with the next', async () => {
    const parts = [Buffer.alloc(3000, 1), Buffer.from('small')];
    expect(await collect(Readable.from([body('x', parts)]), 'x', 1000)).toEqual(['tooLarge', Buffer.from('small')]);
  });

  it('a body without its closing delimiter is an error', async () => {
    const raw = body('x', [Buffer.from('a')]);
    await expect(collect(Readable.from([raw.subarray(0, raw.length - 10)]), 'x')).rejects.toThrow(/closing delimiter/);
  });
});
