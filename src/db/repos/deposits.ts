// The deposit state machine, in one place. Each transition is ONE guarded statement: it moves a
// deposit only from the states the diagram allows (docs/state-machine.md) and refuses otherwise
// (DepositTransitionRefused, naming the transition and the state found). Where a transition moves
// the deposit's entries with it (claim, uploaded, unconfirmed, released), they move in the same
// statement. Set-based transitions (imported) return what moved. No rule lives here: callers pass
// times, messages and leases; the pipeline decides which transition to fire.
import type { Queryable } from '../database.ts';
import { AWAITING_VERIFICATION_STATUSES, IMPORTABLE_STATUSES, OPEN_ENTRY_STATUSES } from '../../domain/statuses.ts';
import { sqlIn } from '../literal.ts';
import { COLUMNS, type DepositRow, type DepositStatus } from './deposit-reads.ts';

export * from './deposit-reads.ts';

export type Transition =
  | 'uploadStarted'
  | 'uploaded'
  | 'unconfirmed'
  | 'released'
  | 'withdrawing'
  | 'replaced'
  | 'withdrawn'
  | 'verified'
  | 'seenAbsent'
  | 'takeOver';

/** The transitions and the states each may leave (the diagram, as data: the test walks it). */
export const ALLOWED: Record<Transition, readonly DepositStatus[]> = {
  uploadStarted: ['preparing'],
  uploaded: ['preparing', 'unconfirmed'],
  unconfirmed: ['preparing'],
  released: ['preparing'],
  withdrawing: ['uploaded'],
  replaced: ['replacing', 'unconfirmed'],
  withdrawn: ['replacing'],
  verified: ['uploaded', 'imported'],
  seenAbsent: ['unconfirmed'],
  takeOver: ['preparing'],
};
/** `imported` is set-based: these states may become `imported`; others are left as they are. */
export const IMPORTABLE: readonly DepositStatus[] = IMPORTABLE_STATUSES;

export class DepositTransitionRefused extends Error {
  override readonly name = 'DepositTransitionRefused';
  constructor(
    readonly transition: Transition,
    readonly depositId: string,
    readonly found: DepositStatus | 'missing' | 'condition',
  ) {
    super(`deposit ${depositId}: ${transition} refused from ${found}`);
  }
}

export const isRefusal = (e: unknown): e is DepositTransitionRefused => e instanceof DepositTransitionRefused;

/** Runs a transition; a refusal (another run got there first) becomes `false`. */
export async function tryTransition<T>(p: Promise<T>): Promise<T | false> {
  try {
    return await p;
  } catch (e) {
    if (isRefusal(e)) return false;
    throw e;
  }
}

async function guarded<T>(tx: Queryable, t: Transition, id: string, sql: string, params: unknown[]): Promise<T> {
  const r = await tx.query<T>(sql, params);
  if (r.rows[0] !== undefined) return r.rows[0];
  if (r.affectedRows > 0) return undefined as T;
  const now = (await tx.query<{ status: DepositStatus }>('select status from public.deposits where id = $1', [id])).rows[0];
  throw new DepositTransitionRefused(t, id, now ? (ALLOWED[t].includes(now.status) ? 'condition' : now.status) : 'missing');
}

// --- transitions ---------------------------------------------------------------------------------

export interface ClaimInput {
  id: string;
  firmId: string;
  fileId: string;
  blobName: string;
  now: Date;
  leaseSeconds: number;
  /** The entries to claim: a SQL condition on `e` (the file's sendable ones), or these ids. */
  entries: { where: string } | { ids: string[] };
  replacesId?: string | null;
}

/** Deposits that are, or may be, in the container: their entries belong to them alone. */
const LIVE = `('preparing', 'uploaded', 'unconfirmed', 'replacing')`;

/**
 * claim: a new `preparing` deposit owning the entries, under a lease in database time. Creates
 * nothing when no entry is left to claim (returns undefined). One statement. An entry a live
 * deposit still holds is never taken (a run whose plan went stale would deposit it twice).
 */
export async function claim(tx: Queryable, c: ClaimInput): Promise<{ id: string; seq: number; entries: number } | undefined> {
  const pick = 'ids' in c.entries ? 'e.id = any($8::uuid[])' : `e.file_id = $3 and ${c.entries.where}`;
  const r = await tx.query<{ id: string; seq: number; entries: number }>(
    `with picked as (select e.id from public.entries e where ${pick}
                       and not exists (select 1 from public.deposits h where h.id = e.deposit_id and h.status in ${LIVE}) for update of e),
          d as (insert into public.deposits (id, firm_id, file_id, blob_name, status, replaces_id, created_at, claimed_until)
                select $1, $2, $3, $4, 'preparing', $5, $6, now() + make_interval(secs => $7) where exists (select 1 from picked)
                returning id, seq),
          e as (update public.entries x set deposit_id = d.id, batch_deposit_id = coalesce(x.batch_deposit_id, d.id), status_message = null, updated_at = $6
                  from d where x.id in (select id from picked) returning x.id)
     select d.id, d.seq, (select count(*)::int from e) as entries from d`,
    [c.id, c.firmId, c.fileId, c.blobName, c.replacesId ?? null, c.now, c.leaseSeconds, ...('ids' in c.entries ? [c.entries.ids] : [])],
  );
  return r.rows[0];
}

