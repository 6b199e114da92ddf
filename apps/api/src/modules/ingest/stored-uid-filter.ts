import type { Logger } from '../../common/logger.js';
import { PgListener } from '../../database/pg-listener.js';
import { GrowingBloomFilter } from './bloom-filter.js';

/** Fed by the instance insert trigger of migration 0011: '<tenant uuid> <uid> <uid> ...' per notification. */
export const INSTANCE_STORED_CHANNEL = 'cruciate_instance_stored';

export interface StoredUidFiltersOptions {
  /** Connection string of the application role, for the LISTEN connection. */
  readonly databaseUrl: string;
  readonly logger: Logger;
  /** One page of a hospital's stored SOP Instance UIDs in UID order, after `after` ('' for the first page). */
  readonly loadPage: (tenantId: string, after: string, limit: number) => Promise<readonly string[]>;
  /** UIDs per page of a load. */
  readonly pageSize?: number;
  /** A hospital's filter that answered nothing for this long is dropped (loaded again at its next use). */
  readonly idleDropMs?: number;
  /** After a failed load, the hospital's next load waits this long (its look-ups go to the index meanwhile). */
  readonly retryAfterMs?: number;
  /** For tests: the LISTEN connection's name and reconnect timing. */
  readonly applicationName?: string;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly pingIntervalMs?: number;
}

interface TenantFilter {
  readonly filter: GrowingBloomFilter;
  ready: boolean;
  lastUsed: number;
}

/**
 * Per hospital, an in-memory membership filter of its stored SOP Instance UIDs, so that the C-STORE listener can tell
 * a new instance (the usual case) from a re-sent one without a database round trip per instance.
 *
 * - A hospital's filter is created at its first question and loaded from the index by keyset pages. The LISTEN
 *   connection is up before the filter is created, and the filter is created before its first page is read, so every
 *   instance is in it once it is ready: committed before a page's snapshot (read), or after LISTEN took effect
 *   (notified; the trigger of migration 0011 announces every insert, whoever writes it).
 * - Inserts of this process are noted at once (`note`), so it never depends on its own notifications.
 * - Until the filter is ready, and whenever it answers "maybe" (a stored UID, or a false positive: about 1 in 100),
 *   the caller asks the index, as it would without a filter.
 * - A lost LISTEN connection drops every filter (notifications may have been missed); they are loaded again after
 *   it is back. What a filter cannot know is another process's commit whose notification is still on its way (a few
 *   milliseconds): the same window as a look-up sent before that commit; the group commit's conflict check (the
 *   acknowledged copy kept in quarantine) covers it.
 */
export class StoredUidFilters {
  private readonly filters = new Map<string, TenantFilter>();
  private readonly retryAt = new Map<string, number>();
  private readonly listener: PgListener;
  private readonly pageSize: number;
  private readonly idleDropMs: number;
  private readonly retryAfterMs: number;
  /** Bumped when the LISTEN connection is lost: a load begun before then is discarded. */
  private generation = 0;
  private sweepTimer: NodeJS.Timeout | null = null;
  /** Questions answered since start: `absent` by the filter, `maybe` (or not ready) left to the index. */
  readonly answers = { absent: 0, index: 0 };

  constructor(private readonly options: StoredUidFiltersOptions) {
    this.pageSize = options.pageSize ?? 20_000;
    this.idleDropMs = options.idleDropMs ?? 30 * 60_000;
    this.retryAfterMs = options.retryAfterMs ?? 5_000;
    this.listener = new PgListener({
      databaseUrl: options.databaseUrl,
      channels: [INSTANCE_STORED_CHANNEL],
      logger: options.logger,
      name: 'stored-uid-filter',
      applicationName: options.applicationName ?? 'cruciate-api-uid-filter',
      onNotification: (_channel, payload) => this.notified(payload),
      onConnectionChange: (connected) => {
        if (connected) return;
        this.generation++;
        this.filters.clear();
      },
      minBackoffMs: options.minBackoffMs,
      maxBackoffMs: options.maxBackoffMs,
      pingIntervalMs: options.pingIntervalMs ?? 10_000,
    });
  }

