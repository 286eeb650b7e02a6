// `npm run bench` (third part): how lean the Edge Function is, beside the least Hono function
// (test/fixtures/minimal-function) on the same Deno in the same run:
//   - bundle size: `deno bundle` of each entry, a stand-in for Supabase's deploy bundle (5 MB limit);
//   - cold start: process start → first 200 from /quadra-sync/health, median of RUNS starts.
// Postgres: DATABASE_URL, else 127.0.0.1:5432 (a fresh, migrated database is made and dropped).
// BENCH_SMALL=1: fewer starts (figures printed, not judged).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../src/db/open.ts';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { migrate } from '../src/db/migrate.ts';
import { randomKeySpec } from '../src/lib/secret-box.ts';
import { denoBin, denoUnavailable, functionDir, networkEnv } from '../test/support/deno.ts';
import { mb as megabytes, ms, ratioOf, recordBench } from './bench-record.ts';

const root = resolve(import.meta.dirname, '..');
const RUNS = process.env.BENCH_SMALL === '1' ? 2 : 9;
const CONFIG = resolve(functionDir, 'deno.json');
const ENTRIES = {
  'quadra-sync': resolve(functionDir, 'index.ts'),
  'minimal Hono': resolve(root, 'test/fixtures/minimal-function/index.ts'),
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// The function runs on Postgres only: a run limited to other engines (BENCH_ENGINES) skips it.
const engines = process.env.BENCH_ENGINES?.split(',').map((e) => e.trim());
if (engines && !engines.includes('postgres')) {
  console.log(`Edge Function size and cold start bench skipped: BENCH_ENGINES=${process.env.BENCH_ENGINES} (it runs on Postgres)`);
  process.exit(0);
}
const why = denoUnavailable();
if (why) {
  console.log(`Edge Function size and cold start bench skipped: ${why}`);
  process.exit(0);
}
const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
let fresh: Awaited<ReturnType<typeof createFreshPostgres>>;
try {
  fresh = await createFreshPostgres(admin, `qs_bench_fn_${Date.now()}`);
} catch (err) {
  console.log(`Edge Function size and cold start bench skipped: needs Postgres (${(err as Error).message})`);
  process.exit(0);
}
const db = await openDatabase({ url: fresh.url, poolMax: 1 });
await migrate(db);
await db.close();

const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  // `deno bundle` fetches esbuild from npm once: through the machine's certificate authorities.
  ...(process.env.SSL_CERT_FILE && !process.env.DENO_CERT ? { DENO_CERT: process.env.SSL_CERT_FILE } : {}),
  ...networkEnv(),
  NO_COLOR: '1',
  QUADRA_SYNC_PORT: '0',
  SUPABASE_DB_URL: fresh.url,
  CPA_BASE_URL: 'http://127.0.0.1:9/cpa',
  CFE_BASE_URL: 'http://127.0.0.1:9/cfe',
  SECRETS_KEYS: randomKeySpec('b1'),
  JWT_SECRET: `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`,
  LOG_LEVEL: 'warn',
};

const parts = new Map<string, [string, number][]>();
/**
 * Bytes per npm package (and the service's own code) of a plain bundle, read from the
 * `// <path>` comment esbuild writes before each module; largest first.
 */
function packagesOf(bundle: string): [string, number][] {
  const sizes = new Map<string, number>();
  let part = '(bundle preamble)';
  for (const line of bundle.split('\n')) {
    const m = /^\/\/ (\S+\.(?:[cm]?[jt]sx?|json))$/.exec(line);
    if (m) part = /registry\.npmjs\.org\/((?:@[^/]+\/)?[^/]+)\//.exec(m[1]!)?.[1] ?? (m[1]!.includes('src/') ? 'own code (src/)' : m[1]!);
    sizes.set(part, (sizes.get(part) ?? 0) + Buffer.byteLength(line) + 1);
  }
  return [...sizes].sort((a, b) => b[1] - a[1]);
}

