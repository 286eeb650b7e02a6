// The service side of `npm run bench:api`, in its own process (the load comes from another one):
// the Quadra simulator, the service itself (HTTP, jobs) on the engine BENCH_ENGINE names, and a
// baseline — a bare node:http server on the same database that runs the same repository SQL
// for the same pages, with no auth, no RLS (table owner, outside any user transaction), no
// framework, no validation and no logging. Reports its URLs to the parent over IPC; stops on
// 'stop' (so `node --cpu-prof` can write its profile on a clean exit).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { countByStatus } from '../src/db/repos/entry-counts.ts';
import { entryDetail, fileTab, type EntryStatus } from '../src/db/repos/entry-reads.ts';
import { operationalGauges } from '../src/db/repos/metrics.ts';
import { firmFilesWithPrerequisites } from '../src/pipeline/prerequisites.ts';
import { today } from '../src/domain/calendar.ts';
import { devSecret } from '../src/lib/dev-secrets.ts';
import { startService } from '../src/server.ts';
import { startAzurite, startSimulator } from '../src/sim/index.ts';

const engine = process.env.BENCH_ENGINE === 'postgres' ? 'postgres' : 'pglite';
const dataDir = mkdtempSync(join(tmpdir(), 'quadra-sync-bench-api-'));
// A generous start-up wait: the machine may be busy with other work.
const sim = await startSimulator({ azurite: await startAzurite({ startTimeoutMs: 180_000 }) });
const fresh =
  engine === 'postgres'
    ? await createFreshPostgres(process.env.BENCH_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', `qs_bench_api_${process.pid}`)
    : undefined;
const metricsToken = `bench-metrics-${crypto.randomUUID()}`;
const config = loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: dataDir,
  PORT: '0',
  METRICS_TOKEN: metricsToken,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
  ...(fresh ? { DATABASE_URL: fresh.url } : {}),
});
const service = await startService(config, { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, schedules: false });
const { db } = service.services;
const inspector = new Session();
inspector.connect();

function decodeCursor(c: string | null): { createdAt: string; id: string } | undefined {
  if (!c) return undefined;
  const [createdAt, id] = Buffer.from(c, 'base64url').toString('utf8').split('|');
  return { createdAt: createdAt!, id: id! };
}

const baseline = createServer(async (req, res) => {
  try {
    const u = new URL(req.url!, 'http://x');
    const [, , kind, id, sub] = u.pathname.split('/'); // /bare/<kind>/<id>[/<sub>]
    let body: unknown;
    if (kind === 'files' && sub === 'entries') {
      const limit = Number(u.searchParams.get('limit') ?? 50);
      const tab = await fileTab(db, id!, {
        status: (u.searchParams.get('status') ?? undefined) as EntryStatus | undefined,
        limit: limit + 1,
        after: decodeCursor(u.searchParams.get('cursor')),
      });
      body = { file: tab && { waitingOpenSince: tab.waitingOpenSince }, items: tab?.rows.slice(0, limit) };
    } else if (kind === 'files' && sub === 'counts') {
      body = { counts: await countByStatus(db, id!) };
    } else if (kind === 'entries') {
      body = await entryDetail(db, id!);
    } else if (kind === 'metrics') {
      body = await operationalGauges(db);
    } else if (kind === 'firms') {
      body = { files: await firmFilesWithPrerequisites(db, id!, today(config.SCHEDULE_TZ, new Date())) };
    } else {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  } catch (err) {
    res.writeHead(500).end(String(err));
  }
});
await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));

process.send!({
  url: service.url,
  baseUrl: `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/bare`,
  jwtSecret: devSecret(dataDir, 'jwt.secret'),
  metricsToken,
  engine,
  databaseUrl: fresh?.url,
});
process.on('message', async (m) => {
  if (typeof m === 'object' && m && 'profile' in m) {
    // A CPU profile of one window (a route's full-speed run), in the format `node --cpu-prof` writes.
    const { profile, file } = m as { profile: 'start' | 'stop'; file?: string };
    if (profile === 'start') {
      await inspector.post('Profiler.enable');
      await inspector.post('Profiler.start');
    } else {
      const { profile: p } = await inspector.post('Profiler.stop');
      mkdirSync(join(file!, '..'), { recursive: true });
      writeFileSync(file!, JSON.stringify(p));
    }
    process.send!('profiled');
    return;
  }
  if (m === 'cpu') {
    // This process's CPU time so far (µs), so the parent can divide a run's share by its requests.
    const u = process.cpuUsage();
    process.send!({ cpu: u.user + u.system });
    return;
  }
  if (m === 'vacuum') {
    // What autovacuum does on its own within a minute of a bulk load on a default server
    // (statistics, visibility map); PGlite has no autovacuum, and a test server may run without.
    await db.exec('vacuum analyze');
    process.send!('vacuumed');
    return;
  }
  if (m !== 'stop') return;
  await new Promise<void>((resolve) => baseline.close(() => resolve()));
  await service.stop();
  await sim.stop();
  await sim.azurite.stop();
  if (!process.env.BENCH_KEEP_DB) await fresh?.drop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
