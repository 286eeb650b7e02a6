// The services both runtimes share, put together once: the Node service (src/server.ts) and the
// Supabase Edge Function (src/edge.ts) differ in where their settings come from, not in this.
import type { PgBoss } from 'pg-boss';
import { cegidIdentity, type Config } from './config.ts';
import type { Database } from './db/database.ts';
import { queueOf } from './jobs/boss.ts';
import { authConfig, createTokenVerifier } from './lib/auth.ts';
import type { Logger } from './lib/logger.ts';
import { createSecretBox } from './lib/secret-box.ts';
import type { Services } from './services.ts';

export interface ServiceParts {
  config: Config;
  db: Database;
  log: Logger;
  /** The queue, or how to start it on first use (the Edge Function starts pg-boss lazily). */
  boss: PgBoss | (() => Promise<PgBoss>);
  /** The HS256 secret access tokens are checked with (none: asymmetric keys only). */
  jwtSecret: string | undefined;
  secretsKeys: string;
  cpaBaseUrl: string;
  cfeBaseUrl: string;
  now?: (() => Date) | undefined;
  /** Where the app is mounted (the Edge Function's base path). */
  basePath?: string;
}

// The tick and its workers (with every job's handler, pg-boss, the night's pipeline and cron-parser)
// load on the first tick, not with the services: an Edge Function instance that answers a read
// never loads them.
const tickModule = () => import('./jobs/tick.ts');

/** The services routes and jobs share, with the tick and its workers (POST /v1/jobs/tick, /v1/jobs/work) bound to `boss`. */
export async function composeServices(p: ServiceParts): Promise<Services> {
  const { boss } = p;
  const bossNow = typeof boss === 'function' ? boss : async () => boss;
  const services: Services = {
    config: p.config,
    db: p.db,
    log: p.log,
    verifyToken: createTokenVerifier(authConfig(p.config, p.jwtSecret)),
    secrets: await createSecretBox(p.secretsKeys),
    jobs:
      typeof boss === 'function'
        ? {
            send: async (job, payload, opts) => queueOf(await bossNow()).send(job, payload, opts),
            sendMany: async (job, items) => queueOf(await bossNow()).sendMany(job, items),
          }
        : queueOf(boss),
    cegid: {
      cpaBaseUrl: p.cpaBaseUrl,
      cfeBaseUrl: p.cfeBaseUrl,
      timeoutMs: p.config.CEGID_TIMEOUT_MS,
      maxAttempts: p.config.CEGID_MAX_ATTEMPTS,
      identity: cegidIdentity(p.config),
    },
    now: p.now ?? (() => new Date()),
  };
  if (p.basePath) services.basePath = p.basePath;
  services.tick = async (o) => (await tickModule()).runTick(await bossNow(), services, o);
  services.work = async (o) => (await tickModule()).runWorker(await bossNow(), services, o);
  return services;
}
