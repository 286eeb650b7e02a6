// `npm run bench:api`: the hub's reads under load, as figures (not pass/fail) for docs/benchmarks.md.
// For each engine (PGlite, then Postgres in a fresh database), this process forks the service
// (scripts/bench-api-server.ts) and, through the public API only, creates a firm, connects it to
// the simulator, pulls its reference data, sends a small batch (so entries have a timeline) and
// loads 10,000 pending entries into one file. Then, from here — a second process, loopback only —
// autocannon measures each read route at a fixed 200 req/s and at full speed, beside the bare
// baseline route that runs the same SQL for the same page without auth, RLS or framework.
//   BENCH_ENGINES=pglite,postgres (default both)   BENCH_ADMIN_URL / DATABASE_URL: Postgres server
//   BENCH_SECONDS=10 (per measurement)             BENCH_CPU_PROF=<dir>: CPU profiles of the service
//   process during each route's full-speed run (open in Chrome DevTools or speedscope)
//   BENCH_VACUUM=0: skip the VACUUM ANALYZE after loading (what autovacuum would do on its own)
//   BENCH_SMALL=1: 1,000 entries and 1 s per measurement unless BENCH_SECONDS says otherwise
//   (seconds in all; CI runs it so that a change that breaks it is seen, figures not judged)
import { fork } from 'node:child_process';
import { join, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { execSync } from 'node:child_process';
import autocannon from 'autocannon';
import pg from 'pg';
import { mintToken } from '../src/lib/auth.ts';
import { DEMO_FIRM } from '../src/sim/index.ts';
import { type Measure, ms, rate, ratioOf, recordBench } from './bench-record.ts';

const SMALL = process.env.BENCH_SMALL === '1';
const SECONDS = Number(process.env.BENCH_SECONDS ?? (SMALL ? 1 : 10));
const ENTRIES = SMALL ? 1_000 : 10_000;
const BATCH = Math.min(ENTRIES, 2_500);
const RATE = 200;
const adminUrl = process.env.BENCH_ADMIN_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const engines = (process.env.BENCH_ENGINES ?? 'pglite,postgres')
  .split(',')
  .map((e) => e.trim())
  .filter(Boolean);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Ready {
  url: string;
  baseUrl: string;
  jwtSecret: string;
  metricsToken: string;
  engine: string;
  databaseUrl?: string;
}
interface Figures {
  p50: number;
  p99: number;
  rps: number;
  errors: number;
  cpuMs?: number;
}
interface RouteResult {
  route: string;
  fixed: Figures;
  full: Figures;
  baseFixed: Figures;
  baseFull: Figures;
}

async function load(url: string, headers: Record<string, string>, rate?: number): Promise<Figures> {
  const r = await autocannon({
    url,
    headers,
    duration: SECONDS,
    connections: rate ? 10 : 20,
    pipelining: 1,
    ...(rate ? { overallRate: rate } : {}),
  });
  return { p50: r.latency.p50, p99: r.latency.p99, rps: r.requests.average, errors: r.errors + r.timeouts + r.non2xx };
}

async function runEngine(engine: string): Promise<{ engine: string; results: RouteResult[]; setup: string }> {
  const child = fork(new URL('./bench-api-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_ENGINE: engine, BENCH_ADMIN_URL: adminUrl },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const ready = await new Promise<Ready>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Ready));
      child.once('exit', (code) => reject(new Error(`service process exited (${code}) before it was ready`)));
    });
    const token = await mintToken({ secret: ready.jwtSecret, sub: crypto.randomUUID(), expiresIn: '2h' });
    const auth = { authorization: `Bearer ${token}` };
    const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(ready.url + path, {
        method,
        headers: { ...auth, ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const json = (await res.json().catch(() => undefined)) as any;
      if (res.status >= 400) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
      return json;
    };
    const until = async (what: string, probe: () => Promise<boolean>) => {
      const end = Date.now() + 120_000;
      while (!(await probe())) {
        if (Date.now() > end) throw new Error(`timed out: ${what}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    };

    // Setup, through the public API only.
    const t0 = performance.now();
    const firm = await api('POST', '/v1/firms', { name: 'Bench API', sicCode: DEMO_FIRM.sic });
    await api('PUT', `/v1/firms/${firm.id}/connection`, {
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    });
    const run = await api('POST', `/v1/firms/${firm.id}/reference-sync`);
    await until('reference sync', async () =>
      (await api('GET', `/v1/firms/${firm.id}/reference-sync`)).runs.some((r: any) => r.id === run.runId && r.status === 'succeeded'),
    );
    const { files } = await api('GET', `/v1/firms/${firm.id}/files`);
    const fileId: string = files.find((f: any) => f.dossierCode === 'BOULANG').id;
    const today = new Date().toISOString().slice(0, 10);
    const entry = (externalId: string, i: number) => {
      const amount = 1_000 + (i % 9_000);
      return {
        externalId,
        kind: 'purchase',
        journalCode: 'AC',
        date: today,
        label: `Achat n°${i}`,
        lines: [
          { account: '60700000', debit: amount * 5, credit: 0 },
          { account: 'FMOULIN', debit: 0, credit: amount * 5 },
        ],
      };
    };
    // A first small batch is sent, so its entries carry a timeline (pushed, sent) and fill the sent tab.
    await api(
      'POST',
      `/v1/files/${fileId}/entries`,
      { entries: Array.from({ length: 20 }, (_, i) => entry(`SENT-${i}`, i)) },
      { 'idempotency-key': 'bench-sent' },
    );
    await api('POST', `/v1/files/${fileId}/sync`);
    await until('first batch sent', async () => (await api('GET', `/v1/files/${fileId}/entries?status=pending`)).items.length === 0);
    for (let k = 0; k < ENTRIES / BATCH; k++) {
      await api(
        'POST',
        `/v1/files/${fileId}/entries`,
        { entries: Array.from({ length: BATCH }, (_, i) => entry(`E-${k}-${i}`, k * BATCH + i)) },
        { 'idempotency-key': `bench-${k}` },
      );
    }
    const setup = `${((performance.now() - t0) / 1000).toFixed(1)} s`;
    if (process.env.BENCH_VACUUM !== '0') {
      child.send('vacuum');
      await new Promise((resolve) => child.once('message', resolve));
    }
    const sent = (await api('GET', `/v1/files/${fileId}/entries?status=sent&limit=1`)).items[0];
    const timeline = await api('GET', `/v1/entries/${sent.id}`);
    if (!timeline.attempts.length) throw new Error('the sent entry has no timeline');
    // The cursor of a deep page: past nine tenths of the pending entries.
    let cursor: string | null = null;
    const page = ENTRIES / 20;
    for (let seen = 0; seen < ENTRIES * 0.9; seen += page) {
      cursor = (await api('GET', `/v1/files/${fileId}/entries?status=pending&limit=${page}${cursor ? `&cursor=${cursor}` : ''}`))
        .nextCursor;
    }
    const routes: Array<[string, string, string, Record<string, string>?]> = [
      [
        'entries tab, first page (pending, 50)',
        `/v1/files/${fileId}/entries?status=pending&limit=50`,
        `/files/${fileId}/entries?status=pending&limit=50`,
      ],
      [
        'entries tab, deep page by cursor',
        `/v1/files/${fileId}/entries?status=pending&limit=50&cursor=${cursor}`,
        `/files/${fileId}/entries?status=pending&limit=50&cursor=${cursor}`,
      ],
      ['entry with its timeline', `/v1/entries/${sent.id}`, `/entries/${sent.id}`],
      ['file list', `/v1/firms/${firm.id}/files`, `/firms/${firm.id}`],
      ['tab counts', `/v1/files/${fileId}/entries/counts`, `/files/${fileId}/counts`],
      // The operators' scrape: every gauge in one statement (baseline: the same statement, as JSON).
      ['metrics (Prometheus scrape)', '/metrics', '/metrics/all', { authorization: `Bearer ${ready.metricsToken}` }],
    ];
    const results: RouteResult[] = [];
    for (const [route, path, bare, headers = auth] of routes) {
      // Same answer from both sides before anything is timed.
      const [a, b] = await Promise.all([fetch(ready.url + path, { headers }), fetch(ready.baseUrl + bare)]);
      if (a.status !== 200 || b.status !== 200) throw new Error(`${route}: ${a.status} / ${b.status}`);
      await load(ready.url + path, headers, 50); // warm-up (JIT, plans, caches)
      const fixed = await load(ready.url + path, headers, RATE);
      const cpu = () =>
        new Promise<number>((resolve) => {
          child.once('message', (m: any) => resolve(m.cpu));
          child.send('cpu');
        });
      const measured = async (url: string, headers: Record<string, string>) => {
        const before = await cpu();
        const f = await load(url, headers);
        return { ...f, cpuMs: ((await cpu()) - before) / 1000 / (f.rps * SECONDS) };
      };
      const profDir = process.env.BENCH_CPU_PROF;
      const ask = (m: unknown) =>
        new Promise((resolve) => {
          child.once('message', resolve);
          child.send(m as any);
        });
      if (profDir) await ask({ profile: 'start' });
      const full = await measured(ready.url + path, headers);
      if (profDir) await ask({ profile: 'stop', file: join(resolve(profDir), `${engine}-${route.replace(/\W+/g, '-')}.cpuprofile`) });
      const baseFixed = await load(ready.baseUrl + bare, {}, RATE);
      const baseFull = await measured(ready.baseUrl + bare, {});
      results.push({ route, fixed, full, baseFixed, baseFull });
      process.stderr.write(`  ${engine}: ${route} done\n`);
    }
    if (process.env.BENCH_KEEP_DB) process.stderr.write(`  kept: ${ready.databaseUrl} file ${fileId} firm ${firm.id} entry ${sent.id}\n`);
    return { engine, results, setup };
  } finally {
    child.send('stop');
    // Bounded, and unref'd: a pending 60 s timer would keep this process alive after its report.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000).unref())]);
    if (child.exitCode === null) child.kill();
  }
}

async function postgresReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: adminUrl });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const commit = (() => {
  try {
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
console.log(`\nQuadra Sync API benchmark — ${new Date().toISOString().slice(0, 16)}Z, commit ${commit}, Node ${process.version}`);
console.log(
  `machine: ${cpus().length} cores (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB; ${fmt(ENTRIES)} pending entries in one file; ${SECONDS} s per measurement`,
);
for (const engine of engines) {
  if (engine === 'postgres' && !(await postgresReachable())) {
    console.log(`\nPostgres at ${adminUrl.replace(/\/\/[^@]*@/, '//')} is not reachable: skipped`);
    continue;
  }
  const { results, setup } = await runEngine(engine);
  console.log(`\n### ${engine === 'postgres' ? 'PostgreSQL' : 'Embedded PGlite'} (setup through the API: ${setup})\n`);
  console.log(
    '| route | 200 req/s p50 / p99 | full speed | baseline 200 req/s p50 / p99 | baseline full speed | service ÷ baseline | service process CPU per request (service / baseline) |',
  );
  console.log('|---|---|---|---|---|---|---|');
  const fmtMs = (f: Figures) => `${f.p50} / ${f.p99} ms${f.errors ? ` (${f.errors} errors)` : ''}`;
  const measures: Record<string, Measure> = {};
  for (const r of results) {
    measures[`${r.route}: p99 at ${RATE} req/s`] = ms(r.fixed.p99);
    measures[`${r.route}: full speed`] = rate(r.full.rps, 'req/s');
    measures[`${r.route}: ÷ baseline`] = ratioOf(r.full.rps / r.baseFull.rps, 'higher');
    measures[`${r.route}: CPU per request`] = ms(r.full.cpuMs!);
    console.log(
      `| ${r.route} | ${fmtMs(r.fixed)} | ${fmt(r.full.rps)} req/s | ${fmtMs(r.baseFixed)} | ${fmt(r.baseFull.rps)} req/s | ${(r.full.rps / r.baseFull.rps).toFixed(2)} | ${r.full.cpuMs!.toFixed(2)} / ${r.baseFull.cpuMs!.toFixed(2)} ms |`,
    );
  }
  recordBench({ bench: 'bench-api', engine, measures });
}
