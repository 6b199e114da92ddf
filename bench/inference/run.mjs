#!/usr/bin/env node
// Inference benchmark (issue 5): per-series model latency at 1 and 2 intra-op threads against the floor (model FLOPs /
// peak GFLOP/s of onnxruntime measured here), throughput with 1 and 2 worker processes, and end-to-end latency from
// the last instance stored to the finding committed. `npm run bench:inference` (after `npm run build`). Runs in a
// private network namespace with only loopback; see bench/README.md.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseManifest } from '@cruciate/inference';
import {
  Processes,
  ROOT,
  integratorToken,
  isShuttingDown,
  loadSynthetic,
  log,
  makeWorkDir,
  runIsolated,
  sleep,
  storescu,
  writeFiles,
  writeResults,
} from '../ingest/harness.mjs';
import { matmulPeak, modelLatency } from './model-bench.mjs';
import { connectDb, pauseWorkers, startPlatform, startWorker, stopWorker, stow, waitForFindings } from './platform.mjs';

const BUNDLED_MODEL_DIR = 'models/acl-phantom-mrnet/1.0.0';
const FIXTURE = { onnx: 'libs/inference/fixtures/tiny-valid.onnx', manifest: 'libs/inference/fixtures/tiny-valid.manifest.json' };
const SERIES = { slices: 24, rows: 256, columns: 256 };
const THREADS = [1, 2];
const RUNS = intEnv('BENCH_RUNS', 50);
const WARM_UP = 5;
const MATMUL = { n: 1024, warmUp: 3, runs: 15 };
const THROUGHPUT_SERIES = intEnv('BENCH_SERIES', 20);
const E2E_SERIES = intEnv('BENCH_E2E', 20);
const TARGET = { floorRatio: 2, e2eMedianMs: 1000 };
const DEADLINE_MS = 5 * 60_000;
const FINDINGS_TIMEOUT_MS = 120_000;
const RESULTS = path.join(ROOT, 'bench/inference/results.json');

function intEnv(name, fallback) {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${v}`);
  return n;
}

/** A missing prerequisite: reported as one message, without a stack trace. */
class SetupError extends Error {}

await runIsolated(async () => {
  const procs = new Processes({ deadlineMs: DEADLINE_MS, name: 'bench/inference' });
  let code;
  try {
    code = await bench(procs);
  } catch (err) {
    if (err instanceof SetupError) {
      process.stderr.write(`bench/inference: ${err.message}\n`);
      await procs.stopAll();
      process.exit(1);
    }
    procs.failed = true;
    log(`bench/inference failed: ${err?.stack ?? err}${err?.cause ? `\ncause: ${err.cause?.stack ?? err.cause}` : ''}`);
    code = 1;
  }
  await procs.stopAll();
  process.exit(code);
});

/**
 * The model under test: the bundled model (models/acl-phantom-mrnet/1.0.0) unless BENCH_MODEL_DIR names another
 * folder (manifest.json + its onnx_file) or `fixture` (libs/inference's tiny test model, for trying the benchmark).
 */
async function resolveModel(work) {
  const wanted = process.env.BENCH_MODEL_DIR || BUNDLED_MODEL_DIR;
  let dir;
  if (wanted === 'fixture') {
    dir = path.join(work, 'model');
    await mkdir(dir, { recursive: true });
    await copyFile(path.join(ROOT, FIXTURE.onnx), path.join(dir, path.basename(FIXTURE.onnx)));
    await copyFile(path.join(ROOT, FIXTURE.manifest), path.join(dir, 'manifest.json'));
  } else {
    dir = path.resolve(ROOT, wanted);
  }
  if (!existsSync(path.join(dir, 'manifest.json'))) {
    throw new SetupError(
      wanted === BUNDLED_MODEL_DIR
        ? `the bundled model is missing: ${BUNDLED_MODEL_DIR}/manifest.json (and model.onnx) do not exist. Train and export it with ml/ first, ` +
            'or set BENCH_MODEL_DIR to a folder holding manifest.json + the .onnx it names (BENCH_MODEL_DIR=fixture: the tiny test model, for a trial run)'
        : `${dir}/manifest.json does not exist (BENCH_MODEL_DIR)`,
    );
  }
  const manifest = parseManifest(JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')));
  const bytes = new Uint8Array(await readFile(path.join(dir, manifest.onnx_file)));
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== manifest.sha256) throw new Error(`${dir}/${manifest.onnx_file}: SHA-256 ${sha256} is not the manifest's ${manifest.sha256}`);
  // FLOPs scale with the slice count (a 2-D network per slice; the head is negligible).
  const gflop = manifest.flops_per_series ? (manifest.flops_per_series.gflop * SERIES.slices) / manifest.flops_per_series.slices : null;
  return { dir, manifest, bytes, sha256, gflop, isBundled: path.resolve(dir) === path.resolve(ROOT, BUNDLED_MODEL_DIR), isFixture: wanted === 'fixture' };
}

