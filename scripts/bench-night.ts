// `npm run bench:night`: a whole hub's night, measured from outside. For each size (files of 20
// entries, 50 files per firm, a third of the dossiers never opened so their files need a re-send)
// and each runtime — the Node service with 1 and with 3 processes (their own pg-boss workers), the
// Edge Function under Deno driven by ticks (TICK_WORKERS workers each) — on a fresh database on
// Postgres (DATABASE_URL, else 127.0.0.1:5432; dropped at the end and on Ctrl-C) and a fresh
// simulator answering each Cegid call after BENCH_LATENCY_MS (default 200):
//   night: from the slot's job to the last file done; files/s; the ideal (files × Cegid calls per
//   file × latency ÷ concurrency) and ideal ÷ measured; the largest CPU and wall of any tick
//   request; how long a user's Synchronize, made during the night, waited to be deposited.
// First, a backed-up queue: N due checks drained by one process's workers beside the same handler
// called in a loop (BENCH_DRAIN=0 skips it).
// BENCH_SIZES="500,1000" picks sizes; BENCH_MODES="node1,node3,ticks" the runtimes (none: "-");
// BENCH_SMALL=1 is a tiny run (20 files, Node with 1 process and ticks, latency 20 ms, ticks every
// 3 s) that checks it all works in well under a minute.
// Bounded: each night gives up after BENCH_NIGHT_LIMIT_MS, and the whole run after BENCH_DEADLINE_MS
// (then, as on Ctrl-C or SIGTERM, it prints what it has, stops its processes, drops its databases
// and exits non-zero).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, request as httpRequest } from 'node:http';
import { resolve } from 'node:path';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open.ts';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { composeServices } from '../src/compose.ts';
import { migrate } from '../src/db/migrate.ts';
import { startBoss } from '../src/jobs/boss.ts';
import { verifyDepositJob } from '../src/jobs/definitions.ts';
import { createQueues, jobs, startWorkers, workerConcurrency } from '../src/jobs/index.ts';
import { runJob } from '../src/jobs/registry.ts';
import { mintToken } from '../src/lib/auth.ts';
import { createLogger } from '../src/lib/logger.ts';
import { mapLimit } from '../src/lib/concurrency.ts';
import { randomKeySpec } from '../src/lib/secret-box.ts';
import { startService } from '../src/server.ts';
import { defaultFixture, startSimulator, type RunningSimulator } from '../src/sim/index.ts';
import { denoUnavailable, startFunction } from '../test/support/deno.ts';
import { type Measure, ms, rate, recordBench, seconds } from './bench-record.ts';