  /** Connects in the background: until the LISTEN connection is up, every question is left to the index. */
  start(): void {
    this.listener.startInBackground();
    const period = Math.min(this.idleDropMs, 60_000);
    this.sweepTimer = setInterval(() => this.dropIdle(), period);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    await this.listener.stop();
    this.generation++;
    this.filters.clear();
  }

  get listening(): boolean {
    return this.listener.isConnected;
  }

  /** Whether the hospital's filter is loaded (tests, metrics). */
  isReady(tenantId: string): boolean {
    return this.filters.get(tenantId)?.ready === true;
  }

  /** Filters held, their keys and memory, and the questions answered since start (metrics). */
  stats(): { hospitals: number; ready: number; instances: number; bytes: number; answeredAbsent: number; leftToIndex: number } {
    let ready = 0;
    let instances = 0;
    let bytes = 0;
    for (const f of this.filters.values()) {
      if (f.ready) ready++;
      instances += f.filter.size;
      bytes += f.filter.bytes;
    }
    return { hospitals: this.filters.size, ready, instances, bytes, answeredAbsent: this.answers.absent, leftToIndex: this.answers.index };
  }

  /**
   * True only when the hospital's filter is loaded and certainly lacks this SOP Instance UID: then it is not stored
   * (see the class comment for the one window). False means "ask the index". The first question of a hospital starts
   * the load of its filter.
   */
  absent(tenantId: string, sopInstanceUid: string): boolean {
    const entry = this.filters.get(tenantId);
    if (!entry) {
      this.load(tenantId);
      this.answers.index++;
      return false;
    }
    entry.lastUsed = performance.now();
    if (entry.ready && !entry.filter.mightContain(sopInstanceUid)) {
      this.answers.absent++;
      return true;
    }
    this.answers.index++;
    return false;
  }

  /** Notes UIDs this process has just indexed (inserted or found stored; an extra key only costs a "maybe"). */
  note(tenantId: string, sopInstanceUids: Iterable<string>): void {
    const entry = this.filters.get(tenantId);
    if (!entry) return;
    for (const uid of sopInstanceUids) entry.filter.add(uid);
  }

  /** Loads a hospital's filter (now, or at the next question after a failed load). */
  private load(tenantId: string): void {
    if (!this.listener.isConnected) return;
    if ((this.retryAt.get(tenantId) ?? 0) > performance.now()) return;
    this.retryAt.delete(tenantId);
    const generation = this.generation;
    const entry: TenantFilter = { filter: new GrowingBloomFilter(), ready: false, lastUsed: performance.now() };
    this.filters.set(tenantId, entry);
    const started = performance.now();
    const current = () => this.generation === generation && this.filters.get(tenantId) === entry;
    void (async () => {
      let after = '';
      for (;;) {
        const page = await this.options.loadPage(tenantId, after, this.pageSize);
        if (!current()) return;
        for (const uid of page) entry.filter.add(uid);
        if (page.length < this.pageSize) break;
        after = page.at(-1)!;
      }
      entry.ready = true;
      this.options.logger.info(
        { tenantId, instances: entry.filter.size, bytes: entry.filter.bytes, ms: Math.round(performance.now() - started) },
        'stored-UID filter loaded',
      );
    })().catch((err: unknown) => {
      if (!current()) return;
      this.filters.delete(tenantId);
      this.retryAt.set(tenantId, performance.now() + this.retryAfterMs);
      this.options.logger.warn({ err, tenantId }, 'stored-UID filter load failed; look-ups go to the index');
    });
  }

  private notified(payload: string): void {
    const parts = payload.split(' ');
    const entry = this.filters.get(parts[0]!);
    if (!entry) return;
    for (let i = 1; i < parts.length; i++) if (parts[i]) entry.filter.add(parts[i]!);
  }

  private dropIdle(): void {
    const cutoff = performance.now() - this.idleDropMs;
    for (const [tenantId, entry] of this.filters) if (entry.ready && entry.lastUsed < cutoff) this.filters.delete(tenantId);
  }
}
