import { QUEUE, inferenceJobSchema, type InferenceJob } from '@cruciate/contracts';
import { JOB_NOTIFY_CHANNEL } from '@cruciate/db';
import { parseManifest } from '@cruciate/inference';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { FilesystemBlobStore } from '@cruciate/blob';
import { PermanentJobError } from './errors.js';
import type { InferencePool } from './inference-pool.js';
import { jobStore, withTenant } from './job-store.js';
import type { WorkerMetrics } from './metrics.js';

export interface ConsumerOptions {
  readonly databaseUrl: string;
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  readonly shutdownGraceMs: number;
}

type Job = PgBoss.JobWithMetadata<unknown>;

/**
 * Claims `inference` jobs and turns each into a finding. Jobs are fetched when a NOTIFY says one was queued (so a
 * series committed by the API is claimed at once) and on a fallback poll. Each job re-enters its hospital's RLS
 * context; the finding, the study's new status and the job's completion commit in one transaction, so a retried or
 * re-claimed job never makes a second finding.
 */
export class JobConsumer {
  private inFlight = new Map<string, Job>();
  private stopping = false;
  private pumping: Promise<void> | null = null;
  private pumpAgain = false;
  private timer: NodeJS.Timeout | null = null;
  private depthTimer: NodeJS.Timeout | null = null;
  private listener: pg.Client | null = null;
  private readonly idle = new Set<() => void>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly boss: PgBoss,
    private readonly inference: InferencePool,
    private readonly blobs: Pick<FilesystemBlobStore, 'pathOf' | 'put'>,
    private readonly metrics: WorkerMetrics,
    private readonly logger: Logger,
    private readonly options: ConsumerOptions,
  ) {}

  async start(): Promise<void> {
    await this.listen();
    this.timer = setInterval(() => this.pump(), this.options.pollIntervalMs);
    this.depthTimer = setInterval(() => {
      this.boss.getQueueSize(QUEUE.INFERENCE).then(
        (n) => this.metrics.queueDepth.set(n),
        () => undefined,
      );
    }, 5000);
    this.depthTimer.unref();
    this.pump();
  }

  get activeJobs(): number {
    return this.inFlight.size;
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.databaseUrl, application_name: 'cruciate-worker-listen' });
    client.on('notification', (n) => {
      if (n.channel === JOB_NOTIFY_CHANNEL && n.payload === QUEUE.INFERENCE) this.pump();
    });
    client.on('error', (err) => {
      this.logger.warn({ err: err.message }, 'job notification connection lost; reconnecting (polling meanwhile)');
      this.listener = null;
      client.end().catch(() => undefined);
      if (!this.stopping) setTimeout(() => void this.listen().catch(() => undefined), 1000).unref();
    });
    await client.connect();
    await client.query(`LISTEN ${JOB_NOTIFY_CHANNEL}`);
    this.listener = client;
  }

  /** Fetches while there is room; coalesces calls that arrive while a fetch is running. */
  pump(): void {
    if (this.stopping) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = (async () => {
      do {
        this.pumpAgain = false;
        while (!this.stopping && this.inFlight.size < this.options.concurrency) {
          const jobs = await this.boss.fetch<unknown>(QUEUE.INFERENCE, { batchSize: this.options.concurrency - this.inFlight.size, includeMetadata: true });
          if (jobs.length === 0) break;
          for (const job of jobs) this.run(job);
        }
      } while (this.pumpAgain && !this.stopping);
    })()
      .catch((err: unknown) => this.logger.error({ err }, 'fetching jobs failed'))
      .finally(() => {
        this.pumping = null;
      });
  }

  private run(job: Job): void {
    this.inFlight.set(job.id, job);
    this.metrics.inFlight.set(this.inFlight.size);
    void this.handle(job).finally(() => {
      this.inFlight.delete(job.id);
      this.metrics.inFlight.set(this.inFlight.size);
      if (this.inFlight.size === 0) for (const resolve of this.idle) resolve();
      this.pump();
    });
  }

  private async handle(job: Job): Promise<void> {
    const log = this.logger.child({ jobId: job.id });
    const parsed = inferenceJobSchema.safeParse(job.data);
    if (!parsed.success) {
      log.error({ issues: parsed.error.issues }, 'inference job payload is invalid; dropped');
      await this.boss.complete(QUEUE.INFERENCE, job.id, { failed: 'invalid payload' });
      this.metrics.jobs.inc({ outcome: 'failed_permanent' });
      return;
    }
    const payload = parsed.data;
    const jobLog = log.child({ tenantId: payload.tenantId, seriesId: payload.seriesId });
    let studyId: string | null = null;
    try {
      const outcome = await this.process(job, payload, (id) => {
        studyId = id;
      });
      this.metrics.jobs.inc({ outcome });
      jobLog.info({ outcome }, 'inference job done');
    } catch (err) {
      if (this.stopping && !this.inFlight.has(job.id)) return;
      const message = err instanceof Error ? err.message : String(err);
      const permanent = err instanceof PermanentJobError;
      const lastAttempt = job.retryCount >= job.retryLimit;
      if (permanent || lastAttempt) {
        const reason = permanent ? message : `gave up after ${job.retryCount + 1} attempts: ${message}`;
        jobLog.warn({ reason }, 'inference job failed');
        await withTenant(this.pool, payload.tenantId, async (client) => {
          if (studyId) await jobStore.markFailed(client, studyId, reason);
          await this.boss.complete(QUEUE.INFERENCE, job.id, { failed: reason }, { db: dbOf(client) });
        }).catch((e: unknown) => jobLog.error({ err: e }, 'recording the failure failed'));
        this.metrics.jobs.inc({ outcome: 'failed_permanent' });
      } else {
        jobLog.warn({ err: message, attempt: job.retryCount + 1 }, 'inference job failed; it will be retried');
        await this.boss.fail(QUEUE.INFERENCE, job.id, { message }).catch((e: unknown) => jobLog.error({ err: e }, 'failing the job failed'));
        this.metrics.jobs.inc({ outcome: 'failed_retry' });
      }
    }
  }

  private async process(job: Job, payload: InferenceJob, setStudy: (id: string) => void): Promise<'succeeded' | 'duplicate'> {
    const started = performance.now();
    const queueWaitMs = Math.max(0, Date.now() - new Date(job.createdOn).getTime());
    const plan = await withTenant(this.pool, payload.tenantId, async (client) => {
      const series = await jobStore.loadSeries(client, payload.seriesId);
      if (!series) throw new PermanentJobError(`series ${payload.seriesId} does not exist in this hospital`);
      setStudy(series.studyId);
      const model = await jobStore.activeModel(client, payload.tenantId);
      if (!model) throw new PermanentJobError('the hospital has no active model version');
      if (await jobStore.findingExists(client, series.seriesId, model.id)) return { duplicate: true as const, series, model };
      if (!series.selectedForInference) throw new PermanentJobError('the series is not selected for inference');
      if (series.instances.length === 0) throw new PermanentJobError('the series has no instances');
      await jobStore.markAnalyzing(client, series.studyId);
      return { duplicate: false as const, series, model };
    });
    if (plan.duplicate) {
      await this.boss.complete(QUEUE.INFERENCE, job.id, { duplicate: true });
      return 'duplicate';
    }
    const { series, model } = plan;
    const manifest = parseManifest(model.manifest);
    const { result, readMs } = await this.inference.analyze(
      model.id,
      manifest,
      this.blobs.pathOf(model.blobKey),
      series.instances.map((i) => this.blobs.pathOf(i.blobKey)),
    );
    let t = performance.now();
    const camKey = (await this.blobs.put(new Uint8Array(result.cam.buffer, result.cam.byteOffset, result.cam.byteLength))).key;
    const camWriteMs = performance.now() - t;
    t = performance.now();
    const timings = {
      queueWaitMs,
      readMs,
      ...result.timings,
      camWriteMs,
      totalMs: 0,
    };
    const inserted = await withTenant(this.pool, payload.tenantId, async (client) => {
      timings.totalMs = performance.now() - started;
      const isNew = await jobStore.insertFinding(client, {
        tenantId: payload.tenantId,
        studyId: series.studyId,
        seriesId: series.seriesId,
        modelVersionId: model.id,
        labels: manifest.labels,
        summary: result.summary,
        sliceInstanceIds: result.order.map((i) => series.instances[i]!.id),
        camBlobKey: camKey,
        camShape: result.camShape,
        timings: Object.fromEntries(Object.entries(timings).map(([k, v]) => [k, Math.round(v * 100) / 100])),
        executionProvider: result.executionProvider,
      });
      await this.boss.complete(QUEUE.INFERENCE, job.id, { inserted: isNew }, { db: dbOf(client) });
      return isNew;
    });
    for (const [stage, ms] of Object.entries({ read: readMs, ...result.timings, camWrite: camWriteMs, commit: performance.now() - t })) {
      this.metrics.stage.observe({ stage: stage.replace(/Ms$/, '') }, ms / 1000);
    }
    this.metrics.stage.observe({ stage: 'total' }, (performance.now() - started) / 1000);
    return inserted ? 'succeeded' : 'duplicate';
  }

  /**
   * Stops claiming, lets the jobs in hand finish for up to the grace period, then hands the rest back to the queue
   * (failed -> retried by another worker).
   */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (this.depthTimer) clearInterval(this.depthTimer);
    await this.listener?.end().catch(() => undefined);
    await this.pumping?.catch(() => undefined);
    if (this.inFlight.size > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idle.add(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, this.options.shutdownGraceMs).unref()),
      ]);
    }
    const left = [...this.inFlight.keys()];
    if (left.length > 0) {
      this.inFlight.clear();
      await Promise.all(left.map((id) => this.boss.fail(QUEUE.INFERENCE, id, { message: 'worker shut down before the job finished' }).catch(() => undefined)));
      this.metrics.jobs.inc({ outcome: 'released' }, left.length);
      this.logger.warn({ jobs: left }, 'released unfinished jobs for retry');
    }
  }
}

function dbOf(client: pg.PoolClient): PgBoss.Db {
  return { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
}