// Child mode: one Node service process (workers on, no cron: the bench sends the night's slot).
if (process.argv[2] === '--serve') {
  const running = await startService(loadConfig(), { schedules: false });
  console.log(`listening on ${running.url}`);
  const stop = () => {
    running.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  await new Promise(() => {});
}

// The night runs on Postgres only: a run limited to other engines (BENCH_ENGINES) skips it.
const engines = process.env.BENCH_ENGINES?.split(',')
  .map((e) => e.trim())
  .filter(Boolean);
if (engines?.length && !engines.includes('postgres')) {
  console.log(`bench:night skipped: BENCH_ENGINES=${process.env.BENCH_ENGINES} (it runs on Postgres)`);
  process.exit(0);
}
const SMALL = process.env.BENCH_SMALL === '1';
const SIZES = (process.env.BENCH_SIZES ?? (SMALL ? '20' : '500,1000,2000')).split(',').map(Number);
// The small run (CI) skips the 3 processes: the same code as one, thrice the start-up.
const MODES = (process.env.BENCH_MODES ?? (SMALL ? 'node1,ticks' : 'node1,node3,ticks'))
  .split(',')
  .filter((m): m is 'node1' | 'node3' | 'ticks' => ['node1', 'node3', 'ticks'].includes(m));
const LATENCY = Number(process.env.BENCH_LATENCY_MS ?? (SMALL ? 20 : 200));
const ENTRIES = 20;
const PER_FIRM = SMALL ? 10 : 50;
const TICK_EVERY_MS = Number(process.env.BENCH_TICK_EVERY_MS ?? (SMALL ? 3_000 : 60_000));
const TICK_WORKERS = Number(process.env.TICK_WORKERS ?? 4);
const LIMIT_MS = Number(process.env.BENCH_NIGHT_LIMIT_MS ?? (SMALL ? 45_000 : 30 * 60_000));
// The drain's own allowance (10 min), then each night's limit and its seeding.
const DEADLINE_MS = Number(
  process.env.BENCH_DEADLINE_MS ?? (SMALL ? 240_000 : 10 * 60_000 + SIZES.length * MODES.length * (LIMIT_MS + 15 * 60_000)),
);
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JWT_SECRET = `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
const CRON_SECRET = `cron-${crypto.randomUUID()}-${crypto.randomUUID()}`;
const SECRETS_KEYS = randomKeySpec('bn1');
const children = new Set<ChildProcess>();
const denoPids = new Set<number>();
const cleanups: Array<() => Promise<void>> = [];
let stopping = false;
/** `p`, or nothing after `ms`: no clean-up step holds the bench. */
const within = (p: Promise<unknown>, ms: number) =>
  Promise.race([
    p.then(
      () => {},
      () => {},
    ),
    sleep(ms),
  ]);
async function cleanUp() {
  for (const c of children) c.kill('SIGKILL');
  for (const f of cleanups.splice(0).reverse()) await within(f(), 15_000);
}
/** Ctrl-C, SIGTERM or the deadline: what was measured so far, then everything stopped and dropped, and a non-zero exit. */
function abort(why: string, code: number) {
  if (stopping) return;
  stopping = true;
  console.log(`bench:night: ${why}; the results so far:`);
  report();
  within(
    cleanUp().then(() => sim?.stop()),
    30_000,
  ).finally(() => process.exit(code));
}
process.once('SIGINT', () => abort('interrupted', 130));
process.once('SIGTERM', () => abort('terminated', 143));
setTimeout(() => abort(`not done after its deadline of ${DEADLINE_MS / 1000} s (BENCH_DEADLINE_MS)`, 1), DEADLINE_MS).unref();
// However the bench ends, no service or function process outlives it.
process.once('exit', () => {
  for (const c of children) c.kill('SIGKILL');
  for (const pid of denoPids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});
const USER = crypto.randomUUID();

const firmSic = (i: number) => `BN${String(i).padStart(3, '0')}`;
const keys = (i: number) => ({
  cpa: { key: `cpa-bn-${i}`, secret: `cpa-bn-secret-${i}` },
  cfe: { key: `cfe-bn-${i}`, secret: `cfe-bn-secret-${i}` },
});
const entriesFor = (code: string, date: string, tag: string) =>
  Array.from({ length: ENTRIES }, (_, i) => {
    const a = 1_000 + i * 7;
    return {
      externalId: `${tag}-${code}-${i}`,
      kind: 'purchase',
      journalCode: 'AC',
      date,
      label: `Achat ${code} n°${i}`,
      lines: [
        { account: '60700000', debit: a * 5, credit: 0 },
        { account: '44566000', debit: a, credit: 0 },
        { account: 'FEDF0001', debit: 0, credit: a * 6 },
      ],
    };
  });

let sim: RunningSimulator | undefined;
let seeded = 0;

interface World {
  db: Database;
  url: string;
  sim: RunningSimulator;
  firms: number;
  files: Array<{ id: string; firm: number; code: string }>;
  userFile: string;
}

/** A fresh database and simulator, firms connected and synced, every file's 20 entries sent; then the night comes. */
const phase = (what: string, since: number) => {
  if (process.env.BENCH_VERBOSE) console.error(`  ${what}: ${fmt((Date.now() - since) / 1000, 1)} s`);
  return Date.now();
};
async function seed(files: number): Promise<World> {
  let at = Date.now();
  const fresh = await createFreshPostgres(admin, `qs_bench_night_${process.pid}_${Date.now()}`);
  cleanups.push(() => fresh.drop());
  const firms = Math.ceil(files / PER_FIRM);
  // One simulator for the whole run (its blob store is slow to start), rebuilt from the fixture for each night.
  seeded = files;
  sim ??= await startSimulator({
    fixture: (now) => {
      const template = defaultFixture(now).firms[0]!.dossiers[0]!;
      const n = Math.ceil(seeded / PER_FIRM);
      return {
        firms: Array.from({ length: n }, (_, f) => ({
          sic: firmSic(f),
          name: `Cabinet ${f}`,
          ...keys(f),
          dossiers: [
            ...Array.from({ length: Math.min(PER_FIRM, seeded - f * PER_FIRM) }, (_, d) => ({
              ...template,
              code: `D${String(d).padStart(3, '0')}`,
              name: `Dossier ${d}`,
            })),
            ...(f === 0 ? [{ ...template, code: 'ZUSER', name: 'Dossier du client pressé' }] : []),
          ],
        })),
      };
    },
  });
  await sim.control.reset();
  at = phase('database and simulator', at);
  const seedConfig = loadConfig({
    DATABASE_URL: fresh.url,
    JWT_SECRET,
    SECRETS_KEYS,
    LOG_LEVEL: 'warn',
    PORT: '0',
    JOBS: 'true',
    DATABASE_POOL_MAX: '8',
    WORKER_POLL_SECONDS: '0.5',
  });
  const service = await startService(seedConfig, { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, schedules: false });
  const token = await mintToken({ secret: JWT_SECRET, sub: USER, expiresIn: '12h' });
  const call = api(service.url, token);
  const today = new Date().toISOString().slice(0, 10);
  const out: World['files'] = [];
  let userFile = '';
  try {
    await mapLimit(
      Array.from({ length: firms }, (_, i) => i),
      4,
      async (f) => {
        const firm = await call('POST', '/v1/firms', { name: `Cabinet ${f}`, sicCode: firmSic(f) });
        const k = keys(f);
        await call('PUT', `/v1/firms/${firm.id}/connection`, {
          cpa: { apiKey: k.cpa.key, secret: k.cpa.secret },
          cfe: { apiKey: k.cfe.key, secret: k.cfe.secret },
        });
        const run = await call('POST', `/v1/firms/${firm.id}/reference-sync`);
        for (let i = 0; ; i++) {
          const runs = (await call('GET', `/v1/firms/${firm.id}/reference-sync`)).runs as Array<{ id: string; status: string }>;
          if (runs.find((r) => r.id === run.runId)?.status === 'succeeded') break;
          if (i > 600) throw new Error('reference sync did not finish');
          await sleep(100);
        }
        for (const file of (await call('GET', `/v1/firms/${firm.id}/files`)).files as Array<{ id: string; dossierCode: string }>) {
          if (file.dossierCode === 'ZUSER') userFile = file.id;
          else out.push({ id: file.id, firm: f, code: file.dossierCode });
        }
      },
    );
    at = phase('service, firms and reference data', at);
    await mapLimit(out, 8, async (file) => {
      await call(
        'POST',
        `/v1/files/${file.id}/entries`,
        { entries: entriesFor(file.code, today, 'n') },
        { 'idempotency-key': `seed-${file.id}` },
      );
      await call('POST', `/v1/files/${file.id}/sync`);
    });
    for (let i = 0; ; i++) {
      const sent = (await service.services.db.query<{ n: number }>(`select count(*)::int as n from public.entries where status = 'sent'`))
        .rows[0]!.n;
      if (sent === out.length * ENTRIES) break;
      if (i > 3_000) throw new Error(`only ${sent} of ${out.length * ENTRIES} entries sent`);
      await sleep(200);
    }
    at = phase('entries pushed and sent', at);
  } finally {
    await service.stop();
  }
  const db = await openDatabase({ url: fresh.url, poolMax: 3 });
  cleanups.push(() => db.close());
  // The 12-hour checks found nothing (no dossier was open) and the night has come: every file is due.
  await db.query(`update public.entries set next_attempt_at = now() - interval '1 minute' where status = 'sent'`);
  // Two dossiers in three are opened since: Quadra shows their entries, the night finds them posted.
  // The third are still waiting in the container: the night withdraws and re-sends them.
  for (const [i, f] of out.entries()) if (i % 3 !== 0) await sim.control.openDossier(firmSic(f.firm), f.code);
  sim.control.setFaults({ latencyMs: LATENCY });
  sim.control.clearRequests();
  return { db, url: fresh.url, sim, firms, files: out, userFile };
}

function api(base: string, token: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(base + path, {
      method,
      signal: AbortSignal.timeout(60_000),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  };
}

function serveNode(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'bench-night.ts'), '--serve'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`service did not start: ${out.slice(-2000)}`)), 120_000);
    const onData = (b: Buffer) => {
      out += String(b);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ url: m[1]!, child });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`service exited ${code}: ${out.slice(-2000)}`));
    });
  });
}

interface Result {
  mode: string;
  files: number;
  nightMs: number;
  callsPerFile: number;
  concurrency: number;
  maxTickCpu?: number;
  maxTickWall?: number;
  ticks?: number;
  syncWaitMs: number;
  posted: number;
  resent: number;
  skipped: number;
}

async function runMode(mode: 'node1' | 'node3' | 'ticks', size: number): Promise<Result | string> {
  const w = await seed(size);
  const env = {
    DATABASE_URL: w.url,
    SUPABASE_DB_URL: w.url,
    CPA_BASE_URL: w.sim.cpaBaseUrl,
    CFE_BASE_URL: w.sim.cfeBaseUrl,
    JWT_SECRET,
    SECRETS_KEYS,
    CRON_SECRET,
    LOG_LEVEL: 'warn',
    PORT: '0',
    NODE_ENV: 'production',
    JOBS: 'true',
    TICK_WORKERS: String(TICK_WORKERS),
  };
  const conf = loadConfig({ ...env, JOBS: 'true' });
  const perFirm = conf.CEGID_CONCURRENCY_PER_FIRM;
  let base: string;
  let concurrency: number;
  const stops: Array<() => Promise<void>> = [];
  if (mode === 'ticks') {
    // As on Supabase, each worker request is an instance of its own: TICK_WORKERS + 1 Deno
    // processes, the tick on the first, its worker calls (at most TICK_WORKERS at work at once,
    // by their slots) sent by a loopback proxy to the least busy of the others. Where two requests
    // share a process (overlapping ticks: a request that finds no slot answers at once) each counts
    // the other's CPU too: a worker then stops early, never late.
    const busy = new Map<number, number>();
    const proxy = createServer((req, res) => {
      const pool = fns.slice(1);
      const target = pool.reduce((a, b) => ((busy.get(b.pid) ?? 0) < (busy.get(a.pid) ?? 0) ? b : a), pool[0]!);
      busy.set(target.pid, (busy.get(target.pid) ?? 0) + 1);
      let freed = false;
      const free = () => {
        if (!freed) busy.set(target.pid, busy.get(target.pid)! - 1);
        freed = true;
      };
      res.once('close', free);
      const out = httpRequest(`${target.url}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      out.on('error', () => {
        res.writeHead(502).end();
      });
      req.pipe(out);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    stops.push(() => new Promise((r) => proxy.close(() => r())));
    const workerUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}/quadra-sync/v1/jobs/work`;
    // No catch-up of missed slots: on a fresh database the tick would fire last night's slot beside
    // the bench's, and the files would be read and audited twice (the Node mode runs no schedule).
    const fns = await Promise.all(
      Array.from({ length: TICK_WORKERS + 1 }, () => startFunction({ ...env, TICK_WORKER_URL: workerUrl, SCHEDULE_CATCHUP_HOURS: '0' })),
    );
    // Stopped with the mode, and on Ctrl-C too.
    for (const fn of fns) {
      denoPids.add(fn.pid);
      const stop = () => fn.stop().then(() => void denoPids.delete(fn.pid));
      stops.push(stop);
      cleanups.push(stop);
    }
    base = `${fns[0]!.url}/quadra-sync`;
    concurrency = Math.min(TICK_WORKERS * conf.TICK_JOB_CONCURRENCY, w.firms * perFirm);
  } else {
    const n = mode === 'node1' ? 1 : 3;
    const procs = await Promise.all(Array.from({ length: n }, () => serveNode(env)));
    for (const p of procs)
      stops.push(
        () =>
          new Promise((r) => {
            p.child.once('exit', () => r());
            p.child.kill('SIGTERM');
            setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref();
          }),
      );
    base = procs[0]!.url;
    // The night's queue's own fetchers × batch (WORKER_CONCURRENCY_BY_QUEUE, capped at the pool).
    const own = workerConcurrency(conf, 'night-file');
    concurrency = Math.min(n * own.localConcurrency * own.batchSize, w.firms * perFirm);
  }
  const log = createLogger('silent');
  const boss = await startBoss(w.db, { url: w.url, log, schedule: false, supervise: false, max: 1 });
  const token = await mintToken({ secret: JWT_SECRET, sub: USER, expiresIn: '2h' });
  const call = api(base, token);
  const ticks: Array<{ cpu: number; wall: number }> = [];
  const workerErrors: string[] = [];
  let ticking = true;
  const tickLoop = (async () => {
    if (mode !== 'ticks') return;
    const pending: Promise<void>[] = [];
    while (ticking && !stopping) {
      pending.push(
        (async () => {
          try {
            // pg_net gives up on a call after its own timeout too: a tick never holds the bench.
            const r = await fetch(`${base}/v1/jobs/tick`, {
              method: 'POST',
              headers: { 'x-cron-secret': CRON_SECRET },
              signal: AbortSignal.timeout(conf.TICK_BUDGET_MS + 90_000),
            });
            const rep = (await r.json()) as {
              cpuMs: number;
              ms: number;
              workers: Array<{ cpuMs?: number; wallMs?: number; error?: string }>;
            };
            // The tick request itself (its own worker and its coordination of the lanes), then
            // every worker request it made.
            ticks.push({ cpu: rep.cpuMs, wall: rep.ms });
            for (const x of rep.workers.slice(1))
              if (x.cpuMs !== undefined) ticks.push({ cpu: x.cpuMs, wall: x.wallMs! });
              else workerErrors.push(x.error ?? 'no figures');
          } catch (err) {
            workerErrors.push(`tick: ${(err as Error).message}`);
          }
        })(),
      );
      const until = Date.now() + TICK_EVERY_MS;
      while (ticking && Date.now() < until) await sleep(100);
    }
    await Promise.all(pending);
  })();
  try {
    const t0 = Date.now();
    await boss.send('nightly-verification', { slot: new Date(t0).toISOString() });
    // A user's Synchronize, a few seconds into the night.
    const sync = (async () => {
      await sleep(SMALL ? 500 : 3_000);
      const pushed = await call(
        'POST',
        `/v1/files/${w.userFile}/entries`,
        { entries: entriesFor('ZUSER', new Date().toISOString().slice(0, 10), 'u').slice(0, 1) },
        { 'idempotency-key': `user-${mode}` },
      );
      const id = pushed.entries[0].id as string;
      const asked = Date.now();
      await call('POST', `/v1/files/${w.userFile}/sync`);
      for (;;) {
        const st = (await w.db.query<{ status: string }>('select status::text from public.entries where id = $1', [id])).rows[0]?.status;
        if (st === 'sent' || Date.now() - t0 > LIMIT_MS) return Date.now() - asked;
        await sleep(100);
      }
    })().catch((err: Error) => {
      console.log(`the user's Synchronize failed: ${err.message}`);
      return Number.NaN;
    });
    // Done when the slot's job has run and none of its units is waiting or running; the last file
    // done is the last unit's completion.
    let done = 0;
    for (;;) {
      const q = (
        await w.db.query<{ slot: number; open: number; last: Date | null }>(
          `select count(*) filter (where name = 'nightly-verification' and state = 'completed')::int as slot,
                count(*) filter (where name = 'night-file' and state in ('created', 'retry', 'active'))::int as open,
                max(completed_on) filter (where name = 'night-file') as last
           from pgboss.job where name in ('nightly-verification', 'night-file')`,
        )
      ).rows[0]!;
      if (q.slot >= 1 && q.open === 0 && q.last) {
        done = new Date(q.last).getTime();
        break;
      }
      if (Date.now() - t0 > LIMIT_MS) return `${mode} ${size}: ${q.open} night units still open after ${LIMIT_MS / 1000} s`;
      await sleep(250);
    }
    // Files the night could not take: an upload of the seed left unconfirmed (the sweep settles those).
    const skipped = (
      await w.db.query<{ n: number }>(
        `select count(distinct file_id)::int as n from public.entries where status in ('pending', 'sent') and next_attempt_at <= to_timestamp($1 / 1000.0)`,
        [t0],
      )
    ).rows[0]!.n;
    const syncWaitMs = await sync;
    const calls = w.sim.control.requests().length;
    const counts = (
      await w.db.query<{ posted: number; resent: number }>(
        `select count(*) filter (where status = 'posted')::int as posted, count(*) filter (where status = 'sent' and nights_tried = 1)::int as resent from public.entries`,
      )
    ).rows[0]!;
    ticking = false;
    await tickLoop;
    if (workerErrors.length) console.log(`${workerErrors.length} tick workers gave no figures: ${[...new Set(workerErrors)].join('; ')}`);
    return {
      mode,
      files: size,
      nightMs: done - t0,
      callsPerFile: calls / size,
      concurrency,
      ...(mode === 'ticks'
        ? {
            maxTickCpu: Math.max(0, ...ticks.map((t) => t.cpu)),
            maxTickWall: Math.max(0, ...ticks.map((t) => t.wall)),
            ticks: ticks.length,
          }
        : {}),
      syncWaitMs,
      posted: counts.posted,
      resent: counts.resent,
      skipped,
    };
  } finally {
    ticking = false;
    await tickLoop;
    await within(boss.stop({ graceful: false, wait: true } as Parameters<typeof boss.stop>[0]), 15_000);
    for (const s of stops) await within(s(), 15_000);
    await cleanUp();
  }
}

