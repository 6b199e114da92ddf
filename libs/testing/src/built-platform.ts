import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

/** The repository root (libs/testing/src -> ../../..). */
const ROOT = path.resolve(import.meta.dirname, '../../..');
/** What `npm start` runs once built. */
export const BUILT_PLATFORM_MAIN = path.join(ROOT, 'apps/api/dist/main.js');

export interface BuiltPlatform {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr). */
  readonly output: () => string;
  readonly url: string;
  /** Milliseconds from spawn to its ready line. */
  readonly ms: number;
  /** Resolves once the process has exited (however it ended). */
  readonly exited: Promise<void>;
}

/**
 * Starts the built platform exactly as `npm start` does (`node apps/api/dist/main.js`) with only PATH, HOME and `env`
 * in its environment (no DATABASE_URL: embedded PostgreSQL unless `env` says otherwise), and waits for its
 * "Cruciate is running at" line. Rejects with its output when it exits first or does not get there in time.
 */
export async function startBuiltPlatform(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<BuiltPlatform> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const t0 = performance.now();
  const child = spawn(process.execPath, [BUILT_PLATFORM_MAIN], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform did not start in ${timeoutMs / 1000} s:\n${out}`)), timeoutMs);
    const check = (): void => {
      const m = /Cruciate is running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code ?? signal}:\n${out}`));
    });
  });
  return { child, output: () => out, url, ms: Math.round(performance.now() - t0), exited };
}

/** SIGTERM, then waits for the exit (SIGKILL after `killAfterMs`); its exit code (null when killed by a signal). */
export async function stopBuiltPlatform(p: BuiltPlatform, killAfterMs = 30_000): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) {
    p.child.kill('SIGTERM');
    const killer = setTimeout(() => p.child.kill('SIGKILL'), killAfterMs);
    await p.exited;
    clearTimeout(killer);
  }
  return p.child.exitCode;
}
