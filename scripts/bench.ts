// `npm run bench`: figures for docs/benchmarks.md, on whatever machine runs it.
//   1. push lines/s (the real route's domain code) beside a raw bulk insert of the same rows,
//      into the same database, in the same run;
//   2. ASCII writer lines/s;
//   3. a full cycle of 100,000 lines across 50 files: push → deposit → import → verify → posted,
//      in seconds, with peak memory.
// Embedded PGlite by default; DATABASE_URL points it at a real Postgres (a fresh database is made).
// BENCH_SMALL=1: a few hundred lines instead (seconds; the figures are printed, not judged — CI runs
// it so that a change that breaks the bench is seen).
// BENCH_LINES=<n>: the full cycle's size (default 100,000; multiple of 200), recorded as its own size.
// BENCH_PARTS=cycle: the full cycle alone (skips the push-vs-raw sample and the ASCII writer).
// BENCH_OUTBOX=1: the bench's firm has an enabled webhook endpoint, so the events outbox records every
// change (and fans each event out into a delivery); recorded as a size of its own ('… +outbox').
// Figures are recorded in bench/results/bench-<engine>.json and compared with the previous run of
// the same size (scripts/bench-record.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/open.ts';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { migrate } from '../src/db/migrate.ts';
import { saveConnection } from '../src/db/repos/connections.ts';
import { claimSicCode } from '../src/db/repos/firms.ts';
import { asService, asUser } from '../src/db/scoped.ts';
import type { EntryInput } from '../src/domain/entries/validate.ts';
import { createLogger } from '../src/lib/logger.ts';
import { createSecretBox, randomKeySpec } from '../src/lib/secret-box.ts';
import { pushEntries } from '../src/pipeline/push.ts';
import { sendAllPending, sweep } from '../src/pipeline/scheduled.ts';
import { mapLimit } from '../src/lib/concurrency.ts';
import { writeAscii, type MLineInput } from '../src/quadra/ascii/index.ts';
import { createSyncRun } from '../src/db/repos/reference.ts';
import { runReferenceSync } from '../src/pipeline/reference-sync.ts';
import type { Services } from '../src/services.ts';
import { defaultFixture, startSimulator } from '../src/sim/index.ts';
import { insertEndpoint } from '../src/db/repos/webhooks.ts';
import { mb, type Measure, rate, recordBench, seconds } from './bench-record.ts';

const SMALL = process.env.BENCH_SMALL === '1';
const FILES = SMALL ? 4 : 50;
const LINES = SMALL ? 400 : Number(process.env.BENCH_LINES ?? 100_000);
if (!Number.isInteger(LINES / FILES / 4) || LINES <= 0) throw new Error(`BENCH_LINES must be a positive multiple of ${FILES * 4}`);
const CYCLE_ONLY = process.env.BENCH_PARTS === 'cycle';
const OUTBOX = process.env.BENCH_OUTBOX === '1';
const SAMPLE_ENTRIES = SMALL ? 50 : 2_500;
const LINES_PER_ENTRY = 4;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
let peakRss = 0;
// What the peak is made of: V8's JavaScript heap, and memory outside it (`external`: PGlite's
// WebAssembly memory, which counts there, and Buffers).
// The live JavaScript heap (after a full collection) before and after the cycle, outside its timing:
// what the cycle keeps, as opposed to garbage not yet collected at the peak.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const liveHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};
let peakHeap = 0;
let peakExternal = 0;
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapTotal);
  peakExternal = Math.max(peakExternal, m.external);
}, 20);

/** Milliseconds spent in each trigger function of the service (pg_stat_user_functions, track_functions = 'pl'). */
type FunctionTimes = () => Promise<Map<string, { calls: number; ms: number }>>;

