import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { clientCredentialsToken, createTestHospital, gql, makeSeries, signInWithPkce, stow, systemQuery, writeDicomFiles } from '@cruciate/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../src/bootstrap/platform.js';
import { startTestPlatform } from './test-platform.js';

/** `name{labels} value` samples of a Prometheus text exposition. */
function samples(text: string, name: string): { labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))
    .map((line) => {
      const m = /^[^{ ]+(?:\{(.*)\})? (\S+)$/.exec(line)!;
      const labels = Object.fromEntries([...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1]!, l[2]!]));
      return { labels, value: Number(m[2]) };
    });
}

const scrape = async (platform: Platform): Promise<string> => {
  const res = await fetch(`${platform.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  return res.text();
};

const jobTotal = async (): Promise<number> =>
  Number((await systemQuery<{ n: string }>(`SELECT count(*)::text AS n FROM pgboss.job WHERE name = 'inference'`))[0]!.n);

describe('Prometheus metrics (GET /metrics)', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startTestPlatform();
  });
  afterAll(async () => platform?.close());

  it('times HTTP requests by method, route pattern and status (never the raw URL) and counts GraphQL operations', async () => {
    const h = await createTestHospital();
    const token = (await signInWithPkce(platform.url, h.clinician.email, h.clinician.password)).accessToken;
    const id = randomUUID();
    await fetch(`${platform.url}/health/live`);
    expect((await fetch(`${platform.url}/dicomweb/studies/1.2.${Date.now()}/metadata`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await fetch(`${platform.url}/no-such-${id}`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect((await gql(platform.url, token, '{ me { id } }')).errors).toBeUndefined();
    expect((await gql(platform.url, token, `{ study(id: "${id}") { id } }`)).code).toBe('NOT_FOUND');
    expect((await gql(platform.url, null, '{ me { id } }')).code).toBe('UNAUTHENTICATED');

    const text = await scrape(platform);
    const http = samples(text, 'cruciate_api_http_request_duration_seconds_count');
    const count = (method: string, route: string, status: string): number =>
      http.filter((s) => s.labels['method'] === method && s.labels['route'] === route && s.labels['status'] === status).reduce((n, s) => n + s.value, 0);
    expect(count('GET', '/health/live', '200')).toBeGreaterThanOrEqual(1);
    expect(count('GET', '/dicomweb/studies/:study/metadata', '404')).toBe(1);
    expect(count('GET', 'other', '404')).toBeGreaterThanOrEqual(1);
    expect(count('POST', '/graphql', '200')).toBeGreaterThanOrEqual(2);
    expect(samples(text, 'cruciate_api_http_request_duration_seconds_bucket').length).toBeGreaterThan(0);
    expect(text).not.toContain(id);

    const ops = samples(text, 'cruciate_api_graphql_operations_total');
    const op = (type: string, outcome: string): number => ops.find((s) => s.labels['type'] === type && s.labels['outcome'] === outcome)?.value ?? 0;
    expect(op('query', 'success')).toBeGreaterThanOrEqual(1);
    expect(op('query', 'NOT_FOUND')).toBeGreaterThanOrEqual(1);
    expect(op('query', 'UNAUTHENTICATED')).toBeGreaterThanOrEqual(1);

    // Default process metrics carry the prefix; the study-events listener is up.
    expect(text).toContain('cruciate_api_process_cpu_user_seconds_total');
    expect(text).toContain('cruciate_api_nodejs_eventloop_lag_seconds');
    expect(samples(text, 'cruciate_api_study_events_listener_up')[0]?.value).toBe(1);
    // The C-STORE spool: nothing acknowledged and waiting for its index rows, and the start-up recovery pass counted.
    expect(samples(text, 'cruciate_api_ingest_unindexed_instances')[0]?.value).toBe(0);
    const recovered = samples(text, 'cruciate_api_ingest_spool_recovered');
    expect(recovered.map((s) => s.labels['outcome']).sort()).toEqual(['failed', 'indexed', 'quarantined', 'removedEmpty']);
  });

  it("times each C-STORE by phase: transfer, our answer, and the peer's turn between instances", async () => {
    const h = await createTestHospital();
    const phaseCounts = (text: string): Record<string, number> =>
      Object.fromEntries(samples(text, 'cruciate_api_dimse_store_phase_seconds_count').map((s) => [s.labels['phase'] ?? '', s.value]));
    const before = phaseCounts(await scrape(platform));
    const paths = await writeDicomFiles(makeSeries({ plane: 'sagittal', slices: 3, rows: 32, columns: 32 }).files);
    await promisify(execFile)('storescu', ['-aec', h.aeTitle, '127.0.0.1', String(platform.dimsePort), ...paths], {
      env: { ...process.env, TCP_NODELAY: '1' },
    });
    const text = await scrape(platform);
    const after = phaseCounts(text);
    expect((after['transfer'] ?? 0) - (before['transfer'] ?? 0)).toBe(3);
    expect((after['answer'] ?? 0) - (before['answer'] ?? 0)).toBe(3);
    expect((after['peer'] ?? 0) - (before['peer'] ?? 0)).toBe(2);
    const answerSum = samples(text, 'cruciate_api_dimse_store_phase_seconds_sum').find((s) => s.labels['phase'] === 'answer')!;
    expect(answerSum.value).toBeGreaterThan(0);
  });

  it('reports the inference queue depth by pg-boss state, read from the database on each scrape', async () => {
    const h = await createTestHospital();
    const integrator = await clientCredentialsToken(platform.url, h.integrator.clientId, h.integrator.secret);
    const before = await jobTotal();
    // A sagittal knee series: ingest enqueues one inference job (no worker runs in this test, so it waits).
    const s = makeSeries({ plane: 'sagittal', slices: 8 });
    expect((await stow(platform.url, integrator, s.files)).status).toBe(200);
    const [job] = await systemQuery<{ state: string }>(
      `SELECT j.state::text AS state FROM pgboss.job j WHERE j.name = 'inference' AND j.data->>'tenantId' = $1`,
      [h.id],
    );
    expect(job?.state).toBe('created');

    const gauge = samples(await scrape(platform), 'cruciate_api_inference_queue_jobs');
    const after = await jobTotal();
    expect(gauge.map((g) => g.labels['state']).sort()).toEqual(['active', 'cancelled', 'completed', 'created', 'failed', 'retry']);
    const total = gauge.reduce((n, g) => n + g.value, 0);
    // Other test files share the queue: the gauge lies between the count before our job and the count after the scrape.
    expect(total).toBeGreaterThanOrEqual(before + 1);
    expect(total).toBeLessThanOrEqual(after);
    expect(gauge.find((g) => g.labels['state'] === 'created')!.value).toBeGreaterThanOrEqual(1);
  });

  it('is off (404) with METRICS_ENABLED=false', async () => {
    const off = await startTestPlatform({ METRICS_ENABLED: 'false' });
    try {
      expect((await fetch(`${off.url}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
