import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../common/logger.js';

/**
 * What a claim on a SOP Instance UID decided: the first copy in flight (`new`: check the index, then accept or
 * cancel), the same bytes as a copy already accepted (`duplicate`), or other bytes (`conflict`).
 */
export type Claim<T, R> =
  | { readonly kind: 'new'; accept(item: T): Promise<R>; cancel(): void }
  | { readonly kind: 'duplicate'; readonly indexed: Promise<R> }
  | { readonly kind: 'conflict' };

interface Pending<R> {
  readonly sha256: string;
  /** Resolves true when the first copy was accepted (durable, queued), false when it was refused. */
  readonly accepted: Deferred<boolean>;
  readonly indexed: Deferred<R>;
}

/** Indexes a batch of one tenant; returns, per item in order, its result or the error that refused it alone. */
export type BatchIndexer<T, R> = (tenantId: string, items: readonly T[]) => Promise<(R | Error)[]>;

export interface IndexQueueOptions {
  /** Most items per batch (one statement, one commit). */
  readonly maxBatch?: number;
  /** Tries of a batch that fails as a whole (the database is away) before its items are refused. */
  readonly attempts?: number;
  /** First back-off after a failed batch; doubles up to 5 s. */
  readonly backoffMs?: number;
  /**
   * How long a batch that is not full waits for more instances before it is indexed: fewer, larger commits (each
   * costs a WAL flush and per-statement work) in exchange for a little index latency behind the responses.
   */
  readonly lingerMs?: number;
  /**
   * How long an indexed instance is remembered: a claim on its UID meanwhile is answered from memory (duplicate or
   * conflict), and a database look-up started less than this long ago still holds for it (see `lookupHolds`).
   */
  readonly memoryMs?: number;
  /** Instances remembered at most: the oldest are forgotten first, and look-ups older than them no longer hold. */
  readonly maxRemembered?: number;
}

interface Entry<T, R> {
  readonly item: T;
  readonly done: Deferred<R>;
}

/**
 * Group commit of the index behind the C-STORE response. Instances whose bytes are durable (spooled) are queued per
 * tenant; one loop per tenant indexes whatever has gathered while the previous batch committed, so a steady stream
 * costs one statement and one commit per batch instead of per instance, and none of it is on the response path.
 *
 * It also answers, without a database round trip, for instances still in flight: `claim(tenant, sop, sha)` finds a
 * second copy of an instance accepted but not yet indexed (same bytes: a duplicate; other bytes: a conflict).
 */
export class IndexQueue<T, R> {
  private readonly pending = new Map<string, Pending<R>>();
  private readonly queues = new Map<string, Entry<T, R>[]>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly maxBatch: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly lingerMs: number;
  private readonly memoryMs: number;
  private readonly maxRemembered: number;
  /** Instances indexed lately (insertion order = age). */
  private readonly recent = new Map<string, { readonly sha256: string; readonly indexed: Promise<R>; readonly at: number }>();
  /** When the latest instance forgotten before memoryMs had passed (too many remembered) was indexed. */
  private forgottenEarly = Number.NEGATIVE_INFINITY;
  /** Per tenant: ends the linger of the batch being gathered (see hurry). */
  private readonly lingering = new Map<string, () => void>();
  /** Tenants whose queued items are to be indexed without lingering, until their queue is empty (see hurry). */
  private readonly hurried = new Set<string>();

  constructor(
    private readonly indexBatch: BatchIndexer<T, R>,
    private readonly logger: Logger,
    options: IndexQueueOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 128;
    this.attempts = options.attempts ?? 8;
    this.backoffMs = options.backoffMs ?? 50;
    this.lingerMs = options.lingerMs ?? 0;
    this.memoryMs = options.memoryMs ?? 0;
    this.maxRemembered = options.maxRemembered ?? 100_000;
  }

  /**
   * Whether the answer of an index look-up for a SOP Instance UID, started at `startedAt` (performance.now()), still
   * holds when its copy is claimed now: everything this queue indexed since then is remembered, so claim() finds it.
   */
  lookupHolds(startedAt: number): boolean {
    return performance.now() - startedAt < this.memoryMs && startedAt > this.forgottenEarly;
  }

