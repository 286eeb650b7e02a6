// The hub's account labels and the accounts a file's waiting entries use: set-based reads for the
// push's warnings and the list of accounts to create, and the file's opt-in to `C` records.
import type { Queryable } from '../database.ts';

/** How a line's account travels before Quadra's cut: fixed by a deposit, else the file's map, else the hub's own. */
const WRITTEN = 'coalesce(l.quadra_account, m.quadra_account, l.account)';

/**
 * The first label pushed for each account (as written) among the file's waiting entries, in push
 * order, leaving out the entries a push replaces.
 */
export async function pendingAccountLabels(
  tx: Queryable,
  fileId: string,
  except: { externalIds?: string[]; entryId?: string } = {},
): Promise<Array<{ written: string; label: string }>> {
  return (
    await tx.query<{ written: string; label: string }>(
      `select x.written, x.label from (
         select distinct on (${WRITTEN}) ${WRITTEN} as written, l.account_label as label, e.created_at, e.id, l.line_no
           from public.entries e
           join public.entry_lines l on l.entry_id = e.id and l.firm_id = e.firm_id
           left join public.account_maps m on m.file_id = e.file_id and m.hub_account = l.account
          where e.file_id = $1 and e.status = 'pending' and l.account_label is not null
            and not (e.external_id = any($2::text[])) and e.id is distinct from $3::uuid
          order by ${WRITTEN}, e.created_at, e.id, l.line_no) x
        order by x.created_at, x.id, x.line_no`,
      [fileId, except.externalIds ?? [], except.entryId ?? null],
    )
  ).rows;
}

export interface WrittenAccountUse {
  written: string;
  /** The hub's labels for it, the first pushed first, each once. */
  labels: string[];
  entries: number;
  first_date: string;
  /** When its first entry was pushed (microseconds, as text): the order labels are chosen in. */
  first_pushed: string;
}

/**
 * Per account as written, what the file's waiting entries (pending, unsent or to be sent again)
 * use: labels, how many entries, the earliest entry date. One statement; the caller cuts to 8
 * characters and leaves out what Quadra's chart has.
 */
export async function waitingAccountUses(tx: Queryable, fileId: string): Promise<WrittenAccountUse[]> {
  return (
    await tx.query<WrittenAccountUse>(
      `with uses as (
         select ${WRITTEN} as written, l.account_label, e.id as entry_id, e.entry_date, e.created_at, l.line_no
           from public.entries e
           join public.entry_lines l on l.entry_id = e.id and l.firm_id = e.firm_id
           left join public.account_maps m on m.file_id = e.file_id and m.hub_account = l.account
          where e.file_id = $1 and e.status = 'pending'),
       labels as (
         -- In the deposit's order (entries by push time, then id; lines by number): the first is the one sent.
         select written, account_label, min(rank) as first_rank from (
           select written, account_label, row_number() over (partition by written order by created_at, entry_id, line_no) as rank
             from uses where account_label is not null) r
          group by written, account_label)
       select u.written,
              coalesce((select array_agg(b.account_label order by b.first_rank)
                          from labels b where b.written = u.written), '{}') as labels,
              count(distinct u.entry_id)::int as entries,
              to_char(min(u.entry_date), 'YYYY-MM-DD') as first_date,
              to_char(min(u.created_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as first_pushed
         from uses u group by u.written order by u.written`,
      [fileId],
    )
  ).rows;
}

/**
 * How the file's accounts travelled in its earlier deposits (as written, before Quadra's cut),
 * leaving out the entries being written now (a re-send of the same entries is not an earlier one).
 */
export async function accountsSentBefore(tx: Queryable, fileId: string, except: readonly string[]): Promise<string[]> {
  return (
    await tx.query<{ written: string }>(
      `select distinct coalesce(l.quadra_account, l.account) as written
         from public.entry_lines l join public.entries e on e.id = l.entry_id and e.firm_id = l.firm_id
        where e.file_id = $1 and e.batch_deposit_id is not null and not (e.id = any($2::uuid[]))`,
      [fileId, except],
    )
  ).rows.map((r) => r.written);
}

/** Whether the file's deposits carry `C` records; false when the file is unknown. */
export async function sendsAccountLabels(tx: Queryable, fileId: string): Promise<boolean> {
  const r = await tx.query<{ send_account_labels: boolean }>('select send_account_labels from public.client_files where id = $1', [fileId]);
  return r.rows[0]?.send_account_labels ?? false;
}

/** Sets the file's opt-in; returns the file's row as changed, or undefined when it is unknown. */
export async function setSendAccountLabels(
  tx: Queryable,
  fileId: string,
  value: boolean,
): Promise<{ id: string; send_account_labels: boolean } | undefined> {
  const r = await tx.query<{ id: string; send_account_labels: boolean }>(
    'update public.client_files set send_account_labels = $2, updated_at = now() where id = $1 returning id, send_account_labels',
    [fileId, value],
  );
  return r.rows[0];
}

/** The chart as last synced, with each account's kind and collective (the type rule's input). */
export async function fileChart(
  tx: Queryable,
  fileId: string,
): Promise<Array<{ number: string; kind: 'general' | 'customer' | 'supplier'; collective: string | null }>> {
  return (
    await tx.query<{ number: string; kind: 'general' | 'customer' | 'supplier'; collective: string | null }>(
      'select number, kind, collective from public.accounts where file_id = $1 and gone_at is null',
      [fileId],
    )
  ).rows;
}

/** The file a deposit's entries belong to, and whether that file sends account labels; undefined for a deposit without entries. */
export async function depositFile(
  tx: Queryable,
  depositId: string,
): Promise<{ file_id: string; send_account_labels: boolean } | undefined> {
  return (
    await tx.query<{ file_id: string; send_account_labels: boolean }>(
      // Through the deposit's entries: the deposits table has its own repositories (deposits.ts, deposit-reads.ts).
      `select e.file_id, f.send_account_labels from public.entries e join public.client_files f on f.id = e.file_id
        where e.deposit_id = $1 limit 1`,
      [depositId],
    )
  ).rows[0];
}
