// Pre-flight rules for an entry, before it is stored and again before it is sent. Pure: the
// caller gathers the file's Quadra reference data; nothing here reads a database or a clock.
import { foldText, truncateAccount } from '../../quadra/ascii/index.ts';

export const MAX_AMOUNT_CENTS = 999_999_999_999; // 12 digits at position 43 of the M record
export const ACCOUNT_LIMIT = 8;

export type EntryKind = 'purchase' | 'sale' | 'expense_report' | 'bank';

export interface EntryLineInput { account: string; label?: string | undefined; debit: number; credit: number }
export interface EntryInput {
  externalId: string;
  kind: EntryKind;
  journalCode: string;
  date: string; // YYYY-MM-DD
  pieceRef?: string | undefined;
  label: string;
  documentIds?: string[] | undefined;
  lines: EntryLineInput[];
}

export interface Issue { code: string; message: string; field?: string; details?: Record<string, unknown> }

export interface FileReference {
  periods: Array<{ startsOn: string; endsOn: string; status: 'open' | 'closed' }>;
  journals: Array<{ code: string; isOpen: boolean }>;
  /** Account numbers Quadra knows for this file (8 characters at most). */
  quadraAccounts: ReadonlySet<string>;
  /** Documents of this file (another file's or firm's documents are absent). */
  documentIds: ReadonlySet<string>;
  /** Long accounts (over 8 characters) this file already sent: Quadra holds them truncated. */
  sentAccounts?: ReadonlySet<string>;
  accountPadding?: 'space' | 'zero';
}

export interface EntryCheck { errors: Issue[]; warnings: Issue[] }

// The brief's own words for the two format limits.
const TRUNCATION_RULE = 'The account number (PCG or subsidiary) is limited to 8 characters in Cegid Quadra. Any number exceeding this limit will be truncated when sent.';
const NO_LABEL_RULE = 'it will be automatically created in Quadra when sending entries — but without an associated label. You will then need to complete the label manually in Quadra.';

export function inOpenPeriod(date: string, periods: FileReference['periods']): boolean {
  return periods.some((p) => p.status === 'open' && p.startsOn <= date && date <= p.endsOn);
}

/**
 * Accounts that truncation would merge: 8-character forms reached by more than one distinct
 * account, among Quadra's accounts and every account the checked entries use.
 */
export function truncationCollisions(accounts: Iterable<string>, ref: Pick<FileReference, 'quadraAccounts' | 'accountPadding' | 'sentAccounts'>): Map<string, string[]> {
  const opts = { accountPadding: ref.accountPadding ?? 'space' } as const;
  const byShort = new Map<string, Set<string>>();
  const own = new Map<string, Set<string>>(); // short form -> our accounts that Quadra identifies with it
  const add = (full: string, short: string) => {
    let set = byShort.get(short);
    if (!set) byShort.set(short, (set = new Set()));
    set.add(full);
  };
  for (const a of [...accounts, ...(ref.sentAccounts ?? [])]) {
    const short = truncateAccount(a, opts);
    add(a, short);
    // An account of 8 characters or fewer is Quadra's account of the same (padded) number; a long
    // one we already sent is the account Quadra created from it.
    if (foldText(a).text.trim().length <= ACCOUNT_LIMIT || ref.sentAccounts?.has(a)) {
      let set = own.get(short);
      if (!set) own.set(short, (set = new Set()));
      set.add(a);
    }
  }
  for (const q of ref.quadraAccounts) if (!own.has(q)) add(q, q);
  const out = new Map<string, string[]>();
  for (const [short, fulls] of byShort) if (fulls.size > 1) out.set(short, [...fulls].sort());
  return out;
}