  /** Instances claimed and not yet indexed (all tenants). */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Claims a SOP Instance UID for a copy with this SHA-256. The check and the claim happen at once (no await in
   * between), so two copies arriving together are told apart; a second copy of an instance whose first copy is still
   * being checked waits for that decision.
   */
  async claim(tenantId: string, sopInstanceUid: string, sha256: string): Promise<Claim<T, R>> {
    const key = `${tenantId}\u0000${sopInstanceUid}`;
    for (;;) {
      const existing = this.pending.get(key);
      if (!existing) {
        const known = this.remembered(key);
        if (known) return known.sha256 === sha256 ? { kind: 'duplicate', indexed: known.indexed } : { kind: 'conflict' };
        const entry: Pending<R> = { sha256, accepted: deferred<boolean>(), indexed: deferred<R>() };
        entry.indexed.promise.catch(() => undefined);
        this.pending.set(key, entry);
        return {
          kind: 'new',
          accept: (item: T) => {
            entry.accepted.resolve(true);
            const done = this.enqueue(tenantId, item);
            done.then(
              (value) => {
                entry.indexed.resolve(value);
                this.remember(key, sha256, entry.indexed.promise);
              },
              (err: unknown) => entry.indexed.reject(err),
            );
            void done.finally(() => this.pending.delete(key)).catch(() => undefined);
            return done;
          },
          cancel: () => {
            this.pending.delete(key);
            entry.accepted.resolve(false);
          },
        };
      }
      if (existing.sha256 !== sha256) return { kind: 'conflict' };
      if (await existing.accepted.promise) return { kind: 'duplicate', indexed: existing.indexed.promise };
      // The first copy was refused: this one is the first now.
    }
  }

  private remember(key: string, sha256: string, indexed: Promise<R>): void {
    if (this.memoryMs <= 0) return;
    this.recent.delete(key);
    this.recent.set(key, { sha256, indexed, at: performance.now() });
    this.forget();
  }

  private remembered(key: string): { readonly sha256: string; readonly indexed: Promise<R> } | undefined {
    this.forget();
    return this.recent.get(key);
  }

  private forget(): void {
    const cutoff = performance.now() - this.memoryMs;
    for (const [key, known] of this.recent) {
      if (known.at >= cutoff) {
        if (this.recent.size <= this.maxRemembered) break;
        this.forgottenEarly = Math.max(this.forgottenEarly, known.at);
      }
      this.recent.delete(key);
    }
  }

  /**
   * Indexes what is queued for the tenant without waiting for more (no linger) until its queue is empty: someone is
   * waiting for those rows (an association's release).
   */
  hurry(tenantId: string): void {
    if (!this.queues.has(tenantId)) return;
    this.hurried.add(tenantId);
    this.lingering.get(tenantId)?.();
  }

  /** Resolves once everything queued so far is indexed (or refused). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  private enqueue(tenantId: string, item: T): Promise<R> {
    const done = deferred<R>();
    let queue = this.queues.get(tenantId);
    if (!queue) {
      queue = [];
      this.queues.set(tenantId, queue);
    }
    queue.push({ item, done });
    if (!this.running.has(tenantId)) {
      const run = this.run(tenantId).finally(() => this.running.delete(tenantId));
      this.running.set(tenantId, run);
    }
    return done.promise;
  }

  private async run(tenantId: string): Promise<void> {
    const queue = this.queues.get(tenantId)!;
    while (queue.length > 0) {
      if (this.lingerMs > 0 && queue.length < this.maxBatch && !this.hurried.has(tenantId)) await this.linger(tenantId);
      const batch = queue.splice(0, this.maxBatch);
      const results = await this.tryBatch(tenantId, batch);
      batch.forEach((entry, i) => {
        const result = results instanceof Error ? results : results[i]!;
        if (result instanceof Error) entry.done.reject(result);
        else entry.done.resolve(result);
      });
    }
    this.queues.delete(tenantId);
    this.hurried.delete(tenantId);
  }

  /** Waits lingerMs for more items, or less when hurried. */
  private linger(tenantId: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.lingering.delete(tenantId);
        resolve();
      };
      const timer = setTimeout(done, this.lingerMs);
      this.lingering.set(tenantId, done);
    });
  }

  private async tryBatch(tenantId: string, batch: readonly Entry<T, R>[]): Promise<(R | Error)[] | Error> {
    let delay = this.backoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await this.indexBatch(
          tenantId,
          batch.map((e) => e.item),
        );
        if (results.length !== batch.length) throw new Error(`index batch returned ${results.length} results for ${batch.length}`);
        return results;
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        if (attempt >= this.attempts) {
          this.logger.error(
            { err: error, tenantId, instances: batch.length, attempts: attempt },
            'indexing received instances failed; they stay spooled for recovery',
          );
          return error;
        }
        this.logger.warn({ err: error.message, tenantId, instances: batch.length, attempt }, 'indexing received instances failed; retrying');
        await sleep(delay);
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
