// Pre-flight rules for an entry, before it is stored and again before it is sent. Pure: the
// caller gathers the file's Quadra reference data; nothing here reads a database or a clock.
import { ACCOUNT_WIDTH, MAX_AMOUNT_CENTS, isLongAccount, truncateAccount } from '../../format/quadra-format.ts';
import { dueDateErrors, entryAccountLabelWarnings, labelsToSend, sentAccountLabel, sentBeforeShorts } from './account-labels.ts';
import type { ChartAccount } from './account-kind.ts';
import { text } from '../../i18n/index.ts';
import { type Issue, labelWarnings } from './issues.ts';

export { MAX_AMOUNT_CENTS };
export const ACCOUNT_LIMIT = ACCOUNT_WIDTH;

export type EntryKind = 'purchase' | 'sale' | 'expense_report' | 'bank';

export interface EntryLineInput {
  account: string;
  label?: string | undefined;
  /** The hub's label for the account, sent in a `C` record when the file sends labels. */
  accountLabel?: string | undefined;
  debit: number;
  credit: number;
}
export interface EntryInput {
  externalId: string;
  kind: EntryKind;
  journalCode: string;
  date: string; // YYYY-MM-DD
  pieceRef?: string | undefined;
  label: string;
  documentIds?: string[] | undefined;
  /** YYYY-MM-DD, written at position 64 of the entry's customer and supplier lines. */
  dueDate?: string | undefined;
  lines: EntryLineInput[];
}

/**
 * How one of the hub's accounts travels: `written` is the account the deposit carries before
 * Quadra's 8-character cut — the file's account map applied, or the hub's own account.
 */
export interface AccountUse {
  hub: string;
  written: string;
}

export interface FileReference {
  /** The file, to name the request that maps an account in a collision's remedy. */
  fileId?: string;
  periods: Array<{ startsOn: string; endsOn: string; status: 'open' | 'closed' }>;
  journals: Array<{ code: string; isOpen: boolean }>;
  /** Accounts Quadra knows for this file (8 characters at most), with their label ('' for none). */
  quadraAccounts: ReadonlyMap<string, string>;
  /** Documents of this file (another file's or firm's documents are absent). */
  documentIds: ReadonlySet<string>;
  /** The file's account map: hub account -> Quadra account (8 characters at most). */
  accountMap?: ReadonlyMap<string, string>;
  /** How the file's entries already sent carried their accounts: Quadra holds them that way. */
  sentAccounts?: Iterable<AccountUse>;
  accountPadding?: 'space' | 'zero';
  /** The chart with each account's kind and collective (the `C` records' type rule). */
  chart?: readonly ChartAccount[];
  /** The file sends `C` records for the accounts Quadra lacks. */
  sendAccountLabels?: boolean;
  /** The label each lacking account (8-character form) is created with, when the file sends labels. */
  labelsToSend?: ReadonlyMap<string, string>;
}

export interface EntryCheck {
  errors: Issue[];
  warnings: Issue[];
}

export function inOpenPeriod(date: string, periods: FileReference['periods']): boolean {
  return periods.some((p) => p.status === 'open' && p.startsOn <= date && date <= p.endsOn);
}

/** The account a hub account is written as before the cut: its mapping, or itself. */
export function writtenAccount(hub: string, ref: Pick<FileReference, 'accountMap'>): string {
  return ref.accountMap?.get(hub) ?? hub;
}

/** How a use reaches Quadra: its 8-character form, and whether the format (cut or padding) chose it rather than the hub or its map. */
function placement(use: AccountUse, padding: 'space' | 'zero'): { short: string; byFormat: boolean } {
  const short = truncateAccount(use.written, { accountPadding: padding });
  return { short, byFormat: use.written === use.hub && short !== use.hub };
}

const toUse = (a: string | AccountUse, ref: Pick<FileReference, 'accountMap'>): AccountUse =>
  typeof a === 'string' ? { hub: a, written: writtenAccount(a, ref) } : a;

/**
 * Accounts of the hub's that Quadra would merge: 8-character forms reached by more than one of
 * the hub's accounts (in the batch, pending, or already sent), at least one of them by the cut or
 * the padding. A hub account landing on an account Quadra already has is no collision (it is
 * warned); accounts the file's map sends to the same Quadra account were merged on purpose.
 * Returns, per 8-character form, the hub accounts that reach it, sorted.
 */
export function truncationCollisions(
  accounts: Iterable<string | AccountUse>,
  ref: Pick<FileReference, 'accountPadding' | 'sentAccounts' | 'accountMap'>,
): Map<string, string[]> {
  const padding = ref.accountPadding ?? 'space';
  const byShort = new Map<string, { hubs: Set<string>; byFormat: boolean }>();
  for (const a of [...accounts, ...(ref.sentAccounts ?? [])]) {
    const use = toUse(a, ref);
    const { short, byFormat } = placement(use, padding);
    let group = byShort.get(short);
    if (!group) byShort.set(short, (group = { hubs: new Set(), byFormat: false }));
    group.hubs.add(use.hub);
    group.byFormat ||= byFormat;
  }
  const out = new Map<string, string[]>();
  for (const [short, g] of byShort) if (g.hubs.size > 1 && g.byFormat) out.set(short, [...g.hubs].sort());
  return out;
}

