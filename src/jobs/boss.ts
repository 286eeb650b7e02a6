import type { PgBoss } from 'pg-boss';
import type { Database } from '../db/database.ts';
import type { Logger } from '../lib/logger.ts';
import type { JobQueue } from '../services.ts';
import { logError } from '../lib/log-error.ts';

/** pg-boss on the same database as the data: PGlite's in-process backend, or its own pool on Postgres. */
export async function startBoss(
  db: Database,
  opts: { url?: string; log: Logger; schedule: boolean; supervise?: boolean; max?: number },
): Promise<PgBoss> {
  // Loaded here, not at import: the Edge Function loads its app without pg-boss and starts the
  // queue on the first request that enqueues or ticks.
  const { PgBoss, fromPglite } = await import('pg-boss');
  // supervise false: no maintenance timer (the tick calls supervise() itself).
  const common = { schema: 'pgboss', schedule: opts.schedule, supervise: opts.supervise ?? true, migrate: true } as const;
  const boss =
    db.kind === 'pglite'
      ? new PgBoss({ ...common, db: fromPglite(db.pglite as Parameters<typeof fromPglite>[0]), backend: 'pglite' })
      : new PgBoss({ ...common, connectionString: opts.url!, max: opts.max ?? 4, application_name: 'quadra-sync-jobs' });
  boss.on('error', (err: Error) => opts.log.error({ err: logError(err) }, 'job queue error'));
  await boss.start();
  return boss;
}

/** Rows per insert statement: bounded statements, a few round trips for thousands of units. */
const INSERT_CHUNK = 500;

/** Sends by definition: the payload checked against its schema, the definition's send policy applied. */
export function queueOf(boss: PgBoss): JobQueue {
  return {
    send: async (job, payload, opts) => {
      const data = job.payload.parse(payload) as object;
      const { singletonKey, ...policy } = job.send;
      return boss.send(job.name, data, {
        ...policy,
        ...(singletonKey ? { singletonKey: singletonKey(data as never) } : {}),
        ...(opts?.startAfter ? { startAfter: opts.startAfter } : {}),
        ...(opts?.id ? { id: opts.id } : {}),
      });
    },
    sendMany: async (job, items) => {
      const { singletonKey, retryDelaySeconds, ...policy } = job.send;
      let inserted = 0;
      for (let i = 0; i < items.length; i += INSERT_CHUNK) {
        const rows = items.slice(i, i + INSERT_CHUNK).map(({ payload, id }) => {
          const data = job.payload.parse(payload) as object;
          return {
            id,
            data,
            ...policy,
            retryDelay: retryDelaySeconds,
            ...(singletonKey ? { singletonKey: singletonKey(data as never) } : {}),
          };
        });
        inserted += (await boss.insert(job.name, rows))?.length ?? 0;
      }
      return inserted;
    },
  };
}
