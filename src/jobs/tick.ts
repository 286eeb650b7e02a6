// The tick and its workers: what long-lived workers do continuously, done in bounded requests.
// The tick (POST /v1/jobs/tick, pg_cron each minute) does pg-boss maintenance and fires the
// schedules' due slots, starts TICK_WORKERS - 1 more workers by calling the worker route
// (POST /v1/jobs/work: each call is a function instance of its own, with its own CPU allowance),
// then works as a worker itself and reports every worker's figures. Each of those TICK_WORKERS
// lanes hands on: a worker that stopped on its CPU budget with work left is followed by a new
// worker request (a fresh CPU allowance) while the tick's wall budget has room, so a backlog is
// worked for the whole minute. Every worker holds one of TICK_WORKERS leased slots in the database
// (private.tick_worker_slots) while it runs, so consecutive ticks that overlap never run more than
// TICK_WORKERS workers at once between them. A worker runs due jobs,
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
import { giveWorkerSlot, takeWorkerSlot } from '../db/repos/tick-slots.ts';
import { WORK_STOPS } from './contract.ts';

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

// A worker's slot outlives its budget by the time its jobs in flight may take to finish (the same
// margin the tick waits for a worker's answer); a worker cut off frees its slot when it runs out.
const SLOT_MARGIN_MS = 60_000;
const SLOT_TRIES = 4;
const noQueues = (): Record<string, QueueReport> => Object.fromEntries(jobs.map((j) => [j.def.name, { completed: 0, failed: 0 }]));

/**
 * Works due jobs until none is left or a budget is spent, holding one of TICK_WORKERS worker slots;
 * none free (an earlier tick's workers still at it): `busy`, nothing run.
 */
export async function runWorker(boss: PgBoss, s: Services, opts: WorkOptions = {}): Promise<WorkReport> {
  const startedAt = opts.startedAt ?? Date.now();
  const cpuAt = opts.cpuAt ?? cpuUsage();
  const budgetMs = opts.budgetMs ?? s.config.TICK_BUDGET_MS;
  const holder = crypto.randomUUID();
  // Two workers starting together may pick the same free slot, and the loser gets none though
  // another is free: it asks again (bounded), each time among the slots then free.
  let slot: number | null = null;
  for (let i = 0; i < SLOT_TRIES && slot === null; i++)
    slot = await takeWorkerSlot(s.db, s.config.TICK_WORKERS, holder, budgetMs + SLOT_MARGIN_MS);
  if (slot === null) return { queues: noQueues(), jobs: 0, stoppedBy: 'busy', cpuMs: cpuMsSince(cpuAt), wallMs: Date.now() - startedAt };
  try {
    return await workDue(boss, s, { ...opts, startedAt, cpuAt, budgetMs });
  } finally {
    await giveWorkerSlot(s.db, slot, holder).catch((err: Error) => {
      s.log.warn({ err: logError(err) }, 'a tick worker slot could not be given back; its lease frees it');
    });
  }
}

