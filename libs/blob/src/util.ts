import fs from 'node:fs';
import path from 'node:path';

/** Runs fn over items with at most `limit` calls in flight; rejects with the first failure once all have settled. */
export async function inParallel<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const failures: Error[] = [];
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item).catch((err: unknown) => {
        failures.push(asError(err));
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  const [first] = failures;
  if (first) throw first;
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/** A node:fs callback call as a promise (cheaper than fs/promises' FileHandle on the hot path). */
export function call<T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
}

/**
 * The folders whose fsync makes `dir` durable after `mkdir(dir, { recursive: true })` returned `created` (the first
 * folder it created, or undefined when `dir` existed): the parent of each folder created.
 */
export function parentsOfCreated(dir: string, created: string | undefined): string[] {
  const parents: string[] = [];
  if (created !== undefined) for (let d = dir; d.length >= created.length; d = path.dirname(d)) parents.push(path.dirname(d));
  return parents;
}

/** Positional write of all the buffers, on the calling thread (a copy into the page cache). */
export function writeAllSync(fd: number, buffers: readonly Uint8Array[], position: number): void {
  let pos = position;
  for (const b of buffers) {
    for (let done = 0; done < b.length;) {
      const n = fs.writeSync(fd, b, done, b.length - done, pos);
      done += n;
      pos += n;
    }
  }
}
