// The Edge Function's app, put together on its first request other than GET /health (src/edge.ts
// loads this module then): the settings, the same services as the Node service (src/compose.ts)
// and the same Hono app. pg-boss is started on first use (a route that enqueues, or the tick), not
// here: a read of the hub's screens needs neither its modules (pg-boss, the queues' definitions and
// handlers, loaded then) nor its connections.
import { createApp, type App } from './app.ts';
import { startBoss } from './jobs/boss.ts';
import { composeServices } from './compose.ts';
import { loadConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { createLogger } from './lib/logger.ts';
import type { Services } from './services.ts';

export interface FunctionApp {
  app: App;
  services: Services;
  close(): Promise<void>;
}

export async function composeFunctionApp(
  env: Record<string, string | undefined>,
  url: string,
  db: Database,
  opts: { now?: () => Date; basePath: string },
): Promise<FunctionApp> {
  // The tick fans out to 4 workers by default, each an instance reached at the project's own
  // function URL (docs/scale.md); locally, beside the tick's own request.
  const workerUrl = env.SUPABASE_URL ? `${env.SUPABASE_URL.replace(/\/+$/, '')}/functions/v1${opts.basePath}/v1/jobs/work` : undefined;
  const config = loadConfig({
    DATABASE_POOL_MAX: '3',
    TICK_WORKERS: '4',
    ...(workerUrl ? { TICK_WORKER_URL: workerUrl } : {}),
    ...env,
    // Always production on Supabase, whatever the function's secrets say: development defaults
    // (an open /metrics, the development Cegid identity) must never reach a deployed function.
    NODE_ENV: 'production',
    DATABASE_URL: url,
    JOBS: 'false',
  });
  if (!config.CPA_BASE_URL || !config.CFE_BASE_URL) throw new Error('Invalid configuration: set CPA_BASE_URL and CFE_BASE_URL');
  const log = createLogger(config.LOG_LEVEL);
  let started: ReturnType<typeof startBoss> | undefined;
  const boss = () =>
    (started ??= startBoss(db, { url, log, schedule: false, supervise: false, max: 2 })
      .then(async (b) => {
        await (await import('./jobs/index.ts')).createQueues(b);
        return b;
      })
      .catch((err: unknown) => {
        started = undefined;
        throw err;
      }));
  const services = await composeServices({
    config,
    db,
    log,
    boss,
    jwtSecret: config.JWT_SECRET,
    secretsKeys: config.SECRETS_KEYS!,
    cpaBaseUrl: config.CPA_BASE_URL,
    cfeBaseUrl: config.CFE_BASE_URL,
    now: opts.now,
    basePath: opts.basePath,
  });
  return {
    app: createApp(services),
    services,
    async close() {
      if (started) await (await started.catch(() => undefined))?.stop({ graceful: true, timeout: 10_000 } as never);
    },
  };
}
