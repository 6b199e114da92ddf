/**
 * Loads the pixels of one series over DICOMweb for the viewer: the series' WADO-RS metadata (one request), then every
 * instance's first frame in parallel (bounded concurrency). Uncompressed frames come as 16-bit stored values; an
 * instance that answers 406 for frames falls back to the server-rendered 8-bit PNG. Decoded slices are cached per
 * series for the life of the page, so reopening a study does not load its pixels again.
 */
import { multipartBoundary, parseMultipart } from './multipart.js';
import { decodeFrame, greyFromRgba, type InstanceMeta, isBigEndianPart, parseInstanceMeta, PixelFormatError, type StoredPixels } from './pixels.js';
import type { RescaleTransform, WindowLevel } from './window-level.js';

export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export interface SliceImage {
  readonly sopInstanceUid: string;
  readonly instanceNumber: number | null;
  readonly rows: number;
  readonly columns: number;
  readonly pixels: StoredPixels;
  readonly rescale: RescaleTransform;
  readonly window: WindowLevel | null;
  /** MONOCHROME1: high values are dark. */
  readonly invert: boolean;
  /** 'frames': stored values from WADO-RS frames; 'rendered': 8-bit grey already windowed by the server. */
  readonly source: 'frames' | 'rendered';
}

export interface DecodedImage {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8ClampedArray;
}

export type PngDecoder = (png: Blob) => Promise<DecodedImage>;

export class PixelLoadError extends Error {
  override readonly name = 'PixelLoadError';
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

/** Runs `task` over `items` with at most `limit` in flight; results keep the items' order. Rejects on the first error. */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * The order the viewer shows: the finding's slice order (model order) when there is one, else by Instance Number
 * (then SOP Instance UID for a stable order).
 */
export function orderInstances(metas: readonly InstanceMeta[], findingOrder: readonly string[] | null): InstanceMeta[] {
  if (findingOrder && findingOrder.length > 0) {
    const bySop = new Map(metas.map((m) => [m.sopInstanceUid, m]));
    const ordered = findingOrder.map((sop) => bySop.get(sop)).filter((m): m is InstanceMeta => m !== undefined);
    if (ordered.length > 0) return ordered;
  }
  return [...metas].sort(
    (a, b) => (a.instanceNumber ?? Number.MAX_SAFE_INTEGER) - (b.instanceNumber ?? Number.MAX_SAFE_INTEGER) || a.sopInstanceUid.localeCompare(b.sopInstanceUid),
  );
}

async function errorMessage(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON
  }
  return `HTTP ${res.status}`;
}

/** Default PNG decoder: createImageBitmap onto a scratch canvas. */
export const browserPngDecoder: PngDecoder = async (png) => {
  const bitmap = await createImageBitmap(png);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new PixelLoadError('this browser cannot draw images (no 2D canvas)');
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  return { width: canvas.width, height: canvas.height, rgba: ctx.getImageData(0, 0, canvas.width, canvas.height).data };
};

export interface LoadSeriesOptions {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  /** SOP Instance UIDs in the finding's order; null: order by Instance Number. */
  readonly findingOrder: readonly string[] | null;
  readonly fetch: FetchLike;
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
  readonly decodePng?: PngDecoder;
  /** Called once the order is known (total slices), and after every slice that arrives (in any order). */
  readonly onSlice?: (index: number, slice: SliceImage) => void;
  readonly onPlan?: (metas: readonly InstanceMeta[]) => void;
}

const MAX_CACHED_SERIES = 4;
const seriesCache = new Map<string, Map<string, SliceImage>>();

function cacheFor(seriesUid: string): Map<string, SliceImage> {
  let cache = seriesCache.get(seriesUid);
  if (cache) {
    seriesCache.delete(seriesUid); // re-insert: most recently used last
  } else {
    cache = new Map();
  }
  seriesCache.set(seriesUid, cache);
  while (seriesCache.size > MAX_CACHED_SERIES) {
    const oldest = seriesCache.keys().next().value;
    if (oldest === undefined) break;
    seriesCache.delete(oldest);
  }
  return cache;
}

