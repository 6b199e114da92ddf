import type { UploadFile } from './collect-files.js';
import { META_PREFIX_BYTES, mediaStorageSopInstanceUid, readBlob } from './dicom-uid.js';

export const BATCH_FILES = 20;
export const CONCURRENT_REQUESTS = 2;
/** Keep a request well under the API's STOW request limit even with large instances. */
export const BATCH_MAX_BYTES = 64 * 1024 * 1024;

/** What the portal needs of an XMLHttpRequest (a fake one in tests). */
export interface XhrLike {
  open(method: string, url: string): void;
  setRequestHeader(name: string, value: string): void;
  send(body: Blob): void;
  abort(): void;
  readonly upload: { onprogress: ((event: { loaded: number; total: number; lengthComputable: boolean }) => void) | null };
  onload: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  readonly status: number;
  readonly responseText: string;
  getResponseHeader(name: string): string | null;
}

export type FileOutcome =
  | { readonly path: string; readonly ok: true; readonly sopInstanceUid: string | null; readonly studyInstanceUid: string | null }
  | { readonly path: string; readonly ok: false; readonly reason: string; readonly sopInstanceUid: string | null };

export interface UploadProgress {
  readonly totalBytes: number;
  readonly sentBytes: number;
  readonly totalFiles: number;
  readonly doneFiles: number;
  readonly outcomes: readonly FileOutcome[];
}

export interface StowOptions {
  readonly url?: string;
  readonly getAccessToken: () => Promise<string | null>;
  readonly createXhr?: () => XhrLike;
  readonly batchFiles?: number;
  readonly concurrency?: number;
  readonly batchMaxBytes?: number;
  readonly onProgress?: (progress: UploadProgress) => void;
  readonly signal?: AbortSignal;
}

/** Files in request-sized groups: at most `maxFiles` each, and at most `maxBytes` unless one file alone is bigger. */
export function toBatches<T extends { file: { size: number } }>(files: readonly T[], maxFiles: number, maxBytes: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const f of files) {
    if (current.length > 0 && (current.length >= maxFiles || bytes + f.file.size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(f);
    bytes += f.file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function randomBoundary(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return `cruciate-${[...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A STOW-RS body: one `application/dicom` part per file (the files are not read into memory). */
export function multipartBody(files: readonly { file: Blob }[], boundary: string): Blob {
  const parts: BlobPart[] = [];
  for (const f of files) {
    parts.push(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`, f.file, '\r\n');
  }
  parts.push(`--${boundary}--\r\n`);
  return new Blob(parts, { type: `multipart/related; type="application/dicom"; boundary=${boundary}` });
}

type DicomJson = Record<string, { vr?: string; Value?: unknown[] } | undefined>;

const FAILURE_REASONS: Record<number, string> = {
  0x0110: 'Processing failure',
  0x0111: 'Duplicate SOP instance',
  0x0122: 'SOP class not supported',
  0x0124: 'Not authorized',
  0xa700: 'Out of resources',
  0xa900: 'Data set does not match SOP class',
  0xc000: 'Cannot understand',
  0xc122: 'Transfer syntax not supported',
};
function first(item: DicomJson, tag: string): unknown {
  return item[tag]?.Value?.[0];
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export interface StowItem {
  readonly sopInstanceUid: string | null;
  readonly studyInstanceUid: string | null;
  readonly reason: string | null;
}

/** ReferencedSOPSequence (0008,1199) and FailedSOPSequence (0008,1198) of a STOW-RS answer. */
export function parseStowResponse(json: unknown): { stored: StowItem[]; failed: StowItem[] } {
  const body = (Array.isArray(json) ? json[0] : json) as DicomJson | undefined;
  const seq = (tag: string) => (body?.[tag]?.Value ?? []).filter((v): v is DicomJson => typeof v === 'object' && v !== null);
  const stored = seq('00081199').map((item) => {
    const url = str(first(item, '00081190'));
    const study = url ? (/\/studies\/([^/]+)/.exec(url)?.[1] ?? null) : null;
    return { sopInstanceUid: str(first(item, '00081155')), studyInstanceUid: study ? decodeURIComponent(study) : null, reason: null };
  });
  const failed = seq('00081198').map((item) => {
    const code = first(item, '00081197');
    const comment = str(first(item, '00000902'));
    const named = typeof code === 'number' ? (FAILURE_REASONS[code] ?? `Failure 0x${code.toString(16).toUpperCase().padStart(4, '0')}`) : 'Failed';
    return { sopInstanceUid: str(first(item, '00081155')), studyInstanceUid: null, reason: comment ? `${named}: ${comment}` : named };
  });
  return { stored, failed };
}

/**
 * Matches a STOW-RS answer to the files of the request. Each part gets one answer, in request order, either in
 * the referenced or the failed sequence: by SOP Instance UID where the file names one, the remaining failures
 * (files the API could not read a UID from) to the remaining files in order.
 */
export function matchOutcomes(files: readonly { path: string; uid: string | null }[], answer: { stored: StowItem[]; failed: StowItem[] }): FileOutcome[] {
  const stored = [...answer.stored];
  const failed = [...answer.failed];
  const take = (list: StowItem[], uid: string | null): StowItem | undefined => {
    const i = list.findIndex((item) => item.sopInstanceUid !== null && item.sopInstanceUid === uid);
    return i >= 0 ? list.splice(i, 1)[0] : undefined;
  };
  const outcomes: (FileOutcome | null)[] = files.map((f) => {
    if (f.uid === null) return null;
    const ok = take(stored, f.uid);
    if (ok) return { path: f.path, ok: true, sopInstanceUid: f.uid, studyInstanceUid: ok.studyInstanceUid };
    const bad = take(failed, f.uid);
    if (bad) return { path: f.path, ok: false, reason: bad.reason ?? 'Failed', sopInstanceUid: f.uid };
    return null;
  });
  return outcomes.map((o, i) => {
    const f = files[i]!;
    if (o) return o;
    const bad = failed.shift();
    if (bad) return { path: f.path, ok: false, reason: bad.reason ?? 'Failed', sopInstanceUid: f.uid };
    const ok = stored.shift();
    if (ok) return { path: f.path, ok: true, sopInstanceUid: ok.sopInstanceUid, studyInstanceUid: ok.studyInstanceUid };
    return { path: f.path, ok: false, reason: 'No answer from the server for this file', sopInstanceUid: f.uid };
  });
}

async function uidOf(file: File): Promise<string | null> {
  try {
    return mediaStorageSopInstanceUid(await readBlob(file.slice(0, META_PREFIX_BYTES)));
  } catch {
    return null;
  }
}

function httpReason(status: number, text: string): string {
  if (status === 0) return 'Network error: the upload did not reach the server';
  if (status === 401) return 'Not signed in (HTTP 401)';
  if (status === 403) return 'Your roles do not allow uploads (HTTP 403)';
  if (status === 413) return 'Request too large (HTTP 413)';
  let detail = '';
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: unknown };
    detail = typeof body.message === 'string' ? body.message : typeof body.error === 'string' ? body.error : '';
  } catch {
    detail = '';
  }
  return `Upload failed (HTTP ${status})${detail ? `: ${detail}` : ''}`;
}

