// What a deposit carries, read for the ASCII writer and the zip: the lines of a selection of
// entries (a deposit's, or a file's entries ready to go) in keyset pages, and the documents they name.
import type { Queryable } from '../database.ts';
import { HELD_BY_REFERENCE, SENDABLE } from './entries.ts';

/** Which entries: those a deposit holds, or those of a file ready to go (for the preview). */
export type EntrySelection = { depositId: string } | { fileId: string; sendable: true };

function selectionWhere(sel: EntrySelection): { where: string; param: string } {
  return 'depositId' in sel
    ? { where: 'e.deposit_id = $1', param: sel.depositId }
    : { where: `e.file_id = $1 and ${SENDABLE} and not ${HELD_BY_REFERENCE}`, param: sel.fileId };
}

export interface LineRecord {
  entry_id: string;
  created_ts: string;
  line_no: number;
  account: string;
  hub_account: string;
  line_label: string | null;
  /** The hub's label for the account (a C record's label when the file sends them). */
  account_label: string | null;
  debit_cents: number;
  credit_cents: number;
  journal_code: string;
  entry_date: string;
  label: string;
  piece_ref: string | null;
  due_date: string | null;
  quadra_ref: string;
  attachments: string[] | null;
}

/** Where a page ends: created_at to the microsecond (as text: a JS Date would round it), id, line. */
export type LineKey = [string, string, number];

/**
 * One page of the selection's lines, after `after`, in a stable order. Each line carries the
 * account it was sent as if it was sent before, else the file's account map applied to the hub's
 * account, else the hub's account.
 */
export async function selectionLinePage(tx: Queryable, sel: EntrySelection, after: LineKey | null, limit: number): Promise<LineRecord[]> {
  const { where, param } = selectionWhere(sel);
  const params: unknown[] = [param, limit];
  let keyset = '';
  if (after) {
    params.push(after[0], after[1], after[2]);
    keyset = 'and (e.created_at, e.id, l.line_no) > ($3::timestamptz, $4::uuid, $5)';
  }
  return (
    await tx.query<LineRecord>(
      `with docs as (
         select ed.entry_id, array_agg(d.attachment_name order by d.attachment_name) as attachments
           from public.entries e join public.entry_documents ed on ed.entry_id = e.id
           join public.documents d on d.id = ed.document_id
          where ${where} group by ed.entry_id)
       select e.id as entry_id, to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_ts, l.line_no,
              coalesce(l.quadra_account, m.quadra_account, l.account) as account, l.account as hub_account, l.label as line_label, l.account_label, l.debit_cents, l.credit_cents,
              e.journal_code, e.entry_date, e.label, e.piece_ref, e.due_date, e.quadra_ref, docs.attachments
         from public.entries e
         join public.entry_lines l on l.entry_id = e.id and l.firm_id = e.firm_id
         left join public.account_maps m on m.file_id = e.file_id and m.hub_account = l.account
         left join docs on docs.entry_id = e.id
        where ${where} ${keyset}
        order by e.created_at, e.id, l.line_no
        limit $2`,
      params,
    )
  ).rows;
}

/** The documents of a deposit's entries, once per attachment name. */
export async function depositDocuments(tx: Queryable, depositId: string): Promise<Array<{ attachment_name: string; content: Uint8Array }>> {
  return (
    await tx.query<{ attachment_name: string; content: Uint8Array }>(
      `select distinct on (d.attachment_name) d.attachment_name, d.content from public.entries e
       join public.entry_documents ed on ed.entry_id = e.id
       join public.documents d on d.id = ed.document_id
      where e.deposit_id = $1 order by d.attachment_name`,
      [depositId],
    )
  ).rows;
}
