// The prerequisites a client file must meet in Quadra before entries are sent to it (brief: "What
// prerequisites should I check in Cegid Quadra before starting?"). Shown per file before the first
// send and re-checked before every deposit. Pure: the caller gathers the file's reference data and
// says what day it is.

import { text } from '../i18n/index.ts';

export type PrerequisiteName = 'open_period' | 'previous_period_closed' | 'chart_of_accounts' | 'open_journals';

export interface PrerequisiteCheck {
  name: PrerequisiteName;
  ok: boolean;
  /** What we found (also on a passing check when there is something worth knowing). */
  message?: string;
  /** What to do in Quadra; only on a failing check. */
  remedy?: string;
}

export interface PrerequisitesResult {
  ok: boolean;
  checks: PrerequisiteCheck[];
}

export interface PrerequisiteInput {
  periods: ReadonlyArray<{ startsOn: string; endsOn: string; status: 'open' | 'closed' }>;
  /**
   * The file's accounts still in Quadra. Only general accounts' classes matter here, so a caller
   * may pass one representative account per kind and first digit instead of the whole chart.
   */
  accounts: ReadonlyArray<{ number: string; kind: 'general' | 'customer' | 'supplier' }>;
  journals: ReadonlyArray<{ code: string; label?: string; isOpen: boolean }>;
  /** YYYY-MM-DD, in the firm's time zone. */
  today: string;
}

/** The brief's own words (verbatim) on opening a period: they end both period remedies (src/i18n/en.ts). */
export const BRIEF_PERIOD_ADVICE =
  'access the Accounting Administration or Period Management section, usually accessible via the Processing or Administration menu. Make sure the previous period has been properly closed before creating a new one';

export const OPEN_PERIOD_REMEDY = text('prereq.open_period.remedy');
export const PREVIOUS_PERIOD_REMEDY = text('prereq.previous.remedy');

/**
 * A chart of accounts is "complete" when it has general accounts in every class an entry of the
 * Hub posts to: 4 (third parties: suppliers, customers, VAT), 5 (bank and cash), 6 (expenses) and
 * 7 (revenue). Purchases, sales, expense reports and bank transactions all need at least two of
 * them. Classes 1-3 (capital, fixed assets, stock) are not used by these entries. Subsidiary
 * (customer/supplier) accounts are not required: Quadra creates missing ones when entries arrive.
 */
export const REQUIRED_ACCOUNT_CLASSES: ReadonlyArray<{ digit: '4' | '5' | '6' | '7'; name: string }> = (['4', '5', '6', '7'] as const).map(
  (digit) => ({ digit, name: text(`prereq.chart.class.${digit}`) }),
);

export const CHART_REMEDY = text('prereq.chart.remedy');

export const OPEN_JOURNALS_REMEDY = text('prereq.journals.remedy');

type Period = PrerequisiteInput['periods'][number];
const span = (p: Period) => ({ from: p.startsOn, to: p.endsOn });

export function checkPrerequisites(input: PrerequisiteInput): PrerequisitesResult {
  const checks = [openPeriod(input), previousPeriodClosed(input), chartOfAccounts(input), openJournals(input)];
  return { ok: checks.every((c) => c.ok), checks };
}

/** An open period covering today: entries of the day need one to be imported. */
function openPeriod({ periods, today }: PrerequisiteInput): PrerequisiteCheck {
  const covering = periods.filter((p) => p.startsOn <= today && today <= p.endsOn);
  const open = covering.find((p) => p.status === 'open');
  if (open) return { name: 'open_period', ok: true, message: text('prereq.open_period.ok', span(open)) };
  const message =
    periods.length === 0
      ? text('prereq.open_period.none')
      : covering.length > 0
        ? text('prereq.open_period.closed', span(covering[0]!))
        : text('prereq.open_period.uncovered', { today });
  return { name: 'open_period', ok: false, message, remedy: OPEN_PERIOD_REMEDY };
}