interface BatchResult {
  readonly status: number;
  readonly text: string;
  readonly contentType: string | null;
}

function sendBatch(
  xhr: XhrLike,
  url: string,
  token: string | null,
  body: Blob,
  boundary: string,
  onSent: (loaded: number, total: number) => void,
  signal?: AbortSignal,
): Promise<BatchResult> {
  return new Promise((resolve) => {
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', `multipart/related; type="application/dicom"; boundary=${boundary}`);
    xhr.setRequestHeader('Accept', 'application/dicom+json');
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (e) => onSent(e.loaded, e.lengthComputable ? e.total : body.size);
    xhr.onload = () => resolve({ status: xhr.status, text: xhr.responseText, contentType: xhr.getResponseHeader('content-type') });
    xhr.onerror = () => resolve({ status: 0, text: '', contentType: null });
    xhr.onabort = () => resolve({ status: -1, text: '', contentType: null });
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

/**
 * Uploads files by STOW-RS (`POST /dicomweb/studies`) in batches of `batchFiles`, `concurrency` requests at a time,
 * reporting bytes sent (XMLHttpRequest upload progress) and each file's outcome as batches finish.
 */
export async function uploadFiles(files: readonly UploadFile[], options: StowOptions): Promise<UploadProgress> {
  const url = options.url ?? '/dicomweb/studies';
  const createXhr = options.createXhr ?? (() => new XMLHttpRequest() as XhrLike);
  const batches = toBatches(files, options.batchFiles ?? BATCH_FILES, options.batchMaxBytes ?? BATCH_MAX_BYTES);
  const totalBytes = files.reduce((n, f) => n + f.file.size, 0);
  const sentPerBatch = batches.map(() => 0);
  const outcomes: FileOutcome[] = [];
  const report = () =>
    options.onProgress?.({
      totalBytes,
      sentBytes: Math.min(
        totalBytes,
        sentPerBatch.reduce((a, b) => a + b, 0),
      ),
      totalFiles: files.length,
      doneFiles: outcomes.length,
      outcomes: [...outcomes],
    });
  report();

  let nextBatch = 0;
  const worker = async (): Promise<void> => {
    while (nextBatch < batches.length) {
      const index = nextBatch++;
      const batch = batches[index]!;
      const batchBytes = batch.reduce((n, f) => n + f.file.size, 0);
      if (options.signal?.aborted) {
        outcomes.push(...batch.map((f): FileOutcome => ({ path: f.path, ok: false, reason: 'Cancelled', sopInstanceUid: null })));
        report();
        continue;
      }
      const uids = await Promise.all(batch.map((f) => uidOf(f.file)));
      const boundary = randomBoundary();
      const body = multipartBody(batch, boundary);
      const token = await options.getAccessToken();
      const result = await sendBatch(
        createXhr(),
        url,
        token,
        body,
        boundary,
        (loaded, total) => {
          // Bytes of the files, not of the multipart framing around them.
          sentPerBatch[index] = total > 0 ? Math.round((Math.min(loaded, total) / total) * batchBytes) : 0;
          report();
        },
        options.signal,
      );
      sentPerBatch[index] = batchBytes;
      const described = batch.map((f, i) => ({ path: f.path, uid: uids[i] ?? null }));
      let answer: ReturnType<typeof parseStowResponse> | null = null;
      if (result.status >= 200 && result.status < 500 && result.text) {
        try {
          answer = parseStowResponse(JSON.parse(result.text));
        } catch {
          answer = null;
        }
      }
      if (answer && answer.stored.length + answer.failed.length > 0) {
        outcomes.push(...matchOutcomes(described, answer));
      } else {
        const reason = result.status === -1 ? 'Cancelled' : httpReason(result.status, result.text);
        outcomes.push(...described.map((f): FileOutcome => ({ path: f.path, ok: false, reason, sopInstanceUid: f.uid })));
      }
      report();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? CONCURRENT_REQUESTS, batches.length)) }, worker));
  return {
    totalBytes,
    sentBytes: totalBytes,
    totalFiles: files.length,
    doneFiles: outcomes.length,
    outcomes,
  };
}
