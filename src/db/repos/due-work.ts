// What the schedules fan out over, read set-based: the files and jobs a slot turns into units.
import type { Queryable } from '../database.ts';

/** Files with entries ready for their first send (the automatic send's units). */
export async function filesToSend(tx: Queryable): Promise<string[]> {
  return (
    await tx.query<{ file_id: string }>(
      `select distinct file_id from public.entries where status = 'pending' and deposit_id is null and next_attempt_at is null`,
    )
  ).rows.map((r) => r.file_id);
}

/**
 * Of these singleton keys, those with a job still waiting in `queue` (pg-boss's own table): a unit
 * already queued by an earlier slot is not queued again behind itself. Not `active` ones: such a job
 * may belong to a process that died, and would hold its unit back until pg-boss expires it (15
 * minutes); a second run of a unit is safe under its leases.
 */
export async function liveJobKeys(db: Queryable, queue: string, keys: readonly string[]): Promise<Set<string>> {
  if (!keys.length) return new Set();
  const r = await db.query<{ k: string }>(
    `select distinct singleton_key as k from pgboss.job where name = $1 and singleton_key = any($2::text[]) and state in ('created', 'retry')`,
    [queue, keys],
  );
  return new Set(r.rows.map((x) => x.k));
}
