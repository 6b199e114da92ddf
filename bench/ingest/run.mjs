#!/usr/bin/env node
// Ingest benchmark (issue 3): our C-STORE listener vs Orthanc vs dcmtk storescp, our STOW-RS vs Orthanc STOW-RS.
// `npm run bench` (after `npm run build`). Runs in a private network namespace with only loopback; see README.

import { spawnSync } from 'node:child_process';
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  Processes,
  ROOT,
  cruciateStudyCounts,
  integratorToken,
  isShuttingDown,
  loadSynthetic,
  log,
  makeStudies,
  makeWorkDir,
  orthancInstanceCount,
  runIsolated,
  sleep,
  startCruciate,
  startOrthanc,
  startStorescp,
  storescu,
  stowAll,
  writeFiles,
  writeResults,
} from './harness.mjs';

const STUDIES = Number(process.env.BENCH_STUDIES ?? 10); // 10 studies x (20 sagittal + 16 coronal + 14 axial) = 500 files
// Rounds per path and server, each with a fresh set, the servers' order rotated each round; figures are medians.
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
// Warm-up rounds before the timed ones: the same shape (fresh sets, every server, both paths), not in the medians.
const WARMUP_ROUNDS = Math.max(0, Number(process.env.BENCH_WARMUP_ROUNDS ?? 2));
const STOW_BATCH = 50;
const TARGET = 1.5;
const DEADLINE_MS = 8 * 60_000;
/** Pause before each timed run (see quiesce). */
const SETTLE_MS = 2000;
const RESULTS = path.join(ROOT, 'bench/ingest/results.json');

await runIsolated(async () => {
  const procs = new Processes({ deadlineMs: DEADLINE_MS, name: 'bench/ingest' });
  let code;
  try {
    code = await bench(procs);
  } catch (err) {
    procs.failed = true;
    log(`bench/ingest failed: ${err?.stack ?? err}`);
    code = 1;
  }
  await procs.stopAll();
  process.exit(code);
});

