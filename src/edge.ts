// The Supabase Edge Function's entry (supabase/functions/quadra-sync/index.ts): the same app as the
// Node service (createApp), on the project's database (DATABASE_URL or SUPABASE_DB_URL, a small pool), with no
// long-lived worker: jobs run in ticks (POST /v1/jobs/tick, called by Postgres cron). Migrations are
// pushed with the Supabase CLI, not run here. Runtime-neutral: also runs under Node (tests, bench).
//
// Every instance pays its start-up, and Supabase starts one per concurrent request: so nothing is
// opened or loaded before a request needs it. This module holds only the pool (pg opens no
// connection until the first statement) and GET /health; the app (src/edge-app.ts: settings,
// routes, OpenAPI document, Cegid clients) is loaded on the first other request, pg-boss on the
// first that enqueues or ticks.
import type { App } from './app.ts';
import { openPostgres } from './db/database.ts';
import { databaseHealth } from './db/repos/health.ts';
import type { FunctionApp } from './edge-app.ts';
import { errorBody } from './lib/errors.ts';
import type { Services } from './services.ts';

/** Supabase routes https://<ref>.supabase.co/functions/v1/quadra-sync/... to the function as /quadra-sync/... */
export const FUNCTION_BASE = '/quadra-sync';
const HEALTH = `${FUNCTION_BASE}/health`;

/** The app's fetch under the function's base path: /quadra-sync/v1/... is the app's /v1/... */
export function underFunctionBase(app: App): (req: Request) => Promise<Response> {
  return async (req) => {
    const u = new URL(req.url);
    if (u.pathname !== FUNCTION_BASE && !u.pathname.startsWith(`${FUNCTION_BASE}/`)) {
      return Response.json(errorBody('not_found', `This function serves ${FUNCTION_BASE}/...`), { status: 404 });
    }
    u.pathname = u.pathname.slice(FUNCTION_BASE.length) || '/';
    return app.fetch(new Request(u, req));
  };
}

export interface EdgeFunction {
  fetch(req: Request): Promise<Response>;
  /** The app and its services, loaded on first call (a request other than GET /health loads them too). */
  load(): Promise<{ app: App; services: Services }>;
  close(): Promise<void>;
}

export function createEdgeFunction(env: Record<string, string | undefined>, opts: { now?: () => Date } = {}): EdgeFunction {
  // DATABASE_URL, set as a function secret: the project's transaction pooler (port 6543), which
  // serverless instances are meant to share (README "Deploy to Supabase"). Else the SUPABASE_DB_URL
  // Supabase sets itself.
  const url = env.DATABASE_URL ?? env.SUPABASE_DB_URL;
  if (!url) throw new Error('Invalid configuration: DATABASE_URL (the transaction pooler) or SUPABASE_DB_URL is required');
  const poolMax = Number(env.DATABASE_POOL_MAX ?? 3);
  if (!Number.isInteger(poolMax) || poolMax < 1) throw new Error('Invalid configuration:\n  DATABASE_POOL_MAX: a positive integer');
  const db = openPostgres(url, poolMax);
  let loading: Promise<FunctionApp & { fetch: (req: Request) => Promise<Response> }> | undefined;
  const load = () =>
    (loading ??= import('./edge-app.ts')
      .then((m) => m.composeFunctionApp(env, url, db, { ...opts, basePath: FUNCTION_BASE }))
      .then((f) => ({ ...f, fetch: underFunctionBase(f.app) })));
  return {
    load,
    async fetch(req) {
      // The same answer as the app's GET /health (one rule: databaseHealth), without loading the app.
      if (req.method === 'GET' && new URL(req.url).pathname === HEALTH) {
        const health = await databaseHealth(db);
        return Response.json(health, { status: health.status === 'ok' ? 200 : 503 });
      }
      return (await load()).fetch(req);
    },
    async close() {
      if (loading) await (await loading.catch(() => undefined))?.close();
      await db.close();
    },
  };
}
