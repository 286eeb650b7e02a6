// One tick: what a long-lived worker does continuously, done in one bounded request. pg-boss
// maintenance (expired jobs back to retry, retention), the schedules' due slots, then the due jobs
// of every queue, one at a time, round robin, until none is left or the time budget is spent. The
// handlers are the Node workers' own (src/jobs/index.ts).
import type { PgBoss } from 'pg-boss';
import type { Services } from '../services.ts';
import { fireDueSlots } from './clock.ts';
import type { QueueReport, TickReport } from './contract.ts';
import { createQueues, jobs } from './index.ts';
import { runJob } from './registry.ts';

export type { QueueReport, TickReport } from './contract.ts';

const prepared = new WeakSet<PgBoss>();

export async function runTick(boss: PgBoss, s: Services, opts: { budgetMs?: number } = {}): Promise<TickReport> {
  const started = Date.now();
  const deadline = started + (opts.budgetMs ?? s.config.TICK_BUDGET_MS);
  if (!prepared.has(boss)) { await createQueues(boss); prepared.add(boss); }
  await boss.supervise();
  const slots = await fireDueSlots(s);
  const queues: Record<string, QueueReport> = Object.fromEntries(jobs.map((j) => [j.def.name, { completed: 0, failed: 0 }]));
  let stoppedBy: TickReport['stoppedBy'] = 'budget';
  while (Date.now() < deadline) {
    let worked = false;
    for (const job of jobs) {
      if (Date.now() >= deadline) break;
      // One job at a time: a job fetched is one this tick will run (none held until expiry).
      const [j] = await boss.fetch<Record<string, unknown>>(job.def.name, { batchSize: 1 });
      if (!j) continue;
      worked = true;
      const report = queues[job.def.name]!;
      try {
        await runJob(job, j.data, s);
        await boss.complete(job.def.name, j);
        report.completed++;
      } catch (err) {
        s.log.child({ job: job.def.name, jobId: j.id }).error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'job failed');
        await boss.fail(job.def.name, j, { message: (err as Error).message });
        report.failed++;
      }
    }
    if (!worked) { stoppedBy = 'idle'; break; }
  }
  const report = { slots, queues, stoppedBy, ms: Date.now() - started };
  s.log.info({ slots: slots.map((x) => x.schedule), queues: Object.fromEntries(Object.entries(queues).filter(([, q]) => q.completed + q.failed > 0)), stoppedBy, ms: report.ms }, 'tick');
  return report;
}
