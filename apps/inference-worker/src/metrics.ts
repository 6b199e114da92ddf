import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one worker process (served at /metrics by the health server). */
export class WorkerMetrics {
  readonly registry = new Registry();
  readonly jobs = new Counter({
    name: 'cruciate_worker_jobs_total',
    help: 'Inference jobs handled, by outcome (succeeded, duplicate, failed_permanent, failed_retry, released)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly stage = new Histogram({
    name: 'cruciate_worker_stage_seconds',
    help: 'Time per stage of an inference job',
    labelNames: ['stage'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({ name: 'cruciate_worker_queue_depth', help: 'Inference jobs waiting (created or retry)', registers: [this.registry] });
  readonly inFlight = new Gauge({ name: 'cruciate_worker_jobs_in_flight', help: 'Jobs this process is working on', registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'cruciate_worker_' });
  }
}