/**
 * Queues drain as fast as their jobs run: N checks of deposits that need nothing (the cheapest
 * handler there is, so the queue's own cost shows) called in a loop, then N such jobs due at once
 * drained by one process's workers with their default options.
 */
async function drain(n: number): Promise<{ n: number; loopPerS: number; drainPerS: number }> {
  const fresh = await createFreshPostgres(admin, `qs_bench_night_drain_${process.pid}_${Date.now()}`);
  cleanups.push(() => fresh.drop());
  const db = await openDatabase({ url: fresh.url, poolMax: 10 });
  cleanups.push(() => db.close());
  await migrate(db);
  const config = loadConfig({ DATABASE_URL: fresh.url, LOG_LEVEL: 'silent', JWT_SECRET, SECRETS_KEYS });
  const log = createLogger('silent');
  const boss = await startBoss(db, { url: fresh.url, log, schedule: false });
  cleanups.push(() => boss.stop({ graceful: false, wait: true } as Parameters<typeof boss.stop>[0]));
  const s = await composeServices({
    config,
    db,
    log,
    boss,
    jwtSecret: JWT_SECRET,
    secretsKeys: SECRETS_KEYS,
    cpaBaseUrl: 'http://127.0.0.1:9',
    cfeBaseUrl: 'http://127.0.0.1:9',
  });
  const verify = jobs.find((j) => j.def === verifyDepositJob)!;
  let t = performance.now();
  for (let i = 0; i < n; i++) await runJob(verify, { depositId: crypto.randomUUID() }, s);
  const loopPerS = n / ((performance.now() - t) / 1000);
  await createQueues(boss);
  await s.jobs.sendMany(
    verifyDepositJob,
    Array.from({ length: n }, () => ({ id: crypto.randomUUID(), payload: { depositId: crypto.randomUUID() } })),
  );
  t = performance.now();
  await startWorkers(boss, s, { schedules: false });
  for (let i = 0; ; i++) {
    const left = (
      await db.query<{ n: number }>(`select count(*)::int as n from pgboss.job where name = 'verify-deposit' and state <> 'completed'`)
    ).rows[0]!.n;
    if (left === 0) break;
    if (i > 12_000) throw new Error(`${left} checks still queued`);
    await sleep(25);
  }
  const drainPerS = n / ((performance.now() - t) / 1000);
  await cleanUp();
  return { n, loopPerS, drainPerS };
}