/** `deno bundle` of one entry (minified with `minify`): its size in bytes, and its parts when plain. */
function bundleSize(entry: string, minify = false): number {
  const dir = mkdtempSync(join(tmpdir(), 'quadra-sync-bundle-'));
  try {
    const out = join(dir, 'bundle.js');
    const r = spawnSync(
      denoBin,
      ['bundle', '--quiet', ...(minify ? ['--minify'] : []), '--config', CONFIG, '--platform', 'deno', '-o', out, entry],
      { cwd: root, env, encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`deno bundle ${entry} failed:\n${r.stderr}`);
    if (!minify) parts.set(entry, packagesOf(readFileSync(out, 'utf8')));
    return statSync(out).size;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Spawn → the first `want` answer of `path`, in ms (the port is read from the listen line). */
async function coldStart(entry: string, path = '/quadra-sync/health', want = 200): Promise<number> {
  const t0 = performance.now();
  const child = spawn(denoBin, ['run', '-A', '--cached-only', '--config', CONFIG, entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  try {
    const url = await new Promise<string>((ok, fail) => {
      const onData = (c: Buffer) => {
        output += String(c);
        const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output);
        if (m) ok(m[1]!);
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => fail(new Error(`deno exited (${code}):\n${output}`)));
      setTimeout(() => fail(new Error(`no listen line within 60 s:\n${output}`)), 60_000).unref();
    });
    for (let i = 0; i < 1_000; i++) {
      const r = await fetch(`${url}${path}`).catch(() => undefined);
      if (r?.status === want) {
        await r.body?.cancel();
        return performance.now() - t0;
      }
      await r?.body?.cancel();
      await new Promise((w) => setTimeout(w, 5));
    }
    throw new Error(`${path} never answered ${want}:\n${output}`);
  } finally {
    await new Promise<void>((r) => {
      if (child.exitCode !== null) return r();
      child.once('exit', () => r());
      child.kill('SIGKILL');
    });
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
try {
  const figures: Record<string, { bytes: number; minified: number; starts: number[] }> = {};
  for (const [name, entry] of Object.entries(ENTRIES))
    figures[name] = { bytes: bundleSize(entry), minified: bundleSize(entry, true), starts: [] };
  // The first request that needs the app itself (routes, settings, OpenAPI document): an API call
  // without a token, answered 401 by the app's own authentication.
  const firstApi: number[] = [];
  await coldStart(ENTRIES['quadra-sync']); // warms the OS file cache and Deno's module cache for both
  await coldStart(ENTRIES['minimal Hono']);
  // Interleaved, so a noisy neighbour weighs on both alike.
  for (let i = 0; i < RUNS; i++) {
    for (const [name, entry] of Object.entries(ENTRIES)) figures[name]!.starts.push(await coldStart(entry));
    firstApi.push(await coldStart(ENTRIES['quadra-sync'], '/quadra-sync/v1/firms', 401));
  }
  const fn = figures['quadra-sync']!;
  const min = figures['minimal Hono']!;
  const ratio = median(fn.starts) / median(min.starts);
  const v = spawnSync(denoBin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  console.log(`\nEdge Function size and cold start — ${v}, PostgreSQL, ${RUNS} starts each, ${new Date().toISOString().slice(0, 10)}\n`);
  const mb = (b: number) => `${(b / 1048576).toFixed(2)} MB`;
  console.log('| function | bundle (deno bundle / --minify) | cold start to /health 200, median (min–max) | goal |\n|---|---|---|---|');
  console.log(
    `| quadra-sync | ${mb(fn.bytes)} / ${mb(fn.minified)} | ${fmt(median(fn.starts))} ms (${fmt(Math.min(...fn.starts))}–${fmt(Math.max(...fn.starts))}) | bundle < 5 MB: ${fn.bytes < 5 * 1048576 ? 'met' : fn.minified < 5 * 1048576 ? 'minified only' : 'MISSED'}; cold start ≤ 3 × minimal: ${ratio <= 3 ? 'met' : 'MISSED'} (${ratio.toFixed(1)} ×) |`,
  );
  console.log(
    `| quadra-sync, first API answer (GET /v1/firms → 401, loads the app) | | ${fmt(median(firstApi))} ms (${fmt(Math.min(...firstApi))}–${fmt(Math.max(...firstApi))}) | (${(median(firstApi) / median(min.starts)).toFixed(1)} × minimal) |`,
  );
  console.log(
    `| minimal Hono | ${mb(min.bytes)} / ${mb(min.minified)} | ${fmt(median(min.starts))} ms (${fmt(Math.min(...min.starts))}–${fmt(Math.max(...min.starts))}) | |`,
  );
  // What the function's plain bundle is made of: where bytes can still be saved.
  const largest = (parts.get(ENTRIES['quadra-sync']) ?? []).slice(0, 12);
  recordBench({
    bench: 'bench-function',
    engine: 'postgres',
    measures: {
      bundle: megabytes(fn.bytes / 1048576),
      'bundle, minified': megabytes(fn.minified / 1048576),
      'cold start to /health': ms(median(fn.starts)),
      'cold start to /health ÷ minimal': ratioOf(ratio, 'lower'),
      'cold start to the first API answer': ms(median(firstApi)),
      'first API answer ÷ minimal': ratioOf(median(firstApi) / median(min.starts), 'lower'),
      'minimal Hono cold start': ms(median(min.starts)),
    },
  });
  console.log(`\nLargest parts of quadra-sync's plain bundle: ${largest.map(([p, b]) => `${p} ${mb(b)}`).join(', ')}`);
} finally {
  await fresh.drop();
}
