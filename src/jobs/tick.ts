// The tick and its workers: what long-lived workers do continuously, done in bounded requests.
// The tick (POST /v1/jobs/tick, pg_cron each minute) does pg-boss maintenance and fires the
// schedules' due slots, starts TICK_WORKERS - 1 more workers by calling the worker route
// (POST /v1/jobs/work: each call is a function instance of its own, with its own CPU allowance),
// then works as a worker itself and reports every worker's figures. Each of those TICK_WORKERS
// lanes hands on: a worker that stopped on its CPU budget with work left is followed by a new
// worker request (a fresh CPU allowance) while the tick's wall budget has room, so a backlog is
// worked for the whole minute, never more than TICK_WORKERS requests at once. A worker runs due jobs,
// TICK_JOB_CONCURRENCY at a time, the user lane (send-file) first at every fetch, the other queues
// in turn; it takes no new job once its wall budget or its CPU budget is spent. A job is fetched
// only when it is about to run, so a worker that stops holds none.
import { cpuUsage } from 'node:process';
import type { PgBoss } from 'pg-boss';
import type { Services } from '../services.ts';
import { fireDueSlots } from './clock.ts';
import type { QueueReport, TickReport, WorkReport } from './contract.ts';
import { sendFileJob } from './definitions.ts';
import { createQueues, jobs } from './index.ts';
import { runJob, type RegisteredJob } from './registry.ts';
import { logError } from '../lib/log-error.ts';

export type { QueueReport, TickReport, WorkReport } from './contract.ts';

const prepared = new WeakSet<PgBoss>();
const prepare = async (boss: PgBoss) => {
  if (!prepared.has(boss)) {
    await createQueues(boss);
    prepared.add(boss);
  }
};

/** The user lane first, then every other queue. */
const LANE = jobs.find((j) => j.def === sendFileJob)!;
const OTHERS = jobs.filter((j) => j !== LANE);

export interface WorkOptions {
  /** Wall budget (default TICK_BUDGET_MS), counted from `startedAt`. */
  budgetMs?: number;
  /** CPU budget of this process (default TICK_CPU_BUDGET_MS), counted from `cpuAt`. */
  cpuBudgetMs?: number;
  concurrency?: number;
  startedAt?: number;
  cpuAt?: NodeJS.CpuUsage;
}

const cpuMsSince = (at: NodeJS.CpuUsage) => {
  const d = cpuUsage(at);
  return Math.round((d.user + d.system) / 1000);
};

/** Works due jobs until none is left or a budget is spent. */
export async function runWorker(boss: PgBoss, s: Services, opts: WorkOptions = {}): Promise<WorkReport> {
  const startedAt = opts.startedAt ?? Date.now();
  const cpuAt = opts.cpuAt ?? cpuUsage();
  const deadline = startedAt + (opts.budgetMs ?? s.config.TICK_BUDGET_MS);
  const cpuBudget = opts.cpuBudgetMs ?? s.config.TICK_CPU_BUDGET_MS;
  await prepare(boss);
  const queues: Record<string, QueueReport> = Object.fromEntries(jobs.map((j) => [j.def.name, { completed: 0, failed: 0 }]));
  let stoppedBy: WorkReport['stoppedBy'] = 'idle';
  let turn = 0;
  const spent = (): WorkReport['stoppedBy'] | undefined =>
    Date.now() >= deadline ? 'budget' : cpuMsSince(cpuAt) >= cpuBudget ? 'cpu' : undefined;

  const next = async (): Promise<{ job: RegisteredJob; j: { id: string; data: Record<string, unknown> } } | undefined> => {
    const order = [LANE, ...OTHERS.slice(turn % OTHERS.length), ...OTHERS.slice(0, turn % OTHERS.length)];
    for (const job of order) {
      const [j] = await boss.fetch<Record<string, unknown>>(job.def.name, { batchSize: 1 });
      if (j) {
        if (job !== LANE) turn++;
        return { job, j };
      }
    }
    return undefined;
  };
  const lane = async () => {
    for (;;) {
      const why = spent();
      if (why) {
        stoppedBy = why;
        return;
      }
      const got = await next();
      if (!got) return;
      const report = queues[got.job.def.name]!;
      let failure: unknown;
      let ran = false;
      try {
        await runJob(got.job, got.j.data, s, { id: got.j.id });
        ran = true;
      } catch (err) {
        failure = err;
        s.log.child({ job: got.job.def.name, jobId: got.j.id }).error({ err: logError(err) }, 'job failed');
      }
      // The job's own outcome and the queue's record of it are two things: a job that ran is never
      // marked failed (and so run again) because the record could not be written.
      if (ran) {
        await boss.complete(got.job.def.name, got.j.id);
        report.completed++;
      } else {
        await boss.fail(got.job.def.name, got.j.id, { message: (failure as Error).message });
        report.failed++;
      }
    }
  };
  // A lane the queue itself fails (the database gone mid-tick) stops alone: the others finish their
  // jobs and the worker still reports. A job whose outcome was not recorded stays active and pg-boss
  // hands it out again after its expiry (every handler is idempotent under its leases).
  const guarded = async () => {
    try {
      await lane();
    } catch (err) {
      stoppedBy = 'error';
      s.log.warn({ err: logError(err) }, 'a tick lane stopped: the job queue could not be read or written');
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? s.config.TICK_JOB_CONCURRENCY) }, guarded));
  const done = Object.values(queues).reduce((n, q) => n + q.completed + q.failed, 0);
  return { queues, jobs: done, stoppedBy, cpuMs: cpuMsSince(cpuAt), wallMs: Date.now() - startedAt };
}

