import type { Readable } from 'node:stream';

export interface MultipartPart {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export class MultipartError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
    this.name = 'MultipartError';
  }
}

/** The boundary and type of a `multipart/related` Content-Type, or an error naming what is wrong. */
export function parseMultipartRelated(contentType: string | undefined): { boundary: string; type: string | null } {
  if (!contentType) throw new MultipartError('Content-Type is required: multipart/related; type="application/dicom"; boundary=...', 415);
  const [media, ...params] = contentType.split(';').map((s) => s.trim());
  if (media?.toLowerCase() !== 'multipart/related') throw new MultipartError(`Content-Type must be multipart/related, not ${media ?? ''}`, 415);
  const values = new Map<string, string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0)
      values.set(
        p.slice(0, eq).trim().toLowerCase(),
        p
          .slice(eq + 1)
          .trim()
          .replace(/^"(.*)"$/, '$1'),
      );
  }
  const boundary = values.get('boundary');
  if (!boundary || boundary.length > 200) throw new MultipartError('multipart/related needs a boundary parameter', 400);
  return { boundary, type: values.get('type') ?? null };
}

/**
 * Streams the parts of a multipart body one at a time: at most one part (bounded by maxPartBytes) is held
 * in memory, and the next part is not read until the consumer has handled the current one.
 */
export async function* readMultipart(
  stream: Readable,
  boundary: string,
  limits: { maxPartBytes: number; maxTotalBytes: number },
): AsyncGenerator<MultipartPart | { tooLarge: true; headers: Record<string, string> }> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let buf: Buffer = Buffer.from('\r\n'); // lets the first delimiter match like the others
  let total = 0;
  // Declared through `as`: the chunk-joining step below reads it before the loop's assignments, which TS would not see.
  let state = 'preamble' as 'preamble' | 'headers' | 'body' | 'done';
  let headers: Record<string, string> = {};
  let chunks: Buffer[] = [];
  let partBytes = 0;
  let oversize = false;

  const take = (n: number): Buffer => {
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    return out;
  };

  /** Bytes of the current part (kept as views of the received chunks, joined once when the part ends). */
  const bodyData = (data: Buffer): void => {
    partBytes += data.length;
    if (partBytes > limits.maxPartBytes) oversize = true;
    if (!oversize) chunks.push(data);
  };

  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limits.maxTotalBytes) throw new MultipartError(`request body exceeds ${limits.maxTotalBytes} bytes`, 413);
    if (buf.length > 0 && state !== 'headers' && buf.length <= delimiter.length + 1 && chunk.length >= delimiter.length) {
      // All that is left of the previous chunk is the tail kept below. Unless a delimiter starts in it (the window holds
      // any delimiter that does), it is part data and the new chunk is searched on its own: the body is not copied once
      // more for every chunk received.
      const window = Buffer.concat([buf, chunk.subarray(0, delimiter.length + 2)]);
      const at = window.indexOf(delimiter);
      if (at < 0 || at >= buf.length) {
        if (state === 'body') bodyData(buf);
        buf = chunk;
      } else buf = Buffer.concat([buf, chunk]);
    } else {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    }
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const at = buf.indexOf(delimiter);
        if (at < 0) {
          // Keep a tail that could be the start of a delimiter; the rest belongs to the current part.
          const keep = Math.min(buf.length, delimiter.length + 1);
          const data = take(buf.length - keep);
          if (state === 'body') bodyData(data);
          break;
        }
        // Need two bytes after the delimiter to tell "--" (end) from CRLF (next part).
        if (buf.length < at + delimiter.length + 2) break;
        const data = take(at);
        if (state === 'body') {
          bodyData(data);
          if (oversize) yield { tooLarge: true, headers };
          else yield { headers, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
        }
        take(delimiter.length);
        const tail = take(2).toString('latin1');
        if (tail === '--') {
          state = 'done';
          break;
        }
        if (tail !== '\r\n') throw new MultipartError('malformed multipart body: delimiter not followed by CRLF', 400);
        state = 'headers';
        headers = {};
        chunks = [];
        partBytes = 0;
        oversize = false;
      }
      if (state === 'headers') {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) {
          if (buf.length > 16 * 1024) throw new MultipartError('multipart part headers too long', 400);
          break;
        }
        for (const line of take(end).toString('latin1').split('\r\n')) {
          const colon = line.indexOf(':');
          if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        }
        take(4);
        state = 'body';
        continue;
      }
      if (state === 'done') break;
    }
    if (state === 'done') break;
  }
  if (state !== 'done') throw new MultipartError('multipart body ended before its closing delimiter', 400);
}