async function database(): Promise<{
  db: Database;
  drop: () => Promise<void>;
  label: string;
  engine: string;
  functionTimes: FunctionTimes;
}> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const dir = mkdtempSync(join(tmpdir(), 'quadra-sync-bench-'));
    const db = await openDatabase({ dataDir: dir });
    await db.exec(
      `alter database ${(await db.query<{ d: string }>('select current_database() as d')).rows[0]!.d} set track_functions = 'pl'`,
    );
    await db.exec(`set track_functions = 'pl'`);
    return {
      db,
      label: 'PGlite (embedded, on disk)',
      engine: 'pglite',
      // One connection: its own counters, flushed by asking for a snapshot.
      functionTimes: () => readFunctionTimes(db),
      drop: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const fresh = await createFreshPostgres(admin, `qs_bench_${Date.now()}`);
  const name = new URL(fresh.url).pathname.slice(1);
  // Every connection of the bench counts the time spent in each trigger function; the counts are
  // flushed when a connection ends, so they are read after the pool is closed.
  const setup = await openDatabase({ url: fresh.url, poolMax: 1 });
  await setup.exec(`alter database ${name} set track_functions = 'pl'`);
  await setup.close();
  const db = await openDatabase({ url: fresh.url, poolMax: 8 });
  let closed = false;
  return {
    db,
    label: 'PostgreSQL',
    engine: 'postgres',
    functionTimes: async () => {
      await db.close();
      closed = true;
      const reader = await openDatabase({ url: fresh.url, poolMax: 1 });
      try {
        return await readFunctionTimes(reader);
      } finally {
        await reader.close();
      }
    },
    drop: async () => {
      if (!closed) await db.close();
      await fresh.drop();
    },
  };
}

async function readFunctionTimes(db: Database): Promise<Map<string, { calls: number; ms: number }>> {
  const rows = await db.query<{ name: string; calls: number; ms: number }>(
    `select funcname as name, calls::int as calls, total_time::float8 as ms from pg_stat_user_functions where schemaname in ('private', 'public')`,
  );
  return new Map(rows.rows.map((r) => [r.name, { calls: r.calls, ms: r.ms }]));
}

function entries(prefix: string, count: number, date: string): EntryInput[] {
  return Array.from({ length: count }, (_, i) => {
    const amount = 1_000 + (i % 9_000);
    return {
      externalId: `${prefix}-${i}`,
      kind: 'purchase',
      journalCode: 'AC',
      date,
      label: `Achat ${prefix} n°${i}`,
      lines: [
        { account: '60700000', debit: amount * 5, credit: 0 },
        { account: '44566000', debit: amount, credit: 0 },
        { account: '62510000', debit: amount * 2, credit: 0 },
        { account: 'FEDF0001', debit: 0, credit: amount * 8 },
      ],
    };
  });
}

const rssBefore = process.memoryUsage().rss;
const { db, drop, label, engine, functionTimes } = await database();
const rssOpened = process.memoryUsage().rss;
await migrate(db);
const sim = await startSimulator({
  fixture: (now) => {
    const base = defaultFixture(now);
    const demo = base.firms[0]!;
    const template = demo.dossiers[0]!;
    return {
      firms: [
        {
          ...demo,
          sic: 'BENCH01',
          dossiers: Array.from({ length: FILES }, (_, i) => ({
            ...template,
            code: `F${String(i).padStart(3, '0')}`,
            name: `Dossier ${i}`,
          })),
        },
      ],
    };
  },
});
sim.control.configure({ entriesPageSize: 1_000 });
let clock = new Date();
const s: Services = {
  config: loadConfig({ LOG_LEVEL: 'silent' }),
  db,
  log: createLogger('silent'),
  verifyToken: async () => {
    throw new Error('no HTTP in the bench');
  },
  secrets: await createSecretBox(randomKeySpec()),
  jobs: { send: async () => null, sendMany: async () => 0 },
  cegid: { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, timeoutMs: 30_000, maxAttempts: 3 },
  now: () => clock,
};
const today = clock.toISOString().slice(0, 10);