async function bench(procs) {
  const problems = [];
  const check = (ok, message) => {
    if (!ok && !isShuttingDown()) {
      problems.push(message);
      log(`PROBLEM: ${message}`);
    }
  };

  const loadAtStart = round(os.loadavg()[0], 2);
  const work = await makeWorkDir(procs, 'cruciate-bench');
  const syn = await loadSynthetic(work);
  let t0 = performance.now();
  // Warm-up rounds first, then the timed rounds; every round has its own fresh sets. Our server runs on V8, whose
  // optimising compiler keeps working through the first associations: V8 optimised 175 functions during the first
  // 500-file C-STORE association after start, 58 during the second, 32 and 10 during the next two (--trace-opt); with
  // one 100-file warm-up, its first timed association spent 0.45 ms of background-thread CPU per instance on that,
  // beside the main thread's 1.6 ms. A hospital's listener runs for days: the timed rounds measure that steady state,
  // and the warm-up rounds (the first files after start) are printed apart.
  const allRounds = WARMUP_ROUNDS + ROUNDS;
  const label = (i) => (i < WARMUP_ROUNDS ? `WARM${i + 1}` : `R${i - WARMUP_ROUNDS + 1}`);
  const cstoreSets = Array.from({ length: allRounds }, (_, i) => makeStudies(syn, { studies: STUDIES, prefix: `CSTORE${label(i)}` }));
  const stowSets = Array.from({ length: allRounds }, (_, i) => makeStudies(syn, { studies: STUDIES, prefix: `STOW${label(i)}` }));
  const cstoreFileSets = [];
  for (const [i, set] of cstoreSets.entries()) cstoreFileSets.push(await writeFiles(path.join(work, `cstore-set-${label(i).toLowerCase()}`), set.files));
  const n = cstoreSets[0].files.length;
  const bytesPerFile = cstoreSets[0].files[0].bytes.length;
  log(
    `generated (${WARMUP_ROUNDS} warm-up + ${ROUNDS} timed rounds) x 2 x ${n} files (${STUDIES} studies, 256x256 16-bit explicit VR LE, ${bytesPerFile} bytes each) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // BENCH_NODE_ARGS: extra node options for our server, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof' to profile it.
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  // BENCH_ENV: settings for our server, e.g. 'DIMSE_INLINE_FLUSH=false' to measure one setting against the default.
  const env = Object.fromEntries(
    (process.env.BENCH_ENV ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((kv) => {
        const at = kv.indexOf('=');
        if (at <= 0) throw new Error(`BENCH_ENV: ${kv} is not NAME=value`);
        return [kv.slice(0, at), kv.slice(at + 1)];
      }),
  );
  const cruciate = await startCruciate(procs, work, { nodeArgs, env });
  const token = await integratorToken(cruciate.url);
  const orthanc = await startOrthanc(procs, work);
  const storescp = await startStorescp(procs, work, path.join(work, 'storescp-out'));
  const targets = [
    { server: 'cruciate', calledAe: cruciate.aeTitle, port: cruciate.dimsePort },
    { server: 'orthanc', calledAe: orthanc.aeTitle, port: orthanc.dicomPort },
    { server: 'storescp', calledAe: storescp.aeTitle, port: storescp.port },
  ];
  const stowTargets = [
    { server: 'cruciate', url: `${cruciate.url}/dicomweb/studies`, headers: { authorization: `Bearer ${token}` } },
    { server: 'orthanc', url: `${orthanc.http}/dicom-web/studies`, headers: {} },
  ];

  const runs = [];
  /** The warm-up rounds' runs: printed, not in the medians or ratios. */
  const warmUps = [];
  /** Our listener's C-STORE phases over the timed runs (sums and counts from /metrics). */
  const phaseTotals = {};
  /** Our API process's CPU time and garbage collections over the timed runs, per path (/metrics). */
  const apiCost = { 'C-STORE': newCost(), 'STOW-RS': newCost() };
  const storescpCount = async () => (await readdir(storescp.outDir)).length;

  // Each round: C-STORE of that round's set to every server (the same files, one association each), then STOW-RS of
  // another fresh set (ours would otherwise take its duplicate fast path), 50 files per request. The order of the
  // servers rotates from round to round, so that a slow moment of this shared VM does not always hit the same one.
  // Warm-up rounds are the same, with the same checks; only the timed rounds go into the medians, ratios and costs.
  const rotate = (list, r) => list.map((_, i) => list[(((i + r) % list.length) + list.length) % list.length]);
  for (let i = 0; i < allRounds; i++) {
    const warm = i < WARMUP_ROUNDS;
    const round = i - WARMUP_ROUNDS;
    const cstoreSet = cstoreSets[i];
    const cstoreFiles = cstoreFileSets[i];
    const stowSet = stowSets[i];
    const tag = warm ? `warm-up round ${i + 1}/${WARMUP_ROUNDS}` : `round ${round + 1}/${ROUNDS}`;
    const record = (runRow) => (warm ? warmUps : runs).push({ ...runRow, round: warm ? i + 1 : round + 1 });
    for (const t of rotate(targets, round)) {
      const before = t.server === 'orthanc' ? await orthancInstanceCount(orthanc) : t.server === 'storescp' ? await storescpCount() : 0;
      await quiesce();
      log(`${tag}: C-STORE ${n} files to ${t.server} (AE ${t.calledAe}, one association, TCP_NODELAY=1)`);
      const metricsBefore = t.server === 'cruciate' && !warm ? await apiMetrics(cruciate.url) : null;
      const r = await storescu({ calledAe: t.calledAe, port: t.port, files: cstoreFiles });
      if (metricsBefore) {
        const metricsAfter = await apiMetrics(cruciate.url);
        addCost(apiCost['C-STORE'], metricsBefore.cost, metricsAfter.cost, n);
        addPhases(phaseTotals, metricsBefore.phases, metricsAfter.phases);
      }
      check(r.code === 0, `storescu to ${t.server} exited ${r.code ?? r.signal}: ${r.output.slice(-1500)}`);
      check(r.success === n && r.failures === 0, `C-STORE to ${t.server}: ${r.success} success, ${r.failures} failure responses of ${n} files`);
      record(row('C-STORE', t.server, n, r.seconds));
      if (t.server === 'cruciate') {
        // storescu exits after the association's release, which our listener answers once the index rows committed.
        const total = await settle(() => cruciateStudyCounts(cruciate, token, cstoreSet.studyUids).then(sum), n);
        check(total === n, `cruciate QIDO after C-STORE: ${total} instances in the ${STUDIES} studies, expected ${n}`);
      } else if (t.server === 'orthanc') {
        const after = await orthancInstanceCount(orthanc);
        check(after - before === n, `orthanc /statistics after C-STORE: CountInstances grew by ${after - before}, expected ${n}`);
      } else {
        const after = await storescpCount();
        check(after - before === n, `storescp wrote ${after - before} files, expected ${n}`);
      }
    }
    for (const t of rotate(stowTargets, round)) {
      const before = t.server === 'orthanc' ? await orthancInstanceCount(orthanc) : 0;
      await quiesce();
      log(`${tag}: STOW-RS ${n} files to ${t.server} (${Math.ceil(n / STOW_BATCH)} sequential requests of ${STOW_BATCH})`);
      const metricsBefore = t.server === 'cruciate' && !warm ? await apiMetrics(cruciate.url) : null;
      const r = await stowAll({ url: t.url, headers: t.headers, files: stowSet.files.map((f) => f.bytes), batch: STOW_BATCH });
      if (metricsBefore) addCost(apiCost['STOW-RS'], metricsBefore.cost, (await apiMetrics(cruciate.url)).cost, n);
      const bad = r.requests.filter((q) => q.status !== 200 || q.referenced !== q.sent || q.failed !== 0);
      check(bad.length === 0, `STOW to ${t.server}: ${bad.length} request(s) not fully stored: ${JSON.stringify(bad.slice(0, 3))}`);
      const referenced = r.requests.reduce((a, q) => a + q.referenced, 0);
      check(referenced === n, `STOW to ${t.server}: ${referenced} instances referenced in the responses, expected ${n}`);
      record(row('STOW-RS', t.server, n, r.seconds));
      if (t.server === 'cruciate') {
        const total = await settle(() => cruciateStudyCounts(cruciate, token, stowSet.studyUids).then(sum), n);
        check(total === n, `cruciate QIDO after STOW: ${total} instances in the ${STUDIES} studies, expected ${n}`);
      } else {
        const after = await orthancInstanceCount(orthanc);
        check(after - before === n, `orthanc /statistics after STOW: CountInstances grew by ${after - before}, expected ${n}`);
      }
    }
  }

  // The figure per path and server: the median round (files/s).
  const medians = [];
  for (const [p, servers] of [
    ['C-STORE', targets.map((t) => t.server)],
    ['STOW-RS', stowTargets.map((t) => t.server)],
  ]) {
    for (const server of servers) {
      const rates = runs.filter((r) => r.path === p && r.server === server).map((r) => r.filesPerSecond);
      medians.push({ path: p, server, rounds: rates, filesPerSecond: median(rates) });
    }
  }

  const rate = (p, s) => medians.find((r) => r.path === p && r.server === s).filesPerSecond;
  const roundRatio = (p, a, b) =>
    runs
      .filter((r) => r.path === p && r.server === a)
      .map((r) => round(r.filesPerSecond / runs.find((x) => x.path === p && x.server === b && x.round === r.round).filesPerSecond, 2));
  const ratios = {
    cstoreCruciateVsOrthanc: round(rate('C-STORE', 'cruciate') / rate('C-STORE', 'orthanc'), 2),
    cstoreCruciateVsStorescp: round(rate('C-STORE', 'cruciate') / rate('C-STORE', 'storescp'), 2),
    stowCruciateVsOrthanc: round(rate('STOW-RS', 'cruciate') / rate('STOW-RS', 'orthanc'), 2),
    perRound: {
      cstoreCruciateVsOrthanc: roundRatio('C-STORE', 'cruciate', 'orthanc'),
      stowCruciateVsOrthanc: roundRatio('STOW-RS', 'cruciate', 'orthanc'),
    },
  };
  // Where our C-STORE time goes, and what one flush costs on this disk: the ceiling of any listener that flushes
  // each instance before it answers (as ours must) is storescp's time per instance (receive and write, no flush, no
  // index) plus one fdatasync.
  flushDirtyPages();
  const flush = await measureFlush(path.join(work, 'flush-probe'), bytesPerFile, 200);
  const perInstanceMs = (server) => 1000 / rate('C-STORE', server);
  const ceilingMs = perInstanceMs('storescp') + flush.medianMs;
  const cstoreBudget = {
    phasesMs: Object.fromEntries(Object.entries(phaseTotals).map(([phase, t]) => [phase, round((t.sum / t.count) * 1000, 2)])),
    wallMsPerInstance: Object.fromEntries(targets.map((t) => [t.server, round(perInstanceMs(t.server), 2)])),
    fdatasyncNewFileMs: flush,
    ceiling: {
      msPerInstance: round(ceilingMs, 2),
      filesPerSecond: round(1000 / ceilingMs, 1),
      vsOrthanc: round(1000 / ceilingMs / rate('C-STORE', 'orthanc'), 2),
    },
  };
  const verdict = {
    cstore: ratios.cstoreCruciateVsOrthanc >= TARGET ? 'PASS' : 'MISS',
    stow: ratios.stowCruciateVsOrthanc >= TARGET ? 'PASS' : 'MISS',
  };
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      loadAverage1m: { atStart: loadAtStart, atEnd: round(os.loadavg()[0], 2) },
    },
    tools: { orthanc: orthanc.version, dicomwebPlugin: '/usr/share/orthanc/plugins/libOrthancDicomWeb.so', dcmtk: dcmtkVersion() },
    set: {
      files: n,
      studies: STUDIES,
      seriesPerStudy: '20 sagittal + 16 coronal + 14 axial',
      rows: 256,
      columns: 256,
      bitsAllocated: 16,
      transferSyntax: '1.2.840.10008.1.2.1 (explicit VR little endian)',
      bytesPerFile,
    },
    method: {
      cstore: 'storescu, all files over one association per server, TCP_NODELAY=1, wall-clock of the storescu process',
      stow: `${STOW_BATCH} files per multipart/related; type="application/dicom" request, requests sent one after the other, wall-clock of all requests`,
      warmUp: `${WARMUP_ROUNDS} warm-up rounds before the timed rounds, each like a timed round (fresh sets, every server, both paths, the same pauses and checks); reported in warmUps, not in the medians, ratios or costs`,
      flush:
        '2 s of pause, then sync(1), before every run (warm-up rounds included), so that no server pays for the background work or the write-back of what the previous run left',
      rounds: `${ROUNDS} rounds, each with fresh sets, servers' order rotated each round; files/s per server and path = median of its rounds; ratios from the medians`,
      cruciate: `node ${cruciate.nodeArgs.join(' ')} apps/api/dist/main.js (the options of npm start), embedded PostgreSQL, START_WORKER=false, LOG_LEVEL=warn${Object.entries(
        env,
      )
        .map(([k, v]) => `, ${k}=${v}`)
        .join('')}`,
    },
    warmUps,
    runs,
    medians,
    ratios,
    cstoreBudget,
    apiProcess: Object.fromEntries(
      Object.entries(apiCost).map(([p, c]) => [
        p,
        {
          instances: c.instances,
          cpuMsPerInstance: round((c.cpuSeconds * 1000) / c.instances, 2),
          majorGcs: c.majorGcs,
          gcPauseMs: round(c.gcSeconds * 1000, 1),
          ...(p === 'C-STORE' && { storedAlreadyQuestions: { answeredByFilter: c.uidByFilter, leftToIndex: c.uidByIndex } }),
        },
      ]),
    ),
    target: { ratio: TARGET, ...verdict },
    problems,
  };
  printReport(results);
  await writeResults(RESULTS, results);
  process.stdout.write(`\nresults written to ${RESULTS}\n`);
  if (problems.length > 0) {
    process.stdout.write(`\n${problems.length} problem(s): a server rejected files or counts did not match:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    procs.failed = true;
    return 1;
  }
  return 0;
}

/** One read of our API's /metrics: its C-STORE phases and its process cost so far. */
async function apiMetrics(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  return { phases: storePhases(text), cost: processCost(text) };
}

/** Sums and counts of cruciate_api_dimse_store_phase_seconds by phase. */
function storePhases(text) {
  const out = {};
  for (const m of text.matchAll(/^cruciate_api_dimse_store_phase_seconds_(sum|count)\{phase="(\w+)"\} (\S+)$/gm)) {
    out[m[2]] ??= { sum: 0, count: 0 };
    out[m[2]][m[1]] = Number(m[3]);
  }
  return out;
}

/** The API process's CPU seconds and its garbage collections so far (prom-client's default metrics). */
function processCost(text) {
  const value = (re) => Number(re.exec(text)?.[1] ?? Number.NaN);
  return {
    cpuSeconds: value(/^cruciate_api_process_cpu_seconds_total (\S+)$/m),
    majorGcs: value(/^cruciate_api_nodejs_gc_duration_seconds_count\{kind="major"\} (\S+)$/m),
    gcSeconds: [...text.matchAll(/^cruciate_api_nodejs_gc_duration_seconds_sum\{kind="\w+"\} (\S+)$/gm)].reduce((a, m) => a + Number(m[1]), 0),
    // C-STORE's "stored already?" questions (two per instance), answered by the stored-UID filter or left to the index.
    uidByFilter: value(/^cruciate_api_dimse_uid_checks\{answer="filter"\} (\S+)$/m) || 0,
    uidByIndex: value(/^cruciate_api_dimse_uid_checks\{answer="index"\} (\S+)$/m) || 0,
  };
}

function newCost() {
  return { instances: 0, cpuSeconds: 0, majorGcs: 0, gcSeconds: 0, uidByFilter: 0, uidByIndex: 0 };
}

function addCost(total, before, after, instances) {
  total.instances += instances;
  total.cpuSeconds += after.cpuSeconds - before.cpuSeconds;
  total.majorGcs += (after.majorGcs || 0) - (before.majorGcs || 0);
  total.gcSeconds += after.gcSeconds - before.gcSeconds;
  total.uidByFilter += after.uidByFilter - before.uidByFilter;
  total.uidByIndex += after.uidByIndex - before.uidByIndex;
}

function addPhases(totals, before, after) {
  for (const [phase, a] of Object.entries(after)) {
    const b = before[phase] ?? { sum: 0, count: 0 };
    totals[phase] ??= { sum: 0, count: 0 };
    totals[phase].sum += a.sum - b.sum;
    totals[phase].count += a.count - b.count;
  }
}

/** Writes `count` new files of `bytes` bytes one after the other, each fdatasync'd: the latency of one flush here. */
async function measureFlush(dir, bytes, count) {
  await mkdir(dir, { recursive: true });
  const data = Buffer.alloc(bytes, 0x5a);
  const times = [];
  for (let i = 0; i < count; i++) {
    const fd = openSync(path.join(dir, `${i}.bin`), 'wx');
    writeSync(fd, data);
    const t0 = performance.now();
    fdatasyncSync(fd);
    times.push(performance.now() - t0);
    closeSync(fd);
  }
  await rm(dir, { recursive: true, force: true });
  times.sort((a, b) => a - b);
  return { files: count, bytes, medianMs: round(times[Math.floor(count / 2)], 2), p90Ms: round(times[Math.floor(count * 0.9)], 2) };
}

function row(p, server, files, seconds) {
  return { path: p, server, files, seconds: round(seconds, 2), filesPerSecond: round(files / seconds, 1) };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : round((sorted[mid - 1] + sorted[mid]) / 2, 1);
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function sum(counts) {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

/** Our index is complete once an association is released or a STOW answered; still, poll briefly rather than race a commit. */
async function settle(read, expected, ms = 10_000) {
  const until = Date.now() + ms;
  let value = await read();
  while (value !== expected && Date.now() < until) {
    await sleep(250);
    value = await read();
  }
  return value;
}

/**
 * sync(1) before each timed run: storescp does not fsync what it stores (nor does Orthanc its SQLite index at each
 * commit), so without it the kernel writes storescp's 66 MB back during whichever run comes next, and that run pays
 * for it (its fdatasyncs queue behind it).
 */
/**
 * Before each timed run: a pause for the previous run's background work to finish (our blob journal checkpoints 1 s
 * after its last append, Orthanc and PostgreSQL write their own logs out), then sync(1), so that no server pays for
 * what the previous one left behind.
 */
async function quiesce() {
  await sleep(SETTLE_MS);
  flushDirtyPages();
}

function flushDirtyPages() {
  const r = spawnSync('sync', [], { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`sync failed: ${r.status ?? r.signal}`);
}

function dcmtkVersion() {
  const r = spawnSync('storescu', ['--version'], { encoding: 'utf8' });
  const m = /storescu v([0-9.]+)/.exec(r.stdout + r.stderr);
  return m ? `dcmtk ${m[1]}` : null;
}

function printReport(results) {
  const out = [];
  const { ratios, target, set, machine } = results;
  out.push('');
  out.push(`Ingest benchmark: ${set.files} files (${set.studies} studies, ${set.rows}x${set.columns} 16-bit, ${set.bytesPerFile} bytes each)`);
  out.push(
    `machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, load average ${machine.loadAverage1m.atStart} at start; Orthanc ${results.tools.orthanc}; ${results.tools.dcmtk}`,
  );
  out.push('');
  const { medians } = results;
  const max = Math.max(...medians.map((r) => r.filesPerSecond));
  const rounds = medians[0].rounds.length;
  const roundCols = Array.from({ length: rounds }, (_, i) => `round ${i + 1}`.padStart(8)).join('  ');
  out.push(`files/s per round (fresh set each round; servers' order rotated), and the median`);
  out.push(`${'path'.padEnd(8)}  ${'server'.padEnd(9)}  ${roundCols}  ${'median'.padStart(8)}`);
  out.push(`${'-'.repeat(8)}  ${'-'.repeat(9)}  ${Array.from({ length: rounds }, () => '-'.repeat(8)).join('  ')}  ${'-'.repeat(8)}`);
  for (const r of medians)
    out.push(
      `${r.path.padEnd(8)}  ${r.server.padEnd(9)}  ${r.rounds.map((v) => v.toFixed(1).padStart(8)).join('  ')}  ${r.filesPerSecond.toFixed(1).padStart(8)}`,
    );
  out.push('');
  out.push('files/s (median of the rounds)');
  for (const r of medians) {
    const width = Math.max(1, Math.round((r.filesPerSecond / max) * 50));
    out.push(`${`${r.path} ${r.server}`.padEnd(18)} |${'#'.repeat(width).padEnd(50)}| ${r.filesPerSecond.toFixed(1)}`);
  }
  out.push('');
  out.push(
    `per round: C-STORE cruciate/orthanc ${ratios.perRound.cstoreCruciateVsOrthanc.map((x) => `${x.toFixed(2)}x`).join(' ')}; STOW-RS cruciate/orthanc ${ratios.perRound.stowCruciateVsOrthanc.map((x) => `${x.toFixed(2)}x`).join(' ')}`,
  );
  if (results.warmUps.length > 0) {
    // The warm-up rounds: the first files each server got after start, apart from the timed rounds.
    const warmRounds = [...new Set(results.warmUps.map((w) => w.round))];
    const rate = (p, server, r) => results.warmUps.find((w) => w.path === p && w.server === server && w.round === r)?.filesPerSecond;
    out.push('');
    out.push(`warm-up rounds, files/s (before the timed rounds; not in the medians, ratios or costs)`);
    out.push(`${'path'.padEnd(8)}  ${'server'.padEnd(9)}  ${warmRounds.map((r) => `warm ${r}`.padStart(8)).join('  ')}`);
    for (const r of medians) {
      const rates = warmRounds.map((w) => rate(r.path, r.server, w));
      if (rates.every((x) => x !== undefined)) out.push(`${r.path.padEnd(8)}  ${r.server.padEnd(9)}  ${rates.map((v) => v.toFixed(1).padStart(8)).join('  ')}`);
    }
    out.push(
      `warm-up rounds: ${['C-STORE', 'STOW-RS'].map((p) => `${p} cruciate/orthanc ${warmRounds.map((w) => `${(rate(p, 'cruciate', w) / rate(p, 'orthanc', w)).toFixed(2)}x`).join(' ')}`).join('; ')}`,
    );
    out.push('');
  }
  out.push(`C-STORE  cruciate / orthanc  = ${ratios.cstoreCruciateVsOrthanc.toFixed(2)}x  (target >= ${target.ratio}x): ${target.cstore}`);
  out.push(`C-STORE  cruciate / storescp = ${ratios.cstoreCruciateVsStorescp.toFixed(2)}x`);
  out.push(`STOW-RS  cruciate / orthanc  = ${ratios.stowCruciateVsOrthanc.toFixed(2)}x  (target >= ${target.ratio}x): ${target.stow}`);
  const b = results.cstoreBudget;
  const ms = (x) => `${x.toFixed(2)} ms`;
  out.push('');
  out.push("C-STORE, one association: where an instance's time goes (ms per instance)");
  out.push(
    `  wall clock (median rounds): ${Object.entries(b.wallMsPerInstance)
      .map(([s, v]) => `${s} ${ms(v)}`)
      .join(', ')}`,
  );
  const phases = ['peer', 'transfer', 'answer'].filter((p) => b.phasesMs[p] !== undefined);
  out.push(
    `  our listener (/metrics, mean of the timed runs): ${phases.map((p) => `${p} ${ms(b.phasesMs[p])}`).join(' + ')} = ${ms(phases.reduce((a, p) => a + b.phasesMs[p], 0))}`,
  );
  out.push(
    `  one fdatasync of a new ${b.fdatasyncNewFileMs.bytes}-byte file on this disk: median ${ms(b.fdatasyncNewFileMs.medianMs)}, p90 ${ms(b.fdatasyncNewFileMs.p90Ms)}`,
  );
  out.push(
    `  ceiling of a listener that flushes each instance before answering: storescp's ${ms(b.wallMsPerInstance.storescp)} + one flush = ${ms(b.ceiling.msPerInstance)} -> ${b.ceiling.filesPerSecond} files/s = ${b.ceiling.vsOrthanc.toFixed(2)}x Orthanc`,
  );
  out.push('');
  out.push('our API process over the timed runs (/metrics; its own threads, not PostgreSQL):');
  for (const [p, c] of Object.entries(results.apiProcess))
    out.push(
      `  ${p.padEnd(8)} ${ms(c.cpuMsPerInstance)} of CPU per instance, ${c.majorGcs} full (major) GCs, ${c.gcPauseMs} ms of GC pauses in ${c.instances} instances`,
    );
  const q = results.apiProcess['C-STORE'].storedAlreadyQuestions;
  out.push(
    `  C-STORE "stored already?" (asked at the command and before the answer): ${q.answeredByFilter} answered by the stored-UID filter, ${q.leftToIndex} left to an index look-up`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}
