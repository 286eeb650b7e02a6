// Builds what Quadra receives: the ASCII file of a set of entries (read in keyset pages, written
// line by line into slabs) and the zip holding it with the documents its lines name.
import type { Queryable } from '../db/database.ts';
import { accountsSentBefore, depositFile, fileChart } from '../db/repos/account-labels.ts';
import { depositDocuments, selectionLinePage, type EntrySelection, type LineKey, type LineRecord } from '../db/repos/deposit-content.ts';
import { fixSentAccounts, HELD_BY_REFERENCE, SENDABLE } from '../db/repos/entries.ts';
import { sentAccountLabel, sentBeforeShorts } from '../domain/entries/account-labels.ts';
import { accountClassifier, type AccountClass, type ChartAccount } from '../domain/entries/account-kind.ts';
import { truncateAccount } from '../format/quadra-format.ts';
import { packDeposit, writeAscii, writeCRecord, type AsciiChange, type MLineInput } from '../quadra/ascii/index.ts';

// Which entries are ready, or held by Quadra's reference data: conditions the repositories own.
export { HELD_BY_REFERENCE, SENDABLE };
export type { EntrySelection };

const PAGE = 5_000;

/**
 * The M lines of the selection, in a stable order, a page of lines at a time. Each line carries the
 * account it was sent as if it was sent before, else the file's account map applied to the hub's
 * account, else the hub's account: the map acts before Quadra's 8-character cut.
 */
