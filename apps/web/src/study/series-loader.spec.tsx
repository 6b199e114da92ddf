import { afterEach, describe, expect, it } from 'vitest';
import { clearSeriesCache, type DecodedImage, type FetchLike, loadSeries, mapWithConcurrency, orderInstances, PixelLoadError } from './series-loader.js';
import type { InstanceMeta } from './pixels.js';

const STUDY = '1.2.3';
const SERIES = '1.2.3.4';

function instanceJson(sop: string, instanceNumber: number, extra: Record<string, unknown> = {}) {
  return {
    '00080018': { vr: 'UI', Value: [sop] },
    '00200013': { vr: 'IS', Value: [instanceNumber] },
    '00280010': { vr: 'US', Value: [1] },
    '00280011': { vr: 'US', Value: [2] },
    '00280100': { vr: 'US', Value: [16] },
    '00280103': { vr: 'US', Value: [0] },
    ...extra,
  };
}

function frameResponse(values: number[]): Response {
  const boundary = 'cruciate-test';
  const head = new TextEncoder().encode(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const px = new Uint8Array(new Uint16Array(values).buffer);
  const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
  const body = new Uint8Array(head.length + px.length + tail.length);
  body.set(head, 0);
  body.set(px, head.length);
  body.set(tail, head.length + px.length);
  return new Response(body, { status: 200, headers: { 'content-type': `multipart/related; type="application/octet-stream"; boundary=${boundary}` } });
}

interface FakeServer {
  fetch: FetchLike;
  requests: string[];
  maxInFlight: number;
}

function fakeServer(instances: { sop: string; n: number; values: number[]; compressed?: boolean }[]): FakeServer {
  const server: FakeServer = { fetch: () => Promise.resolve(new Response(null)), requests: [], maxInFlight: 0 };
  let inFlight = 0;
  server.fetch = async (url) => {
    server.requests.push(url);
    inFlight++;
    server.maxInFlight = Math.max(server.maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    if (url.endsWith('/metadata')) return Response.json(instances.map((i) => instanceJson(i.sop, i.n)));
    const match = /instances\/([^/]+)\/(frames\/1|rendered)$/.exec(url);
    const inst = instances.find((i) => i.sop === decodeURIComponent(match?.[1] ?? ''));
    if (!inst) return Response.json({ error: { code: 'NOT_FOUND', message: 'instance not found' } }, { status: 404 });
    if (match?.[2] === 'rendered') return new Response(new Blob([new Uint8Array([1])], { type: 'image/png' }), { status: 200 });
    if (inst.compressed) return Response.json({ error: { code: 'NOT_ACCEPTABLE', message: 'compressed' } }, { status: 406 });
    return frameResponse(inst.values);
  };
  return server;
}

afterEach(() => clearSeriesCache());

describe('mapWithConcurrency', () => {
  it('keeps order and bounds the tasks in flight', async () => {
    let inFlight = 0;
    let max = 0;
    const out = await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 5 - (n % 3)));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(max).toBe(3);
  });
});

describe('orderInstances', () => {
  const m = (sop: string, instanceNumber: number | null) => ({ sopInstanceUid: sop, instanceNumber }) as InstanceMeta;
  it("follows the finding's order, else instance numbers", () => {
    const metas = [m('a', 3), m('b', 1), m('c', null), m('d', 2)];
    expect(orderInstances(metas, ['d', 'a', 'b']).map((x) => x.sopInstanceUid)).toEqual(['d', 'a', 'b']);
    expect(orderInstances(metas, null).map((x) => x.sopInstanceUid)).toEqual(['b', 'd', 'a', 'c']);
    expect(orderInstances(metas, ['zz']).map((x) => x.sopInstanceUid)).toEqual(['b', 'd', 'a', 'c']);
  });
});

describe('loadSeries', () => {
  const instances = Array.from({ length: 12 }, (_, i) => ({ sop: `1.9.${i}`, n: 12 - i, values: [i, i + 1000] }));

  it('loads every slice in display order with bounded concurrency, reporting each', async () => {
    const server = fakeServer(instances);
    const seen: number[] = [];
    let planned = 0;
    const slices = await loadSeries({
      studyInstanceUid: STUDY,
      seriesInstanceUid: SERIES,
      findingOrder: null,
      fetch: server.fetch,
      concurrency: 4,
      onPlan: (metas) => (planned = metas.length),
      onSlice: (i) => seen.push(i),
    });
    expect(planned).toBe(12);
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    // By instance number: 1.9.11 has number 1.
    expect(slices[0]!.sopInstanceUid).toBe('1.9.11');
    expect(Array.from(slices[0]!.pixels)).toEqual([11, 1011]);
    expect(slices[0]!.pixels).toBeInstanceOf(Uint16Array);
    expect(slices[0]!.source).toBe('frames');
    expect(server.requests[0]).toBe(`/dicomweb/studies/${STUDY}/series/${SERIES}/metadata`);
    expect(server.maxInFlight).toBeLessThanOrEqual(4);
  });

  it("uses the finding's slice order and caches decoded slices", async () => {
    const server = fakeServer(instances);
    const order = instances.map((i) => i.sop);
    const first = await loadSeries({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, findingOrder: order, fetch: server.fetch });
    expect(first.map((s) => s.sopInstanceUid)).toEqual(order);
    const before = server.requests.length;
    const again = await loadSeries({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, findingOrder: order, fetch: server.fetch });
    expect(again[3]).toBe(first[3]);
    // Only the metadata is asked for again.
    expect(server.requests.length - before).toBe(1);
  });

  it('falls back to the rendered PNG when frames answer 406', async () => {
    const server = fakeServer([{ sop: '1.9.1', n: 1, values: [], compressed: true }]);
    const decodePng = (): Promise<DecodedImage> => Promise.resolve({ width: 2, height: 1, rgba: new Uint8ClampedArray([7, 7, 7, 255, 250, 250, 250, 255]) });
    const [slice] = await loadSeries({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, findingOrder: null, fetch: server.fetch, decodePng });
    expect(slice!.source).toBe('rendered');
    expect(Array.from(slice!.pixels)).toEqual([7, 250]);
    expect(server.requests.some((u) => u.endsWith('/rendered'))).toBe(true);
  });

  it("reports the API's error message", async () => {
    const fetch: FetchLike = () => Promise.resolve(Response.json({ error: { code: 'NOT_FOUND', message: 'series not found' } }, { status: 404 }));
    await expect(loadSeries({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, findingOrder: null, fetch })).rejects.toThrow(PixelLoadError);
    await expect(loadSeries({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, findingOrder: null, fetch })).rejects.toThrow(/series not found/);
  });
});