/** uploadStarted: committed just before the PUT; from here the upload may have landed. */
export function uploadStarted(tx: Queryable, id: string, p: { now: Date; sizeBytes: number; leaseSeconds: number }): Promise<void> {
  return guarded(
    tx,
    'uploadStarted',
    id,
    `update public.deposits set upload_started_at = $2, size_bytes = $3, claimed_until = now() + make_interval(secs => $4)
      where id = $1 and status = 'preparing' and upload_started_at is null`,
    [id, p.now, p.sizeBytes, p.leaseSeconds],
  );
}

/**
 * uploaded: the blob reached the container (its answer, or seen there). The deposit gets its own
 * check (`verifyAt`); its entries become `sent` with the message given.
 */
export function uploaded(
  tx: Queryable,
  id: string,
  p: { now: Date; etag: string | null; sizeBytes: number | null; verifyAt: Date; message: string; resend: ResentWording | null },
): Promise<void> {
  return guarded(
    tx,
    'uploaded',
    id,
    `with d as (update public.deposits set status = 'uploaded', uploaded_at = coalesce(uploaded_at, $2), etag = coalesce($3, etag),
                       size_bytes = coalesce($4, size_bytes), claimed_until = null, verify_at = coalesce(verify_at, $5),
                       entry_count = (select count(*) from public.entries where deposit_id = $1),
                       line_count = (select coalesce(sum(line_count), 0) from public.entries where deposit_id = $1)
                 where id = $1 and status in ('preparing', 'unconfirmed') returning id)${sentEntries('$2', '$6', '$7', 8)}`,
    [id, p.now, p.etag, p.sizeBytes, p.verifyAt, p.message, p.resend !== null, ...wordingParams(p.resend)],
  );
}

/**
 * unconfirmed: the upload started but nothing says whether it landed (answer lost, interrupted).
 * Its entries are `sent` (they may be in Quadra's hands); `absentSeen` records that the container
 * was looked at and the blob was not there.
 */
export function unconfirmed(
  tx: Queryable,
  id: string,
  p: { now: Date; verifyAt: Date; absentSeen: boolean; message: string; resend: ResentWording | null },
): Promise<void> {
  return guarded(
    tx,
    'unconfirmed',
    id,
    `with d as (update public.deposits set status = 'unconfirmed', unconfirmed_at = $2, absent_since = case when $6::boolean then $2::timestamptz end,
                       claimed_until = null, verify_at = coalesce(verify_at, $3),
                       entry_count = (select count(*) from public.entries where deposit_id = $1),
                       line_count = (select coalesce(sum(line_count), 0) from public.entries where deposit_id = $1)
                 where id = $1 and status = 'preparing' and upload_started_at is not null returning id)${sentEntries('$2', '$4', '$5', 7)}`,
    [id, p.now, p.verifyAt, p.message, p.resend !== null, p.absentSeen, ...wordingParams(p.resend)],
  );
}

/** How a night's re-send is worded (resentWording in src/domain/entries/lifecycle.ts): past its nights, or on night `{night}`. */
export interface ResentWording {
  nights: number;
  onNight: string;
  waiting: string;
}
const wordingParams = (w: ResentWording | null) => [w?.nights ?? 0, w?.onNight ?? '', w?.waiting ?? ''];

// Entries of the deposit `d` become `sent`. A first send says "open the file"; a night's re-send
// says which night it is (of NIGHTLY_ATTEMPTS), its three wording parameters from position `w`.
function sentEntries(now: string, message: string, resend: string, w: number): string {
  return `,
     e as (update public.entries set status = 'sent', sent_at = ${now}, updated_at = ${now},
            status_message = case when not ${resend}::boolean or nights_tried = 0 then ${message}
              when nights_tried >= $${w}::int then $${w + 2}::text
              else replace($${w + 1}::text, '{night}', nights_tried::text) end,
            next_attempt_at = case when ${resend}::boolean then next_attempt_at else null end
      where deposit_id in (select id from d) returning id)
     select id from d`;
}

/**
 * released: nothing of the deposit can have reached the container (not built, refused, or an
 * answer that proves nothing was stored). It ends `failed`; its entries go back to `pending`.
 * `beforeUpload`: the caller never started an upload, so it is refused once any run has (a run
 * that took the deposit over must not give back entries the first run is uploading).
 */
