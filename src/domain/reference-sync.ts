// Reference data as we store it: Quadra's lists turned into rows for the set-based upserts, and
// the counts a sync run reports. Pure: no I/O.

/**
 * A firm gets one nightly reference run per this window: a schedule slot fired again (a retry, a
 * second tick, a restart) within it queues nothing more. Shorter than a day, longer than any retry.
 */
export const NIGHTLY_SYNC_WINDOW_MS = 12 * 3_600_000;

// The shapes these rules read: what Quadra's lists carry, whatever client fetched them.
export interface Dossier {
  code: string;
  name: string;
}
export interface Account {
  number: string;
  label: string;
  kind: 'general' | 'customer' | 'supplier';
  collective?: string | null | undefined;
}
export interface Journal {
  code: string;
  label: string;
  open: boolean;
}
export interface Period {
  start: string;
  end: string;
  status: 'open' | 'closed';
}

export interface SyncCounts {
  /** What Quadra holds now (dossiers, and the items of every dossier). */
  files: number;
  accounts: number;
  journals: number;
  periods: number;
  /** What this run changed on our side, all tables together. */
  created: number;
  updated: number;
  gone: number;
}

export interface Changes {
  seen: number;
  created: number;
  updated: number;
  gone: number;
}

export const emptyCounts = (): SyncCounts => ({ files: 0, accounts: 0, journals: 0, periods: 0, created: 0, updated: 0, gone: 0 });

export function addChanges(counts: SyncCounts, table: 'files' | 'accounts' | 'journals' | 'periods', c: Changes): SyncCounts {
  return {
    ...counts,
    [table]: counts[table] + c.seen,
    created: counts.created + c.created,
    updated: counts.updated + c.updated,
    gone: counts.gone + c.gone,
  };
}

/** Last one wins on a repeated key: a single upsert statement cannot touch the same row twice. */
function uniqueBy<T>(items: readonly T[], key: (t: T) => string): T[] {
  return [...new Map(items.map((i) => [key(i), i])).values()];
}

export interface FileRowInput {
  dossier_code: string;
  name: string;
}
export interface AccountRowInput {
  number: string;
  label: string;
  kind: Account['kind'];
  collective: string | null;
}
export interface JournalRowInput {
  code: string;
  label: string;
  is_open: boolean;
}
export interface PeriodRowInput {
  starts_on: string;
  ends_on: string;
  status: Period['status'];
}

export const fileRows = (dossiers: readonly Dossier[]): FileRowInput[] =>
  uniqueBy(dossiers, (d) => d.code).map((d) => ({ dossier_code: d.code, name: d.name.trim() || d.code }));

export const accountRows = (accounts: readonly Account[]): AccountRowInput[] =>
  uniqueBy(accounts, (a) => a.number).map((a) => ({ number: a.number, label: a.label, kind: a.kind, collective: a.collective ?? null }));

export const journalRows = (journals: readonly Journal[]): JournalRowInput[] =>
  uniqueBy(journals, (j) => j.code).map((j) => ({ code: j.code, label: j.label, is_open: j.open }));

export const periodRows = (periods: readonly Period[]): PeriodRowInput[] =>
  uniqueBy(periods, (p) => p.start).map((p) => ({ starts_on: p.start, ends_on: p.end, status: p.status }));

/** Why a run failed, in words a user can act on (see runError in the pipeline). */
export interface RunError {
  code: string;
  message: string;
}
