// Shared plumbing of the ingest benchmark (run.mjs) and the Orthanc interop check (interop.mjs).
//
// Everything here runs inside a private network namespace that has only a loopback interface: Orthanc and
// dcmtk's storescp have no bind-address option, so the namespace is what keeps them (and our platform, and
// every byte of benchmark traffic) off the network. See bench/README.md.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PLATFORM_MAIN = path.join(ROOT, 'apps/api/dist/main.js');

/** The node options `npm start` runs the platform with (root package.json's start script): benchmarks run the same. */
export function startNodeArgs() {
  const start = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) apps\/api\/dist\/main\.js\b/.exec(start);
  if (!match) throw new Error(`the start script does not run apps/api/dist/main.js with node: ${start}`);
  return match[1].trim().split(/\s+/).filter(Boolean);
}
export const ORTHANC_BIN = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
/** Demo data seeded by the embedded platform (README "Demo data"). */
export const DEMO = { aeTitle: 'GENERAL', clientId: 'sa-general-integrator', secret: 'general-integrator-demo-secret' };

const NETNS_MARK = 'CRUCIATE_BENCH_NETNS';

export function log(message) {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Environment for every child: nothing inherited but PATH and HOME (no DATABASE_URL, no proxies). */
export function childEnv(extra = {}) {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin:/usr/sbin:/sbin', HOME: process.env.HOME ?? '/tmp', ...extra };
}

// ---------------------------------------------------------------------------------------------------------------
// Private network namespace
// ---------------------------------------------------------------------------------------------------------------

function linkNames() {
  const r = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`\`ip -o link show\` failed: ${r.stderr || r.error}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(':')[1].trim().split('@')[0]);
}

/**
 * Runs `main` inside a network namespace that has only loopback. When the current namespace has any other link,
 * the script re-executes itself under `unshare -n` (root, or a user namespace, is needed) and mirrors the exit code;
 * it never falls back to running on the host network.
 */
export async function runIsolated(main) {
  const links = linkNames();
  if (links.length === 1 && links[0] === 'lo') {
    const up = spawnSync('ip', ['link', 'set', 'lo', 'up'], { encoding: 'utf8' });
    if (up.status !== 0) throw new Error(`cannot bring loopback up in the private namespace: ${up.stderr}`);
    const after = linkNames();
    if (after.length !== 1 || after[0] !== 'lo') throw new Error(`private namespace has links other than lo: ${after.join(', ')}`);
    return main();
  }
  if (process.env[NETNS_MARK]) throw new Error(`re-executed under unshare -n, yet links other than lo are visible: ${links.join(', ')}`);
  const child = spawn('unshare', ['-n', process.execPath, ...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, [NETNS_MARK]: '1' },
  });
  const forward = (signal) => () => child.kill(signal);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  const code = await new Promise((resolve) => {
    child.once('error', (err) => {
      process.stderr.write(`cannot run \`unshare -n\` (${err.message}); the benchmark needs a private network namespace (run as root)\n`);
      resolve(1);
    });
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
  });
  process.exit(code);
}

