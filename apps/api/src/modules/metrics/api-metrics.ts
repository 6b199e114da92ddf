import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'cruciate_api_';

/** pg-boss job states, each reported (0 when none) so dashboards see a complete series. */
export const JOB_STATES = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'] as const;

export interface ApiMetricsSources {
  /** Job counts of the inference queue by state, read on each scrape. */
  readonly inferenceQueue: () => Promise<ReadonlyMap<string, number>>;
  /** Open GraphQL subscriptions on this instance. */
  readonly subscriptions: () => number;
  /** C-STORE instances acknowledged (durable in the spool) and not yet in the index. */
  readonly unindexedInstances?: () => number;
  /** Spool files handled by recovery passes since start, by outcome. */
  readonly spoolRecovered?: () => Readonly<Record<string, number>>;
  /** C-STORE's stored-UID filters (null when off). */
  readonly uidFilters?: () => { readonly bytes: number; readonly answeredAbsent: number; readonly leftToIndex: number } | null;
}

/**
 * The API's Prometheus metrics, on a registry of their own (several platforms can run in one process in tests).
 * Labels are bounded: HTTP routes are patterns, never raw URLs; GraphQL outcomes are `success` or an error code.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly graphqlOperations: Counter<'type' | 'outcome'>;
  readonly wsConnections: Gauge;
  readonly studyEvents: Counter;
  readonly studyEventsDropped: Counter;
  readonly studyEventsListening: Gauge;
  readonly dimseStorePhases: Histogram<'phase'>;
  private sources: ApiMetricsSources | null = null;

  constructor(options: { readonly defaultMetrics: boolean }) {
    const registers = [this.registry];
    if (options.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
    this.httpDuration = new Histogram({
      name: `${METRIC_PREFIX}http_request_duration_seconds`,
      help: 'HTTP request duration by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.graphqlOperations = new Counter({
      name: `${METRIC_PREFIX}graphql_operations_total`,
      help: 'GraphQL operations by type (query, mutation, subscription, unknown) and outcome (success or the first error code)',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.wsConnections = new Gauge({
      name: `${METRIC_PREFIX}graphql_ws_connections`,
      help: 'Authenticated graphql-ws connections open on this instance',
      registers,
    });
    const sources = (): ApiMetricsSources | null => this.sources;
    new Gauge({
      name: `${METRIC_PREFIX}graphql_subscriptions`,
      help: 'GraphQL subscriptions open on this instance',
      registers,
      collect() {
        this.set(sources()?.subscriptions() ?? 0);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}ingest_unindexed_instances`,
      help: 'C-STORE instances acknowledged (durable in the spool) whose index rows have not committed yet',
      registers,
      collect() {
        this.set(sources()?.unindexedInstances?.() ?? 0);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}ingest_spool_recovered`,
      help: 'Spool files handled by recovery passes since start, by outcome (indexed, removedEmpty, quarantined, failed)',
      labelNames: ['outcome'],
      registers,
      collect() {
        const counts = sources()?.spoolRecovered?.() ?? {};
        for (const outcome of ['indexed', 'removedEmpty', 'quarantined', 'failed']) this.set({ outcome }, counts[outcome] ?? 0);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}dimse_uid_checks`,
      help:
        'C-STORE "stored already?" questions since start by who answered: filter (the stored-UID filter: certainly new) or ' +
        'index (a look-up: filter not loaded, off, or "maybe")',
      labelNames: ['answer'],
      registers,
      collect() {
        const f = sources()?.uidFilters?.();
        this.set({ answer: 'filter' }, f?.answeredAbsent ?? 0);
        this.set({ answer: 'index' }, f?.leftToIndex ?? 0);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}dimse_uid_filter_bytes`,
      help: 'Memory held by the stored-UID filters of C-STORE (all hospitals)',
      registers,
      collect() {
        this.set(sources()?.uidFilters?.()?.bytes ?? 0);
      },
    });
    this.dimseStorePhases = new Histogram({
      name: `${METRIC_PREFIX}dimse_store_phase_seconds`,
      help:
        'C-STORE time per instance by phase: transfer (its command to the last fragment of its data set), answer (that ' +
        'fragment to our response: parse, flush, look-up), peer (our response to the next command on the association)',
      labelNames: ['phase'],
      buckets: [0.0005, 0.001, 0.0015, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5, 10],
      registers,
    });
    this.studyEvents = new Counter({
      name: `${METRIC_PREFIX}study_events_received_total`,
      help: 'Study events received from PostgreSQL (LISTEN) by this instance',
      registers,
    });
    this.studyEventsDropped = new Counter({
      name: `${METRIC_PREFIX}study_events_dropped_total`,
      help: 'Study events dropped because a subscriber fell behind (its buffer was full)',
      registers,
    });
    this.studyEventsListening = new Gauge({
      name: `${METRIC_PREFIX}study_events_listener_up`,
      help: '1 while the LISTEN connection for study events is up',
      registers,
    });
    new Gauge({
      name: `${METRIC_PREFIX}inference_queue_jobs`,
      help: "Jobs of the 'inference' queue by pg-boss state (read from the database on each scrape)",
      labelNames: ['state'],
      registers,
      async collect() {
        const source = sources();
        if (!source) return;
        const counts = await source.inferenceQueue();
        this.reset();
        for (const state of JOB_STATES) this.set({ state }, counts.get(state) ?? 0);
      },
    });
  }

  /** Wired once the collaborators exist (Nest providers). */
  attach(sources: ApiMetricsSources): void {
    this.sources = sources;
  }

  countGraphqlOperation(type: string | undefined, outcome: string): void {
    this.graphqlOperations.inc({ type: type ?? 'unknown', outcome: boundedOutcome(outcome) });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** Error codes are SCREAMING_SNAKE and few; anything else is folded so a label can never explode. */
function boundedOutcome(outcome: string): string {
  return outcome === 'success' || /^[A-Z][A-Z_]{1,39}$/.test(outcome) ? outcome : 'OTHER';
}
