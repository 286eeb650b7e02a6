// The deposits as the pipeline reads them: rows, the sweep's selections, the one rule of what a
// re-send is. Writes are the state machine's (deposits.ts), which re-exports these.
import type { Queryable } from '../database.ts';
import type { Database as Schema } from '../types.gen.ts';
import { AWAITING_VERIFICATION_STATUSES } from '../../domain/statuses.ts';
import { sqlIn } from '../literal.ts';

export type DepositStatus = Schema['public']['Enums']['deposit_status'];
type DepositTable = Schema['public']['Tables']['deposits']['Row'];

/** A deposit as the pipeline reads it (timestamps as the drivers return them). */
export interface DepositRow extends Pick<DepositTable, 'id' | 'firm_id' | 'file_id' | 'seq' | 'status' | 'blob_name' | 'replaces_id'> {
  upload_started_at: Date | null;
  unconfirmed_at: Date | null;
  absent_since: Date | null;
  imported_seen_at: Date | null;
  verify_at: Date | null;
  verified_at: Date | null;
}
export const COLUMNS =
  'id, firm_id, file_id, seq, status, blob_name, replaces_id, upload_started_at, unconfirmed_at, absent_since, imported_seen_at, verify_at, verified_at';

export async function get(tx: Queryable, id: string): Promise<DepositRow | undefined> {
  return (await tx.query<DepositRow>(`select ${COLUMNS} from public.deposits where id = $1`, [id])).rows[0];
}

export async function byIds(tx: Queryable, ids: string[]): Promise<Map<string, DepositRow>> {
  const r = await tx.query<DepositRow>(`select ${COLUMNS} from public.deposits where id = any($1::uuid[])`, [ids]);
  return new Map(r.rows.map((d) => [d.id, d]));
}

/** The file's deposit being prepared, if any, and whether its lease ran out (database time). */
export async function preparingOf(tx: Queryable, fileId: string): Promise<{ id: string; expired: boolean } | undefined> {
  return (
    await tx.query<{ id: string; expired: boolean }>(
      `select id, claimed_until is null or claimed_until < now() as expired from public.deposits
      where file_id = $1 and status = 'preparing' order by seq limit 1`,
      [fileId],
    )
  ).rows[0];
}

/** A re-send (the deposit `d` replaces one, or holds entries of an earlier batch): the one rule. */
const IS_RESEND = `(d.replaces_id is not null or exists (select 1 from public.entries e where e.deposit_id = d.id and e.batch_deposit_id <> d.id))`;

/** Was this deposit a re-send? */
export async function isResend(tx: Queryable, dep: Pick<DepositRow, 'id'>): Promise<boolean> {
  return (
    (await tx.query<{ resend: boolean }>(`select ${IS_RESEND} as resend from public.deposits d where d.id = $1`, [dep.id])).rows[0]
      ?.resend ?? false
  );
}

/** What the sweep looks at: checks due, deposits waiting for an early look, crashed, unconfirmed and half-withdrawn ones. */
export async function sweepable(
  tx: Queryable,
  now: Date,
  uploadedBefore: Date,
): Promise<{ due: string[]; waiting: string[]; stuck: string[]; unconfirmed: string[]; withdrawing: string[] }> {
  const ids = async (sql: string, params: unknown[] = []) => (await tx.query<{ id: string }>(sql, params)).rows.map((r) => r.id);
  return {
    due: await ids(
      `select id from public.deposits where verified_at is null and status in ${sqlIn(AWAITING_VERIFICATION_STATUSES)} and verify_at <= $1 order by seq`,
      [now],
    ),
    waiting: await ids(
      `select id from public.deposits where verified_at is null and status in ${sqlIn(AWAITING_VERIFICATION_STATUSES)} and verify_at > $1 and uploaded_at < $2 order by seq`,
      [now, uploadedBefore],
    ),
    // Database time: a lease that ran out, whatever the injected clock says.
    stuck: await ids(
      `select id from public.deposits where status = 'preparing' and (claimed_until is null or claimed_until < now()) order by seq`,
    ),
    unconfirmed: await ids(`select id from public.deposits where status = 'unconfirmed' order by seq`),
    // Left `replacing` by a run that stopped; one still at work holds the file's lease (the caller checks).
    withdrawing: await ids(`select id from public.deposits where status = 'replacing' order by seq`),
  };
}

/**
 * Of these deposits, the re-sends still `uploaded` (they replace one, or hold entries of an earlier
 * batch): if Quadra shows their entries, an earlier copy may be what it shows.
 */
export async function uploadedResends(tx: Queryable, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  return (
    await tx.query<{ id: string }>(
      `select d.id from public.deposits d where d.id = any($1::uuid[]) and d.status = 'uploaded' and ${IS_RESEND}
      order by d.seq`,
      [ids],
    )
  ).rows.map((r) => r.id);
}

/**
 * Does this `uploaded` deposit replace an upload that was never confirmed (settled as never arrived
 * because Quadra showed nothing after the grace period)? That upload may still show up.
 */
export async function replacesUnconfirmedUpload(tx: Queryable, id: string): Promise<boolean> {
  return (
    (
      await tx.query(
        `select 1 from public.deposits d join public.deposits r on r.id = d.replaces_id
      where d.id = $1 and d.status = 'uploaded' and r.status = 'replaced' and r.upload_started_at is not null and r.uploaded_at is null`,
        [id],
      )
    ).rows.length > 0
  );
}

/** Sequence numbers of the file's batches that have a posted entry ("a later batch was posted"). */
export async function postedBatchSeqs(tx: Queryable, fileId: string): Promise<number[]> {
  return (
    await tx.query<{ seq: number }>(
      `select distinct d.seq from public.entries e join public.deposits d on d.id = e.batch_deposit_id
      where e.file_id = $1 and e.status = 'posted'`,
      [fileId],
    )
  ).rows.map((r) => r.seq);
}

/** Deposits Quadra took less than `since` ago none of whose entries shows yet. */
export async function stillSettling(tx: Queryable, ids: string[], since: Date): Promise<string[]> {
  return (
    await tx.query<{ id: string }>(
      `select d.id from public.deposits d
      where d.id = any($1::uuid[]) and d.status = 'imported' and d.imported_seen_at > $2
        and not exists (select 1 from public.entries e where e.deposit_id = d.id and e.status = 'posted')`,
      [ids, since],
    )
  ).rows.map((r) => r.id);
}