/** A free TCP port on 127.0.0.1 (inside the namespace). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: every server in its own process group, all stopped on exit, error, signal or deadline
// ---------------------------------------------------------------------------------------------------------------

export class Processes {
  #children = [];
  #cleanups = [];
  #stopping = null;
  /** Set when the run failed: work folders (with the server logs) are then kept. */
  failed = false;

  /** Installs handlers so that SIGINT/SIGTERM, an uncaught error or the deadline stop every child and exit. */
  constructor({ deadlineMs, name }) {
    const bail = (code, why) => {
      this.failed = true;
      log(`${name}: ${why}; stopping every child`);
      void this.stopAll().finally(() => process.exit(code));
    };
    process.on('SIGINT', () => bail(130, 'SIGINT'));
    process.on('SIGTERM', () => bail(143, 'SIGTERM'));
    process.on('uncaughtException', (err) => bail(1, `uncaught ${err?.stack ?? err}`));
    process.on('unhandledRejection', (err) => bail(1, `unhandled rejection ${err?.stack ?? err}`));
    this.deadline = setTimeout(() => bail(124, `overall time limit of ${deadlineMs / 1000} s reached`), deadlineMs);
    this.deadline.unref();
  }

  /** Removes a folder (or runs any function) once every child has stopped. */
  onCleanup(fn) {
    this.#cleanups.push(fn);
  }

  /**
   * Spawns a long-running child in its own process group, stdout+stderr to `logFile` (and to `onOutput`).
   * `graceMs`: how long SIGTERM gets before the whole group gets SIGKILL.
   */
  spawn(name, command, args, { env, cwd = ROOT, logFile, onOutput, graceMs = 5_000, killMatch } = {}) {
    if (shuttingDown) throw new Error(`not starting ${name}: stopping`);
    const out = logFile ? createWriteStream(logFile) : null;
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const entry = { name, child, graceMs, killMatch, output: '' };
    const collect = (d) => {
      out?.write(d);
      entry.output = (entry.output + d.toString()).slice(-64 * 1024);
      onOutput?.(entry.output);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('exit', () => out?.end());
    child.once('error', (err) => collect(Buffer.from(`\nspawn error: ${err.message}\n`)));
    this.#children.push(entry);
    return entry;
  }

  /** Stops children in reverse start order: SIGTERM to the process, then SIGKILL to its group after graceMs. */
  stopAll() {
    shuttingDown = true;
    this.#stopping ??= (async () => {
      clearTimeout(this.deadline);
      for (const child of transient) child.kill('SIGKILL'); // storescu, echoscu: nothing to save
      for (const entry of [...this.#children].reverse()) await stopEntry(entry);
      for (const fn of this.#cleanups.reverse()) await Promise.resolve(fn()).catch((err) => log(`cleanup failed: ${err}`));
    })();
    return this.#stopping;
  }
}

async function stopEntry({ name, child, graceMs, killMatch }) {
  const alive = () => child.exitCode === null && child.signalCode === null;
  if (child.pid !== undefined && alive()) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) log(`${name} did not stop within ${graceMs} ms of SIGTERM; killing its process group`);
  }
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, 'SIGKILL'); // whatever is left of its group (e.g. embedded PostgreSQL)
    } catch {
      // group already gone
    }
  }
  // Grandchildren that left the group (none expected): find them by a path only they use, kill them by pid.
  if (killMatch) {
    for (const pid of pidsMatching(killMatch)) {
      try {
        process.kill(pid, 'SIGKILL');
        log(`killed leftover ${name} process ${pid}`);
      } catch {
        // gone
      }
    }
  }
}

function pidsMatching(text) {
  const r = spawnSync('pgrep', ['-f', '--', text], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => pid !== process.pid);
}

/** Short-lived commands still running (killed by stopAll). */
const transient = new Set();
/** Set by stopAll: nothing new is started after it. */
let shuttingDown = false;

export function isShuttingDown() {
  return shuttingDown;
}

/** Runs a short-lived command to completion with a time limit; resolves with its exit code, output and duration. */
export function runCommand(command, args, { env, cwd = ROOT, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    if (shuttingDown) return reject(new Error(`not running ${command}: stopping`));
    const t0 = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    transient.add(child);
    child.once('exit', () => transient.delete(child));
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d.toString()));
    child.stderr.on('data', (d) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Synthetic DICOM (libs/testing/src/synthetic-dicom.ts, transpiled on the fly)
// ---------------------------------------------------------------------------------------------------------------

/**
 * Loads the synthetic DICOM writer from its TypeScript source. libs/testing is not part of the build, and Node 20
 * cannot strip types, so the file is transpiled with the repository's own TypeScript (transpileModule: no type
 * check, no other files) into `dir` and imported. The file must stay self-contained (node: imports only).
 */
export async function loadSynthetic(dir) {
  const ts = (await import('typescript')).default;
  const source = path.join(ROOT, 'libs/testing/src/synthetic-dicom.ts');
  const { outputText } = ts.transpileModule(await readFile(source, 'utf8'), {
    fileName: source,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: false },
  });
  const foreign = [...outputText.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)].map((m) => m[1]).filter((s) => !s.startsWith('node:'));
  if (foreign.length > 0) throw new Error(`${source} now imports ${foreign.join(', ')}; bench/ingest/harness.mjs loadSynthetic only handles node: imports`);
  const file = path.join(dir, 'synthetic-dicom.mjs');
  await writeFile(file, outputText);
  return import(pathToFileURL(file).href);
}

