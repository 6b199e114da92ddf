// Platform side of the inference benchmark: our API on its embedded PostgreSQL with a given bundled model, inference
// worker processes started separately (so their number and threads can change within one run), and the database
// read-outs the figures come from. Everything inside the private network namespace of bench/ingest/harness.mjs.

import { existsSync } from 'node:fs';
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { ROOT, childEnv, isShuttingDown, log, sleep, startCruciate, stowBody, waitFor } from '../ingest/harness.mjs';

export const WORKER_MAIN = path.join(ROOT, 'apps/inference-worker/dist/main.js');
/** libs/contracts STUDY_EVENTS_CHANNEL: NOTIFY sent by the worker's finding transaction, delivered on commit. */
const STUDY_EVENTS_CHANNEL = 'cruciate_study_events';

/**
 * Our platform as `npm start` runs it (node apps/api/dist/main.js, embedded PostgreSQL, demo data), with
 * START_WORKER=false (the benchmark starts its own workers) and `modelDir` as the bundled model.
 */
export async function startPlatform(procs, workDir, { modelDir, timeoutMs = 120_000 }) {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: run \`npm run build\` first`);
  const platform = await startCruciate(procs, workDir, { timeoutMs, env: { BUNDLED_MODEL_DIR: modelDir } });
  const { dataDir, pgPort } = platform;
  // The embedded cluster keeps its generated credentials beside it (libs/db/src/embedded.ts).
  const secrets = JSON.parse(await readFile(path.join(dataDir, 'postgres', 'pg-credentials.json'), 'utf8'));
  const pgUrl = (user, pass) => `postgres://${encodeURIComponent(user)}:${encodeURIComponent(pass)}@127.0.0.1:${pgPort}/cruciate`;
  return {
    ...platform,
    blobDir: path.join(dataDir, 'blobs'),
    /** The application role (RLS-bound), as the API hands it to the worker it forks. */
    appUrl: pgUrl('cruciate_app', secrets.app),
    /** The cluster's superuser: the benchmark's read-outs span the hospital's rows and pg-boss's job table. */
    adminUrl: pgUrl('postgres', secrets.superuser),
  };
}

/**
 * One inference worker process (node apps/inference-worker/dist/main.js), as the API's START_WORKER fork runs it,
 * with `threads` intra-op threads and one job at a time. Follows its JSON log: ready, jobs done, warnings.
 */
export async function startWorker(procs, workDir, platform, { name, threads, concurrency = 1, timeoutMs = 60_000 }) {
  const logFile = path.join(workDir, `${name}.log`);
  const entry = procs.spawn(name, process.execPath, [WORKER_MAIN], {
    env: childEnv({
      DATABASE_URL: platform.appUrl,
      BLOB_DIR: platform.blobDir,
      INFERENCE_EXECUTION_PROVIDER: 'cpu',
      INFERENCE_THREADS: String(threads),
      WORKER_CONCURRENCY: String(concurrency),
      WORKER_HEALTH_PORT: '0',
      WORKER_SHUTDOWN_GRACE_MS: '5000',
      LOG_LEVEL: 'info',
    }),
    logFile,
    graceMs: 10_000,
  });
  const worker = { name, threads, concurrency, entry, pid: entry.child.pid, ready: false, done: 0, problems: [], stopped: false };
  let pending = '';
  entry.child.stdout.on('data', (d) => {
    pending += d.toString();
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      let rec;
      try {
        rec = JSON.parse(line);
      } catch {
        continue;
      }
      if (rec.msg === 'inference worker ready') worker.ready = true;
      else if (rec.msg === 'inference job done') worker.done++;
      else if (rec.level >= 40) worker.problems.push(`${rec.msg}${rec.reason ? `: ${rec.reason}` : ''}${rec.err ? `: ${JSON.stringify(rec.err)}` : ''}`);
    }
  });
  const started = performance.now();
  await waitFor(name, entry, timeoutMs, null, () => (worker.ready ? true : null), { intervalMs: 50 });
  log(`${name} ready (pid ${worker.pid}, ${threads} intra-op thread(s)) after ${((performance.now() - started) / 1000).toFixed(1)} s; log ${logFile}`);
  return worker;
}

/** Holds a worker still (SIGSTOP) so that jobs queue up; resume() lets it claim them (NOTIFYs wait in its socket). */
export function pauseWorkers(workers) {
  for (const w of workers) process.kill(w.pid, 'SIGSTOP');
  return () => {
    for (const w of workers) process.kill(w.pid, 'SIGCONT');
  };
}

export async function stopWorker(worker, graceMs = 15_000) {
  const { child } = worker.entry;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(worker.pid, 'SIGCONT');
  child.kill('SIGTERM');
  const ok = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!ok) {
    log(`${worker.name} did not stop within ${graceMs} ms; killing it`);
    child.kill('SIGKILL');
    await exited;
  }
  worker.stopped = true;
}

