import type { StudyStatus } from '@cruciate/contracts';

/** A study change of one hospital, as announced on the study-events channel. */
export interface StudyChange {
  readonly tenantId: string;
  readonly studyId: string;
  readonly status: StudyStatus;
}

export interface StudyEventBusOptions {
  /** Events one subscriber may have waiting (a slow client); beyond it the oldest waiting event is dropped. */
  readonly bufferSize?: number;
  /** Called for each event dropped because a subscriber's buffer was full. */
  readonly onDrop?: () => void;
}

/**
 * In-process fan-out of study changes to the subscriptions of this API instance. Subscriptions are indexed by
 * hospital, so an event is only ever offered to subscribers of its own hospital, and publishing costs nothing for
 * the others. Each subscription is an async iterator with a small bounded buffer.
 */
export class StudyEventBus {
  private readonly byTenant = new Map<string, Set<StudyEventStream>>();
  private count = 0;
  private readonly bufferSize: number;

  constructor(private readonly options: StudyEventBusOptions = {}) {
    this.bufferSize = options.bufferSize ?? 64;
  }

  /** Events of one hospital, optionally of one study only. Ends when `return()` is called (client unsubscribes). */
  subscribe(tenantId: string, studyId: string | null = null): StudyEventStream {
    let set = this.byTenant.get(tenantId);
    if (!set) {
      set = new Set();
      this.byTenant.set(tenantId, set);
    }
    const subscribers = set;
    const stream = new StudyEventStream(studyId, this.bufferSize, this.options.onDrop, () => {
      subscribers.delete(stream);
      this.count--;
      if (subscribers.size === 0 && this.byTenant.get(tenantId) === subscribers) this.byTenant.delete(tenantId);
    });
    subscribers.add(stream);
    this.count++;
    return stream;
  }

  publish(change: StudyChange): void {
    const set = this.byTenant.get(change.tenantId);
    if (!set) return;
    for (const stream of set) stream.offer(change);
  }

  /** Open subscriptions on this instance. */
  get size(): number {
    return this.count;
  }

  /** Ends every subscription (shutdown). */
  closeAll(): void {
    for (const set of [...this.byTenant.values()]) for (const stream of [...set]) stream.close();
  }
}

/** One subscriber's events: an async iterator whose `return()` unsubscribes. */
export class StudyEventStream implements AsyncIterableIterator<StudyChange> {
  private readonly queue: StudyChange[] = [];
  private waiting: ((result: IteratorResult<StudyChange>) => void) | null = null;
  private done = false;

  constructor(
    readonly studyId: string | null,
    private readonly capacity: number,
    private readonly onDrop: (() => void) | undefined,
    private readonly onClose: () => void,
  ) {}

  offer(change: StudyChange): void {
    if (this.done || (this.studyId !== null && change.studyId !== this.studyId)) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: change, done: false });
      return;
    }
    if (this.queue.length >= this.capacity) {
      this.queue.shift();
      this.onDrop?.();
    }
    this.queue.push(change);
  }

  next(): Promise<IteratorResult<StudyChange>> {
    const value = this.queue.shift();
    if (value) return Promise.resolve({ value, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    if (this.waiting) return Promise.reject(new Error('StudyEventStream.next called while a call is pending'));
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }

  return(): Promise<IteratorResult<StudyChange>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<StudyChange>> {
    this.close();
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  close(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.onClose();
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ value: undefined, done: true });
  }

  get isClosed(): boolean {
    return this.done;
  }
}
