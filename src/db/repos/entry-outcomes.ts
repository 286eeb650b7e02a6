// What the checks, the nights and the audit decide for entries: posted, back to pending for the next
// night, put off, held, failed_check, waiting for the file to be opened, re-sent on a night, flagged
// as a copy in Quadra. One set-based statement per outcome, over the ids the pipeline decided; no
// rule lives here (the pipeline and src/domain/entries/lifecycle.ts decide which outcome, and when).
// Deposit transitions that move entries with them stay in deposits.ts; attempts in attempts.ts.
import type { Queryable } from '../database.ts';
import { HELD_BY_REFERENCE, SENDABLE } from './entries.ts';
import { OPEN_ENTRY_STATUSES } from '../../domain/statuses.ts';
import { sqlIn } from '../literal.ts';

/**
 * Found in Quadra: `posted` (flagged when Quadra holds it more than once), from `pending` or `sent`
 * only. Returns the entries this statement moved, with their deposit (a concurrent check moves none twice).
 */
export async function posted(
  tx: Queryable,
  p: { ids: string[]; duplicates: string[]; now: Date },
): Promise<Array<{ id: string; deposit_id: string | null }>> {
  return (
    await tx.query<{ id: string; deposit_id: string | null }>(
      `update public.entries set status = 'posted', posted_at = $2, updated_at = $2, next_attempt_at = null, status_message = null,
            duplicate_in_quadra = id = any($3::uuid[])
      where id = any($1::uuid[]) and status in ${sqlIn(OPEN_ENTRY_STATUSES)} returning id, deposit_id`,
      [p.ids, p.now, p.duplicates],
    )
  ).rows;
}

/** Not found at a first send's check: back to `pending`, due at `dueAt` (the next night). */
export async function requeued(tx: Queryable, p: { ids: string[]; dueAt: Date; message: string; now: Date }): Promise<void> {
  await tx.query(
    `update public.entries set status = 'pending', next_attempt_at = $2, status_message = $3, updated_at = $4
      where id = any($1::uuid[]) and status = 'sent'`,
    [p.ids, p.dueAt, p.message, p.now],
  );
}

/** A night's attempt put off until `until` (a deposit Quadra took moments ago may still be on its way in). */
export async function deferred(tx: Queryable, p: { ids: string[]; until: Date; now: Date }): Promise<void> {
  await tx.query('update public.entries set next_attempt_at = $2, updated_at = $3 where id = any($1::uuid[])', [p.ids, p.until, p.now]);
}

/**
 * A night's re-send held (a failing prerequisite, or by reference): due again at `until`, saying
 * why. `outOfContainer`: no deposit Quadra could still take holds them (withdrawn tonight, or taken
 * and not found), so they are `pending` again.
 */
export async function resendHeld(
  tx: Queryable,
  p: { ids: string[]; until: Date; message: string; now: Date; outOfContainer?: boolean },
): Promise<void> {
  await tx.query(
    `update public.entries set next_attempt_at = $2, status_message = $3, updated_at = $4,
            status = case when $5::boolean then 'pending'::public.entry_status else status end
      where id = any($1::uuid[]) and status in ${sqlIn(OPEN_ENTRY_STATUSES)}`,
    [p.ids, p.until, p.message, p.now, p.outOfContainer ?? false],
  );
}

/** Decided after the nights: `failed_check`, out of any deposit, no longer due. */
export async function failedCheck(tx: Queryable, p: { ids: string[]; nights: number; message: string; now: Date }): Promise<void> {
  await tx.query(
    `update public.entries set status = 'failed_check', nights_tried = $2, next_attempt_at = null, deposit_id = null,
            status_message = $3, updated_at = $4 where id = any($1::uuid[])`,
    [p.ids, p.nights, p.message, p.now],
  );
}

/** Decided after the nights: the file is waiting to be opened; its entries stay due every night. */
export async function fileWaiting(
  tx: Queryable,
  p: { fileId: string; ids: string[]; nights: number; until: Date; message: string; now: Date },
): Promise<void> {
  await tx.query(
    'update public.entries set nights_tried = $2, next_attempt_at = $3, status_message = $4, updated_at = $5 where id = any($1::uuid[])',
    [p.ids, p.nights, p.until, p.message, p.now],
  );
  await tx.query('update public.client_files set waiting_open_since = coalesce(waiting_open_since, $2), updated_at = $2 where id = $1', [
    p.fileId,
    p.now,
  ]);
}

/** The file was opened (an entry of it showed in Quadra): no longer flagged as waiting. */
export async function fileOpened(tx: Queryable, p: { fileId: string; now: Date }): Promise<void> {
  await tx.query(
    'update public.client_files set waiting_open_since = null, updated_at = $2 where id = $1 and waiting_open_since is not null',
    [p.fileId, p.now],
  );
}

/** Missing on night `night`: counted, and due at `until`; the re-send itself is a deposit's claim. */
export async function resentOnNight(tx: Queryable, p: { ids: string[]; night: number; until: Date; now: Date }): Promise<void> {
  await tx.query('update public.entries set nights_tried = $2, next_attempt_at = $3, updated_at = $4 where id = any($1::uuid[])', [
    p.ids,
    p.night,
    p.until,
    p.now,
  ]);
}

/** Entries a night re-sends that were not due at any night yet: due at `until`. */
export async function dueUnlessScheduled(tx: Queryable, p: { ids: string[]; until: Date; now: Date }): Promise<void> {
  await tx.query('update public.entries set next_attempt_at = coalesce(next_attempt_at, $2), updated_at = $3 where id = any($1::uuid[])', [
    p.ids,
    p.until,
    p.now,
  ]);
}

/**
 * What a night sends again, locked: the file's unposted entries among `candidates`, and every other
 * unposted entry of the deposits it withdrew, but for those it failed.
 */
export async function resendable(
  tx: Queryable,
  p: { fileId: string; withdrawn: string[]; candidates: string[]; except: string[] },
): Promise<string[]> {
  return (
    await tx.query<{ id: string }>(
      `select id from public.entries where file_id = $1 and status in ${sqlIn(OPEN_ENTRY_STATUSES)} and not (id = any($4::uuid[]))
        and (deposit_id = any($2::uuid[]) or id = any($3::uuid[]))
      for update`,
      [p.fileId, p.withdrawn, p.candidates, p.except],
    )
  ).rows.map((r) => r.id);
}

/** Posted entries Quadra holds more than once (the audit): flagged once. Returns those flagged now. */
export async function flaggedDuplicate(tx: Queryable, p: { ids: string[]; now: Date }): Promise<string[]> {
  return (
    await tx.query<{ id: string }>(
      'update public.entries set duplicate_in_quadra = true, updated_at = $2 where id = any($1::uuid[]) and not duplicate_in_quadra returning id',
      [p.ids, p.now],
    )
  ).rows.map((r) => r.id);
}

/**
 * Entries ready to go but held (a prerequisite fails, or by reference: their journal closed or their
 * date left every open period): say why once. Returns the entries whose message changed.
 */
export async function held(tx: Queryable, p: { fileId: string; message: string; now: Date; byReference?: boolean }): Promise<string[]> {
  return (
    await tx.query<{ id: string }>(
      `update public.entries e set status_message = $2, updated_at = $3
      where e.file_id = $1 and ${SENDABLE}${p.byReference ? ` and ${HELD_BY_REFERENCE}` : ''} and e.status_message is distinct from $2 returning e.id`,
      [p.fileId, p.message, p.now],
    )
  ).rows.map((r) => r.id);
}