/**
 * The benchmark's connection to the platform's database (superuser, read-only use). Also LISTENs on the study
 * events channel: the worker's finding transaction NOTIFYs there, and PostgreSQL delivers it when it commits, so its
 * arrival is when the finding became visible.
 */
export async function connectDb(platform) {
  const client = new pg.Client({ connectionString: platform.adminUrl, application_name: 'cruciate-bench' });
  // The platform (and its PostgreSQL) stops after the benchmark: a connection cut then is expected.
  client.on('error', (err) => {
    if (!isShuttingDown()) log(`benchmark database connection: ${err.message}`);
  });
  await client.connect();
  const committed = new Map(); // studyId -> Date.now() of the first ANALYZED notice
  const waiters = new Set();
  client.on('notification', (n) => {
    if (n.channel !== STUDY_EVENTS_CHANNEL) return;
    const at = Date.now();
    try {
      const event = JSON.parse(n.payload);
      if (event.status === 'ANALYZED' && !committed.has(event.studyId)) committed.set(event.studyId, at);
    } catch {
      return;
    }
    for (const wake of waiters) wake();
  });
  await client.query(`LISTEN ${STUDY_EVENTS_CHANNEL}`);
  const query = async (text, values) => (await client.query(text, values)).rows;
  return {
    query,
    /** Resolves on the next study event or after `ms`, whichever comes first. */
    nextEvent(ms) {
      return new Promise((resolve) => {
        const done = () => {
          waiters.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, ms);
        waiters.add(done);
      });
    },
    committedAt: (studyId) => committed.get(studyId) ?? null,
    async activeModel() {
      const rows = await query(
        `SELECT m.name, m.version, m.sha256, m.is_bundled FROM hospital h JOIN model_version m ON m.id = h.active_model_version_id WHERE h.slug = 'general'`,
      );
      return rows[0] ?? null;
    },
    /**
     * Per series (by SeriesInstanceUID): instances, last instance stored, series completed, job created / started,
     * finding created, all as epoch milliseconds of the database clock (microsecond precision kept).
     */
    async seriesTimes(seriesUids) {
      const ms = (col) => `(extract(epoch FROM ${col}) * 1000)::float8`;
      return query(
        `SELECT s.series_instance_uid AS uid, s.id AS series_id, s.study_id, s.instance_count,
                ${ms('(SELECT max(i.received_at) FROM instance i WHERE i.tenant_id = s.tenant_id AND i.series_id = s.id)')} AS last_received,
                ${ms('s.completed_at')} AS completed, ${ms('j.created_on')} AS job_created, ${ms('j.started_on')} AS job_started,
                ${ms('j.completed_on')} AS job_completed, j.state AS job_state, j.retry_count,
                ${ms('f.created_at')} AS finding_created, f.timings, f.execution_provider, f.predicted_class
           FROM series s
           LEFT JOIN finding f ON f.tenant_id = s.tenant_id AND f.series_id = s.id
           LEFT JOIN LATERAL (SELECT created_on, started_on, completed_on, state, retry_count FROM pgboss.job
                               WHERE name = 'inference' AND data->>'seriesId' = s.id::text ORDER BY created_on DESC LIMIT 1) j ON true
          WHERE s.series_instance_uid = ANY($1)`,
        [seriesUids],
      );
    },
    async findingCount(seriesUids) {
      const rows = await query(
        `SELECT count(*)::int AS n FROM finding f JOIN series s ON s.tenant_id = f.tenant_id AND s.id = f.series_id WHERE s.series_instance_uid = ANY($1)`,
        [seriesUids],
      );
      return rows[0].n;
    },
    async failedJobs() {
      return query(`SELECT id, state, retry_count, output FROM pgboss.job WHERE name = 'inference' AND (state = 'failed' OR retry_count > 0)`);
    },
    close: () => client.end().catch(() => undefined),
  };
}

/** Waits until every series in `seriesUids` has a finding; false after `timeoutMs`. */
export async function waitForFindings(db, seriesUids, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if ((await db.findingCount(seriesUids)) >= seriesUids.length) return true;
    if (Date.now() > until) return false;
    await db.nextEvent(25);
  }
}

/**
 * One STOW-RS request (multipart/related; type="application/dicom") on a connection of its own: the benchmark's
 * requests are seconds apart, and a kept-alive connection the server has meanwhile closed fails the write (EPIPE).
 * Resolves with the HTTP status and the referenced / failed SOP counts of the PS3.18 response.
 */
export function stow(url, token, files, timeoutMs = 60_000) {
  const { body, contentType } = stowBody(files);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'content-length': body.length, accept: 'application/dicom+json' },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            // not JSON: reported through the counts
          }
          const items = (tag) => json?.[tag]?.Value ?? [];
          resolve({
            status: res.statusCode,
            sent: files.length,
            referenced: items('00081199').length,
            failed: items('00081198').length,
            ...(res.statusCode === 200 ? {} : { body: text.slice(0, 500) }),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`STOW-RS request timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
