import { randomBytes } from 'node:crypto';

export interface StowResponse {
  readonly status: number;
  readonly body: Record<string, { vr: string; Value?: unknown[] }>;
  /** ReferencedSOPSequence items' SOP Instance UIDs. */
  readonly stored: string[];
  /** FailedSOPSequence items: SOP Instance UID (or null) and FailureReason. */
  readonly failed: { sopInstanceUid: string | null; reason: number; comment: string | null }[];
}

/** A STOW-RS request body (multipart/related; type="application/dicom") and its Content-Type. */
export function stowBody(files: readonly Buffer[]): { body: Buffer; contentType: string } {
  const boundary = `test-${randomBytes(8).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

/** POSTs files to STOW-RS and decodes the PS3.18 response. */
export async function stow(baseUrl: string, token: string, files: readonly Buffer[], studyUid?: string): Promise<StowResponse> {
  const { body, contentType } = stowBody(files);
  const res = await fetch(`${baseUrl}/dicomweb/studies${studyUid ? `/${studyUid}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': contentType, accept: 'application/dicom+json', authorization: `Bearer ${token}` },
    body,
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as StowResponse['body'];
  const items = (tag: string) => (json[tag]?.Value ?? []) as Record<string, { Value?: unknown[] }>[];
  return {
    status: res.status,
    body: json,
    stored: items('00081199').map((i) => String(i['00081155']?.Value?.[0])),
    failed: items('00081198').map((i) => ({
      sopInstanceUid: (i['00081155']?.Value?.[0] as string | undefined) ?? null,
      reason: Number(i['00081197']?.Value?.[0]),
      comment: (i['00000902']?.Value?.[0] as string | undefined) ?? null,
    })),
  };
}

/** Splits a multipart/related response into its part bodies. */
export function multipartParts(body: Buffer, contentType: string): { headers: Record<string, string>; body: Buffer }[] {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: Record<string, string>; body: Buffer }[] = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd);
    const headers: Record<string, string> = {};
    for (const line of body
      .subarray(start + 2, headerEnd)
      .toString('latin1')
      .split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    parts.push({ headers, body: Buffer.from(body.subarray(headerEnd + 4, next)) });
    at = next + 2;
  }
  return parts;
}
