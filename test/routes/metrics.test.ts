// GET /metrics scraped as Prometheus would, and read with a Prometheus text parser: the database
// gauges are the real counts of a seeded database, two app instances on one database answer the
// same gauges, the process's own counters carry route patterns and bounded Cegid operations, and
// the token is asked for.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { openPostgres } from '../../src/db/database.ts';
import { asService } from '../../src/db/scoped.ts';
import { startBoss } from '../../src/jobs/boss.ts';
import { createQueues } from '../../src/jobs/index.ts';
import { createProcessMetrics, type ProcessMetrics } from '../../src/lib/metrics.ts';
import { cegidClients } from '../../src/quadra/gateway.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

const TOKEN = `metrics-${crypto.randomUUID()}`;

interface Sample {
  labels?: Record<string, string>;
  value?: string;
}
interface Family {
  name: string;
  type: string;
  metrics: Sample[];
}

/**
 * Every counter and gauge sample of the scrape as `name{label="v",...}` → value. Histograms are
 * left aside: this parser folds a histogram's label sets into one (it keeps buckets of the last).
 */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of parsePrometheusTextFormat(text) as Family[]) {
    for (const m of f.metrics) {
      if (m.value === undefined) continue;
      const labels = Object.entries(m.labels ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      out.set(labels ? `${f.name}{${labels}}` : f.name, Number(m.value));
    }
  }
  return out;
}

let t: TestContext;
let boss: PgBoss;
let metrics: ProcessMetrics;
let firms: string[];

