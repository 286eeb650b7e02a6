import type { PgBoss } from 'pg-boss';
import { queueOf, startBoss } from '../../src/jobs/boss.ts';
import { startWorkers } from '../../src/jobs/index.ts';
import type { TestContext } from './context.ts';

/** Real pg-boss on the test database, workers polling fast, no cron: jobs run as in production. */
export async function startTestJobs(t: TestContext): Promise<PgBoss> {
  const boss = await startBoss(t.services.db, { url: t.database.url, log: t.services.log, schedule: false });
  t.services.jobs = queueOf(boss);
  await startWorkers(boss, t.services, { schedules: false, pollSeconds: 0.5 });
  return boss;
}