/**
 * The hub accounts among `accounts` (not already fixed by a deposit) that the cut or the padding
 * would merge with another of the hub's accounts, with the accounts they would merge with.
 */
export function collidingAccounts(
  accounts: Iterable<string | AccountUse>,
  ref: Pick<FileReference, 'accountPadding' | 'sentAccounts' | 'accountMap'>,
): Map<string, { short: string; collidesWith: string[] }> {
  const list = [...accounts];
  const groups = truncationCollisions(list, ref);
  const out = new Map<string, { short: string; collidesWith: string[] }>();
  for (const a of list) {
    if (typeof a !== 'string') continue;
    const { short, byFormat } = placement(toUse(a, ref), ref.accountPadding ?? 'space');
    const group = groups.get(short);
    if (byFormat && group) out.set(a, { short, collidesWith: group.filter((h) => h !== a) });
  }
  return out;
}

/** The request that maps a hub account to a Quadra account of the user's choice. */
export function mappingRequest(fileId: string | undefined, hub: string): { method: 'PUT'; path: string; body: { quadraAccount: string } } {
  return {
    method: 'PUT',
    path: `/v1/files/${fileId ?? '{fileId}'}/account-map/${encodeURIComponent(hub)}`,
    body: { quadraAccount: '<8 characters at most>' },
  };
}

/**
 * What the user should know about one hub account of an entry: how it is written (mapped, cut),
 * which Quadra account receives it (with Quadra's label, so the user can judge), or that Quadra
 * will create it without a label.
 */
export function accountWarnings(
  hub: string,
  ref: Pick<FileReference, 'quadraAccounts' | 'accountMap' | 'accountPadding' | 'sendAccountLabels' | 'labelsToSend'>,
  field: string,
  written = writtenAccount(hub, ref),
): Issue[] {
  const out: Issue[] = [];
  const short = truncateAccount(written, { accountPadding: ref.accountPadding ?? 'space' });
  const label = ref.quadraAccounts.get(short);
  // The brief's words for the two format limits are in the catalogue (src/i18n/en.ts).
  const named = label === undefined ? '' : label ? '_labelled' : '_unlabelled';
  const p = { hub, short, label: label ?? '' };
  if (written !== hub) {
    out.push({
      code: 'account_mapped',
      field,
      message: text(`issue.account_mapped${named}`, p),
      details: { account: hub, sentAs: short, ...(label === undefined ? {} : { quadraLabel: label }) },
    });
  } else if (isLongAccount(hub)) {
    out.push({
      code: 'account_truncated',
      field,
      message: text(`issue.account_truncated${named}`, p),
      details: { account: hub, sentAs: short, ...(label === undefined ? {} : { quadraLabel: label }) },
    });
  }
  const sent = ref.sendAccountLabels ? ref.labelsToSend?.get(short) : undefined;
  if (label === undefined && sent !== undefined) {
    out.push({
      code: 'account_unknown',
      field,
      message: text('issue.account_unknown_labelled', { account: short, label: sent }),
      details: { account: short, labelSent: sent },
    });
  } else if (label === undefined) {
    out.push({
      code: 'account_unknown',
      field,
      message: text('issue.account_unknown', { account: short }),
      details: { account: short },
    });
  }
  return out;
}

/** A line's account label that loses to another one for the same new account (the first pushed is sent). */
function labelNotSent(label: string | undefined, short: string, ref: FileReference, field: string): Issue[] {
  const sent = ref.sendAccountLabels && !ref.quadraAccounts.has(short) ? ref.labelsToSend?.get(short) : undefined;
  if (!label || sent === undefined || sentAccountLabel(label) === sent) return [];
  return [
    {
      code: 'account_label_not_sent',
      field,
      message: text('issue.account_label_not_sent', { account: short, sent, label }),
      details: { account: short, labelSent: sent, label },
    },
  ];
}

const isCents = (n: number) => Number.isSafeInteger(n) && n >= 0 && n <= MAX_AMOUNT_CENTS;

