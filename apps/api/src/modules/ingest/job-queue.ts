import { randomUUID } from 'node:crypto';
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

  /** Enqueues inference jobs in the caller's transaction, all in one statement; resolves with their ids. */
  async sendInferences(manager: EntityManager, jobs: readonly InferenceJob[]): Promise<string[]> {
    if (jobs.length === 0) return [];
    const runner = manager.queryRunner;
    if (!runner) throw new Error('sendInferences needs a transaction');
    const client = (await runner.connect()) as PoolClient;
    const ids = jobs.map(() => randomUUID());
    let inserted = -1;
    await this.boss.insert(
      jobs.map((data, i) => ({
        id: ids[i]!,
        name: QUEUE.INFERENCE,
        data,
        ...(this.options.expireInSeconds ? { expireInSeconds: this.options.expireInSeconds } : {}),
        ...(this.options.retryDelaySeconds ? { retryDelay: this.options.retryDelaySeconds, retryBackoff: true } : {}),
      })),
      {
        db: {
          executeSql: async (text: string, values: unknown[]) => {
            const result = await client.query(text, values);
            inserted = result.rowCount ?? 0;
            return result;
          },
        },
      },
    );
    if (inserted !== jobs.length) throw new Error(`${jobs.length - Math.max(0, inserted)} of ${jobs.length} inference jobs were not enqueued`);
    return ids;
  }

  stop(): Promise<void> {
    return this.boss.stop({ graceful: false, wait: true });
  }
}
