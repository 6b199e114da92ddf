/** A minimal multipart/related reader for WADO-RS frame responses (the whole body is in memory). */

export interface MultipartPart {
  readonly headers: Readonly<Record<string, string>>;
  /** The part's bytes (a view into the body). */
  readonly body: Uint8Array;
}

export class MultipartFormatError extends Error {
  override readonly name = 'MultipartFormatError';
}

/** The boundary parameter of a multipart Content-Type, unquoted; null when absent or not multipart. */
export function multipartBoundary(contentType: string | null): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2] ?? null) : null;
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  const end = haystack.length - needle.length;
  outer: for (let i = from; i <= end; i++) {
    if (haystack[i] !== first) continue;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('latin1');

/** Splits a multipart body into its parts (headers lower-cased). */
export function parseMultipart(body: Uint8Array, boundary: string): MultipartPart[] {
  const delimiter = encoder.encode(`--${boundary}`);
  const parts: MultipartPart[] = [];
  let at = indexOf(body, delimiter, 0);
  if (at < 0) throw new MultipartFormatError('multipart body has no boundary');
  for (;;) {
    let cursor = at + delimiter.length;
    // "--" after the delimiter closes the body.
    if (body[cursor] === 0x2d && body[cursor + 1] === 0x2d) break;
    // Rest of the delimiter line (transport padding, CRLF).
    const lineEnd = indexOf(body, encoder.encode('\r\n'), cursor);
    if (lineEnd < 0) throw new MultipartFormatError('multipart part is truncated');
    cursor = lineEnd + 2;
    const headerEnd = indexOf(body, encoder.encode('\r\n\r\n'), cursor);
    let headersText: string;
    let contentStart: number;
    if (body[cursor] === 0x0d && body[cursor + 1] === 0x0a) {
      headersText = '';
      contentStart = cursor + 2;
    } else {
      if (headerEnd < 0) throw new MultipartFormatError('multipart part headers are truncated');
      headersText = decoder.decode(body.subarray(cursor, headerEnd));
      contentStart = headerEnd + 4;
    }
    const next = indexOf(body, encoder.encode(`\r\n--${boundary}`), contentStart);
    if (next < 0) throw new MultipartFormatError('multipart part has no closing boundary');
    const headers: Record<string, string> = {};
    for (const line of headersText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: body.subarray(contentStart, next) });
    at = next + 2;
  }
  return parts;
}