try {
  // A connected firm with its 50 files, through the same code as the API and the reference job.
  const user = { sub: crypto.randomUUID() };
  const firmId = await asUser(
    db,
    user,
    async (tx) => (await tx.query<{ id: string }>("select private.create_firm('Bench', 'BENCH01') as id")).rows[0]!.id,
  );
  // As the connection route does: keys Cegid accepts claim the firm's SIC code, then the passing
  // check is saved (reference syncs and sends use only a connection whose claim is verified).
  await asService(db, async (tx) => {
    await claimSicCode(tx, firmId, clock);
    await saveConnection(tx, s.secrets, {
      firmId,
      cpa: { apiKey: 'cpa-demo-key', secret: 'cpa-demo-secret' },
      cfe: { apiKey: 'cfe-demo-key', secret: 'cfe-demo-secret' },
      status: 'connected',
      checks: [],
      checkedAt: clock,
    });
  });
  // BENCH_OUTBOX=1: a firm that listens to its events; the outbox records every change (nothing is
  // delivered during the bench; the endpoint is never called).
  if (OUTBOX)
    await asService(db, async (tx) =>
      insertEndpoint(tx, {
        firmId,
        url: 'https://hub.example.test/quadra-events',
        eventTypes: null,
        description: 'bench',
        enabled: true,
        secret: await s.secrets.seal('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'),
      }),
    );
  const runId = await asService(db, (tx) => createSyncRun(tx, firmId, 'manual', clock));
  await runReferenceSync(s, runId);
  const files = (
    await db.query<{ id: string; dossier_code: string }>(
      'select id, dossier_code from client_files where firm_id = $1 order by dossier_code',
      [firmId],
    )
  ).rows;

  let t0 = performance.now();
  let pushRate = Number.NaN;
  let rawRate = Number.NaN;
  let asciiRate = Number.NaN;
  if (!CYCLE_ONLY) {
    // 1. Push vs raw insert, same rows (10,000 lines; small: 200), same database.
    const sample = entries('push', SAMPLE_ENTRIES, today);
    const sampleLines = sample.length * LINES_PER_ENTRY;
    t0 = performance.now();
    await asUser(db, user, (tx) => pushEntries(tx, files[0]!.id, 'bench-push', sample, { sample: 'push' }));
    const pushSeconds = (performance.now() - t0) / 1000;
    const raw = entries('raw', SAMPLE_ENTRIES, today);
    t0 = performance.now();
    await asService(db, async (tx) => {
      const ids = await tx.query<{ id: string; external_id: string }>(
        `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label)
       select $1, $2, x.external_id, 'purchase', 'AC', x.entry_date, x.label from jsonb_to_recordset($3::jsonb) as x(external_id text, entry_date date, label text)
       returning id, external_id`,
        [firmId, files[1]!.id, JSON.stringify(raw.map((e) => ({ external_id: e.externalId, entry_date: e.date, label: e.label })))],
      );
      const byExt = new Map(ids.rows.map((r) => [r.external_id, r.id]));
      await tx.query(
        `insert into entry_lines (entry_id, line_no, firm_id, account, debit_cents, credit_cents)
       select x.entry_id, x.line_no, $1, x.account, x.debit, x.credit from jsonb_to_recordset($2::jsonb) as x(entry_id uuid, line_no int, account text, debit bigint, credit bigint)`,
        [
          firmId,
          JSON.stringify(
            raw.flatMap((e) =>
              e.lines.map((l, i) => ({
                entry_id: byExt.get(e.externalId),
                line_no: i + 1,
                account: l.account,
                debit: l.debit,
                credit: l.credit,
              })),
            ),
          ),
        ],
      );
    });
    const rawSeconds = (performance.now() - t0) / 1000;
    await db.query('delete from entries where file_id = any($1::uuid[])', [[files[0]!.id, files[1]!.id]]);

    // 2. The ASCII writer.
    const line: MLineInput = {
      account: '60700000',
      journalCode: 'AC',
      date: today,
      sense: 'D',
      amountCents: 123_456,
      label: 'Achat de marchandises n°42',
      reference: 'Q000000042',
      pieceNumber: '1042',
    };
    const asciiLines = SMALL ? 10_000 : 1_000_000;
    t0 = performance.now();
    let bytes = 0;
    for (const w of writeAscii(
      (function* () {
        for (let i = 0; i < asciiLines; i++) yield line;
      })(),
    ))
      bytes += w.bytes.length;
    const asciiSeconds = (performance.now() - t0) / 1000;
    void bytes;
    pushRate = sampleLines / pushSeconds;
    rawRate = sampleLines / rawSeconds;
    asciiRate = asciiLines / asciiSeconds;
  }

  // 3. The full cycle.
  const perFile = LINES / FILES / LINES_PER_ENTRY;
  // The trigger functions' clocks count the cycle only (superuser: the bench's own database).
  await db.query('select pg_stat_reset()');
  const liveBefore = liveHeap();
  const cycleStart = performance.now();
  // CPU of this process (the service, the simulator and, on PGlite, the database): less swayed by a
  // busy machine than the wall clock.
  const cycleCpu = process.cpuUsage();
  let phaseMark = cycleCpu;
  const phaseCpu = () => {
    const d = process.cpuUsage(phaseMark);
    phaseMark = process.cpuUsage();
    return (d.user + d.system) / 1e6;
  };
  t0 = performance.now();
  // The hub's pushes arrive as concurrent requests, a few at a time.
  await mapLimit(files, 4, (f) =>
    asUser(db, user, (tx) => pushEntries(tx, f.id, `cycle-${f.id}`, entries(`c-${f.dossier_code}`, perFile, today), { f: f.id })),
  );
  const tPush = (performance.now() - t0) / 1000;
  const cPush = phaseCpu();
  t0 = performance.now();
  // The automatic send and the sweep's verifications: the same functions their jobs run.
  const sentLines = (await sendAllPending(s, clock)).reduce((n, o) => n + o.lines, 0);
  const tSend = (performance.now() - t0) / 1000;
  const cSend = phaseCpu();
  t0 = performance.now();
  let imported = 0;
  for (const f of files) imported += (await sim.control.openDossier('BENCH01', f.dossier_code)).imported;
  const tImport = (performance.now() - t0) / 1000;
  const cImport = phaseCpu();
  clock = new Date(clock.getTime() + 12 * 3_600_000 + 60_000);
  t0 = performance.now();
  await sweep(s, clock);
  const tVerify = (performance.now() - t0) / 1000;
  const cVerify = phaseCpu();
  const cycleSeconds = (performance.now() - cycleStart) / 1000;
  const cpu = process.cpuUsage(cycleCpu);
  const liveAfter = liveHeap();
  const cycleCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const posted = (await db.query<{ n: number }>(`select coalesce(sum(line_count), 0)::int as n from entries where status = 'posted'`))
    .rows[0]!.n;
  // The outbox recorded every entry's move to sent and to posted (a firm that listens).
  const entryEvents = (
    await db.query<{ n: number }>(`select count(*)::int as n from public.events where type in ('entry.sent', 'entry.posted')`)
  ).rows[0]!.n;
  const wantEvents = OUTBOX ? (2 * LINES) / LINES_PER_ENTRY : 0;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const times = await functionTimes().catch(() => new Map<string, { calls: number; ms: number }>());
  const cycleEntries = LINES / LINES_PER_ENTRY;
  const perEntry = (names: (n: string) => boolean) => {
    const ms = [...times].filter(([n]) => names(n)).reduce((t, [, v]) => t + v.ms, 0);
    return times.size ? (ms * 1000) / cycleEntries : Number.NaN;
  };
  // The outbox: the triggers that write events and fan them out into deliveries.
  const outboxUs = perEntry((n) => n.endsWith('_events') || n === 'events_fan_out');
  const countsUs = perEntry((n) => n === 'entry_counts_apply');
  const balancedUs = perEntry((n) => n === 'check_entries_balanced');

  const rows: Array<[string, string, string, string]> = [
    [
      'Push (validation + set-based store)',
      `${fmt(pushRate)} lines/s`,
      `≥ 0.5 × raw (${fmt(rawRate * 0.5)})`,
      pushRate >= 0.5 * rawRate ? 'met' : 'MISSED',
    ],
    ['Raw bulk insert, same rows', `${fmt(rawRate)} lines/s`, '', ''],
    ['Push ÷ raw', `${(pushRate / rawRate).toFixed(2)}`, '≥ 0.50', pushRate / rawRate >= 0.5 ? 'met' : 'MISSED'],
    ['ASCII writer', `${fmt(asciiRate)} lines/s`, '≥ 650,000', asciiRate >= 650_000 ? 'met' : 'MISSED'],
    [`Full cycle, ${fmt(LINES)} lines / ${FILES} files`, `${cycleSeconds.toFixed(1)} s`, '< 15 s', cycleSeconds < 15 ? 'met' : 'MISSED'],
    [
      '  CPU of this process: cycle (push / deposit / import / verify)',
      `${cycleCpuSeconds.toFixed(1)} s (${cPush.toFixed(1)} / ${cSend.toFixed(1)} / ${cImport.toFixed(1)} / ${cVerify.toFixed(1)} s)`,
      '',
      '',
    ],
    [
      '  push / deposit / import / verify',
      `${tPush.toFixed(1)} / ${tSend.toFixed(1)} / ${tImport.toFixed(1)} / ${tVerify.toFixed(1)} s`,
      '',
      '',
    ],
    [
      '  lines posted at the end',
      fmt(posted),
      fmt(LINES),
      posted === LINES && sentLines === LINES && imported === LINES ? 'met' : 'MISSED',
    ],
    [
      '  events recorded by the outbox (entry sent, posted)',
      fmt(entryEvents),
      fmt(wantEvents),
      entryEvents === wantEvents ? 'met' : 'MISSED',
    ],
    [
      '  time in triggers per entry: outbox / counts / balanced check',
      `${outboxUs.toFixed(0)} / ${countsUs.toFixed(0)} / ${balancedUs.toFixed(0)} µs`,
      '',
      '',
    ],
    ['Peak RSS (this process)', `${fmt(peakRss / 1048576)} MB`, '< 512 MB', peakRss < 512 * 1048576 ? 'met' : 'MISSED'],
    [
      '  peak JavaScript heap / peak outside it (WebAssembly, Buffers)',
      `${fmt(peakHeap / 1048576)} / ${fmt(peakExternal / 1048576)} MB`,
      '',
      '',
    ],
    [
      '  live JavaScript heap before / after the cycle (after a full collection)',
      `${fmt(liveBefore / 1048576)} / ${fmt(liveAfter / 1048576)} MB`,
      '',
      '',
    ],
    ['  RSS before / after opening the database', `${fmt(rssBefore / 1048576)} / ${fmt(rssOpened / 1048576)} MB`, '', ''],
  ];
  console.log(
    `\nQuadra Sync benchmark — ${label}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}${SMALL ? ' — BENCH_SMALL: sizes too small for the targets to mean anything' : ''}\n`,
  );
  console.log('| measure | figure | target | |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const measures: Record<string, Measure> = {
    'full cycle': seconds(cycleSeconds),
    'full cycle, CPU of this process': seconds(cycleCpuSeconds),
    'cycle: deposit, CPU of this process': seconds(cSend),
    'cycle: push': seconds(tPush),
    'cycle: deposit': seconds(tSend),
    'cycle: import': seconds(tImport),
    'cycle: verify': seconds(tVerify),
    'peak RSS': mb(peakRss / 1048576),
    'RSS after opening the database': mb(rssOpened / 1048576),
    'peak JavaScript heap': mb(peakHeap / 1048576),
    'live JavaScript heap after the cycle': mb(liveAfter / 1048576),
    'peak outside the JavaScript heap': mb(peakExternal / 1048576),
  };
  if (!CYCLE_ONLY) {
    measures.push = rate(pushRate, 'lines/s');
    measures['raw insert'] = rate(rawRate, 'lines/s');
    measures['ASCII writer'] = rate(asciiRate, 'lines/s');
  }
  if (times.size) {
    measures['outbox per entry'] = { value: outboxUs, unit: 'µs', better: 'lower' };
    measures['entry counts per entry'] = { value: countsUs, unit: 'µs', better: 'lower' };
    measures['balanced check per entry'] = { value: balancedUs, unit: 'µs', better: 'lower' };
  }
  recordBench({
    bench: 'bench',
    engine,
    measures,
    size: `${SMALL ? 'small' : LINES === 100_000 ? 'full' : `${LINES} lines`}${OUTBOX ? ' +outbox' : ''}`,
  });
  // Speed is never judged here, but a cycle that loses lines is a broken product: the command fails.
  if (posted !== LINES || sentLines !== LINES || imported !== LINES || entryEvents !== wantEvents) {
    console.error(
      `posted ${posted}, sent ${sentLines}, imported ${imported} of ${LINES} lines; ${entryEvents} of ${wantEvents} entry events`,
    );
    process.exitCode = 1;
  }
} finally {
  clearInterval(sampler);
  await sim.stop();
  await drop();
}
