// `npm run soak:events`: outgoing events out of process, as an operator runs them. Its own Postgres
// cluster, the service as a child process (SIGKILLed at random and started again), ≥ 10,000 changes
// of entries made in the database as the pipeline makes them, and three loopback receivers that
// verify every signature with `standardwebhooks`: one healthy, two failing about 30 % of calls
// (500s, timeouts, resets, 429 with Retry-After), one of those down for a stretch and back. The
// retry schedule is compressed through configuration only (WEBHOOK_RETRY_SCALE). Prints events /
// delivered / lost / delivered under two different ids / p50 and p99 latency to the healthy
// receiver; exits 0 only when nothing is lost, no event came under two ids and every signature
// verified. Bounded: SOAK_EVENTS_MAX_MINUTES. BENCH_SMALL=1: a tiny run.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { mintToken } from '../../src/lib/auth.ts';
import { freePort } from '../../src/sim/azurite.ts';
import { createCluster } from './cluster.ts';
import { answers200, managedProcess } from './processes.ts';

const env = process.env;
const small = env.BENCH_SMALL === '1';
const num = (k: string, d: number) => (env[k] !== undefined && env[k] !== '' ? Number(env[k]) : d);
const EVENTS = num('SOAK_EVENTS', small ? 300 : 10_000);
const MAX_MS = num('SOAK_EVENTS_MAX_MINUTES', small ? 4 : 20) * 60_000;
const PRODUCE_MS = num('SOAK_EVENTS_PRODUCE_SECONDS', small ? 10 : 60) * 1000;
const KILLS = num('SOAK_EVENTS_KILLS', small ? 1 : 4);
const DOWN_MS = num('SOAK_EVENTS_DOWN_SECONDS', small ? 5 : 20) * 1000;
const FAIL = 0.3;
const TIMEOUT_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN;
};

interface Got {
  id: string;
  sequence: number;
  ok: boolean;
  latencyMs: number;
}
interface Receiver {
  name: string;
  url: string;
  got: Got[];
  unverified: number;
  secret: string;
  down(ms: number): Promise<void>;
  close(): Promise<void>;
}

async function receiver(name: string, failRate: number): Promise<Receiver> {
  const r: Receiver = { name, url: '', got: [], unverified: 0, secret: '', down: async () => {}, close: async () => {} };
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: { id: string; sequence: number; timestamp: string };
      try {
        body = new Webhook(r.secret).verify(raw, req.headers as Record<string, string>) as typeof body;
      } catch {
        r.unverified++;
        res.writeHead(401).end();
        return;
      }
      const x = Math.random();
      const record = (ok: boolean) =>
        r.got.push({
          id: String(req.headers['webhook-id']),
          sequence: body.sequence,
          ok,
          latencyMs: Date.now() - Date.parse(body.timestamp),
        });
      if (x >= failRate) {
        record(true);
        res.writeHead(204).end();
        return;
      }
      record(false);
      const kind = x / failRate;
      if (kind < 0.35) res.writeHead(500).end('boom');
      else if (kind < 0.55)
        setTimeout(() => res.writeHead(204).end(), TIMEOUT_MS + 1000); // too late: the service gave up
      else if (kind < 0.8) req.socket.destroy();
      else res.writeHead(429, { 'retry-after': '1' }).end();
    });
  };
  let server: Server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const port = (server.address() as AddressInfo).port;
  r.url = `http://127.0.0.1:${port}/events`;
  const close = () =>
    new Promise<void>((ok) => {
      server.closeAllConnections();
      server.close(() => ok());
    });
  r.close = close;
  r.down = async (ms) => {
    await close();
    await sleep(ms);
    server = createServer(handler);
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', () => ok()));
  };
  return r;
}

const dir = join(os.tmpdir(), `quadra-soak-events-${Date.now()}`);
mkdirSync(dir, { recursive: true });
console.log(
  `soak:events: ${EVENTS} events to 3 receivers (2 failing ~${FAIL * 100} %, one down ${DOWN_MS / 1000} s), ${KILLS} SIGKILLs, ≤ ${MAX_MS / 60_000} min; ${os.availableParallelism()} cpu, load ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}; logs in ${dir}`,
);