/**
 * The period before the current one must be closed. "Current" is the period covering today; when
 * none does (the new year is not created yet), the last period that ended before today is the one
 * that has to be closed before a new one is created, as the brief says.
 */
function previousPeriodClosed({ periods, today }: PrerequisiteInput): PrerequisiteCheck {
  // Deterministic whatever the order (overlapping periods are a data error, but must not flip the answer).
  const latest = (list: readonly Period[], key: (p: Period) => string) =>
    list.reduce<Period | undefined>(
      (best, p) => (!best || key(p) > key(best) || (key(p) === key(best) && p.status === 'open') ? p : best),
      undefined,
    );
  const covering = periods.filter((p) => p.startsOn <= today && today <= p.endsOn);
  const current =
    latest(
      covering.filter((p) => p.status === 'open'),
      (p) => p.startsOn,
    ) ?? latest(covering, (p) => p.startsOn);
  const before = current ? current.startsOn : today;
  const previous = latest(
    periods.filter((p) => p.endsOn < before),
    (p) => p.endsOn,
  );
  if (!previous) return { name: 'previous_period_closed', ok: true, message: text('prereq.previous.none') };
  if (previous.status === 'closed')
    return { name: 'previous_period_closed', ok: true, message: text('prereq.previous.closed', span(previous)) };
  return {
    name: 'previous_period_closed',
    ok: false,
    message: text('prereq.previous.open', span(previous)),
    remedy: PREVIOUS_PERIOD_REMEDY,
  };
}

function chartOfAccounts({ accounts }: PrerequisiteInput): PrerequisiteCheck {
  const classes = new Set(accounts.filter((a) => a.kind === 'general').map((a) => a.number.trim().charAt(0)));
  if (classes.size === 0) {
    return { name: 'chart_of_accounts', ok: false, message: text('prereq.chart.none'), remedy: CHART_REMEDY };
  }
  const missing = REQUIRED_ACCOUNT_CLASSES.filter((c) => !classes.has(c.digit));
  if (missing.length === 0) return { name: 'chart_of_accounts', ok: true };
  return {
    name: 'chart_of_accounts',
    ok: false,
    message: text('prereq.chart.missing', {
      classes: missing.map((c) => text('prereq.chart.class', { digit: c.digit, name: c.name })).join(', '),
    }),
    remedy: CHART_REMEDY,
  };
}

/**
 * At least one open journal. A closed journal next to open ones does not stop the file (entries
 * of the open journals go through; each entry of a closed journal is held on its own), but the
 * passing check names it so the user can reopen it before entries wait on it.
 */
function openJournals({ journals }: PrerequisiteInput): PrerequisiteCheck {
  const name = (j: PrerequisiteInput['journals'][number]) => (j.label ? `${j.code} (${j.label})` : j.code);
  const sorted = [...journals].sort((a, b) => a.code.localeCompare(b.code));
  const open = sorted.filter((j) => j.isOpen);
  const closed = sorted.filter((j) => !j.isOpen);
  if (sorted.length === 0) {
    return { name: 'open_journals', ok: false, message: text('prereq.journals.none'), remedy: OPEN_JOURNALS_REMEDY };
  }
  if (open.length === 0) {
    return {
      name: 'open_journals',
      ok: false,
      message: text('prereq.journals.all_closed', { closed: closed.map(name).join(', ') }),
      remedy: OPEN_JOURNALS_REMEDY,
    };
  }
  const message =
    closed.length === 0
      ? text('prereq.journals.open', { open: open.map((j) => j.code).join(', ') })
      : text('prereq.journals.some_closed', { open: open.map((j) => j.code).join(', '), closed: closed.map(name).join(', ') });
  return { name: 'open_journals', ok: true, message };
}

/** The checks that fail, each as what a hold says: its name as the code, its message with its remedy. */
export function failingChecks(result: PrerequisitesResult): Array<{ code: PrerequisiteName; message: string }> {
  return result.checks.filter((c) => !c.ok).map((c) => ({ code: c.name, message: [c.message, c.remedy].filter(Boolean).join(' ') }));
}