export function released(
  tx: Queryable,
  id: string,
  p: { now: Date; errorCode: string; message: string; beforeUpload?: boolean },
): Promise<void> {
  return guarded(
    tx,
    'released',
    id,
    `with d as (update public.deposits set status = 'failed', error_code = $2, claimed_until = null
                 where id = $1 and status = 'preparing' and not ($5::boolean and upload_started_at is not null) returning id),
          e as (update public.entries set deposit_id = null, status = 'pending', status_message = $3, updated_at = $4,
                       batch_deposit_id = case when batch_deposit_id = deposit_id then null else batch_deposit_id end
                 where deposit_id in (select id from d) returning id)
     select id from d`,
    [id, p.errorCode, p.message, p.now, p.beforeUpload ?? false],
  );
}

/**
 * withdrawing: a run holding the file is about to remove the blob (`replacing`): a night, to re-send
 * it; a check, because Quadra already shows its entries through an earlier copy.
 */
export function withdrawing(tx: Queryable, id: string): Promise<void> {
  return guarded(
    tx,
    'withdrawing',
    id,
    `update public.deposits set status = 'replacing' where id = $1 and status = 'uploaded' returning id`,
    [id],
  );
}

/** replaced: withdrawn from the container, or an unconfirmed upload Quadra shows never arrived. */
export function replaced(tx: Queryable, id: string): Promise<void> {
  return guarded(
    tx,
    'replaced',
    id,
    `update public.deposits set status = 'replaced', claimed_until = null where id = $1 and status in ('replacing', 'unconfirmed') returning id`,
    [id],
  );
}

/**
 * withdrawn: the blob of a deposit being withdrawn (`replacing`) was removed before Quadra took it,
 * by a run that does not re-send it itself (a check that found its entries in Quadra through an
 * earlier copy, or the sweep completing a withdrawal). It is `replaced`; its entries not posted,
 * but for `keep` (found in Quadra: the caller posts them), go back to `pending`, due at `dueAt`
 * unless due already. Returns the entries given back.
 */
export async function withdrawn(
  tx: Queryable,
  id: string,
  p: { now: Date; keep: string[]; dueAt: Date; message: string },
): Promise<string[]> {
  const r = await guarded<{ id: string; back: string[] }>(
    tx,
    'withdrawn',
    id,
    `with d as (update public.deposits set status = 'replaced', claimed_until = null where id = $1 and status = 'replacing' returning id),
          e as (update public.entries set deposit_id = null, status = 'pending', status_message = $3, updated_at = $2,
                       next_attempt_at = coalesce(next_attempt_at, $4),
                       batch_deposit_id = case when batch_deposit_id = deposit_id then null else batch_deposit_id end
                 where deposit_id in (select id from d) and status in ${sqlIn(OPEN_ENTRY_STATUSES)} and not (id = any($5::uuid[])) returning id)
     select d.id, coalesce((select array_agg(e.id::text) from e), '{}'::text[]) as back from d`,
    [id, p.now, p.message, p.dueAt, p.keep],
  );
  return r.back;
}

/**
 * imported: Quadra took these deposits (blob gone, or one of their entries found). The one place.
 * `from` narrows the states moved: a check that finds entries leaves a deposit being withdrawn
 * (`replacing`) to the run withdrawing it, which alone knows whether it removed the blob.
 */
export async function imported(tx: Queryable, ids: string[], now: Date, from: readonly DepositStatus[] = IMPORTABLE): Promise<string[]> {
  if (!ids.length) return [];
  return (
    await tx.query<{ id: string }>(
      `update public.deposits set status = 'imported', imported_seen_at = coalesce(imported_seen_at, $2)
      where id = any($1::uuid[]) and status in ${sqlIn(IMPORTABLE)} and status::text = any($3::text[]) returning id`,
      [ids, now, [...from]],
    )
  ).rows.map((r) => r.id);
}

/** verified: the deposit's own check ran (once). */
export function verified(tx: Queryable, id: string, now: Date): Promise<void> {
  return guarded(
    tx,
    'verified',
    id,
    `update public.deposits set verified_at = $2 where id = $1 and status in ${sqlIn(AWAITING_VERIFICATION_STATUSES)} and verified_at is null returning id`,
    [id, now],
  );
}

/** seenAbsent: an unconfirmed deposit's blob is not in the container; the grace period runs from the first time. */
export function seenAbsent(tx: Queryable, id: string, now: Date): Promise<DepositRow> {
  return guarded(
    tx,
    'seenAbsent',
    id,
    `update public.deposits set absent_since = coalesce(absent_since, $2) where id = $1 and status = 'unconfirmed' returning ${COLUMNS}`,
    [id, now],
  );
}

/** takeOver: a `preparing` deposit whose lease ran out (its run crashed) gets a new holder. */
export function takeOver(tx: Queryable, id: string, leaseSeconds: number): Promise<DepositRow> {
  return guarded(
    tx,
    'takeOver',
    id,
    `update public.deposits set claimed_until = now() + make_interval(secs => $2)
      where id = $1 and status = 'preparing' and (claimed_until is null or claimed_until < now()) returning ${COLUMNS}`,
    [id, leaseSeconds],
  );
}
