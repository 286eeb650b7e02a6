// The tick's lanes on the real database, real pg-boss and the real worker route over HTTP: a worker
// that stops on its CPU budget with work left is followed by another request while the tick's
// wall budget has room; every worker holds one of TICK_WORKERS slots, so even overlapping ticks
// never run more at once; near its end no new worker starts; the worker route takes the wall
// budget the tick has left, and refuses a malformed one (after the cron secret, never before).
// Then the lane's own rules against a scripted worker on loopback: bounded, the budget sent, a
// worker that got nowhere not followed, a malformed answer that worker's error and not the tick's.
import { serve, type ServerType } from '@hono/node-server';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueOf, startBoss } from '../../src/jobs/boss.ts';
import type { WorkReport } from '../../src/jobs/contract.ts';
import { verifyDepositJob } from '../../src/jobs/definitions.ts';
import { createQueues } from '../../src/jobs/index.ts';
import { runTick, runWorker } from '../../src/jobs/tick.ts';
import { takeWorkerSlot, workerSlotsHeld } from '../../src/db/repos/tick-slots.ts';
import { createServer, type Server } from 'node:http';
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
    // Never more than TICK_WORKERS at once, the tick's own worker counted: a worker past them
    // would have found no slot (busy).
    expect(reports.filter((r) => r.stoppedBy === 'busy')).toEqual([]);
    const checks = (r: WorkReport) => r.queues['verify-deposit']?.completed ?? 0;
    const done = reports.reduce((n, r) => n + checks(r), 0);
    // Only a worker that stopped on its CPU budget was followed (the last of a lane may be idle).
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
  it('every worker holds one of TICK_WORKERS slots: none free is busy, nothing run; overlapping ticks never run more between them', async () => {
    await backlog(5);
    const holders = Array.from({ length: TICK_WORKERS }, () => crypto.randomUUID());
    for (const h of holders) expect(await takeWorkerSlot(t.services.db, TICK_WORKERS, h, 1_500)).not.toBeNull();
    const busy = await runWorker(boss, t.services, {});
    expect([busy.stoppedBy, busy.jobs]).toEqual(['busy', 0]);
    expect(await queued()).toBe(5);
    // A holder that died: its lease runs out and the slot is taken again.
    await new Promise((r) => setTimeout(r, 1_700));
    const after = await runWorker(boss, t.services, { cpuBudgetMs: 1_800 });
    expect([after.stoppedBy, after.queues['verify-deposit']]).toEqual(['idle', { completed: 5, failed: 0 }]);
    expect(await workerSlotsHeld(t.services.db)).toBe(0); // given back

    // Two ticks at once (a minute's tick while the last one's lanes still run): between them, never
    // more than TICK_WORKERS workers hold a slot, sampled throughout.
    await backlog(150);
    let most = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        most = Math.max(most, await workerSlotsHeld(t.services.db));
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const ticks = await Promise.all([0, 1].map(() => runTick(boss, t.services, { workerUrl: `${url}/v1/jobs/work` })));
    sampling = false;
    await sampler;
    // (Sampling may miss a short worker, on PGlite above all, whose one connection queues the
    // sampler behind the workers: the bound is what is checked, the slots' use is proved above.)
    expect(most).toBeLessThanOrEqual(TICK_WORKERS);
    // Both ticks worked (or found their slots taken): every report says which.
    expect(ticks.flatMap((x) => x.workers).every((w) => !('error' in w))).toBe(true);
  });

  it('workers starting together all find a slot while there are enough (one that loses a race for a slot asks again)', async () => {
    await backlog(0);
    for (let round = 0; round < 5; round++) {
      const all = await Promise.all(Array.from({ length: TICK_WORKERS }, () => runWorker(boss, t.services, { cpuBudgetMs: 1_800 })));
      expect(all.map((r) => r.stoppedBy)).toEqual(all.map(() => 'idle'));
    }
    expect(await workerSlotsHeld(t.services.db)).toBe(0);
  });

  it('the cron secret is checked before the body: a bad body without it is 401, on a deployment without ticks 404', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/v1/jobs/work`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{"other":1}' });
    const none = await post({});
    expect([none.status, ((await none.json()) as { error: { code: string } }).error.code]).toEqual([401, 'invalid_cron_secret']);
    const saved = t.services.config.CRON_SECRET;
    t.services.config.CRON_SECRET = undefined;
    try {
      const off = await post({ 'x-cron-secret': CRON_SECRET });
      expect([off.status, ((await off.json()) as { error: { code: string } }).error.code]).toEqual([404, 'tick_not_configured']);
    } finally {
      t.services.config.CRON_SECRET = saved;
    }
  });

  describe('against a scripted worker', () => {
    let fake: Server;
    let fakeUrl = '';
    let answer: (n: number) => { status: number; body: unknown } = () => ({ status: 200, body: {} });
    const bodies: Array<{ at: number; budgetMs: number }> = [];
    let open = 0;
    let peak = 0;
    beforeAll(async () => {
      fake = createServer((req, res) => {
        let raw = '';
        req.on('data', (d) => (raw += d));
        req.on('end', () => {
          bodies.push({ at: Date.now(), budgetMs: (JSON.parse(raw) as { budgetMs: number }).budgetMs });
          peak = Math.max(peak, ++open);
          const a = answer(bodies.length);
          setTimeout(() => {
            open--;
            res.writeHead(a.status, { 'content-type': 'application/json' }).end(JSON.stringify(a.body));
          }, 15);
        });
      });
      await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
      fakeUrl = `http://127.0.0.1:${(fake.address() as { port: number }).port}/v1/jobs/work`;
    });
    afterAll(async () => {
      await new Promise<void>((r) => (fake ? fake.close(() => r()) : r()));
    });
    const report = (stoppedBy: string, jobs: number) => ({
      status: 200,
      body: { queues: { 'verify-deposit': { completed: jobs, failed: 0 } }, jobs, stoppedBy, cpuMs: 1_200, wallMs: 10 },
    });
    const tickWith = async (a: typeof answer, budgetMs = 30_000) => {
      await t.services.db.query(`delete from pgboss.job where name = 'verify-deposit'`);
      answer = a;
      bodies.length = 0;
      peak = 0;
      return runTick(boss, t.services, { workerUrl: fakeUrl, budgetMs, cpuBudgetMs: 1_800 });
    };

    it('a lane is bounded: workers that always hand on are followed at most 40 times each, the budget sent shrinking with the tick', async () => {
      const tick = await tickWith(() => report('cpu', 1));
      const lanes = TICK_WORKERS - 1; // the tick's own worker found nothing and did not hand on
      expect(bodies.length).toBe(lanes * 40);
      expect(tick.workers).toHaveLength(1 + lanes * 40);
      expect(peak).toBeLessThanOrEqual(lanes);
      for (const b of bodies) expect(b.budgetMs).toBeLessThanOrEqual(30_000);
      const sorted = [...bodies].sort((a, b) => a.at - b.at);
      expect(sorted.at(-1)!.budgetMs).toBeLessThan(sorted[0]!.budgetMs);
    });

    it('a worker that ran nothing before its CPU was spent, or was idle, busy or failed, is not followed', async () => {
      for (const a of [report('cpu', 0), report('idle', 0), report('busy', 0), report('budget', 3), { status: 503, body: {} }]) {
        await tickWith(() => a);
        expect(bodies.length, JSON.stringify(a)).toBe(TICK_WORKERS - 1);
      }
    });

    it("a malformed answer is that worker's error, never the tick's", async () => {
      for (const body of [{}, { jobs: 'many' }, null, [], { ...report('cpu', 1).body, stoppedBy: 'tired' }]) {
        const tick = await tickWith(() => ({ status: 200, body }));
        expect(tick.workers.slice(1), JSON.stringify(body)).toEqual(
          Array.from({ length: TICK_WORKERS - 1 }, () => ({ error: 'worker answered without a report' })),
        );
      }
    });

    it('near the end of the budget no worker follows, and none starts after it', async () => {
      await tickWith(() => report('cpu', 1), 4_000);
      expect(bodies.length).toBe(TICK_WORKERS - 1);
    });
  });
});
