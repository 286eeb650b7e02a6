// The Supabase Edge Function's entry (supabase/functions/quadra-sync/index.ts): the same app as the
// Node service (createApp), on the project's database (SUPABASE_DB_URL, a small pool), with no
// long-lived worker: jobs run in ticks (POST /v1/jobs/tick, called by Postgres cron). Migrations are
// pushed with the Supabase CLI, not run here. Runtime-neutral: also runs under Node (tests, bench).
import { createApp, type App } from './app.ts';
import { composeServices } from './compose.ts';
import { loadConfig } from './config.ts';
import { openPostgres } from './db/database.ts';
import { startBoss } from './jobs/boss.ts';
import { createQueues } from './jobs/index.ts';
import { createLogger } from './lib/logger.ts';
import type { Services } from './services.ts';

/** Supabase routes https://<ref>.supabase.co/functions/v1/quadra-sync/... to the function as /quadra-sync/... */
export const FUNCTION_BASE = '/quadra-sync';

/** The app's fetch under the function's base path: /quadra-sync/v1/... is the app's /v1/... */
export function underFunctionBase(app: App): (req: Request) => Promise<Response> {
  return async (req) => {
    const u = new URL(req.url);
    if (u.pathname !== FUNCTION_BASE && !u.pathname.startsWith(`${FUNCTION_BASE}/`)) {
      return Response.json({ error: { code: 'not_found', message: `This function serves ${FUNCTION_BASE}/...` } }, { status: 404 });
    }
    u.pathname = u.pathname.slice(FUNCTION_BASE.length) || '/';
    return app.fetch(new Request(u, req));
  };
}

export interface EdgeFunction { fetch(req: Request): Promise<Response>; app: App; services: Services; close(): Promise<void> }

export async function createEdgeFunction(env: Record<string, string | undefined>, opts: { now?: () => Date } = {}): Promise<EdgeFunction> {
  const url = env.SUPABASE_DB_URL ?? env.DATABASE_URL;
  if (!url) throw new Error('Invalid configuration: SUPABASE_DB_URL is required');
  // The tick fans out to 4 workers by default, each an instance reached at the project's own
  // function URL (docs/scale.md); locally, beside the tick's own request.
  const workerUrl = env.SUPABASE_URL ? `${env.SUPABASE_URL.replace(/\/+$/, '')}/functions/v1${FUNCTION_BASE}/v1/jobs/work` : undefined;
  const config = loadConfig({
    NODE_ENV: 'production', DATABASE_POOL_MAX: '3', TICK_WORKERS: '4', ...(workerUrl ? { TICK_WORKER_URL: workerUrl } : {}),
    ...env, DATABASE_URL: url, JOBS: 'false',
  });
  if (!config.CPA_BASE_URL || !config.CFE_BASE_URL) throw new Error('Invalid configuration: set CPA_BASE_URL and CFE_BASE_URL');
  const log = createLogger(config.LOG_LEVEL);
  const db = openPostgres(url, config.DATABASE_POOL_MAX);
  const boss = await startBoss(db, { url, log, schedule: false, supervise: false, max: 2 });
  await createQueues(boss);
  const services = await composeServices({
    config, db, log, boss, jwtSecret: config.JWT_SECRET, secretsKeys: config.SECRETS_KEYS!,
    cpaBaseUrl: config.CPA_BASE_URL, cfeBaseUrl: config.CFE_BASE_URL, now: opts.now, basePath: FUNCTION_BASE,
  });
  const app = createApp(services);
  return {
    app,
    services,
    fetch: underFunctionBase(app),
    async close() {
      await boss.stop({ graceful: true, timeout: 10_000 } as Parameters<typeof boss.stop>[0]);
      await db.close();
    },
  };
}