/** Checks one entry. `collisions` comes from truncationCollisions over the whole batch and file. */
export function checkEntry(e: EntryInput, ref: FileReference, collisions: Map<string, string[]>): EntryCheck {
  const errors: Issue[] = dueDateErrors(e);
  const warnings: Issue[] = [];

  if (e.lines.length < 2) errors.push({ code: 'too_few_lines', field: 'lines', message: text('issue.too_few_lines') });
  let debit = 0;
  let credit = 0;
  let amountsValid = true;
  e.lines.forEach((l, i) => {
    const field = `lines.${i}`;
    if (!isCents(l.debit) || !isCents(l.credit)) {
      errors.push({
        code: 'invalid_amount',
        field,
        message: text('issue.invalid_amount', { line: i + 1, max: MAX_AMOUNT_CENTS }),
      });
      amountsValid = false;
      return;
    }
    if (l.debit > 0 === l.credit > 0) {
      errors.push({ code: 'one_side_per_line', field, message: text('issue.one_side_per_line', { line: i + 1 }) });
    }
    debit += l.debit;
    credit += l.credit;
  });
  // Sides and balance are judged only on amounts that are amounts: an invalid one is the error to fix.
  if (amountsValid) {
    if (e.lines.length > 0 && debit === 0) errors.push({ code: 'empty_side', field: 'lines', message: text('issue.no_debit') });
    if (e.lines.length > 0 && credit === 0) errors.push({ code: 'empty_side', field: 'lines', message: text('issue.no_credit') });
    if (debit !== credit) {
      errors.push({
        code: 'unbalanced',
        field: 'lines',
        message: text('issue.unbalanced', { debit, credit }),
        details: { debit, credit },
      });
    }
  }

  if (!inOpenPeriod(e.date, ref.periods)) {
    errors.push({
      code: 'date_outside_open_period',
      field: 'date',
      message: text('issue.date_outside_open_period', { date: e.date }),
    });
  }
  const journal = ref.journals.find((j) => j.code === e.journalCode);
  if (!journal)
    errors.push({ code: 'unknown_journal', field: 'journalCode', message: text('issue.unknown_journal', { journal: e.journalCode }) });
  else if (!journal.isOpen)
    errors.push({
      code: 'journal_closed',
      field: 'journalCode',
      message: text('issue.journal_closed', { journal: e.journalCode }),
    });

  (e.documentIds ?? []).forEach((id, i) => {
    if (!ref.documentIds.has(id))
      errors.push({ code: 'document_not_found', field: `documentIds.${i}`, message: text('issue.document_not_found', { id }) });
  });
  const docCount = new Set(e.documentIds ?? []).size;
  if (docCount > e.lines.length && e.lines.length > 0) {
    // Each line names one attachment (position 182): documents beyond the line count travel in the zip unnamed.
    warnings.push({
      code: 'documents_not_attached',
      field: 'documentIds',
      message: text('issue.documents_not_attached', { extra: docCount - e.lines.length, count: docCount }),
    });
  }

  const padding = ref.accountPadding ?? 'space';
  const seen = new Set<string>();
  e.lines.forEach((l, i) => {
    const use = { hub: l.account, written: writtenAccount(l.account, ref) };
    const { short, byFormat } = placement(use, padding);
    const group = collisions.get(short);
    if (byFormat && group?.includes(l.account)) {
      const others = group.filter((o) => o !== l.account);
      const remedy = mappingRequest(ref.fileId, l.account);
      errors.push({
        code: 'account_collision',
        field: `lines.${i}.account`,
        // The request that maps it is for developers, in details.remedy; the person reads what to do.
        message: text(others.length > 1 ? 'issue.account_collision_many' : 'issue.account_collision_one', {
          account: l.account,
          short,
          others: others.join(', '),
        }),
        details: { account: l.account, truncated: short, collidesWith: others, remedy },
      });
    }
    warnings.push(...labelNotSent(l.accountLabel, short, ref, `lines.${i}.accountLabel`));
    if (seen.has(l.account)) return; // one warning per account per entry
    seen.add(l.account);
    warnings.push(...accountWarnings(l.account, ref, `lines.${i}.account`, use.written));
  });

  const labels = [{ text: e.label, field: 'label' }, ...e.lines.map((l, i) => ({ text: l.label ?? '', field: `lines.${i}.label` }))];
  for (const { text, field } of labels) warnings.push(...labelWarnings(text, field));
  warnings.push(...entryAccountLabelWarnings(e.lines));
  return { errors, warnings };
}

/** Checks a batch: duplicate external ids within it, then each entry against the file. */
export function checkBatch(entries: EntryInput[], ref: FileReference, pendingAccounts: Iterable<string | AccountUse> = []): EntryCheck[] {
  const accounts: Array<string | AccountUse> = [...pendingAccounts];
  for (const e of entries) for (const l of e.lines) accounts.push(l.account);
  const collisions = truncationCollisions(accounts, ref);
  // The label an account is created with: the first pushed (entries waiting already, then this batch in order).
  const lines = entries.flatMap((e) => e.lines.map((l) => ({ written: writtenAccount(l.account, ref), label: l.accountLabel })));
  const fileRef = ref.sendAccountLabels
    ? {
        ...ref,
        labelsToSend: labelsToSend(
          lines,
          ref.accountPadding ?? 'space',
          ref.labelsToSend,
          sentBeforeShorts(
            [...(ref.sentAccounts ?? [])].map((a) => a.written),
            ref.accountPadding ?? 'space',
          ),
        ),
      }
    : ref;
  const firstIndex = new Map<string, number>();
  return entries.map((e, i) => {
    const check = checkEntry(e, fileRef, collisions);
    const first = firstIndex.get(e.externalId);
    if (first !== undefined)
      check.errors.unshift({
        code: 'duplicate_external_id',
        field: 'externalId',
        message: text('issue.duplicate_external_id', { id: e.externalId, first }),
      });
    else firstIndex.set(e.externalId, i);
    return check;
  });
}
