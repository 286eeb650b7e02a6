// The tick on the real database and real pg-boss (no workers): slots fire exactly once, missed
// slots are caught up, due jobs run with the same handlers as the Node workers, and the route
// accepts only the cron secret.
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueOf, startBoss } from '../../src/jobs/boss.ts';
import { fireDueSlots, slotJobId } from '../../src/jobs/clock.ts';
import { referenceSyncJob, sendFileJob, sweepJob } from '../../src/jobs/definitions.ts';
import { createQueues } from '../../src/jobs/index.ts';
import { runTick } from '../../src/jobs/tick.ts';
import { secretMatches } from '../../src/routes/jobs.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';

const CRON_SECRET = 'cron-secret-for-tests-0123456789abcdef';

describe(`the tick (${engine})`, () => {
  let t: TestContext;
  let boss: PgBoss;
  let clock = new Date('2027-03-27T23:55:00Z');

  beforeAll(async () => {
    t = await createTestContext({ config: { CRON_SECRET, TICK_BUDGET_MS: 20_000 }, now: () => clock });
    boss = await startBoss(t.services.db, { url: t.database.url, log: t.services.log, schedule: false });
    await createQueues(boss);
    t.services.jobs = queueOf(boss);
    t.services.tick = () => runTick(boss, t.services);
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    await t?.close();
  });

  const slotRows = async () =>
    (
      await t.services.db.query<{ schedule: string; slot: Date; job_id: string | null }>(
        'select schedule, slot, job_id from private.schedule_slots order by schedule, slot',
      )
    ).rows.map((r) => `${r.schedule}@${new Date(r.slot).toISOString()}${r.job_id ? '' : ' (no job)'}`);

  it('fires each due slot once, even with overlapping ticks; later ticks fire only new slots', async () => {
    // First tick ever: everything due in the catch-up window (26 h) is fired, one job per schedule.
    const [a, b] = await Promise.all([fireDueSlots(t.services), fireDueSlots(t.services)]);
    const fired = [...a, ...b];
    expect(fired.map((f) => f.schedule).sort()).toEqual([
      'auto-send',
      'deliver-events',
      'nightly-verification',
      'reference-nightly',
      'sweep',
    ]);
    expect(new Set(fired.map((f) => f.jobId)).size).toBe(5);
    const night = fired.find((f) => f.schedule === 'nightly-verification')!;
    expect(night.slots).toEqual(['2027-03-27T01:00:00.000Z']);
    const before = await slotRows();
    expect(before.every((r) => !r.endsWith('(no job)'))).toBe(true);
    expect(before.filter((r) => r.startsWith('auto-send@'))).toHaveLength(26 * 6);

    // Same instant again: nothing.
    expect(await fireDueSlots(t.services)).toEqual([]);
    // Five minutes later, past midnight: one auto-send slot (00:00Z), nothing else.
    clock = new Date('2027-03-28T00:00:30Z');
    const later = await fireDueSlots(t.services);
    expect(later.filter((f) => f.schedule !== 'deliver-events').map((f) => [f.schedule, f.slots])).toEqual([
      ['auto-send', ['2027-03-28T00:00:00.000Z']],
      ['sweep', ['2027-03-28T00:00:00.000Z']],
    ]);
    expect(later.find((f) => f.schedule === 'deliver-events')!.slots).toHaveLength(5); // each minute
  });

  it('slots missed while nothing ticked (over the spring change) are caught up at the next tick, the night once', async () => {
    clock = new Date('2027-03-28T01:20:00Z'); // 03:20 Paris, summer time: 02:00 never existed tonight
    const fired = await fireDueSlots(t.services);
    const bySchedule = Object.fromEntries(fired.map((f) => [f.schedule, f.slots]));
    expect(bySchedule['nightly-verification']).toEqual(['2027-03-28T01:00:00.000Z']);
    expect(bySchedule['reference-nightly']).toEqual(['2027-03-28T00:30:00.000Z']);
    expect(bySchedule['auto-send']).toHaveLength(8); // 00:10 … 01:20
    expect(bySchedule.sweep).toEqual([
      '2027-03-28T00:15:00.000Z',
      '2027-03-28T00:30:00.000Z',
      '2027-03-28T00:45:00.000Z',
      '2027-03-28T01:00:00.000Z',
      '2027-03-28T01:15:00.000Z',
    ]);
    // One job each, whatever the number of slots: the handlers work on what is due when they run.
    const queued = await t.services.db.query<{ n: number }>(
      `select count(*)::int as n from pgboss.job where name = 'nightly-verification'`,
    );
    expect(queued.rows[0]!.n).toBe(2);
  });

  it('a slot won by a tick that died before sending is sent by the next tick, under the same job id, once', async () => {
    await t.services.db.query(
      `insert into private.schedule_slots (schedule, slot, fired_at) values ('sweep', '2027-03-28T01:30:00Z', now() - interval '5 minutes')`,
    );
    const fired = await fireDueSlots(t.services, new Date('2027-03-28T01:20:00Z'));
    expect(fired).toEqual([
      { schedule: 'sweep', job: 'sweep', slots: ['2027-03-28T01:30:00.000Z'], jobId: slotJobId('sweep', new Date('2027-03-28T01:30:00Z')) },
    ]);
    // Sending the same slot's job again is a no-op.
    expect(await t.services.jobs.send(sweepJob, {}, { id: slotJobId('sweep', new Date('2027-03-28T01:30:00Z')) })).toBeNull();
    expect(await fireDueSlots(t.services, new Date('2027-03-28T01:20:00Z'))).toEqual([]);
  });

  it('runs due jobs of every queue with the Node handlers and reports per queue; a job not due stays', async () => {
    await t.services.db.query('delete from pgboss.job');
    // A reference-sync job for a run that does not exist: its handler ignores it (completed).
    await t.services.jobs.send(referenceSyncJob, { runId: crypto.randomUUID() });
    // A send for a file that does not exist: its handler has nothing to send (completed).
    await t.services.jobs.send(sendFileJob, { fileId: crypto.randomUUID() });
    // Not due for 12 hours.
    await t.services.jobs.send(sendFileJob, { fileId: crypto.randomUUID() }, { startAfter: new Date(Date.now() + 12 * 3_600_000) });
    // A payload of the wrong shape never reaches the queue.
    await expect(t.services.jobs.send(sendFileJob, { fileId: 'nope' })).rejects.toThrow();

    const res = await t.call('POST', '/v1/jobs/tick', { headers: { 'x-cron-secret': CRON_SECRET } });
    expect(res.status).toBe(200);
    expect(res.body.stoppedBy).toBe('idle');
    expect(res.body.queues['reference-sync']).toEqual({ completed: 1, failed: 0 });
    expect(res.body.queues['send-file']).toEqual({ completed: 1, failed: 0 });
    expect(res.body.queues['verify-deposit']).toEqual({ completed: 0, failed: 0 });
    const left = await t.services.db.query<{ state: string }>(
      `select state from pgboss.job where name = 'send-file' and state <> 'completed'`,
    );
    expect(left.rows).toEqual([{ state: 'created' }]);
  });

  it('a failing handler is failed in pg-boss (retried later), the others still run', async () => {
    await t.services.db.query('delete from pgboss.job');
    // A job of the right name but a payload the schema refuses (written behind the registry's back).
    await boss.send('send-file', { fileId: 42 }, { retryLimit: 0 });
    const report = (await t.call('POST', '/v1/jobs/tick', { headers: { 'x-cron-secret': CRON_SECRET } })).body;
    expect(report.queues['send-file']).toEqual({ completed: 0, failed: 1 });
    expect(t.logLines.some((l) => l.includes('invalid payload'))).toBe(true);
  });

  it('stops when its time budget is spent, leaving the work to the next tick', async () => {
    await t.services.db.query('delete from pgboss.job');
    await t.services.jobs.send(sendFileJob, { fileId: crypto.randomUUID() });
    const report = await runTick(boss, t.services, { budgetMs: 0 });
    expect([report.stoppedBy, report.queues['send-file']]).toEqual(['budget', { completed: 0, failed: 0 }]);
    const left = await t.services.db.query<{ state: string }>(`select state from pgboss.job where name = 'send-file'`);
    expect(left.rows).toEqual([{ state: 'created' }]);
  });

  it('the cron migration did nothing on this database (no pg_cron here): no cron schema, no job', async () => {
    expect((await t.services.db.query<{ ns: string | null }>(`select to_regnamespace('cron')::text as ns`)).rows).toEqual([{ ns: null }]);
  });

  it('accepts only the cron secret: none, a wrong one, a user token are 401; unconfigured is 404', async () => {
    expect((await t.call('POST', '/v1/jobs/tick')).body.error.code).toBe('invalid_cron_secret');
    expect((await t.call('POST', '/v1/jobs/tick', { headers: { 'x-cron-secret': CRON_SECRET.slice(0, -1) } })).status).toBe(401);
    expect((await t.call('POST', '/v1/jobs/tick', { token: await t.token(crypto.randomUUID()) })).status).toBe(401);
    expect(secretMatches(CRON_SECRET, CRON_SECRET)).toBe(true);
    expect(secretMatches(undefined, CRON_SECRET)).toBe(false);
    const saved = t.services.config.CRON_SECRET;
    t.services.config.CRON_SECRET = undefined;
    try {
      const res = await t.call('POST', '/v1/jobs/tick', { headers: { 'x-cron-secret': CRON_SECRET } });
      expect([res.status, res.body.error.code]).toEqual([404, 'tick_not_configured']);
    } finally {
      t.services.config.CRON_SECRET = saved;
    }
    expect(t.logLines.join('\n')).not.toContain(CRON_SECRET);
  });
});