const results: Array<Result | string> = [];
let drained: Awaited<ReturnType<typeof drain>> | undefined;
const deno = denoUnavailable();
try {
  // A first connection tells whether Postgres is there at all.
  const probe = await createFreshPostgres(admin, `qs_bench_night_probe_${process.pid}`).catch((err: Error) => err);
  if (probe instanceof Error) {
    console.log(`bench:night skipped: needs Postgres (${probe.message})`);
    process.exit(0);
  }
  await probe.drop();
  if (process.env.BENCH_DRAIN !== '0') {
    drained = await drain(SMALL ? 100 : 2_000);
    console.log(`drain: ${fmt(drained.n)} checks, loop ${fmt(drained.loopPerS)} /s, workers ${fmt(drained.drainPerS)} /s`);
  }
  for (const size of SIZES) {
    for (const mode of MODES) {
      if (mode === 'ticks' && deno) {
        results.push(`ticks: skipped (${deno})`);
        continue;
      }
      if (stopping) break;
      // A mode that cannot run (a process that does not start) is a line of the report, not a crash.
      const r = await runMode(mode, size).catch((err: Error) => `${mode} ${size}: failed (${err.message.split('\n')[0]})`);
      results.push(r);
      if (typeof r === 'string') console.log(r);
      else console.log(`${r.mode} ${r.files} files: night ${fmt(r.nightMs / 1000, 1)} s`);
    }
  }
} finally {
  // Interrupted or past the deadline: abort() reports, cleans up and exits.
  if (stopping) await new Promise(() => {});
  await cleanUp();
  await within(sim?.stop() ?? Promise.resolve(), 30_000);
}
report();
{
  const measures: Record<string, Measure> = {};
  if (drained) measures['backed-up queue drained by the workers'] = rate(drained.drainPerS, '/s');
  for (const r of results) {
    if (typeof r === 'string') continue;
    measures[`${r.mode}, ${r.files} files: night`] = seconds(r.nightMs / 1000);
    if (r.maxTickCpu !== undefined) measures[`${r.mode}, ${r.files} files: largest tick CPU`] = ms(r.maxTickCpu);
  }
  recordBench({ bench: 'bench-night', engine: 'postgres', measures });
}
// A night that did not end (a mode's line instead of its figures) fails the run; a mode skipped does not.
process.exit(results.some((r) => typeof r === 'string' && !r.includes(': skipped')) ? 1 : 0);

