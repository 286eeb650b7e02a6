import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import type { PgBoss } from 'pg-boss';
import { createApp } from './app.ts';
import { composeServices } from './compose.ts';
import { loadConfig, type Config } from './config.ts';
import { openDatabase } from './db/open.ts';
import { migrate } from './db/migrate.ts';
import { startBoss } from './jobs/boss.ts';
import { createQueues, startWorkers } from './jobs/index.ts';
import { devSecret } from './lib/dev-secrets.ts';
import { createLogger } from './lib/logger.ts';
import { createProcessMetrics } from './lib/metrics.ts';
import type { Services } from './services.ts';

export interface RunningService {
  services: Services;
  url: string;
  boss: PgBoss;
  stop(): Promise<void>;
}

/** config → database (migrated) → pg-boss → workers and schedules → HTTP. */
export interface StartOptions {
  cpaBaseUrl?: string;
  cfeBaseUrl?: string;
  /** The clock rules read (the demo moves it forward). */
  now?: () => Date;
  /** Cron schedules on (default: config.JOBS). Workers run whenever config.JOBS is on. */
  schedules?: boolean;
}

export async function startService(config: Config, opts: StartOptions = {}): Promise<RunningService> {
  const log = createLogger(config.LOG_LEVEL, undefined, { batchMs: config.LOG_FLUSH_MS });
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite'), poolMax: config.DATABASE_POOL_MAX });
  const applied = await migrate(db);
  if (applied.length) log.info({ migrations: applied }, 'database migrated');

  const jwtSecret =
    config.JWT_SECRET ?? (config.JWT_JWKS_URL || config.SUPABASE_URL ? undefined : devSecret(config.DATA_DIR, 'jwt.secret'));
  const cpaBaseUrl = opts.cpaBaseUrl ?? config.CPA_BASE_URL;
  const cfeBaseUrl = opts.cfeBaseUrl ?? config.CFE_BASE_URL;
  if (!cpaBaseUrl || !cfeBaseUrl) throw new Error('Invalid configuration: set CPA_BASE_URL and CFE_BASE_URL, or QUADRA_SIMULATOR=embedded');

  const schedules = opts.schedules ?? config.JOBS;
  const boss = await startBoss(db, { url: config.DATABASE_URL, log, schedule: schedules });
  const services = await composeServices({
    config,
    db,
    log,
    boss,
    jwtSecret,
    cpaBaseUrl,
    cfeBaseUrl,
    now: opts.now,
    secretsKeys: config.SECRETS_KEYS ?? devSecret(config.DATA_DIR, 'secrets.keys'),
  });
  services.metrics = createProcessMetrics();
  // Routes enqueue even where this process runs no worker (JOBS=false: jobs run in ticks).
  if (config.JOBS) await startWorkers(boss, services, { schedules });
  else await createQueues(boss);

  const app = createApp(services);
  const server: ServerType = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = `http://${config.HOST}:${port}`;
  log.info({ url, engine: db.kind }, 'Quadra Sync listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // HTTP first (no new work), then workers (finish what they hold), then the database.
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await boss.stop({ graceful: true, timeout: 20_000 } as Parameters<PgBoss['stop']>[0]);
      await db.close();
      services.metrics?.stop();
      log.info('Quadra Sync stopped');
    })());
  return { services, url, boss, stop };
}

export function onShutdown(stop: () => Promise<void>) {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

// `npm run serve`: the service alone, against configured Cegid endpoints.
if (import.meta.url === `file://${process.argv[1]}`) {
  const running = await startService(loadConfig());
  onShutdown(running.stop);
}