/**
 * `studies` knee MR studies, each a sagittal (selected for inference), a coronal and an axial series of
 * 256x256 16-bit explicit VR little endian slices. Returns the files (name + bytes) and the study UIDs.
 */
export function makeStudies(
  syn,
  {
    studies,
    prefix,
    planes = [
      ['sagittal', 20],
      ['coronal', 16],
      ['axial', 14],
    ],
    rows = 256,
    columns = 256,
  },
) {
  const files = [];
  const studyUids = [];
  for (let s = 0; s < studies; s++) {
    const studyInstanceUid = syn.newUid();
    studyUids.push(studyInstanceUid);
    planes.forEach(([plane, slices], i) => {
      const series = syn.makeSeries({
        plane,
        slices,
        rows,
        columns,
        studyInstanceUid,
        seriesNumber: i + 1,
        patientId: `${prefix}-${String(s + 1).padStart(3, '0')}`,
        patientName: `Bench^${prefix}${s + 1}`,
        accessionNumber: `${prefix}${s + 1}`.slice(0, 16),
        transferSyntax: 'explicit-le',
      });
      series.files.forEach((bytes, slice) => files.push({ name: `${prefix}-s${s + 1}-${plane}-${String(slice + 1).padStart(3, '0')}.dcm`, bytes }));
    });
  }
  return { files, studyUids };
}

export async function writeFiles(dir, files) {
  await mkdir(dir, { recursive: true });
  await Promise.all(files.map((f) => writeFile(path.join(dir, f.name), f.bytes)));
  return files.map((f) => path.join(dir, f.name));
}

// ---------------------------------------------------------------------------------------------------------------
// Servers
// ---------------------------------------------------------------------------------------------------------------

/** Our platform, started the way `npm start` does (node apps/api/dist/main.js) on a fresh data dir. */
export async function startCruciate(procs, workDir, { timeoutMs = 120_000, env = {}, nodeArgs = [] } = {}) {
  if (!existsSync(PLATFORM_MAIN)) throw new Error(`${PLATFORM_MAIN} is missing: run \`npm run build\` first`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'cruciate-bench-data-'));
  await chmod(dataDir, 0o755); // the embedded PostgreSQL runs as the postgres user when we are root
  procs.onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  const [port, pgPort, dimsePort] = [await freePort(), await freePort(), await freePort()];
  const logFile = path.join(workDir, 'cruciate.log');
  const started = performance.now();
  const args = [...startNodeArgs(), ...nodeArgs];
  const entry = procs.spawn('cruciate', process.execPath, [...args, PLATFORM_MAIN], {
    env: childEnv({
      DATA_DIR: dataDir,
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      DIMSE_PORT: String(dimsePort),
      START_WORKER: 'false',
      LOG_LEVEL: 'warn',
      ...env,
    }),
    logFile,
    graceMs: 20_000,
    killMatch: dataDir,
  });
  const url = await waitFor('cruciate', entry, timeoutMs, logFile, () => /Cruciate is running at (http:\/\/\S+)/.exec(entry.output)?.[1] ?? null);
  log(`cruciate is running at ${url} (DIMSE ${dimsePort}) after ${((performance.now() - started) / 1000).toFixed(1)} s; log ${logFile}`);
  return { url, port, pgPort, dimsePort, aeTitle: DEMO.aeTitle, dataDir, logFile, entry, nodeArgs: args };
}

