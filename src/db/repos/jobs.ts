import type { Queryable } from '../database.ts';

/**
 * Whether a send of this file is queued or running (pg-boss's own job table: sends carry the
 * file id as their singleton key). Read with the service's connection, never a user's.
 */
export async function fileSendInFlight(db: Queryable, fileId: string): Promise<boolean> {
  const r = await db.query<{ busy: boolean }>(
    `select exists (select 1 from pgboss.job where name = 'send-file' and singleton_key = $1 and state in ('created', 'retry', 'active')) as busy`,
    [fileId]);
  return r.rows[0]?.busy ?? false;
}