const cleanups: Array<() => Promise<void> | void> = [];
let exitCode = 1;
try {
  const cluster = await createCluster({ name: env.SOAK_EVENTS_CLUSTER ?? 'qs_events_soak', port: num('SOAK_EVENTS_PG_PORT', 5701) });
  cleanups.push(() => cluster.drop());
  const jwtSecret = randomBytes(32).toString('hex');
  const servicePort = await freePort();
  const serviceUrl = `http://127.0.0.1:${servicePort}`;
  const service = managedProcess({
    name: 'service',
    script: 'src/server.ts',
    logFile: join(dir, 'service.log'),
    readyTimeoutMs: 120_000,
    maxCrashRestarts: 10,
    ready: () => answers200(`${serviceUrl}/health`),
    env: {
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(servicePort),
      DATABASE_URL: cluster.url,
      DATA_DIR: dir,
      LOG_LEVEL: 'warn',
      JWT_SECRET: jwtSecret,
      SECRETS_KEYS: `soak:${randomBytes(32).toString('base64')}`,
      QUADRA_SIMULATOR: 'off',
      CPA_BASE_URL: 'http://127.0.0.1:9/cpa',
      CFE_BASE_URL: 'http://127.0.0.1:9/cfe',
      // Only the dispatcher's schedule matters here; the others are pushed out of the run.
      SEND_CRON: '0 0 1 1 *',
      NIGHTLY_CRON: '0 0 1 1 *',
      REFERENCE_CRON: '0 0 1 1 *',
      SWEEP_CRON: '0 0 1 1 *',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_POLL_SECONDS: '1',
      WEBHOOK_CONCURRENCY: '48',
      WEBHOOK_ENDPOINT_CONCURRENCY: '16',
      WEBHOOK_ENDPOINT_RATE: '1000',
      // 5 s → 10 ms, 5 min → 0.6 s, 2 h → 14 s, 24 h → 3 min: every retry of the schedule fits the run.
      WEBHOOK_RETRY_SCALE: '0.002',
    },
  });
  await service.start();
  cleanups.push(() => service.stop());

  const healthy = await receiver('healthy', 0);
  const flaky = await receiver('flaky', FAIL);
  const downer = await receiver('flaky, down for a stretch', FAIL);
  const receivers = [healthy, flaky, downer];
  cleanups.push(async () => {
    for (const r of receivers) await r.close();
  });

  // A firm through the API, its three endpoints (the secrets from the answers), a file of entries.
  const admin = crypto.randomUUID();
  const token = await mintToken({ secret: jwtSecret, sub: admin, expiresIn: '2h' });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${serviceUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const firm = await api('POST', '/v1/firms', { name: 'Cabinet Soak', sicCode: 'SOAKEV1' });
  for (const r of receivers)
    r.secret = (await api('POST', `/v1/firms/${firm.id}/webhooks`, { url: r.url, eventTypes: ['entry.sent'] })).secret;
  const db = new pg.Pool({ connectionString: cluster.url, max: 2 });
  cleanups.push(() => db.end());
  const file = (
    await db.query(`insert into public.client_files (firm_id, dossier_code, name) values ($1, 'SOAK', 'Soak') returning id`, [firm.id])
  ).rows[0].id;
  await db.query(
    `insert into public.entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label)
     select $1, $2, 'soak-' || g, 'purchase', 'AC', date '2026-12-01', 'Soak ' || g from generate_series(1, $3) g`,
    [firm.id, file, EVENTS],
  );

  // Produce: the entries go to `sent` in batches spread over PRODUCE_MS (one event each), while the
  // service is killed at random moments and one receiver goes down for a stretch.
  const started = Date.now();
  const batches = 100;
  const perBatch = Math.ceil(EVENTS / batches);
  const killAt = Array.from({ length: KILLS }, () => started + 2_000 + Math.random() * (PRODUCE_MS + 20_000));
  const chaos = (async () => {
    for (const at of killAt.sort((a, b) => a - b)) {
      await sleep(Math.max(0, at - Date.now()));
      await service.kill();
      await sleep(1_000);
      await service.start();
    }
  })();
  const outage = (async () => {
    await sleep(PRODUCE_MS / 3);
    await downer.down(DOWN_MS);
  })();
  for (let b = 0; b < batches; b++) {
    await db.query(
      `update public.entries set status = 'sent', sent_at = now() where id in (
         select id from public.entries where file_id = $1 and status = 'pending' order by external_id limit $2)`,
      [file, perBatch],
    );
    await sleep(PRODUCE_MS / batches);
  }
  await Promise.all([chaos, outage]);

  // Wait until every delivery has ended (bounded).
  const pending = async () =>
    Number((await db.query(`select count(*) from public.webhook_deliveries where state = 'pending'`)).rows[0].count);
  while (Date.now() - started < MAX_MS && (await pending()) > 0) await sleep(1_000);
  const left = await pending();
  await service.stop();

  const events = Number((await db.query(`select count(*) from public.events where type = 'entry.sent'`)).rows[0].count);
  const failed = Number((await db.query(`select count(*) from public.webhook_deliveries where state = 'failed'`)).rows[0].count);
  const sequences = new Set((await db.query(`select id from public.events where type = 'entry.sent'`)).rows.map((r) => Number(r.id)));
  let lost = 0;
  let twoIds = 0;
  let duplicates = 0;
  for (const r of receivers) {
    const ok = new Set(r.got.filter((g) => g.ok).map((g) => g.sequence));
    for (const s of sequences) if (!ok.has(s)) lost++;
    const idsOf = new Map<number, Set<string>>();
    for (const g of r.got) {
      const set = idsOf.get(g.sequence) ?? new Set();
      set.add(g.id);
      idsOf.set(g.sequence, set);
    }
    for (const set of idsOf.values()) if (set.size > 1) twoIds++;
    duplicates += r.got.filter((g) => g.ok).length - ok.size;
  }
  const lat = healthy.got.filter((g) => g.ok).map((g) => g.latencyMs);
  const attempts = receivers.reduce((n, r) => n + r.got.length, 0);
  const unverified = receivers.reduce((n, r) => n + r.unverified, 0);
  console.log(
    [
      `events                          ${events} (${receivers.length} endpoints: ${events * receivers.length} deliveries)`,
      `delivered                       ${events * receivers.length - lost}  (attempts ${attempts}; ${duplicates} delivered again after a kill — at least once)`,
      `lost                            ${lost}  (deliveries still pending ${left}, failed after every retry ${failed})`,
      `delivered under two different ids ${twoIds}`,
      `signatures not verified         ${unverified}`,
      `healthy receiver latency        p50 ${pct(lat, 0.5)} ms, p99 ${pct(lat, 0.99)} ms`,
      `service starts                  ${service.starts} (${KILLS} SIGKILLs), ${Math.round((Date.now() - started) / 1000)} s`,
    ].join('\n'),
  );
  exitCode = events >= EVENTS && lost === 0 && twoIds === 0 && unverified === 0 ? 0 : 1;
  console.log(exitCode === 0 ? 'soak:events: on target' : 'soak:events: OFF TARGET');
} catch (err) {
  console.error(err);
} finally {
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => {});
}
process.exit(exitCode);