/** client_credentials with HTTP Basic for the demo integrator of hospital `general`. */
export async function integratorToken(url) {
  const res = await fetch(`${url}/oidc/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(DEMO.clientId)}:${encodeURIComponent(DEMO.secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
    signal: AbortSignal.timeout(15_000),
  });
  const body = await res.json();
  if (!body.access_token) throw new Error(`client_credentials failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Orthanc with the DICOMweb plugin, storage and index in a temp folder, HTTP and DICOM on free ports. */
export async function startOrthanc(procs, workDir, { extra = {}, dicomWeb = {}, timeoutMs = 60_000 } = {}) {
  for (const f of [ORTHANC_BIN, DICOMWEB_PLUGIN]) if (!existsSync(f)) throw new Error(`${f} is missing (apt packages orthanc, orthanc-dicomweb)`);
  const dir = path.join(workDir, 'orthanc');
  await mkdir(path.join(dir, 'storage'), { recursive: true });
  await mkdir(path.join(dir, 'index'), { recursive: true });
  const [httpPort, dicomPort] = [await freePort(), await freePort()];
  const config = {
    Name: 'BenchOrthanc',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'index'),
    HttpPort: httpPort,
    DicomPort: dicomPort,
    DicomAet: 'ORTHANC',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    HttpServerEnabled: true,
    DicomServerEnabled: true,
    SaveJobs: false,
    Plugins: [DICOMWEB_PLUGIN],
    ...extra,
    DicomWeb: { Enable: true, Root: '/dicom-web/', ...dicomWeb },
  };
  const configFile = path.join(dir, 'orthanc.json');
  await writeFile(configFile, JSON.stringify(config, null, 2));
  const logFile = path.join(workDir, 'orthanc.log');
  const entry = procs.spawn('orthanc', ORTHANC_BIN, [configFile], { env: childEnv({ TCP_NODELAY: '1' }), logFile, graceMs: 10_000 });
  const http = `http://127.0.0.1:${httpPort}`;
  await waitFor('orthanc', entry, timeoutMs, logFile, async () => {
    const res = await fetch(`${http}/system`, { signal: AbortSignal.timeout(2_000) }).catch(() => null);
    return res?.ok ? true : null;
  });
  const system = await (await fetch(`${http}/system`)).json();
  const plugins = await (await fetch(`${http}/plugins`)).json();
  if (!plugins.includes('dicom-web')) throw new Error(`Orthanc did not load the DICOMweb plugin (plugins: ${plugins.join(', ')}); see ${logFile}`);
  log(`orthanc ${system.Version} (DICOMweb plugin) HTTP ${httpPort}, DICOM ${dicomPort}; log ${logFile}`);
  return { http, httpPort, dicomPort, aeTitle: 'ORTHANC', logFile, version: system.Version };
}

/** dcmtk storescp writing every received instance into `outDir`. */
export async function startStorescp(procs, workDir, outDir, { timeoutMs = 20_000 } = {}) {
  await mkdir(outDir, { recursive: true });
  const port = await freePort();
  const logFile = path.join(workDir, 'storescp.log');
  const entry = procs.spawn('storescp', 'storescp', ['-aet', 'STORESCP', '-od', outDir, String(port)], {
    env: childEnv({ TCP_NODELAY: '1' }),
    logFile,
    graceMs: 3_000,
  });
  await waitFor('storescp', entry, timeoutMs, logFile, async () => {
    const echo = await runCommand('echoscu', ['-aec', 'STORESCP', '127.0.0.1', String(port)], { env: childEnv({ TCP_NODELAY: '1' }), timeoutMs: 5_000 });
    return echo.code === 0 ? true : null;
  });
  log(`storescp on DICOM port ${port}, writing to ${outDir}; log ${logFile}`);
  return { port, aeTitle: 'STORESCP', outDir, logFile };
}

/** Polls `probe` until it returns non-null; fails when the process exits first or `timeoutMs` passes. */
export async function waitFor(name, entry, timeoutMs, logFile, probe, { intervalMs = 100 } = {}) {
  const until = Date.now() + timeoutMs;
  const where = logFile ? `; log ${logFile}` : '';
  for (;;) {
    if (entry.child.exitCode !== null || entry.child.signalCode !== null)
      throw new Error(`${name} exited (${entry.child.exitCode ?? entry.child.signalCode}) before it was ready${where}:\n${entry.output.slice(-4000)}`);
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > until) throw new Error(`${name} not ready after ${timeoutMs / 1000} s${where}:\n${entry.output.slice(-4000)}`);
    await sleep(intervalMs);
  }
}

/** Writes a benchmark's results.json as prettier formats it, so that the committed file stays lint clean. */
export async function writeResults(file, results) {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(file)) ?? {};
  await writeFile(file, await prettier.format(JSON.stringify(results), { ...options, filepath: file }));
}

