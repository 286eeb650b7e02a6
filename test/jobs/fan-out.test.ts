// The schedules' fan-out on the real database and real pg-boss: a slot enqueues one job per unit,
// once however often it fires; the tick's worker runs them (the user lane first) within its wall
// and CPU budgets; a unit that crashes is the only one lost; the Node workers drain a backed-up
// queue without waiting their polling interval between batches.
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextNight } from '../../src/domain/entries/lifecycle.ts';
import { startBoss } from '../../src/jobs/boss.ts';
import { nightFileJob, nightlyJob, sendFileJob, verifyDepositJob } from '../../src/jobs/definitions.ts';
import { jobs, startWorkers, workerConcurrency } from '../../src/jobs/index.ts';
import { runJob } from '../../src/jobs/registry.ts';
import { runWorker } from '../../src/jobs/tick.ts';
import { fanOutNight, unitJobId } from '../../src/pipeline/fan-out.ts';
import { engine } from '../support/db.ts';
import { depositsOf, purchase, push, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, waitFor, type World } from '../support/world.ts';

describe(`the schedules' fan-out (${engine})`, () => {
  let w: World;
  const dossiers: string[] = [];
  const nightly = jobs.find((j) => j.def === nightlyJob)!;
  const count = async (name: string, states = ['created', 'retry', 'active', 'completed', 'failed']) =>
    (
      await w.t.services.db.query<{ n: number }>('select count(*)::int as n from pgboss.job where name = $1 and state::text = any($2)', [
        name,
        states,
      ])
    ).rows[0]!.n;

  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
    // No worker: this test runs the jobs itself.
    for (const j of jobs) await w.boss.offWork(j.def.name);
    dossiers.push('BOULANG', 'GARAGE');
    for (const d of dossiers) {
      await push(w, d, [purchase()]);
      await send(w, d);
    }
    await twelveHoursLater(w); // checked: not found (never opened)
    w.at(nextNight(w.now())); // the night: both files are due
  }, 120_000);
  afterAll(async () => {
    await w?.close();
  });

  it('a night slot enqueues one unit per file due, under ids from the slot; fired twice, nothing more', async () => {
    await w.t.services.db.query(`delete from pgboss.job where name = 'night-file'`);
    await runJob(nightly, { slot: '2026-11-03T01:00:00.000Z' }, w.t.services, { id: crypto.randomUUID() });
    await runJob(nightly, { slot: '2026-11-03T01:00:00.000Z' }, w.t.services, { id: crypto.randomUUID() });
    const units = (
      await w.t.services.db.query<{ id: string; data: { fileId: string; night: boolean } }>(
        `select id, data from pgboss.job where name = 'night-file' order by data->>'fileId'`,
      )
    ).rows;
    const files = dossiers.map((d) => w.files.get(d)!).sort();
    expect(units.map((u) => u.data.fileId)).toEqual(files);
    expect(units.map((u) => u.id)).toEqual(files.map((f) => unitJobId('night-file', '2026-11-03T01:00:00.000Z', f)));
    expect(units.every((u) => u.data.night)).toBe(true);
    // Another slot while they still wait: not queued again behind themselves.
    expect(await fanOutNight(w.t.services, 'another-slot')).toBe(0);
  });

  it('a unit that crashes is the only one lost; the files done are not done again', async () => {
    // A unit whose payload its handler refuses (written behind the registry's back): it fails.
    await w.boss.send('night-file', { fileId: 42 }, { retryLimit: 0 });
    const report = await runWorker(w.boss, w.t.services, { concurrency: 2 });
    expect(report.queues['night-file']).toEqual({ completed: 2, failed: 1 });
    // Each file's night re-sent it (never opened): a second deposit replacing the first.
    for (const d of dossiers) expect((await depositsOf(w, d)).length).toBe(2);
    // Later in the same night: nothing due, nothing queued, nothing re-sent.
    expect(await fanOutNight(w.t.services, 'a-later-slot')).toBe(0);
    expect((await runWorker(w.boss, w.t.services, {})).queues['night-file']).toEqual({ completed: 0, failed: 0 });
    for (const d of dossiers) expect((await depositsOf(w, d)).length).toBe(2);
  });

  it('the tick worker stops on its CPU budget and on its wall budget, and leaves the jobs for the next', async () => {
    await w.t.services.db.query(`delete from pgboss.job where name = 'verify-deposit'`);
    for (let i = 0; i < 3; i++) await w.t.services.jobs.send(verifyDepositJob, { depositId: crypto.randomUUID() });
    // Counted from the process's start: its CPU is long past any budget.
    const cpu = await runWorker(w.boss, w.t.services, { cpuAt: { user: 0, system: 0 }, cpuBudgetMs: 1_200 });
    expect([cpu.stoppedBy, cpu.jobs]).toEqual(['cpu', 0]);
    expect(cpu.cpuMs).toBeGreaterThanOrEqual(1_200);
    const wall = await runWorker(w.boss, w.t.services, { budgetMs: 0 });
    expect([wall.stoppedBy, wall.jobs]).toEqual(['budget', 0]);
    expect(await count('verify-deposit', ['created'])).toBe(3);
    const next = await runWorker(w.boss, w.t.services, {});
    expect([next.stoppedBy, next.queues['verify-deposit']]).toEqual(['idle', { completed: 3, failed: 0 }]);
    expect(next.cpuMs).toBeLessThan(next.wallMs + 1_000);
  });

  it("the user's Synchronize goes first, ahead of a backlog queued before it", async () => {
    await w.t.services.db.query('delete from pgboss.job where name = any($1)', [['verify-deposit', 'send-file', 'night-file']]);
    for (let i = 0; i < 15; i++) await w.t.services.jobs.send(verifyDepositJob, { depositId: crypto.randomUUID() });
    await w.t.services.jobs.sendMany(
      nightFileJob,
      Array.from({ length: 15 }, () => ({ id: crypto.randomUUID(), payload: { fileId: crypto.randomUUID(), night: true, audit: false } })),
    );
    await w.t.services.jobs.send(sendFileJob, { fileId: w.files.get(dossiers[0]!)! });
    const report = await runWorker(w.boss, w.t.services, { concurrency: 1 });
    expect(report.jobs).toBe(31);
    const order = (
      await w.t.services.db.query<{ name: string }>(`select name from pgboss.job where name = any($1) order by completed_on`, [
        ['verify-deposit', 'send-file', 'night-file'],
      ])
    ).rows.map((r) => r.name);
    expect(order[0]).toBe('send-file');
  });

  it("a sweep's night unit still waiting does not hide the night's audit of a file posted this week", async () => {
    const db = w.t.services.db;
    await db.query(`delete from pgboss.job where name = 'night-file'`);
    const file = w.files.get('BOULANG')!;
    // The sweep (also at 02:00) queued this file's night, without its audit.
    await w.t.services.jobs.send(nightFileJob, { fileId: file, night: true, audit: false });
    // Something of the file was posted this week: the night's slot owes it an audit.
    const { rows } = await db.query<{ id: string }>(`select id from public.entries where file_id = $1 limit 1`, [file]);
    await db.query(`update public.entries set status = 'posted', posted_at = $2 where id = $1`, [rows[0]!.id, w.now()]);
    await fanOutNight(w.t.services, 'the-night-slot');
    const units = (
      await db.query<{ data: { night: boolean; audit: boolean } }>(
        `select data from pgboss.job where name = 'night-file' and data->>'fileId' = $1`,
        [file],
      )
    ).rows.map((r) => r.data);
    expect(units.some((u) => u.audit)).toBe(true);
    // The night itself is not queued twice for the file.
    expect(units.filter((u) => u.night && !u.audit)).toHaveLength(1);
  });

  it('a job that ran is not marked failed (and run again) when the queue cannot record its completion; the worker still reports', async () => {
    const db = w.t.services.db;
    await db.query(`delete from pgboss.job where name = 'send-file'`);
    const id = await w.t.services.jobs.send(sendFileJob, { fileId: w.files.get('GARAGE')! });
    // The real queue, with its completion failing as when the database goes away at that moment.
    const faulty = new Proxy(w.boss, {
      get(target, key) {
        if (key === 'complete') return async () => Promise.reject(new Error('Connection terminated unexpectedly'));
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    const report = await runWorker(faulty, w.t.services, { concurrency: 1 });
    expect(report.stoppedBy).toBe('error');
    expect(report.queues['send-file']).toEqual({ completed: 0, failed: 0 });
    const { rows } = await db.query<{ state: string }>(`select state::text from pgboss.job where id = $1`, [id]);
    // Still active: pg-boss hands it out again after its expiry; not failed, not retried now.
    expect(rows[0]!.state).toBe('active');
  });

  it('Node workers drain a backed-up queue batch after batch, without waiting their polling interval', async () => {
    const c = w.t.services.config;
    expect(workerConcurrency({ ...c, WORKER_FETCHERS: 4, WORKER_BATCH: 4, DATABASE_POOL_MAX: 6 }, 'x')).toEqual({
      localConcurrency: 4,
      batchSize: 1,
    });
    expect(workerConcurrency({ ...c, WORKER_CONCURRENCY_BY_QUEUE: 'night-file=3x2', DATABASE_POOL_MAX: 10 }, 'night-file')).toEqual({
      localConcurrency: 3,
      batchSize: 2,
    });
    await w.t.services.db.query(`delete from pgboss.job where name = 'verify-deposit'`);
    for (let i = 0; i < 40; i++) await w.t.services.jobs.send(verifyDepositJob, { depositId: crypto.randomUUID() });
    let second: PgBoss | undefined;
    try {
      second = await startBoss(w.t.services.db, { url: w.t.database.url, log: w.t.services.log, schedule: false });
      // A minute between polls: only fetching again at once while batches come back full drains 40 jobs in time.
      await startWorkers(
        second,
        { ...w.t.services, config: { ...c, WORKER_FETCHERS: 2, WORKER_BATCH: 4 } },
        { schedules: false, pollSeconds: 60 },
      );
      await waitFor('the backlog drained', async () => (await count('verify-deposit', ['completed'])) === 40, 30_000);
    } finally {
      await second?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    }
  });
});
