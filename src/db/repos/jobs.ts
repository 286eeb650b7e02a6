import type { Queryable } from '../database.ts';

/**
 * Whether a job of this name (the send's, `sendFileJob.name` in src/jobs/definitions.ts, its one
 * home) is queued or running for this file (pg-boss's own job table: sends carry the file id as
 * their singleton key). Read with the service's connection, never a user's.
 */
export async function jobInFlight(db: Queryable, jobName: string, fileId: string): Promise<boolean> {
  const r = await db.query<{ busy: boolean }>(
    `select exists (select 1 from pgboss.job where name = $1 and singleton_key = $2 and state in ('created', 'retry', 'active')) as busy`,
    [jobName, fileId],
  );
  return r.rows[0]?.busy ?? false;
}
