// Events delivered to real HTTP receivers on loopback, every signature verified with the
// `standardwebhooks` package: the webhook-id kept across retries (500, reset, timeout), Retry-After
// honoured, 410 and five days of failures disabling the endpoint, both secrets signing during a
// rotation, a slow receiver never holding another firm's deliveries, the per-endpoint rate, and the
// address refused at delivery when it is not allowed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { deliverDueEvents, expireOldEvents } from '../../src/pipeline/event-delivery.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

describe(`event delivery (${engine})`, () => {
  let t: TestContext;
  let clock = new Date();
  const admin = crypto.randomUUID();
  const otherAdmin = crypto.randomUUID();
  let firm: string;
  let otherFirm: string;
  let token: string;
  let otherToken: string;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await createTestContext({
      now: () => clock,
      config: { WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_TIMEOUT_MS: 1_000, WEBHOOK_DISPATCH_BUDGET_MS: 5_000 },
    });
    firm = await seedFirmEverywhere(t.services.db, admin, 'SICEV1');
    otherFirm = await seedFirmEverywhere(t.services.db, otherAdmin, 'SICEV2');
    // The seed's endpoints point nowhere reachable; these tests register their own.
    await t.services.db.query('delete from public.webhook_endpoints');
    token = await t.token(admin);
    otherToken = await t.token(otherAdmin);
  });
  afterEach(async () => {
    await t.services.db.query('delete from public.webhook_endpoints');
    // Back to pending with no endpoint listening (no event), so each test's first change is one.
    await asService(t.services.db, (tx) => tx.query(`update public.entries set status = 'pending', status_message = null`));
    for (const r of receivers.splice(0)) await r.close();
    Object.assign(t.services.config, { WEBHOOK_ALLOW_PRIVATE: true, WEBHOOK_ENDPOINT_RATE: 20, WEBHOOK_ENDPOINT_CONCURRENCY: 4 });
  });
  afterAll(() => t?.close());

  async function endpoint(who: 'admin' | 'other' = 'admin', body: Record<string, unknown> = {}) {
    const r = await startReceiver();
    receivers.push(r);
    const res = await t.call('POST', `/v1/firms/${who === 'admin' ? firm : otherFirm}/webhooks`, {
      token: who === 'admin' ? token : otherToken,
      body: { url: r.url, ...body },
    });
    expect(res.status, res.text).toBe(201);
    r.secrets.push(res.body.secret);
    return { r, id: res.body.id as string, secret: res.body.secret as string };
  }
  /** A change the hub hears of: the firm's entry moves to `status` (as the pipeline would, as the service). */
  const change = (status: string, firmId = firm) =>
    asService(t.services.db, (tx) =>
      tx.query(`update public.entries set status = $2::public.entry_status, status_message = null where firm_id = $1`, [firmId, status]),
    );
  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  const deliveries = async (id: string, firmId = firm) =>
    (await t.call('GET', `/v1/firms/${firmId}/webhooks/${id}/deliveries`, { token: firmId === firm ? token : otherToken })).body.items;

  it('delivers a change, signed (verified with standardwebhooks), with what the hub needs', async () => {
    const { r } = await endpoint();
    await change('posted');
    const report = await deliverDueEvents(t.services);
    expect(report).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.received).toHaveLength(1);
    expect(r.unverified).toBe(0);
    const got = r.received[0]!;
    expect(got.verifiedWith).toEqual([0]);
    expect(got.body).toMatchObject({
      type: 'entry.posted',
      id: got.id,
      firmId: firm,
      data: { externalId: 'ext-1', status: 'posted', previousStatus: 'pending' },
    });
    expect(got.id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(typeof got.body.sequence).toBe('number');
    // Nothing left to deliver.
    expect((await deliverDueEvents(t.services)).attempted).toBe(0);
  });

  it('a later change of the same object has a larger sequence', async () => {
    const { r } = await endpoint();
    await change('sent');
    await change('posted');
    await deliverDueEvents(t.services);
    const [a, b] = r.received.map((x) => x.body).sort((x, y) => x.sequence - y.sequence);
    expect([a!.type, b!.type]).toEqual(['entry.sent', 'entry.posted']);
    expect(b!.sequence).toBeGreaterThan(a!.sequence);
  });

  it('retries keep the webhook-id: a 500, a reset and a timeout, then delivered; each attempt is listed', async () => {
    const { r, id } = await endpoint();
    r.script.push({ status: 500 }, { reset: true }, { hang: true });
    await change('sent');
    await deliverDueEvents(t.services);
    for (let i = 0; i < 3; i++) {
      later(60 * 60_000 * 3);
      await deliverDueEvents(t.services);
    }
    expect(r.received.map((x) => x.answered)).toEqual([500, 'reset', 'hang', 204]);
    expect(new Set(r.received.map((x) => x.id)).size).toBe(1);
    expect(r.unverified).toBe(0);
    const [d] = await deliveries(id);
    expect(d).toMatchObject({ state: 'succeeded', eventType: 'entry.sent', nextRetryAt: null });
    expect(d.attempts.map((a: { statusCode: number | null }) => a.statusCode)).toEqual([500, null, null, 204]);
    expect(d.attempts[2].error).toMatch(/No answer within 1000 ms/);
    expect(d.attempts[0].nextRetryAt).not.toBeNull();
  });

  it('follows the schedule with jitter (about 5 s after a first failure), and honours Retry-After on 429 and 503', async () => {
    const { r, id } = await endpoint();
    r.script.push({ status: 500 }, { status: 429, headers: { 'retry-after': '600' } }, { status: 503, headers: { 'retry-after': '900' } });
    await change('failed_check');
    const t0 = clock.getTime();
    await deliverDueEvents(t.services);
    let [d] = await deliveries(id);
    const first = Date.parse(d.nextRetryAt) - t0;
    expect(first).toBeGreaterThanOrEqual(4_000);
    expect(first).toBeLessThanOrEqual(6_000);
    later(6_000);
    await deliverDueEvents(t.services);
    [d] = await deliveries(id);
    expect(Date.parse(d.nextRetryAt) - clock.getTime()).toBeGreaterThanOrEqual(600_000); // not the schedule's 5 minutes
    later(300_000 + 1_000); // the schedule's time, but before Retry-After
    expect((await deliverDueEvents(t.services)).attempted).toBe(0);
    later(300_000);
    await deliverDueEvents(t.services);
    [d] = await deliveries(id);
    expect(Date.parse(d.nextRetryAt) - clock.getTime()).toBeGreaterThanOrEqual(1_800_000 - 180_000); // 30 min ± jitter beats 900 s
    expect(r.received.map((x) => x.answered)).toEqual([500, 429, 503]);
  });

  it('410 Gone disables the endpoint with the reason; later changes are not sent to it', async () => {
    const { r, id } = await endpoint();
    r.script.push({ status: 410 });
    await change('sent');
    await deliverDueEvents(t.services);
    const ep = await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token });
    expect(ep.body).toMatchObject({ enabled: false });
    expect(ep.body.disabledReason).toMatch(/410 Gone/);
    await change('posted');
    later(60_000);
    expect((await deliverDueEvents(t.services)).attempted).toBe(0);
    expect(r.received).toHaveLength(1);
    // Enabled again by an administrator: the reason goes, new changes are delivered.
    const on = await t.call('PATCH', `/v1/firms/${firm}/webhooks/${id}`, { token, body: { enabled: true } });
    expect(on.body).toMatchObject({ enabled: true, disabledReason: null });
    await change('pending');
    await deliverDueEvents(t.services);
    expect(r.received.at(-1)!.body.type).toBe('entry.pending');
  });

  it('an endpoint failing without a success for 5 days is disabled, saying so', async () => {
    const { r, id } = await endpoint();
    r.otherwise = { status: 500 };
    await change('sent');
    await deliverDueEvents(t.services);
    for (const step of [3_600_000 * 30, 3_600_000 * 30, 3_600_000 * 30, 3_600_000 * 30]) {
      later(step);
      await deliverDueEvents(t.services);
    }
    const ep = (await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token })).body;
    expect(ep.enabled).toBe(false);
    expect(ep.disabledReason).toMatch(/No delivery succeeded for 5 days/);
    expect((await deliveries(id))[0].state).toBe('failed');
  });

  it('after a rotation both secrets sign until the overlap ends, then only the new one', async () => {
    const { r, id } = await endpoint();
    const rotated = await t.call('POST', `/v1/firms/${firm}/webhooks/${id}/rotate-secret`, { token });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(r.secrets[0]);
    r.secrets.push(rotated.body.secret);
    await change('sent');
    await deliverDueEvents(t.services);
    expect(r.received[0]!.signatures).toHaveLength(2);
    expect(r.received[0]!.verifiedWith).toEqual([0, 1]);
    later((t.services.config.WEBHOOK_SECRET_OVERLAP_HOURS + 1) * 3_600_000);
    await change('posted');
    await deliverDueEvents(t.services);
    expect(r.received[1]!.signatures).toHaveLength(1);
    expect(r.received[1]!.verifiedWith).toEqual([1]);
  });

  it("a slow receiver holds only its own slots: another firm's event is delivered meanwhile", async () => {
    const slow = await endpoint('admin');
    slow.r.otherwise = { hang: true };
    const fast = await endpoint('other');
    for (const s of ['sent', 'posted', 'pending', 'sent', 'posted', 'pending']) await change(s);
    await change('sent', otherFirm);
    const started = Date.now();
    const report = await deliverDueEvents(t.services);
    expect(fast.r.received).toHaveLength(1);
    expect(fast.r.received[0]!.at - started).toBeLessThan(900); // before the first slow request timed out
    // The slow endpoint had no more than its own cap in flight when the other firm's event went out.
    expect(slow.r.received.filter((x) => x.at <= fast.r.received[0]!.at).length).toBeLessThanOrEqual(
      t.services.config.WEBHOOK_ENDPOINT_CONCURRENCY,
    );
    expect(report.delivered).toBe(1);
  });

  it('keeps each endpoint within its rate', async () => {
    Object.assign(t.services.config, { WEBHOOK_ENDPOINT_RATE: 10, WEBHOOK_ENDPOINT_CONCURRENCY: 2 });
    const { r } = await endpoint();
    for (let i = 0; i < 7; i++) await change(i % 2 ? 'sent' : 'posted');
    await deliverDueEvents(t.services);
    expect(r.received).toHaveLength(7);
    // A burst of 2, then 10 a second: the 7th at least 0.5 s after the first.
    expect(r.received.at(-1)!.at - r.received[0]!.at).toBeGreaterThanOrEqual(400);
  });

  it('refuses, at delivery, an address that is not allowed (checked against the address connected to): once, terminal, the endpoint disabled saying why', async () => {
    const { r, id } = await endpoint();
    t.services.config.WEBHOOK_ALLOW_PRIVATE = false;
    await change('sent');
    expect(await deliverDueEvents(t.services)).toMatchObject({ attempted: 1, failed: 1, retrying: 0, disabled: 1 });
    expect(r.received).toHaveLength(0);
    const [d] = await deliveries(id);
    expect(d.state).toBe('failed');
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0].error).toMatch(/loopback, private, link-local or metadata/);
    const ep = (await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token })).body;
    expect(ep.enabled).toBe(false);
    expect(ep.disabledReason).toMatch(/URL was refused .*loopback/);
    // Not retried: days later nothing more is attempted and nothing is sent.
    later(3 * 86_400_000);
    expect((await deliverDueEvents(t.services)).attempted).toBe(0);
    expect((await deliveries(id))[0].attempts).toHaveLength(1);
  });

  it('a name that does not resolve is a failed attempt retried on the schedule, not a refusal', async () => {
    const { id } = await endpoint();
    await asService(t.services.db, (tx) =>
      tx.query(`update public.webhook_endpoints set url = 'http://no-such-host.invalid/x' where id = $1`, [id]),
    );
    await change('sent');
    expect(await deliverDueEvents(t.services)).toMatchObject({ attempted: 1, retrying: 1, disabled: 0 });
    const ep = (await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token })).body;
    expect(ep.enabled).toBe(true);
  });

  it('re-checks the URL form at delivery: credentials, and http in production, are refused before any request, and end the delivery', async () => {
    const { r, id } = await endpoint();
    // A URL written past the API (as the table's old grants let an administrator do).
    await asService(t.services.db, (tx) =>
      tx.query('update public.webhook_endpoints set url = $2 where id = $1', [id, r.url.replace('http://', 'http://user:pw@')]),
    );
    await change('sent');
    await deliverDueEvents(t.services);
    expect(r.received).toHaveLength(0);
    let [d] = await deliveries(id);
    expect(d.state).toBe('failed');
    expect(d.attempts[0].error).toMatch(/may not carry a user name or password/);
    expect((await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token })).body.disabledReason).toMatch(/user name or password/);
    // http in production (WEBHOOK_ALLOW_PRIVATE off): refused by its form, not tried.
    await asService(t.services.db, (tx) =>
      tx.query(`update public.webhook_endpoints set url = 'http://93.184.215.14/x', enabled = true, disabled_reason = null where id = $1`, [
        id,
      ]),
    );
    t.services.config.WEBHOOK_ALLOW_PRIVATE = false;
    t.services.config.NODE_ENV = 'production';
    try {
      later(60 * 60_000);
      await change('posted');
      await deliverDueEvents(t.services);
    } finally {
      t.services.config.NODE_ENV = 'test';
    }
    [d] = await deliveries(id);
    expect(d.attempts[0].error).toMatch(/Only https/);
    expect((await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token })).body.enabled).toBe(false);
  });

  it('an endpoint whose secret cannot be opened: a failed attempt saying so (no secret in it), retried on the schedule, the endpoint failing', async () => {
    const { r, id } = await endpoint();
    await asService(t.services.db, (tx) =>
      tx.query(`update public.webhook_endpoints set secret_ciphertext = 'not.sealed', secret_key_id = 'gone' where id = $1`, [id]),
    );
    await change('sent');
    const report = await deliverDueEvents(t.services);
    expect(report).toMatchObject({ attempted: 1, retrying: 1 });
    expect(r.received).toHaveLength(0);
    const [d] = await deliveries(id);
    expect(d).toMatchObject({ state: 'pending' });
    expect(d.attempts).toHaveLength(1);
    expect(d.attempts[0].error).toMatch(/signing secret could not be opened/);
    expect(d.attempts[0].error).not.toContain('not.sealed');
    expect(Date.parse(d.nextRetryAt)).toBeGreaterThan(clock.getTime());
    const ep = await t.call('GET', `/v1/firms/${firm}/webhooks/${id}`, { token });
    expect(ep.body.failingSince).not.toBeNull();
    // A rotation mends it: the new secret signs alone (the broken previous one is left out).
    const rotated = await t.call('POST', `/v1/firms/${firm}/webhooks/${id}/rotate-secret`, { token });
    expect(rotated.status, rotated.text).toBe(200);
    r.secrets.push(rotated.body.secret);
    later(60 * 60_000);
    await deliverDueEvents(t.services);
    expect(r.received).toHaveLength(1);
    expect(r.received[0]!.verifiedWith).toEqual([1]);
  });

  it('the test button sends a ping; redeliver sends an event again under the same webhook-id', async () => {
    const { r, id } = await endpoint();
    const ping = await t.call('POST', `/v1/firms/${firm}/webhooks/${id}/test`, { token });
    expect(ping.status, ping.text).toBe(202);
    await deliverDueEvents(t.services);
    expect(r.received[0]!.body).toMatchObject({ type: 'webhook.ping', id: ping.body.eventId, data: { endpointId: id } });
    await change('posted');
    await deliverDueEvents(t.services);
    const eventId = r.received[1]!.id;
    const again = await t.call('POST', `/v1/firms/${firm}/events/${eventId}/redeliver`, { token, body: {} });
    expect(again.status, again.text).toBe(202);
    expect(again.body.deliveries).toBe(1);
    await deliverDueEvents(t.services);
    expect(r.received.map((x) => x.id)).toEqual([ping.body.eventId, eventId, eventId]);
    expect(r.unverified).toBe(0);
  });

  it('retention removes events and deliveries past their time', async () => {
    await endpoint();
    await change('sent');
    await deliverDueEvents(t.services);
    const count = async () =>
      (await t.services.db.query<{ n: number }>('select count(*)::int as n from public.webhook_deliveries where firm_id = $1', [firm]))
        .rows[0]!.n;
    expect(await count()).toBeGreaterThan(0);
    await expireOldEvents(t.services, new Date(Date.now() + (t.services.config.WEBHOOK_RETENTION_DAYS + 1) * 86_400_000));
    expect(await count()).toBe(0);
  });
});
