// The Edge Function under the real Deno against a real Postgres: the whole path through it, with
// ticks in place of workers: push → tick (deposit to the simulator) → open the dossier → tick
// (verification) → posted. And it answers every route of the OpenAPI document the Node app answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomKeySpec } from '../../src/lib/secret-box.ts';
import { mintToken } from '../../src/lib/auth.ts';
import { operationalGauges } from '../../src/db/repos/metrics.ts';
import { DEMO_FIRM, startSimulator, type RunningSimulator } from '../../src/sim/index.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { freshDatabase, type TestDatabase } from '../support/db.ts';
import { denoUnavailable, startFunction, type RunningFunction } from '../support/deno.ts';

const why = !process.env.DATABASE_URL ? 'needs a real Postgres (runs in the DATABASE_URL pass)' : denoUnavailable();
if (why) console.warn(`[skipped] Edge Function under Deno: ${why}`);

describe.skipIf(why)('the Edge Function under Deno (postgres)', () => {
  const CRON_SECRET = `cron-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const JWT_SECRET = `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  const METRICS_TOKEN = `metrics-${crypto.randomUUID()}`;
  let database: TestDatabase;
  let sim: RunningSimulator;
  let fn: RunningFunction;
  let token: string;

  beforeAll(async () => {
    database = await freshDatabase();
    sim = await startSimulator();
    fn = await startFunction({
      SUPABASE_DB_URL: database.url!,
      CPA_BASE_URL: sim.cpaBaseUrl,
      CFE_BASE_URL: sim.cfeBaseUrl,
      SECRETS_KEYS: randomKeySpec('fn1'),
      JWT_SECRET,
      CRON_SECRET,
      METRICS_TOKEN,
      // Verification due 3 s after the send, so the second tick is "12 hours later" (the import grace
      // period plays no part in it; 3 minutes is the least the default 180 s deposit lease allows).
      VERIFY_AFTER_HOURS: String(3 / 3600),
      IMPORT_GRACE_MINUTES: '3',
      LOG_LEVEL: 'warn',
    });
    token = await mintToken({ secret: JWT_SECRET, sub: crypto.randomUUID(), expiresIn: '1h' });
  }, 180_000);
  afterAll(async () => {
    await fn?.stop();
    // Stopped twice (as bench:night does, with its mode then in its clean-up): the second returns too.
    await fn?.stop();
    await sim?.stop();
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
    // The tick fanned out: its own worker and 3 more (TICK_WORKERS, 4 on the function), each reached over HTTP and within its CPU
    // budget (a worker stopped by it with work left is followed by another: 4 requests or more).
    const workers = r.body.workers as Array<{ error?: string; cpuMs?: number }>;
    expect(workers.length).toBeGreaterThanOrEqual(4);
    expect(workers.map((w) => w.error ?? 'ok')).toEqual(workers.map(() => 'ok'));
    return r.body as { queues: Record<string, { completed: number; failed: number }>; stoppedBy: string };
  };

  it('push → tick (deposit) → open the dossier → tick (verification) → posted', async () => {
    expect((await call('GET', '/health')).body).toMatchObject({ status: 'ok', engine: 'postgres' });
    const firm = await call('POST', '/v1/firms', { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic });
    expect(firm.status, firm.text).toBe(201);
    const conn = await call('PUT', `/v1/firms/${firm.body.id}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    expect(conn.body.status, conn.text).toBe('connected');
    expect((await call('POST', `/v1/firms/${firm.body.id}/reference-sync`)).status).toBe(202);
    // The first tick also fires the schedules' due slots (the nightly reference refresh among them).
    expect((await tick()).queues['reference-sync']).toMatchObject({ failed: 0 });
    const files = (await call('GET', `/v1/firms/${firm.body.id}/files`)).body.files as Array<{ id: string; dossierCode: string }>;
    const file = files.find((f) => f.dossierCode === 'BOULANG')!.id;

    const today = new Date().toISOString().slice(0, 10);
    const pushed = await call(
      'POST',
      `/v1/files/${file}/entries`,
      {
        entries: [
          {
            externalId: 'FN-1',
            kind: 'purchase',
            journalCode: 'AC',
            date: today,
            label: 'Moulins de Savoie',
            lines: [
              { account: '60700000', debit: 10_000, credit: 0 },
              { account: 'FMOULIN', debit: 0, credit: 10_000 },
            ],
          },
        ],
      },
      { 'idempotency-key': 'fn-smoke-1' },
    );
    expect(pushed.status, pushed.text).toBe(202);
    const entryId = pushed.body.entries[0].id as string;

    expect((await call('POST', `/v1/files/${file}/sync`)).status).toBe(202);
    expect((await tick()).queues['send-file']).toEqual({ completed: 1, failed: 0 });
    expect((await call('GET', `/v1/entries/${entryId}`)).body.status).toBe('sent');

    await fetch(`${sim.url}/_control/dossiers/${DEMO_FIRM.sic}/BOULANG/open`, { method: 'POST' });
    await new Promise((r) => setTimeout(r, 3_500)); // the verification comes due
    expect((await tick()).queues['verify-deposit']).toEqual({ completed: 1, failed: 0 });
    const posted = await call('GET', `/v1/entries/${entryId}`);
    expect(posted.body.status, posted.text).toBe('posted');
  });

  it('answers every route of the OpenAPI document as the Node app does', async () => {
    let node: TestContext | undefined;
    try {
      node = await createTestContext({ config: { CRON_SECRET } });
      node.services.tick = () => {
        throw new Error('never reached without the secret');
      };
      const doc = (await node.call('GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
      const fnDoc = (await call('GET', '/openapi.json')).body as typeof doc;
      expect(Object.keys(fnDoc.paths).sort()).toEqual(Object.keys(doc.paths).sort());
      const routes: string[] = [];
      for (const [path, methods] of Object.entries(doc.paths)) {
        const concrete = path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000');
        for (const method of Object.keys(methods)) {
          const viaNode = await node.call(method.toUpperCase(), concrete);
          const viaFn = await fetch(`${fn.url}/quadra-sync${concrete}`, { method: method.toUpperCase() });
          const fnBody = (await viaFn.json().catch(() => undefined)) as { error?: { code?: string } } | undefined;
          // Unauthenticated: the same status and error code from both (never "no such route").
          expect([`${method} ${path}`, viaFn.status, fnBody?.error?.code]).toEqual([
            `${method} ${path}`,
            viaNode.status,
            viaNode.body?.error?.code,
          ]);
          expect(fnBody?.error?.code).not.toBe('not_found');
          routes.push(`${method} ${path}`);
        }
      }
      expect(routes).toContain('post /v1/jobs/tick');
    } finally {
      await node?.close();
    }
  });

  it('answers GET /metrics (prom-client loaded on the first scrape) with the database gauges', async () => {
    expect((await fetch(`${fn.url}/quadra-sync/metrics`)).status).toBe(401);
    const r = await fetch(`${fn.url}/quadra-sync/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    const text = await r.text();
    expect(r.status, text).toBe(200);
    const g = await operationalGauges(database.db);
    expect(g.entries.posted).toBeGreaterThan(0);
    for (const [status, n] of Object.entries(g.entries)) expect(text).toContain(`quadra_sync_entries{status="${status}"} ${n}\n`);
    expect(text).toMatch(/quadra_sync_jobs\{queue="send-file",state="created"\} \d+\n/);
    // The function keeps no process counters: its instances come and go.
    expect(text).not.toContain('quadra_sync_http_requests_total');
  });
});
