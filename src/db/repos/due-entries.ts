// The entries a verification reads back from Quadra (the check, the night, the audit, settling an
// unconfirmed upload, earlier copies), in one shape: what matching needs (reference, journal, date)
// and what the decision needs (nights tried, deposit, batch).
import type { Queryable } from '../database.ts';
import { OPEN_ENTRY_STATUSES } from '../../domain/statuses.ts';
import { sqlIn } from '../literal.ts';

export interface DueEntry {
  id: string;
  quadra_ref: string;
  journal_code: string;
  entry_date: string;
  nights_tried: number;
  deposit_id: string | null;
  batch_seq: number | null;
  status: string;
}

/** The columns of DueEntry, for `from public.entries e` (batch_seq given by each statement). */
const DUE_COLUMNS = 'e.id, e.quadra_ref, e.journal_code, e.entry_date, e.nights_tried, e.deposit_id, e.status';

/** A deposit's entries in `statuses`. */
export async function depositEntries(tx: Queryable, depositId: string, statuses: readonly string[]): Promise<DueEntry[]> {
  return (
    await tx.query<DueEntry>(
      `select ${DUE_COLUMNS}, null::bigint as batch_seq from public.entries e where e.deposit_id = $1 and e.status::text = any($2::text[])`,
      [depositId, statuses],
    )
  ).rows;
}

/** A file's open entries due tonight (`next_attempt_at <= now`), with the deposit of their first batch. */
export async function dueEntriesOfFile(
  tx: Queryable,
  fileId: string,
  now: Date,
): Promise<Array<DueEntry & { batch_deposit_id: string | null }>> {
  return (
    await tx.query<DueEntry & { batch_deposit_id: string | null }>(
      `select ${DUE_COLUMNS}, null::bigint as batch_seq, e.batch_deposit_id
       from public.entries e where e.file_id = $1 and e.status in ${sqlIn(OPEN_ENTRY_STATUSES)} and e.next_attempt_at <= $2`,
      [fileId, now],
    )
  ).rows;
}

/** Files with open entries due at `now`. */
export async function filesWithEntriesDue(tx: Queryable, now: Date): Promise<string[]> {
  return (
    await tx.query<{ file_id: string }>(
      `select distinct file_id from public.entries where status in ${sqlIn(OPEN_ENTRY_STATUSES)} and next_attempt_at <= $1`,
      [now],
    )
  ).rows.map((r) => r.file_id);
}

/** A file's entries posted since `since` and not flagged yet, with their earlier references (the audit). */
export async function postedSince(tx: Queryable, fileId: string, since: Date): Promise<Array<DueEntry & { previous_refs: string[] }>> {
  return (
    await tx.query<DueEntry & { previous_refs: string[] }>(
      `select ${DUE_COLUMNS}, null::bigint as batch_seq, e.previous_refs
       from public.entries e where e.file_id = $1 and e.status = 'posted' and not e.duplicate_in_quadra and e.posted_at > $2`,
      [fileId, since],
    )
  ).rows;
}

/** Files with entries posted since `since` and not flagged yet (the audit). */
export async function filesPostedSince(tx: Queryable, since: Date): Promise<string[]> {
  return (
    await tx.query<{ file_id: string }>(
      `select distinct file_id from public.entries where status = 'posted' and not duplicate_in_quadra and posted_at > $1`,
      [since],
    )
  ).rows.map((r) => r.file_id);
}

/** The lines of these entries, as matching compares them with Quadra's. */
export async function entryLines(
  tx: Queryable,
  entryIds: string[],
): Promise<Array<{ entry_id: string; account: string; debit_cents: number; credit_cents: number }>> {
  return (
    await tx.query<{ entry_id: string; account: string; debit_cents: number; credit_cents: number }>(
      'select entry_id, coalesce(quadra_account, account) as account, debit_cents, credit_cents from public.entry_lines where entry_id = any($1::uuid[]) order by entry_id, line_no',
      [entryIds],
    )
  ).rows;
}