const isCents = (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_AMOUNT_CENTS;

/** Checks one entry. `collisions` comes from truncationCollisions over the whole batch and file. */
export function checkEntry(e: EntryInput, ref: FileReference, collisions: Map<string, string[]>): EntryCheck {
  const errors: Issue[] = [];
  const warnings: Issue[] = [];
  const opts = { accountPadding: ref.accountPadding ?? 'space' } as const;

  if (e.lines.length < 2) errors.push({ code: 'too_few_lines', field: 'lines', message: 'An entry needs at least two lines (a debit and a credit)' });
  let debit = 0;
  let credit = 0;
  e.lines.forEach((l, i) => {
    const field = `lines.${i}`;
    if (!isCents(l.debit) || !isCents(l.credit)) {
      errors.push({ code: 'invalid_amount', field, message: `Line ${i + 1}: amounts are whole, non-negative cents up to ${MAX_AMOUNT_CENTS}` });
      return;
    }
    if ((l.debit > 0) === (l.credit > 0)) {
      errors.push({ code: 'one_side_per_line', field, message: `Line ${i + 1}: exactly one of debit or credit must be above zero` });
    }
    debit += l.debit;
    credit += l.credit;
  });
  if (e.lines.length > 0 && debit === 0) errors.push({ code: 'empty_side', field: 'lines', message: 'The entry has no debit line' });
  if (e.lines.length > 0 && credit === 0) errors.push({ code: 'empty_side', field: 'lines', message: 'The entry has no credit line' });
  if (debit !== credit) {
    errors.push({ code: 'unbalanced', field: 'lines', message: `Debits (${debit} cents) and credits (${credit} cents) differ`, details: { debit, credit } });
  }

  if (!inOpenPeriod(e.date, ref.periods)) {
    errors.push({ code: 'date_outside_open_period', field: 'date', message: `${e.date} is outside every open accounting period of this file in Quadra` });
  }
  const journal = ref.journals.find((j) => j.code === e.journalCode);
  if (!journal) errors.push({ code: 'unknown_journal', field: 'journalCode', message: `Journal ${e.journalCode} does not exist in this Quadra file` });
  else if (!journal.isOpen) errors.push({ code: 'journal_closed', field: 'journalCode', message: `Journal ${e.journalCode} is closed in Quadra: open it there, then sync the reference data` });

  (e.documentIds ?? []).forEach((id, i) => {
    if (!ref.documentIds.has(id)) errors.push({ code: 'document_not_found', field: `documentIds.${i}`, message: `Document ${id} does not belong to this file` });
  });
  const docCount = new Set(e.documentIds ?? []).size;
  if (docCount > e.lines.length && e.lines.length > 0) {
    // Each line names one attachment (position 182): documents beyond the line count travel in the zip unnamed.
    warnings.push({ code: 'documents_not_attached', field: 'documentIds', message: `Quadra can name one document per line: ${docCount - e.lines.length} of the ${docCount} documents will not be attached to the entry in Quadra` });
  }

  const seen = new Set<string>();
  e.lines.forEach((l, i) => {
    const short = truncateAccount(l.account, opts);
    const others = collisions.get(short);
    if (others && others.includes(l.account) && l.account !== short) {
      errors.push({
        code: 'account_collision', field: `lines.${i}.account`,
        message: `Account ${l.account} would be truncated to ${short}, which is also ${others.filter((o) => o !== l.account).join(', ')}: two ledgers would merge in Quadra. Create the account under a distinct 8-character number first.`,
        details: { account: l.account, truncated: short, collidesWith: others.filter((o) => o !== l.account) },
      });
    }
    if (seen.has(l.account)) return; // one warning per account per entry
    seen.add(l.account);
    if (foldText(l.account).text.trim().length > ACCOUNT_LIMIT) {
      warnings.push({ code: 'account_truncated', field: `lines.${i}.account`, message: `Account ${l.account} will be sent as ${short}. ${TRUNCATION_RULE}`, details: { account: l.account, sentAs: short } });
    }
    if (!ref.quadraAccounts.has(short)) {
      warnings.push({ code: 'account_unknown', field: `lines.${i}.account`, message: `Account ${short} does not exist in Quadra: ${NO_LABEL_RULE}`, details: { account: short } });
    }
  });

  const labels = [{ text: e.label, field: 'label' }, ...e.lines.map((l, i) => ({ text: l.label ?? '', field: `lines.${i}.label` }))];
  for (const { text, field } of labels) {
    if (!text) continue;
    const folded = foldText(text);
    if (folded.folded.length) {
      warnings.push({ code: 'label_folded', field, message: `Quadra cannot hold ${folded.folded.join(' ')}: the label will read "${folded.text}"`, details: { from: text, to: folded.text, characters: folded.folded } });
    }
    if (Buffer.byteLength(folded.text, 'latin1') > 30) {
      warnings.push({ code: 'label_truncated', field, message: `The label will be cut to its first 30 characters in Quadra: "${folded.text.slice(0, 30)}"`, details: { from: text, to: folded.text.slice(0, 30) } });
    }
  }
  return { errors, warnings };
}

/** Checks a batch: duplicate external ids within it, then each entry against the file. */
export function checkBatch(entries: EntryInput[], ref: FileReference, pendingAccounts: Iterable<string> = []): EntryCheck[] {
  const accounts = new Set<string>(pendingAccounts);
  for (const e of entries) for (const l of e.lines) accounts.add(l.account);
  const collisions = truncationCollisions(accounts, ref);
  const firstIndex = new Map<string, number>();
  return entries.map((e, i) => {
    const check = checkEntry(e, ref, collisions);
    const first = firstIndex.get(e.externalId);
    if (first !== undefined) check.errors.unshift({ code: 'duplicate_external_id', field: 'externalId', message: `externalId ${e.externalId} appears twice in this request (first at index ${first})` });
    else firstIndex.set(e.externalId, i);
    return check;
  });
}
