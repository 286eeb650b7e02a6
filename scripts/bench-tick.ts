// `npm run bench` (second part): the Edge Function within Supabase's limits. The function runs
// under the real Deno against Postgres; one tick sends a 10,000-line deposit, a later one verifies
// it. For each: CPU ms of the function's process during the tick (goal < 2,000: the platform's CPU
// limit per request), wall ms, and the process's peak memory (goal < 256 MB).
// Postgres: DATABASE_URL, else 127.0.0.1:5432 (a fresh database is made and dropped).
// BENCH_SMALL=1: a 200-line deposit (seconds; figures printed, not judged).
import { readFileSync } from 'node:fs';
import { openDatabase } from '../src/db/open.ts';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { migrate } from '../src/db/migrate.ts';
import { mintToken } from '../src/lib/auth.ts';
import { randomKeySpec } from '../src/lib/secret-box.ts';
import { DEMO_FIRM, startSimulator } from '../src/sim/index.ts';
import { denoUnavailable, startFunction } from '../test/support/deno.ts';
import { mb, ms, recordBench } from './bench-record.ts';

const ENTRIES = process.env.BENCH_SMALL === '1' ? 50 : 2_500;
const LINES = ENTRIES * 4;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// The function runs on Postgres only: a run limited to other engines (BENCH_ENGINES) skips it.
const engines = process.env.BENCH_ENGINES?.split(',').map((e) => e.trim());
if (engines && !engines.includes('postgres')) {
  console.log(`Edge Function tick bench skipped: BENCH_ENGINES=${process.env.BENCH_ENGINES} (it runs on Postgres)`);
  process.exit(0);
}
const why = denoUnavailable();
if (why) {
  console.log(`Edge Function tick bench skipped: ${why}`);
  process.exit(0);
}
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let fresh: Awaited<ReturnType<typeof createFreshPostgres>>;
try {
  fresh = await createFreshPostgres(admin, `qs_bench_tick_${Date.now()}`);
} catch (err) {
  console.log(`Edge Function tick bench skipped: needs Postgres (${(err as Error).message})`);
  process.exit(0);
}
const db = await openDatabase({ url: fresh.url, poolMax: 2 });
await migrate(db);
await db.close();
const sim = await startSimulator();
const CRON_SECRET = `cron-${crypto.randomUUID()}-${crypto.randomUUID()}`;
const JWT_SECRET = `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
const fn = await startFunction({
  SUPABASE_DB_URL: fresh.url,
  CPA_BASE_URL: sim.cpaBaseUrl,
  CFE_BASE_URL: sim.cfeBaseUrl,
  SECRETS_KEYS: randomKeySpec('b1'),
  JWT_SECRET,
  CRON_SECRET,
  VERIFY_AFTER_HOURS: String(3 / 3600),
  IMPORT_GRACE_MINUTES: '3',
  LOG_LEVEL: 'warn',
  TICK_BUDGET_MS: '120000',
});
const token = await mintToken({ secret: JWT_SECRET, sub: crypto.randomUUID() });
const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const r = await fetch(`${fn.url}/quadra-sync${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
};
// CPU (user + system) of the function's process, from the kernel; peak resident memory so far.
const ticksPerMs = 100 / 1000; // USER_HZ
const cpuMs = () => {
  const f = readFileSync(`/proc/${fn.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[11]) + Number(f[12])) / ticksPerMs;
};
const peakMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${fn.pid}/status`, 'utf8'))![1]) / 1024;
const tick = async () => {
  const c0 = cpuMs();
  const t0 = performance.now();
  const report = await call('POST', '/v1/jobs/tick', {}, { 'x-cron-secret': CRON_SECRET, authorization: '' });
  return { cpu: cpuMs() - c0, wall: performance.now() - t0, peak: peakMb(), report };
};

try {
  const firm = await call('POST', '/v1/firms', { name: 'Cabinet Bench', sicCode: DEMO_FIRM.sic });
  await call('PUT', `/v1/firms/${firm.id}/connection`, {
    cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
    cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
  });
  await call('POST', `/v1/firms/${firm.id}/reference-sync`);
  await tick(); // reference data, and the schedules' first slots
  const file = (await call('GET', `/v1/firms/${firm.id}/files`)).files.find((f: { dossierCode: string }) => f.dossierCode === 'BOULANG').id;
  const date = new Date().toISOString().slice(0, 10);
  const entries = Array.from({ length: ENTRIES }, (_, i) => {
    const a = 1_000 + (i % 9_000);
    return {
      externalId: `B-${i}`,
      kind: 'purchase',
      journalCode: 'AC',
      date,
      label: `Achat n°${i}`,
      lines: [
        { account: '60700000', debit: a * 5, credit: 0 },
        { account: '44566000', debit: a, credit: 0 },
        { account: '62510000', debit: a * 2, credit: 0 },
        { account: 'FMOULIN', debit: 0, credit: a * 8 },
      ],
    };
  });
  const pushed = await call('POST', `/v1/files/${file}/entries`, { entries }, { 'idempotency-key': 'bench-tick' });
  if (pushed.accepted !== ENTRIES) throw new Error(`pushed ${pushed.accepted} of ${ENTRIES}`);
  await call('POST', `/v1/files/${file}/sync`);
  const send = await tick();
  await sim.control.openDossier(DEMO_FIRM.sic, 'BOULANG');
  await new Promise((r) => setTimeout(r, 3_500));
  const verify = await tick();
  const posted = (await call('GET', `/v1/files/${file}/entries?status=posted&limit=1`)).items.length;
  const ok = (t: typeof send, queue: string) => t.report.queues[queue]?.completed === 1;

  console.log(`\nEdge Function ticks — Deno (${fn.url}), PostgreSQL, ${new Date().toISOString().slice(0, 10)}\n`);
  console.log('| tick | CPU ms | wall ms | peak memory | goals |\n|---|---|---|---|---|');
  for (const [name, t, q] of [
    [`sends a ${fmt(LINES)}-line deposit`, send, 'send-file'],
    ['verifies it (posted)', verify, 'verify-deposit'],
  ] as const) {
    const met = t.cpu < 2_000 && t.peak < 256 && ok(t, q) ? 'met' : 'MISSED';
    console.log(`| ${name} | ${fmt(t.cpu)} | ${fmt(t.wall)} | ${fmt(t.peak)} MB | CPU < 2,000 ms, memory < 256 MB: ${met} |`);
  }
  recordBench({
    bench: 'bench-tick',
    engine: 'postgres',
    measures: {
      'send tick: CPU': ms(send.cpu),
      'send tick: wall': ms(send.wall),
      'send tick: peak memory': mb(send.peak),
      'verify tick: CPU': ms(verify.cpu),
      'verify tick: wall': ms(verify.wall),
      'verify tick: peak memory': mb(verify.peak),
    },
  });
  // Speed is never judged here; entries that a tick did not send and verify are a broken product.
  if (!posted || !ok(send, 'send-file') || !ok(verify, 'verify-deposit')) {
    console.error(`the ticks did not send and verify the deposit:\n${fn.output.join('')}`);
    process.exitCode = 1;
  }
} finally {
  await fn.stop();
  await sim.stop();
  await fresh.drop();
}
