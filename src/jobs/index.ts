import type { PgBoss } from 'pg-boss';
import type { Services } from '../services.ts';
import { pipelineJobs } from './pipeline.ts';
import { referenceJobs } from './reference-sync.ts';
import type { JobDefinition } from './registry.ts';

/** Every job the service runs. Routes enqueue them by name; pg-boss wakes them here. */
export const jobs: JobDefinition[] = [...pipelineJobs, ...referenceJobs];

/** Creates the queues, starts a worker per queue and (optionally) the cron schedules. */
export async function startWorkers(boss: PgBoss, s: Services, opts: { schedules: boolean; pollSeconds?: number }): Promise<void> {
  for (const job of jobs) {
    await boss.createQueue(job.name);
    await boss.work<Record<string, unknown>>(job.name, { pollingIntervalSeconds: opts.pollSeconds ?? 2 }, async (batch) => {
      for (const j of batch) {
        const log = s.log.child({ job: job.name, jobId: j.id });
        try {
          await job.handler(j.data ?? {}, s);
        } catch (err) {
          log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'job failed');
          throw err;
        }
      }
    });
    if (opts.schedules && job.cron) {
      await boss.schedule(job.name, job.cron(s), null, { tz: s.config.SCHEDULE_TZ });
    }
  }
}
