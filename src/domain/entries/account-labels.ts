// The rules for what a `C` record and a due date carry: the hub's account label (folded and cut
// as Quadra's 30-byte labels are: a warning, never a refusal, as for the entry's own labels),
// which label an account gets when several lines name one, and the due date's checks.
import { quadraLabel, truncateAccount } from '../../format/quadra-format.ts';
import { text } from '../../i18n/index.ts';

import { type Issue, labelWarnings } from './issues.ts';

/** What the rules need of a line and an entry (validate.ts's inputs carry these fields). */
interface LabelledLine {
  account: string;
  accountLabel?: string | undefined;
}

/** The label as Quadra will hold it: folded to Windows-1252, cut to 30, trailing spaces dropped. */
export function sentAccountLabel(label: string): string {
  return quadraLabel(label).text;
}

/** Characters Windows-1252 lacks, and a cut at 30, in the hub's label for an account. */
export function accountLabelWarnings(label: string | undefined, field: string): Issue[] {
  return labelWarnings(label, field, 'account_label');
}

/**
 * The label each account (in its 8-character form) is created with: the first one pushed. `lines`
 * come in push order (entries by creation, then line number); `earlier` holds the labels already
 * chosen from entries pushed before. The same rule orders the deposit, the preview and the list.
 */
export function labelsToSend(
  lines: Iterable<{ written: string; label: string | null | undefined }>,
  padding: 'space' | 'zero',
  earlier: ReadonlyMap<string, string> = new Map(),
  sentBefore: ReadonlySet<string> = new Set(),
): Map<string, string> {
  const out = new Map(earlier);
  for (const l of lines) {
    if (!l.label) continue;
    const short = truncateAccount(l.written, { accountPadding: padding });
    if (!out.has(short) && !sentBefore.has(short)) out.set(short, sentAccountLabel(l.label));
  }
  return out;
}

/**
 * The accounts a `C` record must leave alone although the synced chart lacks them: those an earlier
 * deposit of the file already carried (8-character forms). Quadra may have created them then, and
 * holds the label it was given, or one the accountant typed since; the chart only shows them after
 * the dossier is opened and synced again. A `C` record's partial update would overwrite that label.
 */
export function sentBeforeShorts(written: Iterable<string>, padding: 'space' | 'zero'): Set<string> {
  const out = new Set<string>();
  for (const w of written) out.add(truncateAccount(w, { accountPadding: padding }));
  return out;
}

/** Whether `iso` is a real calendar date that DDMMYY can carry (1970..2069, read back the same). */
export function isWritableDate(iso: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1970 || y > 2069 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The entry's due date: a date Quadra's DDMMYY can carry, not before the entry's own date. */
export function dueDateErrors(e: { date: string; dueDate?: string | undefined }): Issue[] {
  if (e.dueDate === undefined) return [];
  if (!isWritableDate(e.dueDate)) {
    return [
      {
        code: 'invalid_due_date',
        field: 'dueDate',
        message: text('issue.invalid_due_date', { dueDate: e.dueDate }),
      },
    ];
  }
  if (e.dueDate < e.date) {
    return [
      {
        code: 'due_date_before_entry_date',
        field: 'dueDate',
        message: text('issue.due_date_before_entry_date', { dueDate: e.dueDate, date: e.date }),
        details: { dueDate: e.dueDate, date: e.date },
      },
    ];
  }
  return [];
}

/** Every account label warning of an entry's lines. */
export function entryAccountLabelWarnings(lines: readonly LabelledLine[]): Issue[] {
  return lines.flatMap((l, i) => accountLabelWarnings(l.accountLabel, `lines.${i}.accountLabel`));
}