export async function* selectionLines(
  tx: Queryable,
  sel: EntrySelection,
): AsyncGenerator<{
  entryId: string;
  lineNo: number;
  hubAccount: string;
  accountLabel: string | null;
  dueDate: string | null;
  line: MLineInput;
}> {
  // Keyset on created_at to the microsecond, id, line (deposit-content.ts).
  let after: LineKey | null = null;
  for (;;) {
    const page = await selectionLinePage(tx, sel, after, PAGE);
    for (const r of page)
      yield {
        entryId: r.entry_id,
        lineNo: r.line_no,
        hubAccount: r.hub_account,
        accountLabel: r.account_label,
        dueDate: r.due_date,
        line: toMLine(r),
      };
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
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
export interface BuiltAccount {
  entryId: string;
  lineNo: number;
  hub: string;
  written: string;
}

/** A `C` record at the head of the file: an account Quadra's chart lacks, created with its label. */
export interface AccountRecord extends AccountClass {
  /** As Quadra will hold it (8 characters at most). */
  account: string;
  /** The first label pushed for it, folded and cut to 30; null when no line gave one. */
  label: string | null;
}

export interface BuildOptions {
  accountPadding: 'space' | 'zero';
  /** The chart as last synced: which accounts Quadra has, and the type rule's input. */
  chart?: readonly ChartAccount[];
  /** Start the file with a `C` record per account the chart lacks (the file's opt-in). */
  sendAccountLabels?: boolean;
  /** The file: its earlier deposits' accounts get no `C` record. Required with sendAccountLabels. */
  fileId?: string;
}

export interface BuiltAscii {
  bytes: Uint8Array;
  /** M lines (the `C` records are counted in accountRecords). */
  lineCount: number;
  accountRecords: AccountRecord[];
  /** Entries with a due date, and on how many customer or supplier lines it was written. */
  dueDates: Array<{ entryId: string; dueDate: string; thirdPartyLines: number }>;
  entryIds: string[];
  changes: Array<{ entryId: string; change: AsciiChange }>;
  /** Each hub account once per entry, as written. */
  accounts: BuiltAccount[];
}

/**
 * Writes the ASCII file of the selection; memory holds the output and one page of lines. The due
 * date goes on customer and supplier lines only; with `sendAccountLabels`, the accounts the chart
 * lacks are created first, one `C` record each, never one for an account Quadra has.
 */
export async function buildAscii(tx: Queryable, sel: EntrySelection, opts: BuildOptions): Promise<BuiltAscii> {
  const { accountPadding } = opts;
  const classify = accountClassifier(opts.chart ?? []);
  const inChart = new Set((opts.chart ?? []).map((a) => a.number));
  const classes = new Map<string, AccountClass>();
  const records = new Map<string, AccountRecord>();
  const dueDates: BuiltAscii['dueDates'] = [];
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
    for (const written of writeAscii(
      batch.map((b) => b.line),
      { accountPadding },
    )) {
      const entryId = batch[i++]!.entryId;
      chunks.push(written.bytes);
      total += written.bytes.length;
      for (const change of written.changes) changes.push({ entryId, change });
    }
    batch.length = 0;
  };
  for await (const item of selectionLines(tx, sel)) {
    if (entryIds[entryIds.length - 1] !== item.entryId) {
      entryIds.push(item.entryId);
      seenAccounts.clear();
      if (item.dueDate) dueDates.push({ entryId: item.entryId, dueDate: item.dueDate, thirdPartyLines: 0 });
    }
    const short = truncateAccount(item.line.account, { accountPadding });
    let cls = classes.get(short);
    if (!cls) classes.set(short, (cls = classify(short)));
    if (item.dueDate && cls.type !== 'G') {
      item.line.dueDate = item.dueDate;
      dueDates[dueDates.length - 1]!.thirdPartyLines++;
    }
    if (opts.sendAccountLabels && short !== '' && !inChart.has(short)) {
      const record = records.get(short) ?? { account: short, label: null, ...cls };
      // The first label pushed wins: lines come in push order (entries by creation, then line).
      if (record.label === null && item.accountLabel) record.label = sentAccountLabel(item.accountLabel);
      records.set(short, record);
    }
    if (!seenAccounts.has(item.hubAccount)) {
      seenAccounts.add(item.hubAccount);
      accounts.push({ entryId: item.entryId, lineNo: item.lineNo, hub: item.hubAccount, written: item.line.account });
    }
    batch.push(item);
    lineCount++;
    if (batch.length >= PAGE) flush();
  }
  flush();
  // Never a C record for an account an earlier deposit carried (sentBeforeShorts says why).
  const sentBefore =
    records.size > 0 && opts.fileId
      ? sentBeforeShorts(await accountsSentBefore(tx, opts.fileId, entryIds), accountPadding)
      : new Set<string>();
  const accountRecords = [...records.values()].filter((r) => !sentBefore.has(r.account));
  // Written before the M lines that use them, as the public writers do.
  const head = accountRecords.map((r) => writeCRecord({ ...r, label: r.label ?? '' }, { accountPadding }));
  for (const h of head) total += h.length;
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of [...head, ...chunks]) {
    bytes.set(c, at);
    at += c.length;
  }
  return { bytes, lineCount, accountRecords, dueDates, entryIds, changes, accounts };
}

/** The zip of one deposit: its ASCII file and every document its entries carry. */
export async function buildDepositZip(
  tx: Queryable,
  depositId: string,
  seq: number,
  accountPadding: 'space' | 'zero',
): Promise<{ zip: Uint8Array; ascii: BuiltAscii }> {
  // The accounts go out as the map says now, and stay so for every later copy of this deposit.
  await fixSentAccounts(tx, depositId);
  // A later copy is built against the chart as synced then: an account a first copy created is no longer lacking.
  const file = await depositFile(tx, depositId);
  const chart = file ? await fileChart(tx, file.file_id) : [];
  const ascii = await buildAscii(
    tx,
    { depositId },
    { accountPadding, chart, sendAccountLabels: file?.send_account_labels ?? false, ...(file ? { fileId: file.file_id } : {}) },
  );
  const docs = await depositDocuments(tx, depositId);
  const zip = packDeposit({
    asciiName: `QS${String(seq).padStart(6, '0')}.txt`,
    ascii: ascii.bytes,
    documents: docs.map((d) => ({ name: d.attachment_name, bytes: new Uint8Array(d.content) })),
  });
  return { zip, ascii };
}