async function bench(procs) {
  const problems = [];
  const check = (ok, message) => {
    if (!ok && !isShuttingDown()) {
      problems.push(message);
      log(`PROBLEM: ${message}`);
    }
    return ok;
  };
  const loadAtStart = round(os.loadavg()[0], 2);
  if (!process.env.BENCH_MODEL_DIR && !existsSync(path.join(ROOT, BUNDLED_MODEL_DIR, 'manifest.json'))) await resolveModel(null); // fails at once
  const work = await makeWorkDir(procs, 'cruciate-bench-inference');
  const model = await resolveModel(work);
  log(
    `model ${model.manifest.name} ${model.manifest.version} from ${model.dir} (${model.gflop === null ? 'no flops_per_series in its manifest' : `${model.gflop.toFixed(3)} GFLOP per ${SERIES.slices}-slice series`})`,
  );
  const syn = await loadSynthetic(work);
  let seriesCount = 0;
  const makeBenchSeries = (prefix) => {
    seriesCount++;
    return syn.makeSeries({
      plane: 'sagittal',
      ...SERIES,
      transferSyntax: 'explicit-le',
      patientId: `${prefix}-${String(seriesCount).padStart(3, '0')}`,
      patientName: `Bench^${prefix}${seriesCount}`,
      accessionNumber: `${prefix}${seriesCount}`.slice(0, 16),
    });
  };

  // 1 + 2. In-process: decode / preprocess / model run of one series, and the peak GFLOP/s, at 1 and 2 threads.
  // Each thread count's MatMul runs just before its model runs, so both see the same machine.
  const sample = makeBenchSeries('LAT');
  const latency = [];
  for (const threads of THREADS) {
    log(`MatMul ${MATMUL.n}x${MATMUL.n} at ${threads} thread(s): ${MATMUL.warmUp} warm-up + ${MATMUL.runs} runs`);
    const mm = await matmulPeak({ ...MATMUL, threads });
    log(`series of ${SERIES.slices} x ${SERIES.rows}x${SERIES.columns} at ${threads} thread(s): ${WARM_UP} warm-up + ${RUNS} runs`);
    const lat = await modelLatency({ modelBytes: model.bytes, manifest: model.manifest, files: sample.files, threads, warmUp: WARM_UP, runs: RUNS });
    check(lat.executionProvider === 'cpu', `model session at ${threads} thread(s) runs on ${lat.executionProvider}, not cpu`);
    const gflops = mm.ms.map((ms) => mm.flop / ms / 1e6);
    const peak = Math.max(...gflops);
    const stages = Object.fromEntries(Object.entries(lat.samples).map(([k, v]) => [k, stats(v)]));
    const floorMs = model.gflop === null ? null : (model.gflop / peak) * 1000;
    latency.push({
      threads,
      inputShape: lat.inputShape,
      stages,
      matmul: { n: mm.n, runs: mm.ms.length, peakGflops: round(peak, 1), medianGflops: round(median(gflops), 1) },
      floorMs: floorMs === null ? null : round(floorMs, 2),
      modelOverFloor: floorMs === null ? null : round(stages.inference.median / floorMs, 2),
    });
  }

  // 3 + 4. Against the platform: our API on its embedded PostgreSQL, workers started here.
  const platform = await startPlatform(procs, work, { modelDir: model.dir });
  const token = await integratorToken(platform.url);
  const db = await connectDb(platform);
  const active = await db.activeModel();
  check(
    active?.sha256 === model.sha256,
    `hospital general's active model is ${active ? `${active.name} ${active.version} (${active.sha256})` : 'none'}, not the model under test (${model.sha256})`,
  );
  const stowUrl = `${platform.url}/dicomweb/studies`;
  const stowSeries = async (series) => {
    const q = await stow(stowUrl, token, series.files);
    check(q.status === 200 && q.referenced === series.files.length && q.failed === 0, `STOW of a ${series.files.length}-slice series: ${JSON.stringify(q)}`);
  };

  /**
   * One series per worker while the others are held, so every worker has loaded and warmed the model (the worker
   * does that on its first job). Keeps each first job's stage timings.
   */
  const firstJobs = [];
  const warmUp = async (workers) => {
    for (const w of workers) {
      const resume = pauseWorkers(workers.filter((o) => o !== w));
      try {
        const s = makeBenchSeries('WARM');
        await stowSeries(s);
        check(await waitForFindings(db, [s.seriesInstanceUid], FINDINGS_TIMEOUT_MS), `warm-up series for ${w.name}: no finding`);
        for (let i = 0; i < 100 && w.done === 0; i++) await sleep(20);
        check(w.done === 1, `warm-up series went to another worker than ${w.name}`);
        const [row] = await db.seriesTimes([s.seriesInstanceUid]);
        firstJobs.push({ worker: w.name, threads: w.threads, timingsMs: row?.timings ?? null });
      } finally {
        resume();
      }
    }
  };

  /** N series queued while every worker is held (SIGSTOP), then released: series/s until the last finding. */
  const throughput = async (workers) => {
    const series = Array.from({ length: THROUGHPUT_SERIES }, () => makeBenchSeries('TPUT'));
    const uids = series.map((s) => s.seriesInstanceUid);
    const doneBefore = workers.map((w) => w.done);
    const resume = pauseWorkers(workers);
    let released;
    try {
      log(`throughput, ${workers.length} worker(s): queueing ${series.length} series (STOW-RS) while the workers are held`);
      for (const s of series) await stowSeries(s);
      const queued = (await db.seriesTimes(uids)).filter((r) => r.job_created !== null && r.job_started === null).length;
      check(queued === series.length, `throughput: ${queued} of ${series.length} jobs waiting before the workers were released`);
    } finally {
      released = Date.now();
      resume();
    }
    const complete = await waitForFindings(db, uids, FINDINGS_TIMEOUT_MS);
    check(complete, `throughput, ${workers.length} worker(s): not every series has a finding after ${FINDINGS_TIMEOUT_MS / 1000} s`);
    const rows = await db.seriesTimes(uids);
    const last = Math.max(...rows.map((r) => r.finding_created ?? -Infinity));
    const seconds = (last - released) / 1000;
    // Each worker logs "inference job done" just after its commit: give the last lines a moment to arrive.
    const jobsDone = () => workers.reduce((sum, w, i) => sum + w.done - doneBefore[i], 0);
    for (let i = 0; i < 150 && jobsDone() < series.length; i++) await sleep(20);
    const perWorker = workers.map((w, i) => w.done - doneBefore[i]);
    check(
      perWorker.every((n) => n > 0),
      `throughput: a worker took no job (${perWorker.join(', ')})`,
    );
    return {
      workers: workers.length,
      threadsPerWorker: workers[0].threads,
      series: series.length,
      seconds: round(seconds, 3),
      seriesPerSecond: round(series.length / seconds, 2),
      jobsPerWorker: perWorker,
      workerTimingsMs: timingStats(rows),
    };
  };

  /** Series pushed one at a time with storescu, each waited for: last instance stored -> finding committed. */
  const endToEnd = async (count) => {
    const series = Array.from({ length: count }, () => makeBenchSeries('E2E'));
    const dirs = [];
    for (const [i, s] of series.entries()) {
      const files = s.files.map((bytes, slice) => ({ name: `e2e-${i + 1}-${String(slice + 1).padStart(3, '0')}.dcm`, bytes }));
      dirs.push(await writeFiles(path.join(work, 'e2e', String(i + 1)), files));
    }
    log(`end to end: ${count} series of ${SERIES.slices} slices, one storescu association each, one after the other`);
    const samples = [];
    for (const [i, s] of series.entries()) {
      const r = await storescu({ calledAe: platform.aeTitle, port: platform.dimsePort, files: dirs[i] });
      const storescuDone = Date.now();
      check(r.code === 0 && r.success === SERIES.slices, `storescu of e2e series ${i + 1}: exit ${r.code}, ${r.success}/${SERIES.slices} stored`);
      const ok = await waitForFindings(db, [s.seriesInstanceUid], 30_000);
      check(ok, `e2e series ${i + 1}: no finding after 30 s`);
      if (!ok) continue;
      const [row] = await db.seriesTimes([s.seriesInstanceUid]);
      for (let w = 0; w < 50 && db.committedAt(row.study_id) === null; w++) await db.nextEvent(20);
      const notice = db.committedAt(row.study_id);
      samples.push({
        series: i + 1,
        instances: row.instance_count,
        lastStoredToFindingMs: round(row.finding_created - row.last_received, 1),
        lastStoredToJobQueuedMs: round(row.job_created - row.last_received, 1),
        jobQueuedToClaimedMs: round(row.job_started - row.job_created, 1),
        claimedToFindingMs: round(row.finding_created - row.job_started, 1),
        lastStoredToCommitNoticeMs: notice === null ? null : round(notice - row.last_received, 1),
        storescuExitToCommitNoticeMs: notice === null ? null : round(notice - storescuDone, 1),
        storescuSeconds: round(r.seconds, 3),
        workerTimingsMs: row.timings,
      });
      await sleep(200);
    }
    const col = (k) => stats(samples.map((x) => x[k]).filter((v) => v !== null));
    return {
      series: count,
      worker: { processes: 1, threads: THREADS.at(-1) },
      lastStoredToFinding: col('lastStoredToFindingMs'),
      lastStoredToJobQueued: col('lastStoredToJobQueuedMs'),
      jobQueuedToClaimed: col('jobQueuedToClaimedMs'),
      claimedToFinding: col('claimedToFindingMs'),
      lastStoredToCommitNotice: col('lastStoredToCommitNoticeMs'),
      storescuExitToCommitNotice: col('storescuExitToCommitNoticeMs'),
      workerTimingsMs: timingStats(samples.map((x) => ({ timings: x.workerTimingsMs }))),
      samples,
    };
  };

  const throughputRuns = [];
  // One worker with 2 intra-op threads (every core), as `npm start` runs it here: throughput, then end to end.
  const single = [await startWorker(procs, work, platform, { name: 'worker-1', threads: THREADS.at(-1) })];
  await warmUp(single);
  throughputRuns.push(await throughput(single));
  const e2e = await endToEnd(E2E_SERIES);
  await stopWorker(single[0]);
  // Two workers with 1 thread each (again every core).
  const pair = [
    await startWorker(procs, work, platform, { name: 'worker-2a', threads: 1 }),
    await startWorker(procs, work, platform, { name: 'worker-2b', threads: 1 }),
  ];
  await warmUp(pair);
  throughputRuns.push(await throughput(pair));
  for (const w of pair) await stopWorker(w);

  for (const w of [...single, ...pair]) for (const p of w.problems) check(false, `${w.name} logged: ${p}`);
  const retried = await db.failedJobs();
  check(retried.length === 0, `${retried.length} inference job(s) failed or were retried: ${JSON.stringify(retried.slice(0, 3))}`);
  await db.close();

  const e2eMedian = e2e.lastStoredToFinding.median;
  const verdict = {
    floor: Object.fromEntries(
      latency.map((l) => [`threads${l.threads}`, l.modelOverFloor === null ? 'n/a' : l.modelOverFloor <= TARGET.floorRatio ? 'PASS' : 'MISS']),
    ),
    e2e: e2eMedian !== null && e2eMedian < TARGET.e2eMedianMs ? 'PASS' : 'MISS',
  };
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      onnxruntimeNode: JSON.parse(await readFile(path.join(ROOT, 'node_modules/onnxruntime-node/package.json'), 'utf8')).version,
      loadAverage1m: { atStart: loadAtStart, atEnd: round(os.loadavg()[0], 2) },
    },
    model: {
      name: model.manifest.name,
      version: model.manifest.version,
      dir: model.dir.startsWith(ROOT + path.sep) ? path.relative(ROOT, model.dir) : model.dir,
      bundled: model.isBundled,
      fixture: model.isFixture,
      sha256: model.sha256,
      flopsPerSeries: model.manifest.flops_per_series ?? null,
      gflopPer24SliceSeries: model.gflop === null ? null : round(model.gflop, 4),
    },
    series: { ...SERIES, bitsAllocated: 16, transferSyntax: '1.2.840.10008.1.2.1 (explicit VR little endian)', modelInput: latency[0].inputShape },
    method: {
      latency: `${WARM_UP} warm-up + ${RUNS} timed runs per thread count, in the benchmark process, through the worker's calls: parseInstance + decodeFrame (decode), buildModelInput (preprocess), LoadedModel.run (inference)`,
      floor: `GFLOP per ${SERIES.slices}-slice series (manifest flops_per_series scaled by slices) / peak GFLOP/s = the best of ${MATMUL.runs} onnxruntime MatMul runs of ${MATMUL.n}x${MATMUL.n} float32 at the same thread count; model/floor uses the model's median`,
      throughput: `${THROUGHPUT_SERIES} series queued over STOW-RS while the workers are held (SIGSTOP), then released (SIGCONT); series/s = series / (last finding.created_at - release); workers warmed with one series each first`,
      endToEnd: `${E2E_SERIES} series, one storescu association each (TCP_NODELAY=1), one after the other, the next sent once the finding is committed; last stored = max(instance.received_at), finding = finding.created_at (same database clock); commit notice = arrival of the worker's NOTIFY (delivered on commit)`,
      platform:
        'node apps/api/dist/main.js, embedded PostgreSQL, START_WORKER=false, LOG_LEVEL=warn; workers: node apps/inference-worker/dist/main.js, WORKER_CONCURRENCY=1, LOG_LEVEL=info',
    },
    latency,
    throughput: throughputRuns,
    firstJobs,
    endToEnd: e2e,
    target: { floorRatio: TARGET.floorRatio, e2eMedianMs: TARGET.e2eMedianMs, ...verdict },
    problems,
  };
  printReport(results);
  await writeResults(RESULTS, results);
  process.stdout.write(`\nresults written to ${RESULTS}\n`);
  if (problems.length > 0) {
    process.stdout.write(`\n${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    procs.failed = true;
    return 1;
  }
  return 0;
}

function round(x, digits) {
  if (x === null || x === undefined || !Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function median(values) {
  return percentile(values, 50);
}

/** Nearest-rank percentile. */
function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function stats(values) {
  if (values.length === 0) return { n: 0, median: null, p95: null, min: null, max: null };
  return {
    n: values.length,
    median: round(median(values), 2),
    p95: round(percentile(values, 95), 2),
    min: round(Math.min(...values), 2),
    max: round(Math.max(...values), 2),
  };
}

/** Medians of the stage timings the worker stores with each finding. */
function timingStats(rows) {
  const keys = new Set(rows.flatMap((r) => Object.keys(r.timings ?? {})));
  return Object.fromEntries([...keys].map((k) => [k, round(median(rows.map((r) => r.timings?.[k]).filter((v) => typeof v === 'number')), 2)]));
}

function fmt(v, digits = 1) {
  return v === null || v === undefined ? 'n/a' : v.toFixed(digits);
}

function printReport(r) {
  const out = [];
  const table = (header, rows) => {
    const cells = rows.map((row) => row.map(String));
    const widths = header.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i].length)));
    // A column is right-aligned (header included) when every cell in it is a figure.
    const right = header.map((_, i) => cells.every((row) => /^[0-9.+x /-]+$|^n\/a$/.test(row[i])));
    const line = (row) => row.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
    out.push(line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line));
  };
  const { model, machine } = r;
  out.push('');
  out.push(
    `Inference benchmark: ${model.name} ${model.version}${model.fixture ? ' (TEST FIXTURE, not the bundled model)' : ''}, ` +
      `${model.gflopPer24SliceSeries === null ? 'FLOPs unknown' : `${model.gflopPer24SliceSeries.toFixed(3)} GFLOP`} per ${r.series.slices}-slice series; ` +
      `series ${r.series.slices} x ${r.series.rows}x${r.series.columns} 16-bit -> model input [${(r.series.modelInput ?? []).join(', ')}]`,
  );
  out.push(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, onnxruntime-node ${machine.onnxruntimeNode}, load average ${machine.loadAverage1m.atStart} at start`,
  );
  out.push('', `Per-series latency, ms (${RUNS} runs after ${WARM_UP} warm-up, in process)`);
  const rows = [];
  for (const l of r.latency)
    for (const stage of ['decode', 'preprocess', 'inference', 'total']) {
      const s = l.stages[stage];
      rows.push([l.threads, stage, fmt(s.median, 2), fmt(s.p95, 2), fmt(s.min, 2)]);
    }
  table(['threads', 'stage', 'median', 'p95', 'min'], rows);
  out.push('', `Floor: model GFLOP / peak GFLOP/s (onnxruntime MatMul ${MATMUL.n}x${MATMUL.n}, best of ${MATMUL.runs})`);
  table(
    ['threads', 'peak GFLOP/s', 'median GFLOP/s', 'floor ms', 'model median ms', 'model/floor'],
    r.latency.map((l) => [
      l.threads,
      fmt(l.matmul.peakGflops),
      fmt(l.matmul.medianGflops),
      fmt(l.floorMs, 2),
      fmt(l.stages.inference.median, 2),
      l.modelOverFloor === null ? 'n/a' : `${l.modelOverFloor.toFixed(2)}x`,
    ]),
  );
  out.push('', 'Throughput (series queued while the workers are held, then released; until the last finding is committed)');
  table(
    ['workers', 'threads each', 'series', 'seconds', 'series/s', 'jobs per worker', 'worker inference ms', 'worker total ms'],
    r.throughput.map((t) => [
      t.workers,
      t.threadsPerWorker,
      t.series,
      t.seconds.toFixed(2),
      t.seriesPerSecond.toFixed(2),
      t.jobsPerWorker.join(' + '),
      fmt(t.workerTimingsMs.inferenceMs),
      fmt(t.workerTimingsMs.totalMs),
    ]),
  );
  const e = r.endToEnd;
  out.push(
    '',
    `End to end, ms (${e.series} series of ${r.series.slices} slices, one storescu association each, one at a time; 1 worker, ${e.worker.threads} threads)`,
  );
  table(
    ['measure', 'median', 'p95', 'min', 'max'],
    [
      ['last instance stored -> finding committed', e.lastStoredToFinding],
      ['  last instance stored -> job queued', e.lastStoredToJobQueued],
      ['  job queued -> job claimed', e.jobQueuedToClaimed],
      ['  job claimed -> finding written', e.claimedToFinding],
      ['last instance stored -> commit notice', e.lastStoredToCommitNotice],
      ['storescu exit -> commit notice', e.storescuExitToCommitNotice],
    ].map(([name, s]) => [name, fmt(s.median), fmt(s.p95), fmt(s.min), fmt(s.max)]),
  );
  const wt = e.workerTimingsMs;
  out.push(
    `worker stages (median, ms): read ${fmt(wt.readMs)}, decode ${fmt(wt.decodeMs)}, preprocess ${fmt(wt.preprocessMs)}, inference ${fmt(wt.inferenceMs)}, ` +
      `CAM ${fmt(wt.camMs)}, CAM write ${fmt(wt.camWriteMs)}, total ${fmt(wt.totalMs)} (queue wait ${fmt(wt.queueWaitMs)})`,
  );
  out.push(
    `first job of each worker (model loaded and warmed on it), total ms: ${r.firstJobs.map((f) => `${f.worker} ${fmt(f.timingsMs?.totalMs)}`).join(', ')}`,
  );

  const bars = (title, unit, items) => {
    const max = Math.max(...items.map(([, v]) => v ?? 0));
    const label = Math.max(...items.map(([name]) => name.length));
    out.push('', title);
    for (const [name, v] of items) {
      const width = v === null || max <= 0 ? 0 : Math.max(1, Math.round((v / max) * 50));
      out.push(`${name.padEnd(label)} |${'#'.repeat(width).padEnd(50)}| ${fmt(v)} ${unit}`);
    }
  };
  bars('Latency, ms (median)', 'ms', [
    ...r.latency.flatMap((l) => [
      [`floor, ${l.threads} thread(s)`, l.floorMs],
      [`model run, ${l.threads} thread(s)`, l.stages.inference.median],
      [`decode+preprocess+run, ${l.threads} thread(s)`, l.stages.total.median],
    ]),
    ['end to end (stored -> finding)', e.lastStoredToFinding.median],
  ]);
  bars(
    'Throughput, series/s',
    'series/s',
    r.throughput.map((t) => [`${t.workers} worker(s) x ${t.threadsPerWorker} thread(s)`, t.seriesPerSecond]),
  );

  out.push('', 'Targets');
  for (const l of r.latency)
    out.push(
      `model run / floor, ${l.threads} thread(s) = ${l.modelOverFloor === null ? 'n/a (no flops_per_series in the manifest)' : `${l.modelOverFloor.toFixed(2)}x`}  (target <= ${r.target.floorRatio}x): ${r.target.floor[`threads${l.threads}`]}`,
    );
  out.push(`end to end median = ${fmt(e.lastStoredToFinding.median)} ms  (target < ${r.target.e2eMedianMs} ms): ${r.target.e2e}`);
  process.stdout.write(`${out.join('\n')}\n`);
}
