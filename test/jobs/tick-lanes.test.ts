// The tick's lanes on the real database, real pg-boss and the real worker route over HTTP: a worker
// that stops on its CPU budget with work left is followed by another request while the tick's
// wall budget has room, never more than TICK_WORKERS at once; near its end no new worker starts;
// the worker route takes the wall budget the tick has left, and refuses a malformed one.
import { serve, type ServerType } from '@hono/node-server';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueOf, startBoss } from '../../src/jobs/boss.ts';
import type { WorkReport } from '../../src/jobs/contract.ts';
import { verifyDepositJob } from '../../src/jobs/definitions.ts';
import { createQueues } from '../../src/jobs/index.ts';
import { runTick, runWorker } from '../../src/jobs/tick.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';

const CRON_SECRET = 'cron-secret-for-lanes-0123456789abcdef';
const TICK_WORKERS = 3;

describe(`the tick's lanes (${engine})`, () => {
  let t: TestContext;
  let boss: PgBoss;
  let server: ServerType;
  let url = '';
  let inFlight = 0;
  let most = 0;
  let requests = 0;

  beforeAll(async () => {
    // The least CPU budget there is: every worker request stops on it after a few jobs.
    t = await createTestContext({
      config: { CRON_SECRET, TICK_WORKERS, TICK_CPU_BUDGET_MS: 50, TICK_JOB_CONCURRENCY: 1, TICK_BUDGET_MS: 30_000 },
    });
    boss = await startBoss(t.services.db, { url: t.database.url, log: t.services.log, schedule: false });
    await createQueues(boss);
    t.services.jobs = queueOf(boss);
    t.services.work = (o) => runWorker(boss, t.services, o);
    t.services.tick = (o) => runTick(boss, t.services, o);
    server = serve({
      port: 0,
      hostname: '127.0.0.1',
      fetch: async (req) => {
        const work = new URL(req.url).pathname === '/v1/jobs/work';
        if (work) {
          requests++;
          most = Math.max(most, ++inFlight);
        }
        try {
          return await t.app.fetch(req);
        } finally {
          if (work) inFlight--;
        }
      },
    });
    await new Promise<void>((r) => server.once('listening', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    await t?.close();
  });

  const queued = async () =>
    (
      await t.services.db.query<{ n: number }>(
        `select count(*)::int as n from pgboss.job where name = 'verify-deposit' and state in ('created', 'retry', 'active')`,
      )
    ).rows[0]!.n;
  const backlog = async (n: number) => {
    await t.services.db.query(`delete from pgboss.job where name = 'verify-deposit'`);
    await t.services.jobs.sendMany(
      verifyDepositJob,
      Array.from({ length: n }, () => ({ id: crypto.randomUUID(), payload: { depositId: crypto.randomUUID() } })),
    );
  };

  it('a worker stopped on its CPU budget is followed by another: one tick works the backlog, at most TICK_WORKERS at once', async () => {
    await backlog(150);
    requests = 0;
    most = 0;
    const tick = await runTick(boss, t.services, { workerUrl: `${url}/v1/jobs/work` });
    const reports = tick.workers.filter((w): w is WorkReport => !('error' in w));
    expect(reports).toHaveLength(tick.workers.length);
    // Handed on: more worker requests than lanes, every one at most TICK_WORKERS at once.
    expect(tick.workers.length).toBeGreaterThan(TICK_WORKERS);
    expect(requests).toBe(tick.workers.length - 1);
    expect(most).toBeLessThanOrEqual(TICK_WORKERS);
    // The requests after each lane's first did work the lanes' first requests alone left.
    const firsts = reports.slice(0, 1).concat(reports.slice(-(TICK_WORKERS - 1)));
    const checks = (r: WorkReport) => r.queues['verify-deposit']?.completed ?? 0;
    const done = reports.reduce((n, r) => n + checks(r), 0);
    expect(done).toBeGreaterThan(firsts.reduce((n, r) => n + checks(r), 0));
    // Only a worker that stopped on its CPU budget after running jobs was followed.
    expect(reports.every((r) => r.stoppedBy === 'cpu' || r.stoppedBy === 'idle')).toBe(true);
    expect(tick.queues['verify-deposit']?.completed).toBe(done);
    // Bounded: whatever the tick left, later ticks finish.
    for (let i = 0; i < 20 && (await queued()) > 0; i++) await runTick(boss, t.services, { workerUrl: `${url}/v1/jobs/work` });
    expect(await queued()).toBe(0);
  });

  it('near the end of its wall budget the tick starts no new worker: each lane makes its one first request', async () => {
    await backlog(150);
    requests = 0;
    // Less than the hand-on minimum: the fan-out's first requests go, nothing follows them.
    const tick = await runTick(boss, t.services, { workerUrl: `${url}/v1/jobs/work`, budgetMs: 3_000 });
    expect(tick.workers).toHaveLength(TICK_WORKERS);
    expect(requests).toBe(TICK_WORKERS - 1);
    for (const w of tick.workers) if (!('error' in w)) expect(w.wallMs).toBeLessThan(3_000 + 5_000);
  });

  it('the worker route takes the budget the tick has left and refuses a malformed one with a 4xx', async () => {
    await backlog(5);
    const call = (body: string) =>
      fetch(`${url}/v1/jobs/work`, { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET, 'content-type': 'application/json' }, body });
    const spent = await call('{"budgetMs":0}');
    expect(spent.status).toBe(200);
    expect(await spent.json()).toMatchObject({ jobs: 0, stoppedBy: 'budget' });
    for (const [bad, status, code] of [
      ['{"budgetMs":-1}', 422, 'validation_error'],
      ['{"budgetMs":"soon"}', 422, 'validation_error'],
      ['{"budgetMs":1.5}', 422, 'validation_error'],
      ['{"budgetMs":999999999}', 422, 'validation_error'],
      ['{"other":1}', 422, 'validation_error'],
      ['{', 400, 'invalid_json'],
    ] as const) {
      const r = await call(bad);
      expect(r.status, bad).toBe(status);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect([body.error.code, body.error.message.length > 0], bad).toEqual([code, true]);
    }
    expect(await queued()).toBe(5); // refused calls worked nothing
    // No body at all, as before: the deployment's own budget.
    const plain = await fetch(`${url}/v1/jobs/work`, { method: 'POST', headers: { 'x-cron-secret': CRON_SECRET } });
    expect(plain.status).toBe(200);
  });
});
