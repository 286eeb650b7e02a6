import type { PgBoss } from 'pg-boss';
import type { Services } from '../services.ts';
import { eventJobs } from './events.ts';
import { pipelineJobs } from './pipeline.ts';
import { referenceJobs } from './reference-sync.ts';
import { runJob, type JobDefinition, type RegisteredJob } from './registry.ts';
import { schedules } from './schedules.ts';

/** Every job the service runs, each definition bound to its handler; the Node workers and the tick run these. */
export const jobs: readonly RegisteredJob[] = [...pipelineJobs, ...referenceJobs, ...eventJobs];

/** Runs a job's handler now, in this process (the demo and tests drive time through the same handlers). */
export function runNow<P>(def: JobDefinition<P>, payload: P, s: Services): Promise<unknown> {
  const job = jobs.find((j) => j.def === def);
  if (!job) throw new Error(`no handler registered for job ${def.name}`);
  return runJob(job, payload, s);
}

/** Creates every queue (idempotent). */
export async function createQueues(boss: PgBoss): Promise<void> {
  for (const job of jobs) await boss.createQueue(job.def.name);
}

/** Starts a worker per queue and (optionally) hands the schedules to pg-boss. */
export async function startWorkers(boss: PgBoss, s: Services, opts: { schedules: boolean; pollSeconds?: number }): Promise<void> {
  await createQueues(boss);
  for (const job of jobs) {
    await boss.work<Record<string, unknown>>(job.def.name, { pollingIntervalSeconds: opts.pollSeconds ?? 2 }, async (batch) => {
      for (const j of batch) {
        try {
          await runJob(job, j.data, s);
        } catch (err) {
          s.log.child({ job: job.def.name, jobId: j.id }).error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'job failed');
          throw err;
        }
      }
    });
  }
  if (opts.schedules) {
    for (const sc of schedules) await boss.schedule(sc.job.name, sc.cron(s.config), {}, { tz: s.config.SCHEDULE_TZ });
    for (const sc of schedules) if (sc.atStart) await boss.send(sc.job.name, {});
  }
}