export interface TickOptions extends WorkOptions {
  /** The worker route the tick calls TICK_WORKERS - 1 times (none: the tick works alone). */
  workerUrl?: string | undefined;
}

export async function runTick(boss: PgBoss, s: Services, opts: TickOptions = {}): Promise<TickReport> {
  const startedAt = opts.startedAt ?? Date.now();
  const cpuAt = opts.cpuAt ?? cpuUsage();
  await prepare(boss);
  await boss.supervise();
  const slots = await fireDueSlots(s);
  const budgetMs = opts.budgetMs ?? s.config.TICK_BUDGET_MS;
  const deadline = startedAt + budgetMs;
  const url = opts.workerUrl && s.config.CRON_SECRET ? opts.workerUrl : undefined;
  const lane = (first: boolean) => (url ? workerLane(url, s.config.CRON_SECRET!, deadline, first) : Promise.resolve([]));
  const others = Array.from({ length: url ? s.config.TICK_WORKERS - 1 : 0 }, () => lane(true));
  const own = await runWorker(boss, s, { ...opts, startedAt, cpuAt, budgetMs });
  // The tick's own lane hands on too once its own CPU is spent: from then on it only waits.
  const ownLane = own.stoppedBy === 'cpu' && own.jobs > 0 ? await lane(false) : [];
  const workers = [own, ...ownLane, ...(await Promise.all(others)).flat()];
  // Per queue, what the tick and every worker it reached did: which worker took a job is chance.
  const queues: Record<string, QueueReport> = {};
  for (const w of workers) {
    if ('error' in w) continue;
    for (const [name, q] of Object.entries(w.queues)) {
      const sum = (queues[name] ??= { completed: 0, failed: 0 });
      sum.completed += q.completed;
      sum.failed += q.failed;
    }
  }
  const report: TickReport = {
    slots,
    queues,
    stoppedBy: own.stoppedBy,
    ms: Date.now() - startedAt,
    cpuMs: cpuMsSince(cpuAt),
    workers,
  };
  s.log.info(
    {
      slots: slots.map((x) => x.schedule),
      workers: workers.map((w) =>
        'error' in w ? { error: w.error } : { jobs: w.jobs, cpuMs: w.cpuMs, wallMs: w.wallMs, stoppedBy: w.stoppedBy },
      ),
      ms: report.ms,
      cpuMs: report.cpuMs,
    },
    'tick',
  );
  return report;
}

// A worker started with less wall budget than this would pay its start-up for a job or two.
const MIN_HANDOFF_MS = 5_000;
// Bound on the requests of one lane in one tick (each takes at least its start-up and a job).
const MAX_LANE_REQUESTS = 40;

/**
 * One lane of the tick: worker requests one after another, each with what is left of the tick's
 * wall budget, the next only when the last stopped on its CPU budget after running jobs (so work
 * was left and is being done) and at least MIN_HANDOFF_MS remain. `first`: the lane's first request goes whatever is left (as the
 * tick's fan-out always did); a lane that follows the tick's own worker needs the minimum too.
 */
async function workerLane(url: string, secret: string, deadline: number, first: boolean): Promise<Array<WorkReport | { error: string }>> {
  const reports: Array<WorkReport | { error: string }> = [];
  for (let i = 0; i < MAX_LANE_REQUESTS; i++) {
    const left = deadline - Date.now();
    if (left <= 0 || (left < MIN_HANDOFF_MS && !(first && i === 0))) break;
    const r = await callWorker(url, secret, left);
    reports.push(r);
    // Only a worker that got somewhere is followed: one that spent its CPU before its first job
    // (a cold start heavier than the budget) would be followed by more of the same.
    if ('error' in r || r.stoppedBy !== 'cpu' || r.jobs === 0) break;
  }
  return reports;
}

/** One more worker: the worker route, a request (an instance) of its own; its report, or why not. */
async function callWorker(url: string, secret: string, budgetMs: number): Promise<WorkReport | { error: string }> {
  try {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'x-cron-secret': secret, 'content-type': 'application/json' },
      // The worker ends with the tick: its wall budget is what the tick has left.
      body: JSON.stringify({ budgetMs: Math.max(0, Math.round(budgetMs)) }),
      // Its budget, then the jobs in flight finishing (each bounded by its lease).
      signal: AbortSignal.timeout(budgetMs + 60_000),
    });
    if (!r.ok) return { error: `worker answered HTTP ${r.status}` };
    return (await r.json()) as WorkReport;
  } catch (err) {
    return { error: `worker unreachable (${(err as Error).name})` };
  }
}