/** Forget every cached series (tests; sign-out). */
export function clearSeriesCache(): void {
  seriesCache.clear();
}

/** Loads every slice of a series in display order. */
export async function loadSeries(options: LoadSeriesOptions): Promise<SliceImage[]> {
  const { studyInstanceUid: study, seriesInstanceUid: series, fetch, signal } = options;
  const base = `/dicomweb/studies/${encodeURIComponent(study)}/series/${encodeURIComponent(series)}`;
  const metaRes = await fetch(`${base}/metadata`, { headers: { Accept: 'application/dicom+json' }, signal });
  if (!metaRes.ok) throw new PixelLoadError(`series metadata: ${await errorMessage(metaRes)}`, metaRes.status);
  const json: unknown = await metaRes.json();
  if (!Array.isArray(json)) throw new PixelLoadError('series metadata is not a DICOM JSON array');
  const metas = orderInstances(
    json.map((j) => parseInstanceMeta(j)),
    options.findingOrder,
  );
  if (metas.length === 0) throw new PixelLoadError('the series has no instances');
  options.onPlan?.(metas);
  const cache = cacheFor(series);
  const decodePng = options.decodePng ?? browserPngDecoder;

  return mapWithConcurrency(metas, options.concurrency ?? 6, async (meta, index) => {
    let slice = cache.get(meta.sopInstanceUid);
    if (!slice) {
      slice = await loadSlice(fetch, `${base}/instances/${encodeURIComponent(meta.sopInstanceUid)}`, meta, decodePng, signal);
      cache.set(meta.sopInstanceUid, slice);
    }
    options.onSlice?.(index, slice);
    return slice;
  });
}

async function loadSlice(
  fetch: FetchLike,
  instanceUrl: string,
  meta: InstanceMeta,
  decodePng: PngDecoder,
  signal: AbortSignal | undefined,
): Promise<SliceImage> {
  const common = {
    sopInstanceUid: meta.sopInstanceUid,
    instanceNumber: meta.instanceNumber,
    rows: meta.rows,
    columns: meta.columns,
  };
  const res = await fetch(`${instanceUrl}/frames/1`, { headers: { Accept: 'multipart/related; type="application/octet-stream"' }, signal });
  if (res.status === 406) {
    // Stored compressed: the server renders it (8-bit, windowed with the header or a computed window).
    const png = await fetch(`${instanceUrl}/rendered`, { headers: { Accept: 'image/png' }, signal });
    if (!png.ok) throw new PixelLoadError(`instance ${meta.sopInstanceUid}: ${await errorMessage(png)}`, png.status);
    const image = await decodePng(await png.blob());
    if (image.width !== meta.columns || image.height !== meta.rows) throw new PixelFormatError('rendered image size does not match the header');
    return {
      ...common,
      pixels: greyFromRgba(image.rgba),
      rescale: { slope: 1, intercept: 0 },
      window: { center: 128, width: 256 },
      invert: false,
      source: 'rendered',
    };
  }
  if (!res.ok) throw new PixelLoadError(`instance ${meta.sopInstanceUid}: ${await errorMessage(res)}`, res.status);
  const body = new Uint8Array(await res.arrayBuffer());
  const boundary = multipartBoundary(res.headers.get('content-type'));
  let bytes: Uint8Array = body;
  let bigEndian = false;
  if (boundary) {
    const [part] = parseMultipart(body, boundary);
    if (!part) throw new PixelFormatError(`instance ${meta.sopInstanceUid}: empty frame response`);
    bytes = part.body;
    bigEndian = isBigEndianPart(part.headers['content-type']);
  }
  return {
    ...common,
    pixels: decodeFrame(bytes, meta, !bigEndian),
    rescale: meta.rescale,
    window: meta.window,
    invert: meta.photometricInterpretation === 'MONOCHROME1',
    source: 'frames',
  };
}
