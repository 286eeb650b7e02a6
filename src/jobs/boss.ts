import { PgBoss, fromPglite } from 'pg-boss';
import type { Database } from '../db/database.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobQueue } from '../services.ts';

/** pg-boss on the same database as the data: PGlite's in-process backend, or its own pool on Postgres. */
export async function startBoss(db: Database, opts: { url?: string; log: Logger; schedule: boolean }): Promise<PgBoss> {
  const common = { schema: 'pgboss', schedule: opts.schedule, supervise: true, migrate: true } as const;
  const boss = db.kind === 'pglite'
    ? new PgBoss({ ...common, db: fromPglite(db.pglite!), backend: 'pglite' })
    : new PgBoss({ ...common, connectionString: opts.url!, max: 4, application_name: 'quadra-sync-jobs' });
  boss.on('error', (err: Error) => opts.log.error({ err: { message: err.message } }, 'job queue error'));
  await boss.start();
  return boss;
}

export function queueOf(boss: PgBoss): JobQueue {
  return {
    send: (name, data, opts) =>
      boss.send(name, data, {
        ...(opts?.startAfter ? { startAfter: opts.startAfter } : {}),
        ...(opts?.singletonKey ? { singletonKey: opts.singletonKey } : {}),
        retryLimit: 5,
        retryBackoff: true,
      }),
  };
}
