import type { PgBoss } from 'pg-boss';
import { mapLimit } from '../lib/concurrency.ts';
import type { Config } from '../config.ts';
import type { Services } from '../services.ts';
import { eventJobs } from './events.ts';
import { pipelineJobs } from './pipeline.ts';
import { referenceJobs } from './reference-sync.ts';
import { runJob, type JobDefinition, type RegisteredJob } from './registry.ts';
import { schedules } from './schedules.ts';
import { logError } from '../lib/log-error.ts';

/** Every job the service runs, each definition bound to its handler; the Node workers and the tick run these. */
export const jobs: readonly RegisteredJob[] = [...pipelineJobs, ...referenceJobs, ...eventJobs];

const registered = (def: JobDefinition<unknown>): RegisteredJob => {
  const job = jobs.find((j) => j.def === def);
  if (!job) throw new Error(`no handler registered for job ${def.name}`);
  return job;
};

/**
 * Runs a job's handler now, in this process (the demo and tests drive time through the same
 * handlers). A slot job's units run here too, a few at a time, instead of being queued: its
 * selection and its units are the service's own, done by the time this answers.
 */
export function runNow<P>(def: JobDefinition<P>, payload: P, s: Services): Promise<unknown> {
  const inline: Services = {
    ...s,
    jobs: {
      send: s.jobs.send,
      sendMany: async (unitDef, items) => {
        const unit = registered(unitDef as JobDefinition<unknown>);
        await mapLimit(items, 4, (i) =>
          runJob(unit, i.payload, inline, { id: i.id }).catch((err: Error) => {
            s.log.warn({ job: unit.def.name, err: logError(err) }, 'unit failed; its job would be retried');
          }),
        );
        return items.length;
      },
    },
  };
  return runJob(registered(def as JobDefinition<unknown>), payload, inline);
}

/** Creates every queue (idempotent). */
export async function createQueues(boss: PgBoss): Promise<void> {
  for (const job of jobs) await boss.createQueue(job.def.name);
}

/**
 * A queue's pg-boss worker options: WORKER_FETCHERS workers (localConcurrency) each fetching
 * WORKER_BATCH jobs (batchSize), or the queue's own `name=FxB` of WORKER_CONCURRENCY_BY_QUEUE.
 * Jobs in flight (F × B) are capped at the pool: each job holds at most one pooled connection at a
 * time, so a queue never waits on the pool behind itself.
 */
export function workerConcurrency(c: Config, queue: string): { localConcurrency: number; batchSize: number } {
  const own = c.WORKER_CONCURRENCY_BY_QUEUE.split(',')
    .map((x) => /^([a-z-]+)=(\d+)x(\d+)$/.exec(x))
    .find((m) => m?.[1] === queue);
  let localConcurrency = Math.max(1, own ? Number(own[2]) : c.WORKER_FETCHERS);
  let batchSize = Math.max(1, own ? Number(own[3]) : c.WORKER_BATCH);
  while (localConcurrency * batchSize > c.DATABASE_POOL_MAX) {
    if (batchSize > 1) batchSize--;
    else localConcurrency--;
  }
  return { localConcurrency: Math.max(1, localConcurrency), batchSize };
}

/**
 * Starts the workers of every queue and (optionally) hands the schedules to pg-boss. A batch's
 * jobs run at once, each settled on its own (perJobResults: one failure fails only its job); while
 * batches come back full the worker fetches again without waiting its polling interval
 * (burstWhenBatchFull), so a backed-up queue drains as fast as its jobs run.
 */
export async function startWorkers(boss: PgBoss, s: Services, opts: { schedules: boolean; pollSeconds?: number }): Promise<void> {
  await createQueues(boss);
  for (const job of jobs) {
    const { localConcurrency, batchSize } = workerConcurrency(s.config, job.def.name);
    await boss.work<Record<string, unknown>>(
      job.def.name,
      {
        pollingIntervalSeconds: opts.pollSeconds ?? s.config.WORKER_POLL_SECONDS,
        localConcurrency,
        batchSize,
        burstWhenBatchFull: true,
        perJobResults: true,
      },
      (batch) =>
        Promise.all(
          batch.map(async (j) => {
            try {
              await runJob(job, j.data, s, { id: j.id });
              return { id: j.id, status: 'completed' as const };
            } catch (err) {
              s.log.child({ job: job.def.name, jobId: j.id }).error({ err: logError(err) }, 'job failed');
              return { id: j.id, status: 'failed' as const, output: { message: (err as Error).message } };
            }
          }),
        ),
    );
  }
  if (opts.schedules) {
    for (const sc of schedules) await boss.schedule(sc.job.name, sc.cron(s.config), {}, { tz: s.config.SCHEDULE_TZ });
    for (const sc of schedules) if (sc.atStart) await boss.send(sc.job.name, {});
  }
}
