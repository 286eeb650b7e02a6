// The dispatcher's one statement (private.dispatch_webhook_deliveries), on the engine under test:
// claims run side by side never hand one delivery to two dispatchers nor lease an endpoint past its
// cap; the record in the same statement frees its slots for the claim after it; a stale record
// records nothing; a disabling attempt ends the endpoint's pending deliveries before the claim; an
// unrecorded claim (a crash) comes back when its lease ends, not before; the total is shared out in
// turns; the token bucket holds.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AttemptRecord, ClaimedDelivery, ClaimLimits } from '../../../src/db/repos/webhook-dispatch.ts';
import { recordAndClaim } from '../../../src/db/repos/webhook-dispatch.ts';
import { insertEndpoint } from '../../../src/db/repos/webhooks.ts';
import { asService, writeAsService } from '../../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../../support/db.ts';

describe(`the dispatcher's record-and-claim statement (${engine})`, () => {
  let t: TestDatabase;
  let firm: string;
  const now = new Date('2026-12-02T10:00:00Z');

  beforeAll(async () => {
    t = await freshDatabase();
    firm = (await t.db.query<{ id: string }>(`insert into public.firms (name, sic_code) values ('Dispatch', 'SICDSP') returning id`))
      .rows[0]!.id;
  });
  beforeEach(async () => {
    await t.db.query('delete from public.webhook_endpoints');
    await t.db.query('delete from public.webhook_deliveries');
    await t.db.query('delete from public.webhook_attempts');
    await t.db.query('delete from public.events');
  });
  afterAll(() => t?.drop());

  /** `n` endpoints of the firm, each with `events` pending deliveries. */
  async function endpoints(n: number, events: number): Promise<string[]> {
    return asService(t.db, async (tx) => {
      const ids: string[] = [];
      for (let i = 0; i < n; i++) {
        const e = await insertEndpoint(tx, {
          firmId: firm,
          url: `http://127.0.0.1:9/e${i}`,
          eventTypes: null,
          description: '',
          enabled: true,
          secret: { keyId: 'k', ciphertext: 'c' },
        });
        ids.push(e.id);
      }
      // One insert: each event fans out to every endpoint (the outbox's own trigger).
      await tx.query(
        `insert into public.events (firm_id, type, object_id, data)
         select $1, 'entry.sent', g::text, jsonb_build_object('n', g) from generate_series(1, $2) g`,
        [firm, events],
      );
      return ids;
    });
  }
  const limits = (p: Partial<ClaimLimits> = {}): ClaimLimits => ({
    total: 8,
    perEndpoint: 3,
    rate: 1_000_000,
    leaseSeconds: 45,
    now,
    ...p,
  });
  const outcome = (d: ClaimedDelivery, p: Partial<AttemptRecord> = {}): AttemptRecord => ({
    deliveryId: d.id,
    claimedAttempts: d.attempts,
    claimedLease: d.lease_until,
    endpointId: d.endpoint_id,
    firmId: d.firm_id,
    at: now,
    status: 204,
    durationMs: 3,
    error: null,
    nextAt: null,
    delivered: true,
    ...p,
  });
  const run = (ended: AttemptRecord[], l: ClaimLimits) => writeAsService(t.db, (q) => recordAndClaim(q, ended, l));
  const leased = async () =>
    (
      await t.db.query<{ endpoint_id: string; n: number }>(
        `select endpoint_id, count(*)::int as n from public.webhook_deliveries
          where state = 'pending' and lease_until > $1 group by endpoint_id`,
        [now],
      )
    ).rows;

  it('claims run side by side: no delivery handed out twice, no endpoint leased past its cap, each delivered once', async () => {
    const eps = await endpoints(3, 30);
    const handed = new Map<number, number>();
    let overCap = 0;
    let sampling = true;
    // Watches the leases while the dispatchers run: at no committed moment more than the cap.
    const watcher = (async () => {
      while (sampling) {
        for (const x of await leased()) if (x.n > 3) overCap++;
        await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const dispatcher = async () => {
      let mine: ClaimedDelivery[] = [];
      for (let round = 0; round < 500; round++) {
        const out = await run(
          mine.map((d) => outcome(d)),
          limits({ total: 4 }),
        );
        for (const d of out.claimed) handed.set(d.id, (handed.get(d.id) ?? 0) + 1);
        for (const d of mine) expect(out.recorded.has(d.id)).toBe(true);
        mine = out.claimed;
        if (mine.length === 0) {
          const left = await t.db.query(`select 1 from public.webhook_deliveries where state = 'pending' limit 1`);
          if (left.rows.length === 0) return;
          await new Promise((r) => setTimeout(r, 2));
        }
      }
      throw new Error('the dispatchers did not finish');
    };
    await Promise.all(Array.from({ length: 6 }, dispatcher));
    sampling = false;
    await watcher;
    expect(handed.size).toBe(90);
    expect([...handed.values()].every((n) => n === 1)).toBe(true);
    expect(overCap).toBe(0);
    const rows = (
      await t.db.query<{ state: string; attempts: number; n: number }>(
        'select state, attempts, count(*)::int as n from public.webhook_deliveries group by state, attempts',
      )
    ).rows;
    expect(rows).toEqual([{ state: 'succeeded', attempts: 1, n: 90 }]);
    const logged = (await t.db.query<{ n: number }>('select count(*)::int as n from public.webhook_attempts')).rows[0]!.n;
    expect(logged).toBe(90);
    expect(
      new Set(
        (await t.db.query<{ endpoint_id: string }>('select endpoint_id from public.webhook_deliveries')).rows.map((r) => r.endpoint_id),
      ),
    ).toEqual(new Set(eps));
  });

  it("the record before the claim frees the endpoint's slots: a full endpoint recorded is claimed again in the same statement", async () => {
    await endpoints(1, 10);
    const first = await run([], limits());
    expect(first.claimed).toHaveLength(3); // the cap
    expect((await run([], limits())).claimed).toHaveLength(0); // full
    const second = await run(
      first.claimed.map((d) => outcome(d)),
      limits(),
    );
    expect(second.recorded.size).toBe(3);
    expect(second.claimed).toHaveLength(3);
    expect(second.claimed.filter((d) => first.claimed.some((f) => f.id === d.id))).toEqual([]);
  });

  it('a stale outcome (its claim taken over) records nothing; a disabling one ends the endpoint before the claim', async () => {
    const [a, b] = await endpoints(2, 4);
    const first = await run([], limits({ total: 6 }));
    const ofA = first.claimed.filter((d) => d.endpoint_id === a);
    const ofB = first.claimed.filter((d) => d.endpoint_id === b);
    expect(ofA).toHaveLength(3);
    expect(ofB).toHaveLength(3);
    const out = await run(
      [
        outcome(ofA[0]!, { claimedAttempts: 5 }), // taken over meanwhile: not this claim's to record
        outcome(ofB[0]!, { status: 410, delivered: false, error: 'HTTP 410', disable: 'The endpoint answered 410 Gone.' }),
      ],
      limits({ total: 6 }),
    );
    expect([...out.recorded]).toEqual([ofB[0]!.id]);
    expect(out.claimed.some((d) => d.endpoint_id === b)).toBe(false);
    const ep = (
      await t.db.query<{ enabled: boolean; disabled_reason: string }>(
        'select enabled, disabled_reason from public.webhook_endpoints where id = $1',
        [b],
      )
    ).rows[0]!;
    expect(ep).toEqual({ enabled: false, disabled_reason: 'The endpoint answered 410 Gone.' });
    const states = (
      await t.db.query<{ state: string; n: number }>(
        'select state, count(*)::int as n from public.webhook_deliveries where endpoint_id = $1 group by state',
        [b],
      )
    ).rows;
    expect(states).toEqual([{ state: 'failed', n: 4 }]);
    const stale = (await t.db.query<{ attempts: number }>('select attempts from public.webhook_deliveries where id = $1', [ofA[0]!.id]))
      .rows[0]!;
    expect(stale.attempts).toBe(0);
  });

  it("an unrecorded claim (a crashed dispatcher's) comes back when its lease ends, under the same event, and not before", async () => {
    await endpoints(1, 2);
    const first = await run([], limits({ perEndpoint: 2 }));
    expect(first.claimed).toHaveLength(2);
    expect((await run([], limits({ perEndpoint: 2, now: new Date(now.getTime() + 44_000) }))).claimed).toHaveLength(0);
    const again = await run([], limits({ perEndpoint: 2, now: new Date(now.getTime() + 45_000) }));
    expect(again.claimed.map((d) => d.id).sort()).toEqual(first.claimed.map((d) => d.id).sort());
    expect(again.claimed.map((d) => d.event.public_id).sort()).toEqual(first.claimed.map((d) => d.event.public_id).sort());
    // The crashed dispatcher's late answer no longer counts once the claim was taken over and recorded.
    const later = new Date(now.getTime() + 46_000);
    await run(
      again.claimed.map((d) => outcome(d, { at: later })),
      limits({ total: 0 }),
    );
    const late = await run(
      first.claimed.map((d) => outcome(d, { claimedAttempts: d.attempts, at: later, status: 500, delivered: false, nextAt: later })),
      limits({ total: 0 }),
    );
    expect(late.recorded.size).toBe(0);
    expect((await t.db.query<{ n: number }>('select count(*)::int as n from public.webhook_attempts')).rows[0]!.n).toBe(2);
  });

  it("a claim taken over after its lease ran out: the first claimer's late answer, arriving first, records nothing and frees nothing", async () => {
    await endpoints(1, 1);
    const first = await run([], limits({ perEndpoint: 1 }));
    expect(first.claimed).toHaveLength(1);
    // Its lease runs out; another dispatcher takes the same delivery over (same attempts count).
    const takeover = await run([], limits({ perEndpoint: 1, now: new Date(now.getTime() + 45_000) }));
    expect(takeover.claimed.map((d) => [d.id, d.attempts])).toEqual(first.claimed.map((d) => [d.id, d.attempts]));
    // The first claimer answers now, before the second: not its claim any more.
    const at = new Date(now.getTime() + 46_000);
    const late = await run(
      first.claimed.map((d) => outcome(d, { at })),
      limits({ perEndpoint: 1, now: at }),
    );
    expect(late.recorded.size).toBe(0);
    // The second claim keeps its lease: the endpoint (cap 1) is still full, nothing is handed out again.
    expect(late.claimed).toEqual([]);
    const row = (
      await t.db.query<{ attempts: number; leased: boolean }>(
        'select attempts, lease_until is not null as leased from public.webhook_deliveries where id = $1',
        [first.claimed[0]!.id],
      )
    ).rows[0]!;
    expect(row).toEqual({ attempts: 0, leased: true });
    // The second claimer's answer is recorded.
    const ok = await run(
      takeover.claimed.map((d) => outcome(d, { at })),
      limits({ total: 0, now: at }),
    );
    expect([...ok.recorded]).toEqual([first.claimed[0]!.id]);
  });

  it("records an attempt under the delivery's own firm and endpoint, whatever the caller says", async () => {
    const [a] = await endpoints(1, 1);
    const first = await run([], limits());
    const other = crypto.randomUUID();
    await run(
      first.claimed.map((d) => outcome(d, { firmId: other, endpointId: other })),
      limits({ total: 0 }),
    );
    const rows = (
      await t.db.query<{ firm_id: string; endpoint_id: string }>(
        'select firm_id, endpoint_id from public.webhook_attempts where delivery_id = $1',
        [first.claimed[0]!.id],
      )
    ).rows;
    expect(rows).toEqual([{ firm_id: first.claimed[0]!.firm_id, endpoint_id: a }]);
  });

  it('shares the total out in turns, oldest first within each endpoint, and keeps the token bucket', async () => {
    const [a, b] = await endpoints(2, 6);
    const out = await run([], limits({ total: 4, perEndpoint: 4 }));
    expect(out.claimed.filter((d) => d.endpoint_id === a)).toHaveLength(2);
    expect(out.claimed.filter((d) => d.endpoint_id === b)).toHaveLength(2);
    for (const ep of [a, b]) {
      const oldest = (
        await t.db.query<{ id: number }>(`select id from public.webhook_deliveries where endpoint_id = $1 order by id limit 2`, [ep])
      ).rows.map((r) => r.id);
      expect(out.claimed.filter((d) => d.endpoint_id === ep).map((d) => d.id)).toEqual(oldest);
    }
    // A rate of 0.5 a second, burst 4: the 2 tokens each has left, then nothing until they refill.
    await run(
      out.claimed.map((d) => outcome(d)),
      limits({ total: 0 }),
    );
    const slow = limits({ total: 10, perEndpoint: 4, rate: 0.5 });
    const next = await run([], slow);
    expect(next.claimed.filter((d) => d.endpoint_id === a)).toHaveLength(2);
    expect(next.claimed.filter((d) => d.endpoint_id === b)).toHaveLength(2);
    await run(
      next.claimed.map((d) => outcome(d)),
      limits({ total: 0 }),
    );
    expect((await run([], slow)).claimed).toHaveLength(0);
  });
});
