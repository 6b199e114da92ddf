import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { systemQuery, testDatabase, type TestHospital } from '@cruciate/testing';
import type { Platform } from '../src/bootstrap/platform.js';

export interface TestWorker {
  readonly process: ChildProcess;
  readonly healthUrl: string;
  /** Every JSON log line so far. */
  readonly logs: Record<string, unknown>[];
  /** What it wrote to stderr. */
  stderr(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL (kill -9) and wait for exit. */
  kill(): Promise<void>;
}

/**
 * Starts the built inference worker (apps/inference-worker/dist, as `npm start` does) as a real process against the
 * test database and the platform's blob store; resolves when it reports ready.
 */
export async function startTestWorker(platform: Platform, env: Record<string, string> = {}): Promise<TestWorker> {
  const entry = createRequire(import.meta.url).resolve('@cruciate/inference-worker');
  const child = spawn(process.execPath, [entry], {
    env: {
      PATH: process.env['PATH'] ?? '',
      NODE_ENV: 'test',
      DATABASE_URL: testDatabase().appUrl,
      BLOB_DIR: platform.config.BLOB_DIR,
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: '0',
      LOG_LEVEL: 'info',
      INFERENCE_THREADS: '1',
      JOB_MAINTENANCE_INTERVAL_S: '1',
      WORKER_POLL_INTERVAL_MS: '500',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const ready = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entryLog = JSON.parse(line) as Record<string, unknown>;
        logs.push(entryLog);
        if (entryLog['msg'] === 'inference worker ready') resolve(`http://${String(entryLog['health'])}`);
      } catch {
        // not a log line
      }
    });
    void exited.then((code) => reject(new Error(`worker exited (${code}) before it was ready: ${stderr.slice(-2000)}`)));
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('worker not ready in 30 s')), 30_000).unref());
  const healthUrl = await Promise.race([ready, timeout]);
  return {
    process: child,
    healthUrl,
    logs,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls `fn` every 50 ms until it returns something truthy. */
export async function waitFor<T>(what: string, fn: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bundled model (registered at platform start) becomes the hospitals' active version. */
export async function activateModel(hospitals: readonly TestHospital[]): Promise<string> {
  const [bundled] = await systemQuery<{ id: string }>(`SELECT id FROM model_version WHERE is_bundled ORDER BY created_at DESC LIMIT 1`);
  if (!bundled) throw new Error('the bundled model is not registered (models/acl-phantom-mrnet/1.0.0)');
  for (const h of hospitals) await systemQuery(`UPDATE hospital SET active_model_version_id = $2 WHERE id = $1`, [h.id, bundled.id]);
  return bundled.id;
}
