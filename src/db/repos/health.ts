import type { Database, Queryable } from '../database.ts';

/** One round trip to the database. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('select 1');
}

export interface Health {
  status: 'ok' | 'degraded';
  database: 'ok' | 'unreachable';
  engine: Database['kind'];
}

/**
 * The service's health: up when the database answers one statement within `timeoutMs`. The one
 * rule behind GET /health, in the app (src/routes/health.ts) and in the Edge Function's start-up
 * path (src/edge.ts), which answers it before the rest of the app is loaded.
 */
export async function databaseHealth(db: Database, timeoutMs = 2_000): Promise<Health> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      pingDatabase(db),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
      }),
    ]);
    return { status: 'ok', database: 'ok', engine: db.kind };
  } catch {
    return { status: 'degraded', database: 'unreachable', engine: db.kind };
  } finally {
    clearTimeout(timer);
  }
}
