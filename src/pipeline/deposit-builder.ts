// Builds what Quadra receives: the ASCII file of a set of entries (read in keyset pages, written
// line by line into slabs) and the zip holding it with the documents its lines name.
import type { Queryable } from '../db/database.ts';
import { fixSentAccounts, HELD_BY_REFERENCE, SENDABLE } from '../db/repos/entries.ts';
import { packDeposit, writeAscii, type AsciiChange, type MLineInput } from '../quadra/ascii/index.ts';

/** Which entries: those a deposit holds, or those of a file ready to go (for the preview). */
export type EntrySelection = { depositId: string } | { fileId: string; sendable: true };

// Which entries are ready, or held by Quadra's reference data: conditions the repositories own.
export { HELD_BY_REFERENCE, SENDABLE };

function selectionWhere(sel: EntrySelection): { where: string; param: string } {
  return 'depositId' in sel
    ? { where: 'e.deposit_id = $1', param: sel.depositId }
    : { where: `e.file_id = $1 and ${SENDABLE} and not ${HELD_BY_REFERENCE}`, param: sel.fileId };
}

interface LineRecord {
  entry_id: string; created_ts: string; line_no: number; account: string; hub_account: string; line_label: string | null; debit_cents: number; credit_cents: number;
  journal_code: string; entry_date: string; label: string; piece_ref: string | null; quadra_ref: string; attachments: string[] | null;
}

const PAGE = 5_000;

/**
 * The M lines of the selection, in a stable order, a page of lines at a time. Each line carries the
 * account it was sent as if it was sent before, else the file's account map applied to the hub's
 * account, else the hub's account: the map acts before Quadra's 8-character cut.
 */
export async function* selectionLines(tx: Queryable, sel: EntrySelection): AsyncGenerator<{ entryId: string; lineNo: number; hubAccount: string; line: MLineInput }> {
  const { where, param } = selectionWhere(sel);
  // Keyset on created_at to the microsecond (as text: a JS Date would round it), id, line.
  let after: [string, string, number] | null = null;
  for (;;) {
    const params: unknown[] = [param, PAGE];
    let keyset = '';
    if (after) { params.push(after[0], after[1], after[2]); keyset = 'and (e.created_at, e.id, l.line_no) > ($3::timestamptz, $4::uuid, $5)'; }
    const page = await tx.query<LineRecord>(
      `with docs as (
         select ed.entry_id, array_agg(d.attachment_name order by d.attachment_name) as attachments
           from public.entries e join public.entry_documents ed on ed.entry_id = e.id
           join public.documents d on d.id = ed.document_id
          where ${where} group by ed.entry_id)
       select e.id as entry_id, to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_ts, l.line_no,
              coalesce(l.quadra_account, m.quadra_account, l.account) as account, l.account as hub_account, l.label as line_label, l.debit_cents, l.credit_cents,
              e.journal_code, e.entry_date, e.label, e.piece_ref, e.quadra_ref, docs.attachments
         from public.entries e
         join public.entry_lines l on l.entry_id = e.id and l.firm_id = e.firm_id
         left join public.account_maps m on m.file_id = e.file_id and m.hub_account = l.account
         left join docs on docs.entry_id = e.id
        where ${where} ${keyset}
        order by e.created_at, e.id, l.line_no
        limit $2`, params);
    for (const r of page.rows) yield { entryId: r.entry_id, lineNo: r.line_no, hubAccount: r.hub_account, line: toMLine(r) };
    if (page.rows.length < PAGE) return;
    const last = page.rows[page.rows.length - 1]!;
    after = [last.created_ts, last.entry_id, last.line_no];
  }
}

function toMLine(r: LineRecord): MLineInput {
  const docs = r.attachments ?? [];
  // One attachment field per line: the entry's documents are named in turn on its lines.
  const attachment = docs.length ? docs[Math.min(r.line_no - 1, docs.length - 1)] : undefined;
  const piece = r.piece_ref && /^\d{1,8}$/.test(r.piece_ref) ? r.piece_ref : undefined;
  return {
    account: r.account,
    journalCode: r.journal_code,
    date: r.entry_date,
    sense: r.debit_cents > 0 ? 'D' : 'C',
    amountCents: r.debit_cents > 0 ? r.debit_cents : r.credit_cents,
    label: r.line_label || r.label,
    reference: r.quadra_ref,
    ...(piece ? { pieceNumber: piece } : {}),
    ...(attachment ? { attachment } : {}),
  };
}

/** One hub account of one entry and the account its lines are written as (before the cut), first line 1-based. */
export interface BuiltAccount { entryId: string; lineNo: number; hub: string; written: string }

export interface BuiltAscii {
  bytes: Uint8Array; lineCount: number; entryIds: string[]; changes: Array<{ entryId: string; change: AsciiChange }>;
  /** Each hub account once per entry, as written. */
  accounts: BuiltAccount[];
}

/** Writes the ASCII file of the selection; memory holds the output and one page of lines. */
export async function buildAscii(tx: Queryable, sel: EntrySelection, accountPadding: 'space' | 'zero'): Promise<BuiltAscii> {
  const chunks: Uint8Array[] = [];
  const entryIds: string[] = [];
  const changes: BuiltAscii['changes'] = [];
  const accounts: BuiltAccount[] = [];
  const seenAccounts = new Set<string>();
  let lineCount = 0;
  let total = 0;
  const batch: Array<{ entryId: string; line: MLineInput }> = [];
  const flush = () => {
    let i = 0;
    for (const written of writeAscii(batch.map((b) => b.line), { accountPadding })) {
      const entryId = batch[i++]!.entryId;
      chunks.push(written.bytes);
      total += written.bytes.length;
      for (const change of written.changes) changes.push({ entryId, change });
    }
    batch.length = 0;
  };
  for await (const item of selectionLines(tx, sel)) {
    if (entryIds[entryIds.length - 1] !== item.entryId) { entryIds.push(item.entryId); seenAccounts.clear(); }
    if (!seenAccounts.has(item.hubAccount)) {
      seenAccounts.add(item.hubAccount);
      accounts.push({ entryId: item.entryId, lineNo: item.lineNo, hub: item.hubAccount, written: item.line.account });
    }
    batch.push(item);
    lineCount++;
    if (batch.length >= PAGE) flush();
  }
  flush();
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) { bytes.set(c, at); at += c.length; }
  return { bytes, lineCount, entryIds, changes, accounts };
}

/** The zip of one deposit: its ASCII file and every document its entries carry. */
export async function buildDepositZip(tx: Queryable, depositId: string, seq: number, accountPadding: 'space' | 'zero'): Promise<{ zip: Uint8Array; ascii: BuiltAscii }> {
  // The accounts go out as the map says now, and stay so for every later copy of this deposit.
  await fixSentAccounts(tx, depositId);
  const ascii = await buildAscii(tx, { depositId }, accountPadding);
  const docs = await tx.query<{ attachment_name: string; content: Uint8Array }>(
    `select distinct on (d.attachment_name) d.attachment_name, d.content from public.entries e
       join public.entry_documents ed on ed.entry_id = e.id
       join public.documents d on d.id = ed.document_id
      where e.deposit_id = $1 order by d.attachment_name`, [depositId]);
  const zip = packDeposit({
    asciiName: `QS${String(seq).padStart(6, '0')}.txt`,
    ascii: ascii.bytes,
    documents: docs.rows.map((d) => ({ name: d.attachment_name, bytes: new Uint8Array(d.content) })),
  });
  return { zip, ascii };
}
