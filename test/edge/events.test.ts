// The Edge Function under the real Deno delivers events from its tick: an endpoint registered
// through the function, a ping and an entry's change delivered to a loopback receiver that verifies
// every signature with `standardwebhooks`, a failed attempt retried by a later tick under the same id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { mintToken } from '../../src/lib/auth.ts';
import { randomKeySpec } from '../../src/lib/secret-box.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { denoUnavailable, startFunction, type RunningFunction } from '../support/deno.ts';
import { startReceiver, type Receiver } from '../support/receiver.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

const why = !process.env.DATABASE_URL ? 'needs a real Postgres (runs in the DATABASE_URL pass)' : denoUnavailable();
if (why) console.warn(`[skipped] events from the Edge Function under Deno: ${why}`);

describe.skipIf(why)("events delivered by the Edge Function's tick, under Deno (postgres)", () => {
  const CRON_SECRET = `cron-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const JWT_SECRET = `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const admin = crypto.randomUUID();
  let database: TestDatabase;
  let fn: RunningFunction;
  let receiver: Receiver;
  let token: string;
  let firm: string;

  beforeAll(async () => {
    database = await freshDatabase();
    firm = await seedFirmEverywhere(database.db, admin, 'SICFN1');
    await database.db.query('delete from public.webhook_endpoints');
    receiver = await startReceiver();
    fn = await startFunction({
      SUPABASE_DB_URL: database.url!,
      SECRETS_KEYS: randomKeySpec('fn1'),
      JWT_SECRET,
      CRON_SECRET,
      CPA_BASE_URL: 'http://127.0.0.1:9/cpa',
      CFE_BASE_URL: 'http://127.0.0.1:9/cfe',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: '2000',
      LOG_LEVEL: 'warn',
    });
    token = await mintToken({ secret: JWT_SECRET, sub: admin, expiresIn: '1h' });
  }, 180_000);
  afterAll(async () => {
    await fn?.stop();
    await receiver?.close();
    await database?.drop();
  });

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(`${fn.url}/quadra-sync${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : undefined, text };
  };
  const tick = async () => {
    const r = await call('POST', '/v1/jobs/tick', {}, { 'x-cron-secret': CRON_SECRET, authorization: '' });
    expect(r.status, r.text).toBe(200);
    return r.body as { queues: Record<string, { completed: number; failed: number }> };
  };

  it("a ping and an entry's change, signed and verified; a failed attempt retried by a later tick under the same id", async () => {
    const created = await call('POST', `/v1/firms/${firm}/webhooks`, { url: receiver.url, description: 'hub' });
    expect(created.status, created.text).toBe(201);
    receiver.secrets.push(created.body.secret);
    expect((await call('POST', `/v1/firms/${firm}/webhooks/${created.body.id}/test`)).status).toBe(202);
    receiver.script.push({ status: 503, headers: { 'retry-after': '1' } }); // the ping's first attempt
    expect((await tick()).queues['deliver-events']).toMatchObject({ completed: 1, failed: 0 });
    expect(receiver.received.map((x) => `${x.body.type}:${x.answered}`)).toEqual(['webhook.ping:503']);

    await asService(database.db, (tx) => tx.query(`update public.entries set status = 'posted' where firm_id = $1`, [firm]));
    // The ping's retry comes due (5 s ± 1 s) and the dispatcher's next run is at its next poll slot
    // (5 to 10 s after the first): later ticks, as pg_cron's would be, until both are delivered.
    await new Promise((r) => setTimeout(r, 5_500));
    for (let i = 0; i < 8; i++) {
      await tick();
      const seen = receiver.received.map((x) => `${x.body.type}:${x.answered}`);
      if (seen.includes('entry.posted:204') && seen.includes('webhook.ping:204')) break;
      await new Promise((r) => setTimeout(r, 1_500));
    }
    const types = receiver.received.map((x) => `${x.body.type}:${x.answered}`);
    expect(types).toEqual(expect.arrayContaining(['webhook.ping:503', 'entry.posted:204', 'webhook.ping:204']));
    expect(receiver.unverified).toBe(0);
    const pings = receiver.received.filter((x) => x.body.type === 'webhook.ping');
    expect(new Set(pings.map((x) => x.id)).size).toBe(1);
    expect(receiver.received.find((x) => x.body.type === 'entry.posted')!.body.data).toMatchObject({
      externalId: 'ext-1',
      status: 'posted',
    });
    const deliveries = await call('GET', `/v1/firms/${firm}/webhooks/${created.body.id}/deliveries`);
    expect(deliveries.body.items.map((d: { state: string }) => d.state)).toEqual(['succeeded', 'succeeded']);
  }, 60_000);
});
