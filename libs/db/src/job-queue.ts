import PgBoss from 'pg-boss';
import { quoteIdent, withClient } from './client.js';

export const JOB_SCHEMA = 'pgboss';

/** Channel on which a NOTIFY (payload: the queue name) announces each job inserted, so workers fetch at once. */
export const JOB_NOTIFY_CHANNEL = 'cruciate_jobs';

/** Queues and their retry policy. Created by the owner role: pg-boss makes a table partition per queue. */
const QUEUES: PgBoss.Queue[] = [{ name: 'inference', retryLimit: 5, retryDelay: 10, retryBackoff: true, expireInSeconds: 15 * 60 }];

/**
 * Installs or upgrades pg-boss's schema and creates the queues as the owner role, then grants the
 * application role what it needs to send, fetch and complete jobs (and nothing that changes the schema).
 */
export async function ensureJobQueue(ownerUrl: string, appRole: string): Promise<void> {
  const boss = new PgBoss({ connectionString: ownerUrl, schema: JOB_SCHEMA, migrate: true, supervise: false, schedule: false, max: 2 });
  boss.on('error', () => undefined);
  await boss.start();
  try {
    for (const queue of QUEUES) {
      if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
    }
  } finally {
    await boss.stop({ graceful: false, wait: true });
  }
  const role = quoteIdent(appRole);
  await withClient(ownerUrl, async (c) => {
    await c.query(`GRANT USAGE ON SCHEMA ${JOB_SCHEMA} TO ${role}`);
    await c.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${JOB_SCHEMA} TO ${role}`);
    await c.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${JOB_SCHEMA} TO ${role}`);
    await c.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${JOB_SCHEMA} TO ${role}`);
    // Delivered when the inserting transaction commits: a job sent with its series wakes the workers exactly then.
    await c.query(`CREATE OR REPLACE FUNCTION ${JOB_SCHEMA}.cruciate_notify_job() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF NEW.state = 'created' THEN PERFORM pg_notify('${JOB_NOTIFY_CHANNEL}', NEW.name); END IF;
        RETURN NULL;
      END $fn$`);
    await c.query(
      `CREATE OR REPLACE TRIGGER cruciate_notify_job AFTER INSERT ON ${JOB_SCHEMA}.job FOR EACH ROW EXECUTE FUNCTION ${JOB_SCHEMA}.cruciate_notify_job()`,
    );
  });
}
