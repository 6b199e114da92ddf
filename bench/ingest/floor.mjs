#!/usr/bin/env node
// What the runtime allows for C-STORE on this machine: storescu over one association (TCP_NODELAY=1) to Orthanc,
// storescp, and a minimal Node listener (bench/ingest/floor-listener.mjs: the protocol, a new file per instance and
// nothing else) with and without one fdatasync per instance. `node bench/ingest/floor.mjs` (after `npm run build`).
import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import {
  Processes,
  ROOT,
  childEnv,
  freePort,
  loadSynthetic,
  log,
  makeStudies,
  makeWorkDir,
  runCommand,
  runIsolated,
  startOrthanc,
  startStorescp,
  storescu,
  waitFor,
  writeFiles,
} from './harness.mjs';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

await runIsolated(async () => {
  const procs = new Processes({ deadlineMs: 6 * 60_000, name: 'bench/ingest floor' });
  let code = 0;
  try {
    await floor(procs);
  } catch (err) {
    procs.failed = true;
    log(`failed: ${err?.stack ?? err}`);
    code = 1;
  }
  await procs.stopAll();
  process.exit(code);
});

async function startFloor(procs, work, flush) {
  const port = await freePort();
  const dir = path.join(work, `floor-${flush}`);
  await mkdir(dir, { recursive: true });
  const logFile = path.join(work, `floor-${flush}.log`);
  const entry = procs.spawn(`floor-${flush}`, process.execPath, [path.join(ROOT, 'bench/ingest/floor-listener.mjs'), String(port), dir, flush ? '1' : '0'], {
    env: childEnv(),
    logFile,
  });
  await waitFor('floor listener', entry, 10_000, logFile, async () => {
    const echo = await runCommand('echoscu', ['-aec', 'FLOOR', '127.0.0.1', String(port)], { env: childEnv({ TCP_NODELAY: '1' }), timeoutMs: 5_000 });
    return echo.code === 0 ? true : null;
  });
  return { server: flush ? 'node floor + fdatasync' : 'node floor, no flush', calledAe: 'FLOOR', port };
}

async function floor(procs) {
  const work = await makeWorkDir(procs, 'cruciate-floor');
  const syn = await loadSynthetic(work);
  const sets = [];
  for (let r = 0; r < ROUNDS; r++) sets.push(await writeFiles(path.join(work, `set-${r}`), makeStudies(syn, { studies: 10, prefix: `FLOOR${r}` }).files));
  const orthanc = await startOrthanc(procs, work);
  const storescp = await startStorescp(procs, work, path.join(work, 'storescp-out'));
  const targets = [
    { server: 'orthanc', calledAe: orthanc.aeTitle, port: orthanc.dicomPort },
    { server: 'storescp', calledAe: storescp.aeTitle, port: storescp.port },
    await startFloor(procs, work, true),
    await startFloor(procs, work, false),
  ];
  const warm = sets[0].slice(0, 20);
  for (const t of targets) await storescu({ calledAe: t.calledAe, port: t.port, files: warm });
  const rates = new Map(targets.map((t) => [t.server, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of targets.map((_, i) => targets[(i + r) % targets.length])) {
      spawnSync('sync');
      const res = await storescu({ calledAe: t.calledAe, port: t.port, files: sets[r] });
      if (res.code !== 0 || res.success !== sets[r].length) throw new Error(`${t.server}: exit ${res.code}, ${res.success} stored`);
      rates.get(t.server).push(sets[r].length / res.seconds);
    }
  }
  const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const orthancRate = med(rates.get('orthanc'));
  for (const [server, xs] of rates) {
    const m = med(xs);
    console.log(
      `${server.padEnd(24)} ${xs.map((x) => x.toFixed(1).padStart(7)).join(' ')}  median ${m.toFixed(1)} files/s = ${(1000 / m).toFixed(2)} ms/instance = ${(m / orthancRate).toFixed(2)}x Orthanc`,
    );
  }
}
