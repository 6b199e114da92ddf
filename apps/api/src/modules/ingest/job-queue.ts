import type { InferenceJob } from '@cruciate/contracts';
import { QUEUE } from '@cruciate/contracts';
import { JOB_SCHEMA } from '@cruciate/db';
import PgBoss from 'pg-boss';
import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';

/**
 * Sends jobs inside the caller's database transaction (pg-boss `db` option), so a committed series always
 * has its job and a rolled-back one never does.
 */
export interface InferenceJobOptions {
  /** Lease of a claimed job: a worker that dies holding it loses it after this long and the job is retried. */
  readonly expireInSeconds?: number;
  /** First retry delay (doubling with each retry). */
  readonly retryDelaySeconds?: number;
}

export class JobQueue {
  private constructor(
    private readonly boss: PgBoss,
    private readonly options: InferenceJobOptions,
  ) {}

  static async start(appDatabaseUrl: string, options: InferenceJobOptions = {}): Promise<JobQueue> {
    const boss = new PgBoss({ connectionString: appDatabaseUrl, schema: JOB_SCHEMA, migrate: false, supervise: false, schedule: false, max: 2 });
    boss.on('error', () => undefined);
    await boss.start();
    return new JobQueue(boss, options);
  }

  async sendInference(manager: EntityManager, job: InferenceJob): Promise<string> {
    const runner = manager.queryRunner;
    if (!runner) throw new Error('sendInference needs a transaction');
    const client = (await runner.connect()) as PoolClient;
    const id = await this.boss.send(QUEUE.INFERENCE, job, {
      ...(this.options.expireInSeconds ? { expireInSeconds: this.options.expireInSeconds } : {}),
      ...(this.options.retryDelaySeconds ? { retryDelay: this.options.retryDelaySeconds, retryBackoff: true } : {}),
      db: { executeSql: (text: string, values: unknown[]) => client.query(text, values) },
    });
    if (!id) throw new Error('job was not enqueued');
    return id;
  }

  stop(): Promise<void> {
    return this.boss.stop({ graceful: false, wait: true });
  }
}
