// Attempts: the history of every entry, one row per entry per event (send, re-send, verification,
// decision, revalidation). Append-only; the only place attempts are written or read.
import type { Queryable } from '../database.ts';
import type { Database as Schema } from '../types.gen.ts';
import { text } from '../../i18n/index.ts';

export type AttemptKind = Schema['public']['Enums']['attempt_kind'];
export type AttemptOutcome = Schema['public']['Enums']['attempt_outcome'];

export interface AttemptRow {
  id: number;
  at: Date;
  kind: AttemptKind;
  outcome: AttemptOutcome;
  night: number | null;
  error_code: string | null;
  detail: string | null;
  deposit_id: string | null;
}

export interface AttemptFacts {
  kind: AttemptKind;
  outcome: AttemptOutcome;
  at: Date;
  /** The night it belongs to; by default a re-send's (or a withdrawal's) is the entry's current night. */
  night?: number | null;
  errorCode?: string | null;
  detail?: string | null;
  /** The deposit it concerns; by default the deposit named by the target. */
  depositId?: string | null;
}

/** Who the attempt is about: every entry a deposit holds, or these entries. */
export type AttemptTarget = { depositId: string } | { entryIds: string[] } | { depositIds: string[]; statuses: readonly string[] };

/**
 * Records one attempt per entry of the target, in one statement. A re-send and the withdrawal
 * before it carry the entry's night number, like the night's verification beside them.
 */
export async function record(tx: Queryable, target: AttemptTarget, a: AttemptFacts): Promise<number> {
  const where =
    'depositId' in target
      ? 'e.deposit_id = $1::uuid'
      : 'entryIds' in target
        ? 'e.id = any($1::uuid[])'
        : 'e.deposit_id = any($1::uuid[]) and e.status::text = any($9::text[])';
  const key = 'depositId' in target ? target.depositId : 'entryIds' in target ? target.entryIds : target.depositIds;
  const deposit = a.depositId !== undefined ? a.depositId : 'depositId' in target ? target.depositId : null;
  const r = await tx.query(
    `insert into public.attempts (firm_id, entry_id, deposit_id, kind, outcome, night, error_code, detail, at)
     select e.firm_id, e.id, coalesce($2::uuid, ${'depositIds' in target ? 'e.deposit_id' : 'null::uuid'}), $3::public.attempt_kind, $4::public.attempt_outcome,
            coalesce($5::smallint, case when $3::text = 'resend' then nullif(e.nights_tried, 0) end), $6, $7, $8
       from public.entries e where ${where}`,
    [
      key,
      deposit,
      a.kind,
      a.outcome,
      a.night ?? null,
      a.errorCode ?? null,
      a.detail ?? null,
      a.at,
      ...('statuses' in target ? [target.statuses] : []),
    ],
  );
  return r.affectedRows;
}

/** The user corrected a failed entry and validated it again. */
export async function revalidated(tx: Queryable, entryId: string, at: Date): Promise<void> {
  await record(tx, { entryIds: [entryId] }, { kind: 'revalidate', outcome: 'revalidated', at, detail: text('life.revalidated') });
}

/** An entry's timeline, oldest first. */
export async function timeline(tx: Queryable, entryId: string): Promise<AttemptRow[]> {
  return (
    await tx.query<AttemptRow>(
      'select id, at, kind, outcome, night, error_code, detail, deposit_id from public.attempts where entry_id = $1 order by id',
      [entryId],
    )
  ).rows;
}

/**
 * The same timeline as a JSON array, for a statement that reads the entry itself (`entryId`: the
 * SQL expression of its id), so an entry and its history come back in one round trip.
 */
export const timelineJson = (entryId: string) =>
  `coalesce((select json_agg(json_build_object('id', a.id, 'at', a.at, 'kind', a.kind, 'outcome', a.outcome, 'night', a.night,
      'error_code', a.error_code, 'detail', a.detail, 'deposit_id', a.deposit_id) order by a.id)
      from public.attempts a where a.entry_id = ${entryId}), '[]')`;