async function workDue(
  boss: PgBoss,
  s: Services,
  opts: WorkOptions & { startedAt: number; cpuAt: NodeJS.CpuUsage; budgetMs: number },
): Promise<WorkReport> {
  const { startedAt, cpuAt } = opts;
  const deadline = startedAt + opts.budgetMs;
  const cpuBudget = opts.cpuBudgetMs ?? s.config.TICK_CPU_BUDGET_MS;
  await prepare(boss);
  const queues = noQueues();
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
  const url = opts.workerUrl && s.config.CRON_SECRET ? opts.workerUrl : undefined;
  const limits: LaneLimits = {
    deadline: startedAt + budgetMs,
    answerBy: startedAt + REQUEST_WALL_LIMIT_MS,
    mayHandOn: () => cpuMsSince(cpuAt) < COORDINATION_CPU_LIMIT_MS,
  };
  const lane = (first: boolean) => (url ? workerLane(url, s.config.CRON_SECRET!, limits, first) : Promise.resolve([]));
  const others = Array.from({ length: url ? s.config.TICK_WORKERS - 1 : 0 }, () => lane(true));
  const own = await runWorker(boss, s, { ...opts, startedAt, cpuAt, budgetMs });
  // The tick's own lane hands on too once its own CPU is spent: from then on it only waits.
  const ownLane = handsOn(own, true) ? await lane(false) : [];
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
// The tick stops handing on past this much CPU of its own (its worker's, then a few ms per call it
// coordinates): the platform ends a request at 2,000 ms.
const COORDINATION_CPU_LIMIT_MS = 1_800;
// The tick answers by then whatever its lanes are doing: the platform ends a request at 150 s. A
// worker still running after it finishes its jobs and gives its slot back; only its report is missed.
const REQUEST_WALL_LIMIT_MS = 145_000;

interface LaneLimits {
  /** The tick's wall budget's end: no worker is started after it, each gets what is left of it. */
  deadline: number;
  /** When the tick stops waiting for a worker's answer. */
  answerBy: number;
  /** The tick's own CPU still allows coordinating one more call. */
  mayHandOn: () => boolean;
}

/**
 * Whether a worker's request is followed by another: it stopped on its CPU budget, so work was
 * left, after running jobs, so it was getting somewhere. The tick's own worker is followed even
 * with none run: its CPU went on the tick's own work (maintenance, firing the slots).
 */
export function handsOn(r: WorkReport | { error: string }, tickOwn = false): boolean {
  return !('error' in r) && r.stoppedBy === 'cpu' && (tickOwn || r.jobs > 0);
}

/**
 * One lane of the tick: worker requests one after another, each with what is left of the tick's
 * wall budget, the next only when the last hands on (`handsOn`), at least MIN_HANDOFF_MS remain
 * and the tick's CPU allows. `first`: the lane's first request goes whatever is left (as the
 * tick's fan-out always did); a lane that follows the tick's own worker needs the minimum too.
 */
async function workerLane(url: string, secret: string, limits: LaneLimits, first: boolean): Promise<Array<WorkReport | { error: string }>> {
  const reports: Array<WorkReport | { error: string }> = [];
  for (let i = 0; i < MAX_LANE_REQUESTS; i++) {
    const left = limits.deadline - Date.now();
    const opening = first && i === 0;
    if (left <= 0 || (!opening && (left < MIN_HANDOFF_MS || !limits.mayHandOn()))) break;
    const r = await callWorker(url, secret, left, limits.answerBy);
    reports.push(r);
    if (!handsOn(r)) break;
  }
  return reports;
}

/** A worker's answer as the route's schema gives it (anything else is that worker's error, not the tick's). */
function isWorkReport(x: unknown): x is WorkReport {
  const r = x as Partial<WorkReport> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.jobs === 'number' &&
    typeof r.cpuMs === 'number' &&
    typeof r.wallMs === 'number' &&
    (WORK_STOPS as readonly unknown[]).includes(r.stoppedBy) &&
    typeof r.queues === 'object' &&
    r.queues !== null &&
    Object.values(r.queues).every((q) => typeof q?.completed === 'number' && typeof q?.failed === 'number')
  );
}

/** One more worker: the worker route, a request (an instance) of its own; its report, or why not. */
async function callWorker(url: string, secret: string, budgetMs: number, answerBy: number): Promise<WorkReport | { error: string }> {
  try {
    const r = await fetch(url, {
      method: 'POST',
      headers: { 'x-cron-secret': secret, 'content-type': 'application/json' },
      // The worker ends with the tick: its wall budget is what the tick has left.
      body: JSON.stringify({ budgetMs: Math.max(0, Math.round(budgetMs)) }),
      // Its budget, then the jobs in flight finishing (each bounded by its lease), but never past
      // the tick's own answer.
      signal: AbortSignal.timeout(Math.max(1, Math.min(budgetMs + 60_000, answerBy - Date.now()))),
    });
    if (!r.ok) {
      await r.body?.cancel();
      return { error: `worker answered HTTP ${r.status}` };
    }
    const body: unknown = await r.json();
    return isWorkReport(body) ? body : { error: 'worker answered without a report' };
  } catch (err) {
    return { error: `worker unreachable (${(err as Error).name})` };
  }
}
