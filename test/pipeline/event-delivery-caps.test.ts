// The dispatcher's caps with its cycles overlapping (the next batch claimed while the last one's
// requests are in flight), against real receivers on loopback that count the requests they are
// answering at once: no endpoint ever has more than WEBHOOK_ENDPOINT_CONCURRENCY, one dispatcher never
// more than WEBHOOK_CONCURRENCY in all, two dispatchers side by side keep each endpoint's cap between
// them, and every event arrives once per endpoint, signed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { insertEndpoint } from '../../src/db/repos/webhooks.ts';
import { asService } from '../../src/db/scoped.ts';
import { deliverDueEvents } from '../../src/pipeline/event-delivery.ts';
import { newSecret } from '../../src/pipeline/webhooks.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { type Flight, type Receiver, startReceiver } from '../support/receiver.ts';

describe(`event delivery within its caps, cycles overlapping (${engine})`, () => {
  let t: TestContext;
  let firm: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await createTestContext({ config: { WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_TIMEOUT_MS: 5_000, WEBHOOK_DISPATCH_BUDGET_MS: 30_000 } });
    firm = (await t.services.db.query<{ id: string }>(`insert into public.firms (name, sic_code) values ('Caps', 'SICCAP') returning id`))
      .rows[0]!.id;
  });
  afterEach(async () => {
    for (const table of ['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts', 'events'])
      await t.services.db.query(`delete from public.${table}`);
    for (const r of receivers.splice(0)) await r.close();
  });
  afterAll(() => t?.close());

  /** `n` endpoints, each a receiver answering 204 after `delayMs`, then `events` events for them all. */
  async function setUp(n: number, events: number, delayMs: number, flight: Flight): Promise<Receiver[]> {
    const mine: Receiver[] = [];
    for (let i = 0; i < n; i++) {
      const r = await startReceiver('/events', { flight });
      r.otherwise = { status: 204, delayMs };
      const secret = newSecret();
      r.secrets.push(secret);
      const sealed = await t.services.secrets.seal(secret);
      await asService(t.services.db, (tx) =>
        insertEndpoint(tx, { firmId: firm, url: r.url, eventTypes: null, description: '', enabled: true, secret: sealed }),
      );
      mine.push(r);
    }
    receivers.push(...mine);
    await asService(t.services.db, (tx) =>
      tx.query(
        `insert into public.events (firm_id, type, object_id, data)
         select $1, 'entry.sent', g::text, jsonb_build_object('n', g) from generate_series(1, $2) g`,
        [firm, events],
      ),
    );
    return mine;
  }
  const eachOnce = (rs: Receiver[], events: number) => {
    for (const r of rs) {
      expect(r.received).toHaveLength(events);
      expect(new Set(r.received.map((x) => x.id)).size).toBe(events);
      expect(r.unverified).toBe(0);
    }
  };

  it('one dispatcher: each endpoint within its cap, the whole within the total', async () => {
    Object.assign(t.services.config, { WEBHOOK_CONCURRENCY: 5, WEBHOOK_ENDPOINT_CONCURRENCY: 3, WEBHOOK_ENDPOINT_RATE: 1000 });
    const flight: Flight = { now: 0, max: 0 };
    const rs = await setUp(3, 20, 15, flight);
    const report = await deliverDueEvents(t.services);
    expect(report).toMatchObject({ attempted: 60, delivered: 60, retrying: 0, failed: 0 });
    eachOnce(rs, 20);
    for (const r of rs) expect(r.maxInFlight).toBeLessThanOrEqual(3);
    expect(flight.max).toBeLessThanOrEqual(5);
    // The caps were reached, so the test shows them holding, not merely unused.
    expect(flight.max).toBeGreaterThanOrEqual(4);
  });

  it('two dispatchers side by side: each endpoint within its cap between them, nothing delivered twice', async () => {
    Object.assign(t.services.config, { WEBHOOK_CONCURRENCY: 8, WEBHOOK_ENDPOINT_CONCURRENCY: 2, WEBHOOK_ENDPOINT_RATE: 1000 });
    const flight: Flight = { now: 0, max: 0 };
    const rs = await setUp(3, 20, 15, flight);
    const [a, b] = await Promise.all([deliverDueEvents(t.services), deliverDueEvents(t.services)]);
    expect(a.delivered + b.delivered).toBe(60);
    eachOnce(rs, 20);
    for (const r of rs) {
      expect(r.maxInFlight).toBeLessThanOrEqual(2);
      expect(r.maxInFlight).toBe(2);
    }
    const rows = (
      await t.services.db.query<{ state: string; attempts: number; n: number }>(
        'select state, attempts, count(*)::int as n from public.webhook_deliveries group by state, attempts',
      )
    ).rows;
    expect(rows).toEqual([{ state: 'succeeded', attempts: 1, n: 60 }]);
  });
});