function report() {
  if (drained) {
    console.log(
      `\nA backed-up queue — ${fmt(drained.n)} checks due at once, one Node process, default worker options (${loadConfig({}).WORKER_FETCHERS} fetchers × ${loadConfig({}).WORKER_BATCH} per fetch)\n`,
    );
    console.log('| handler in a loop | drained by the workers | drained ÷ loop (goal ≥ 0.5) |\n|---|---|---|');
    console.log(`| ${fmt(drained.loopPerS)} /s | ${fmt(drained.drainPerS)} /s | ${fmt(drained.drainPerS / drained.loopPerS, 2)} |`);
  }
  console.log(
    `\nThe night, measured from outside — PostgreSQL, ${ENTRIES} entries per file, ${PER_FIRM} files per firm, a third re-sent, Cegid latency ${LATENCY} ms, ${new Date().toISOString().slice(0, 10)}\n`,
  );
  console.log(
    '| runtime | files | night | files/s | Cegid calls/file | concurrency | ideal | ideal ÷ measured | largest tick CPU / wall | Synchronize waited | posted / re-sent entries | files left due |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    if (typeof r === 'string') {
      console.log(`| ${r} |||||||||||`);
      continue;
    }
    const ideal = (r.files * r.callsPerFile * LATENCY) / r.concurrency;
    const name = r.mode === 'node1' ? 'Node, 1 process' : r.mode === 'node3' ? 'Node, 3 processes' : `Deno ticks, ${TICK_WORKERS} workers`;
    const tick = r.maxTickCpu !== undefined ? `${fmt(r.maxTickCpu)} ms / ${fmt(r.maxTickWall! / 1000, 1)} s (${r.ticks} requests)` : '—';
    console.log(
      `| ${name} | ${fmt(r.files)} | ${fmt(r.nightMs / 1000, 1)} s | ${fmt(r.files / (r.nightMs / 1000), 1)} | ${fmt(r.callsPerFile, 1)} | ${r.concurrency} | ${fmt(ideal / 1000, 1)} s | ${fmt(ideal / r.nightMs, 2)} | ${tick} | ${fmt(r.syncWaitMs / 1000, 1)} s | ${fmt(r.posted)} / ${fmt(r.resent)} | ${r.skipped} |`,
    );
  }
}