async function scrape(app = t.app, token: string | null = TOKEN) {
  const res = await app.request('/metrics', token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

beforeAll(async () => {
  t = await createTestContext({ config: { METRICS_TOKEN: TOKEN } });
  boss = await startBoss(t.services.db, { url: t.database.url, log: t.services.log, schedule: false });
  await createQueues(boss);
  const db = t.services.db;
  firms = [];
  for (const sic of ['11111111', '22222222', '33333333']) firms.push(await seedFirmEverywhere(db, crypto.randomUUID(), sic));
  await asService(db, async (tx) => {
    // One file waiting an hour for its dossier to be opened, one endpoint disabled, one delivery
    // tried twice and still pending, one firm paused by Cegid (and one whose pause is over).
    await tx.query(`update client_files set waiting_open_since = now() - interval '1 hour' where firm_id = $1`, [firms[0]]);
    await tx.query(`update webhook_endpoints set enabled = false, disabled_reason = 'test' where firm_id = $1`, [firms[1]]);
    await tx.query(`update webhook_deliveries set attempts = 2 where firm_id = $1`, [firms[2]]);
    await tx.query(`update entries set status = 'sent', sent_at = now() - interval '2 hours' where firm_id = $1`, [firms[2]]);
  });
  await db.query(
    `insert into private.cegid_pauses (firm_id, paused_until) values ($1, now() + interval '10 minutes'), ($2, now() - interval '1 minute')`,
    [firms[0], firms[1]],
  );
  // Jobs: two due (one for ten minutes), one for later.
  await boss.send('send-file', { fileId: crypto.randomUUID() }, { startAfter: new Date(Date.now() - 600_000) });
  await boss.send('send-file', { fileId: crypto.randomUUID() });
  await boss.send('night-file', { fileId: crypto.randomUUID() }, { startAfter: new Date(Date.now() + 3_600_000) });
  metrics = createProcessMetrics();
}, 120_000);

afterAll(async () => {
  metrics?.stop();
  await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
  await t?.close();
});

describe('GET /metrics', () => {
  it('answers the text format, whose gauges are the real counts of the database', async () => {
    const r = await scrape();
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const s = samples(r.text);
    // Independently counted, table by table.
    const count = async (sql: string) => Number((await t.services.db.query<{ n: number }>(sql)).rows[0]!.n);
    for (const st of ['pending', 'sent', 'posted', 'failed_check'])
      expect(s.get(`quadra_sync_entries{status="${st}"}`), st).toBe(
        await count(`select count(*)::int as n from entries where status = '${st}'`),
      );
    expect(s.get('quadra_sync_entries{status="pending"}')).toBe(2);
    expect(s.get('quadra_sync_entries{status="sent"}')).toBe(1);
    for (const st of ['preparing', 'uploaded', 'replacing', 'replaced', 'imported', 'failed', 'unconfirmed'])
      expect(s.get(`quadra_sync_deposits{state="${st}"}`), st).toBe(
        await count(`select count(*)::int as n from deposits where status = '${st}'`),
      );
    expect(s.get('quadra_sync_deposits{state="uploaded"}')).toBe(3);
    expect(s.get('quadra_sync_entry_oldest_waiting_seconds{status="sent"}')).toBeGreaterThanOrEqual(7_200);
    expect(s.get('quadra_sync_entry_oldest_waiting_seconds{status="sent"}')).toBeLessThan(7_300);
    expect(s.get('quadra_sync_entry_oldest_waiting_seconds{status="failed_check"}')).toBe(0);
    expect(s.get('quadra_sync_files_waiting_open')).toBe(1);
    expect(s.get('quadra_sync_file_waiting_open_oldest_seconds')).toBeGreaterThanOrEqual(3_600);
    expect(s.get('quadra_sync_webhook_deliveries{state="pending"}')).toBe(
      await count(`select count(*)::int as n from webhook_deliveries where state = 'pending'`),
    );
    expect(s.get('quadra_sync_webhook_deliveries{state="failing"}')).toBe(1); // the delivery tried twice
    expect(s.get('quadra_sync_webhook_endpoints{state="disabled"}')).toBe(1);
    expect(s.get('quadra_sync_cegid_paused_firms')).toBe(1);
    const left = s.get(`quadra_sync_cegid_firm_paused_seconds{firm_id="${firms[0]}"}`)!;
    expect(left).toBeGreaterThan(500);
    expect(left).toBeLessThanOrEqual(600);
    expect([...s.keys()].filter((k) => k.startsWith('quadra_sync_cegid_firm_paused_seconds'))).toHaveLength(1);
    // pg-boss: every queue with every live state, and the oldest due job's age.
    expect(s.get('quadra_sync_jobs{queue="send-file",state="created"}')).toBe(2);
    expect(s.get('quadra_sync_jobs{queue="night-file",state="created"}')).toBe(1);
    expect(s.get('quadra_sync_jobs{queue="verify-deposit",state="failed"}')).toBe(0);
    expect(s.get('quadra_sync_job_oldest_due_seconds{queue="send-file"}')).toBeGreaterThanOrEqual(600);
    expect(s.get('quadra_sync_job_oldest_due_seconds{queue="night-file"}')).toBe(0); // not due yet
  });

  it('answers the same gauges from two app instances on one database', async () => {
    // On Postgres the second instance has its own pool, as another replica would.
    const otherDb = engine === 'postgres' ? openPostgres(t.database.url!, 2) : t.services.db;
    try {
      const other = createApp({ ...t.services, db: otherDb, metrics: createProcessMetrics() });
      const [a, b] = await Promise.all([scrape(), scrape(other)]);
      const sa = samples(a.text);
      const sb = samples(b.text);
      const gauges = [...sa.keys()].filter((k) => !/^quadra_sync_(http|cegid_call|deposits_made)/.test(k));
      expect(gauges.length).toBeGreaterThan(40);
      for (const k of gauges) {
        // Ages move with the clock between the two reads; counts do not.
        if (/seconds/.test(k)) expect(Math.abs(sb.get(k)! - sa.get(k)!), k).toBeLessThan(5);
        else expect(sb.get(k), k).toBe(sa.get(k));
      }
      expect(gauges.sort()).toEqual([...sb.keys()].filter((k) => !/^quadra_sync_(http|cegid_call|deposits_made)/.test(k)).sort());
    } finally {
      if (otherDb !== t.services.db) await otherDb.close();
    }
  });

  it('adds the process counters: HTTP requests by route pattern, Cegid calls by bounded operation and outcome', async () => {
    const app = createApp({ ...t.services, metrics });
    const token = await t.token(crypto.randomUUID());
    for (const id of [crypto.randomUUID(), crypto.randomUUID()])
      await app.request(`/v1/files/${id}/entries`, { headers: { authorization: `Bearer ${token}` } });
    // A Cegid stand-in over real HTTP: a token, then a 429 for the dossiers.
    const server: Server = createServer((req, res) => {
      if (req.url?.endsWith('/token')) {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ access_token: 'tok', expires_in: 3600, token_type: 'Bearer' }));
      } else res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '0' }).end('{"code":"TooMany","message":"slow down"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/cpa`;
      const clients = cegidClients(
        { cpaBaseUrl: base, cfeBaseUrl: base.replace('/cpa', '/cfe'), timeoutMs: 2_000, maxAttempts: 1 },
        { sicCode: '11111111', cpa: { apiKey: 'k', secret: 's' }, cfe: { apiKey: 'k', secret: 's' } },
      );
      await expect(clients.cpa.listDossiers()).rejects.toThrow(/429/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
    const text = (await scrape(app)).text;
    const s = samples(text);
    expect(s.get('quadra_sync_http_requests_total{method="GET",ok="false",route="/v1/files/:fileId/entries",status="404"}')).toBe(2);
    expect([...s.keys()].filter((k) => /http_requests_total.*[0-9a-f]{8}-[0-9a-f]{4}/.test(k))).toEqual([]);
    expect(s.get('quadra_sync_cegid_calls_total{operation="token",outcome="ok",service="cpa"}')).toBe(1);
    expect(s.get('quadra_sync_cegid_calls_total{operation="dossiers",outcome="rate_limited",service="cpa"}')).toBe(1);
    const families = parsePrometheusTextFormat(text) as Family[];
    expect(families.find((f) => f.name === 'quadra_sync_cegid_call_duration_seconds')?.type).toBe('HISTOGRAM');
    expect(text).toContain('quadra_sync_cegid_call_duration_seconds_count{service="cpa",operation="dossiers",outcome="rate_limited"} 1\n');

    // docs/operations.md names every metric; the alert rules and the dashboard name only real ones.
    const names = new Set(families.map((f) => f.name));
    const doc = readFileSync(new URL('../../docs/operations.md', import.meta.url), 'utf8');
    for (const n of names) expect(doc, n).toContain(`\`${n.replace(/^quadra_sync_/, '')}\``);
    for (const file of ['prometheus-alerts.yml', 'grafana-dashboard.json']) {
      const used = readFileSync(new URL(`../../docs/${file}`, import.meta.url), 'utf8').match(/quadra_sync_\w+/g) ?? [];
      expect(used.length, file).toBeGreaterThan(10);
      for (const u of used) expect(names.has(u.replace(/_bucket$/, '')), `${file}: ${u}`).toBe(true);
    }
  });

  it('asks for METRICS_TOKEN as a bearer token', async () => {
    const none = await scrape(t.app, null);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text).error.code).toBe('unauthorized');
    const wrong = await scrape(t.app, `${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.text).error.code).toBe('invalid_metrics_token');
    // A user's access token is not the metrics token.
    expect((await scrape(t.app, await t.token(crypto.randomUUID()))).status).toBe(401);
    expect(wrong.text).not.toContain(TOKEN);
  });

  it('does not exist in production without METRICS_TOKEN, and is open on a developer machine', async () => {
    const prod = createApp({ ...t.services, config: { ...t.services.config, NODE_ENV: 'production', METRICS_TOKEN: undefined } });
    const r = await scrape(prod, null);
    expect(r.status).toBe(404);
    expect(JSON.parse(r.text).error.code).toBe('metrics_not_configured');
    const dev = createApp({ ...t.services, config: { ...loadConfig({ NODE_ENV: 'development' }), JWT_SECRET: t.jwtSecret } });
    expect((await scrape(dev, null)).status).toBe(200);
  });

  // Prometheus's own checker (Debian's prometheus package; .ci/run installs it).
  const promtool = spawnSync('promtool', ['--version']).status === 0;
  if (!promtool) console.warn('[skipped] promtool checks: promtool is not installed (apt-get install prometheus)');
  it.skipIf(!promtool)("passes promtool: the scrape's format, and docs/prometheus-alerts.yml's rules", async () => {
    // With the process's counters and histograms (the earlier test filled them).
    const { text } = await scrape(createApp({ ...t.services, metrics }));
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
    expect(lint.stdout + lint.stderr).toBe(''); // no lint remark either
    const rules = spawnSync('promtool', ['check', 'rules', new URL('../../docs/prometheus-alerts.yml', import.meta.url).pathname], {
      encoding: 'utf8',
    });
    expect(rules.status, rules.stdout + rules.stderr).toBe(0);
    expect(rules.stdout).toMatch(/SUCCESS: \d+ rules found/);
  });
});