// ---------------------------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------------------------

/**
 * dcmtk storescu: every file over ONE association, TCP_NODELAY=1. Counts the C-STORE responses from its verbose
 * log (dcmtk 3.6.7 may exit 0 even when a response is a failure).
 */
export async function storescu({ calledAe, port, files, timeoutMs = 180_000 }) {
  const r = await runCommand('storescu', ['-v', '-aet', 'BENCHSCU', '-aec', calledAe, '127.0.0.1', String(port), ...files], {
    env: childEnv({ TCP_NODELAY: '1' }),
    timeoutMs,
  });
  const output = r.stdout + r.stderr;
  const responses = [...output.matchAll(/Received Store Response \(([^)]*)\)/g)].map((m) => m[1]);
  const success = responses.filter((s) => s === 'Success').length;
  return { code: r.code, signal: r.signal, seconds: r.seconds, success, failures: responses.length - success, responses: responses.length, output };
}

/** A STOW-RS request body: multipart/related; type="application/dicom". */
export function stowBody(files) {
  const boundary = `bench-${randomBytes(12).toString('hex')}`;
  const parts = [];
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), f, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/related; type="application/dicom"; boundary=${boundary}` };
}

/**
 * Sends `files` in batches of `batch` per STOW-RS request, one request after the other. Bodies are built before
 * the clock starts. Resolves with the wall-clock seconds and, per request, the HTTP status and the referenced /
 * failed SOP counts of the PS3.18 response.
 */
export async function stowAll({ url, headers = {}, files, batch = 50, timeoutMs = 120_000 }) {
  const bodies = [];
  for (let i = 0; i < files.length; i += batch) bodies.push({ ...stowBody(files.slice(i, i + batch)), count: Math.min(batch, files.length - i) });
  const requests = [];
  const t0 = performance.now();
  for (const { body, contentType, count } of bodies) {
    const res = await fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': contentType, accept: 'application/dicom+json' },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      // not JSON: reported below
    }
    const items = (tag) => json?.[tag]?.Value ?? [];
    requests.push({
      status: res.status,
      sent: count,
      referenced: items('00081199').length,
      failed: items('00081198').length,
      failureReasons: items('00081198').map((i) => i['00081197']?.Value?.[0] ?? null),
      ...(res.status === 200 ? {} : { body: text.slice(0, 500) }),
    });
  }
  return { seconds: (performance.now() - t0) / 1000, requests };
}

export async function getJson(url, { headers = {}, timeoutMs = 30_000 } = {}) {
  const res = await fetch(url, { headers: { accept: 'application/json', ...headers }, signal: AbortSignal.timeout(timeoutMs) });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

export async function postJson(url, body, { headers = {}, timeoutMs = 60_000 } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${url}: ${res.status} ${text.slice(0, 1000)}`);
  return text ? JSON.parse(text) : null;
}

/** Our QIDO-RS: StudyInstanceUID -> NumberOfStudyRelatedInstances for the given studies. */
export async function cruciateStudyCounts(cruciate, token, studyUids) {
  const wanted = new Set(studyUids);
  const counts = new Map();
  for (let offset = 0; ; offset += 1000) {
    const page = await getJson(`${cruciate.url}/dicomweb/studies?limit=1000&offset=${offset}`, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/dicom+json' },
    });
    for (const study of page ?? []) {
      const uid = study['0020000D']?.Value?.[0];
      if (wanted.has(uid)) counts.set(uid, Number(study['00201208']?.Value?.[0] ?? 0));
    }
    if (!page || page.length < 1000) break;
  }
  return counts;
}

export async function orthancInstanceCount(orthanc) {
  return Number((await getJson(`${orthanc.http}/statistics`)).CountInstances);
}

export async function makeWorkDir(procs, name) {
  const dir = await mkdtemp(path.join(os.tmpdir(), `${name}-`));
  await chmod(dir, 0o755);
  procs.onCleanup(() => {
    if (procs.failed || process.env.BENCH_KEEP) log(`kept ${dir} (server logs)`);
    else return rm(dir, { recursive: true, force: true });
  });
  return dir;
}
