// The tab badges: how many entries each status of a file holds. Kept by triggers on entries as
// appended per-statement differences (migration entry_counts), so a count costs the same for a
// file of ten entries as for one of two hundred thousand.
import type { Queryable } from '../database.ts';
import { ENTRY_STATUSES, STATUS_LITERAL, type EntryStatus } from './entry-reads.ts';

/** Entries per status of the file, or undefined when the file is not visible: one statement. */
export async function countByStatus(q: Queryable, fileId: string): Promise<Record<EntryStatus, number> | undefined> {
  const r = await q.query<Record<EntryStatus, number>>(
    `select ${ENTRY_STATUSES.map((st) => `coalesce(sum(d.n) filter (where d.status = ${STATUS_LITERAL[st]}), 0)::int as ${st}`).join(', ')}
       from public.client_files f left join public.entry_count_deltas d on d.file_id = f.id
      where f.id = $1 group by f.id`,
    [fileId],
  );
  return r.rows[0];
}

/** Folds the difference rows of files that gathered more than `threshold`; how many files were folded. */
export async function compactCounts(tx: Queryable, threshold: number): Promise<number> {
  return (await tx.query<{ n: number }>('select private.compact_entry_counts($1) as n', [threshold])).rows[0]!.n;
}
