import { Injectable } from '@nestjs/common';
import { QUEUE } from '@cruciate/contracts';
import { JOB_SCHEMA } from '@cruciate/db';
import { Db } from '../../database/db.js';

/** Reads for metrics. The job queue holds no tenant rows (no RLS there): the counts are platform-wide. */
@Injectable()
export class MetricsRepository {
  constructor(private readonly db: Db) {}

  /** Jobs of the inference queue by pg-boss state. */
  async inferenceQueueCounts(): Promise<Map<string, number>> {
    const rows = await this.db.dataSource.query<{ state: string; n: number }[]>(
      `SELECT state::text AS state, count(*)::int AS n FROM ${JOB_SCHEMA}.job WHERE name = $1 GROUP BY state`,
      [QUEUE.INFERENCE],
    );
    return new Map(rows.map((r) => [r.state, r.n]));
  }
}
