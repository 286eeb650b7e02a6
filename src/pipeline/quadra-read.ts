// Reading a file's entries back from Quadra, and what every check does with what it finds. Shared
// by the check (check.ts), the night (night.ts), the audit (audit.ts) and the settling of
// unconfirmed uploads (unconfirmed.ts).
import type { Queryable } from '../db/database.ts';
import * as attempts from '../db/repos/attempts.ts';
import * as deposits from '../db/repos/deposits.ts';
import * as outcomes from '../db/repos/entry-outcomes.ts';
import type { FileRow } from '../db/repos/entries.ts';
import { asService } from '../db/scoped.ts';
import { matchEntries, type MatchResult, type SentEntry } from '../domain/entries/matching.ts';
import { AppError } from '../lib/errors.ts';
import { truncateAccount } from '../quadra/ascii/index.ts';
import { isCegidError } from '../quadra/errors.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { logError } from '../lib/log-error.ts';
import { entryLines, type DueEntry } from '../db/repos/due-entries.ts';
import { text } from '../i18n/index.ts';

export type { DueEntry };

/** What Quadra holds of these entries: one CPA read over their date range, matched in memory. */
export async function collect(s: Services, clients: CegidClients, file: FileRow, entries: DueEntry[]): Promise<Map<string, MatchResult>> {
  return (await collectWithLines(s, clients, file, entries)).results;
}

export async function collectWithLines(s: Services, clients: CegidClients, file: FileRow, entries: DueEntry[]) {
  const lines = await asService(s.db, (tx) =>
    entryLines(
      tx,
      entries.map((e) => e.id),
    ),
  );
  const byEntry = new Map<string, SentEntry['lines']>();
  for (const l of lines) {
    let list = byEntry.get(l.entry_id);
    if (!list) byEntry.set(l.entry_id, (list = []));
    list.push({
      account8: truncateAccount(l.account, { accountPadding: file.account_padding }),
      sense: l.debit_cents > 0 ? 'D' : 'C',
      amountCents: l.debit_cents || l.credit_cents,
    });
  }
  const dates = entries.map((e) => e.entry_date).sort();
  const found = await clients.cpa.listEntries(file.dossier_code, { from: dates[0]!, to: dates[dates.length - 1]! });
  const results = matchEntries(
    entries.map((e) => ({
      id: e.id,
      reference: e.quadra_ref,
      journalCode: e.journal_code,
      date: e.entry_date,
      lines: byEntry.get(e.id) ?? [],
    })),
    found.map((f) => ({
      reference: f.reference,
      journalCode: f.journalCode,
      date: f.date,
      account: f.account,
      sense: f.sense,
      amountCents: f.amountCents,
    })),
  );
  return { results, references: new Set(found.map((f) => f.reference.trim())) };
}

/**
 * Marks what verification found: posted (flagged when Quadra holds it more than once); their
 * deposits were imported, and the file was opened. Returns the ids found.
 */
export async function applyFound(
  s: Services,
  tx: Queryable,
  file: FileRow,
  results: Map<string, MatchResult>,
  now: Date,
  night: number | null,
): Promise<string[]> {
  const found = [...results].filter(([, r]) => r.state !== 'missing');
  if (!found.length) return [];
  const ids = found.map(([id]) => id);
  const dupes = found.filter(([, r]) => r.state === 'duplicate').map(([id]) => id);
  // Only the rows this run moves get a history line: a concurrent check records nothing twice.
  const moved = await outcomes.posted(tx, { ids, duplicates: dupes, now });
  const movedIds = new Set(moved.map((r) => r.id));
  const single = ids.filter((id) => movedIds.has(id) && !dupes.includes(id));
  if (single.length)
    await attempts.record(tx, { entryIds: single }, { kind: 'verify', outcome: 'posted', at: now, night, detail: text('life.found') });
  for (const [id, r] of found.filter(([id, r]) => r.state === 'duplicate' && movedIds.has(id))) {
    await attempts.record(
      tx,
      { entryIds: [id] },
      {
        kind: 'verify',
        outcome: 'duplicate',
        at: now,
        night,
        errorCode: 'found_twice',
        detail: text('life.found_times', { copies: r.copies }),
      },
    );
  }
  // A deposit being withdrawn (`replacing`) is left to the run withdrawing it: only that run knows
  // whether Quadra or the withdrawal removed its blob.
  await deposits.imported(tx, [...new Set(moved.map((r) => r.deposit_id).filter((d): d is string => d !== null))], now, [
    'uploaded',
    'unconfirmed',
  ]);
  await outcomes.fileOpened(tx, { fileId: file.id, now });
  if (moved.length)
    s.log.info({ fileId: file.id, posted: moved.length, duplicates: dupes.filter((d) => movedIds.has(d)).length, night }, 'entries posted');
  return ids;
}

/** A verification that could not reach Quadra: an attempt on each entry, not a strike against it. */
export async function verificationFailed(s: Services, entryIds: string[], err: unknown, now: Date): Promise<void> {
  // An AppError is already worded for the user: the firm's connection may not be used (not connected, SIC code not verified).
  const e = isCegidError(err)
    ? err.toUserError()
    : err instanceof AppError
      ? { code: err.code, message: err.message }
      : { code: 'verification_failed', message: text('life.verification_failed') };
  if (!isCegidError(err) && !(err instanceof AppError)) s.log.error({ err: logError(err) }, 'verification failed');
  await asService(s.db, (tx) =>
    attempts.record(tx, { entryIds }, { kind: 'verify', outcome: 'error', at: now, errorCode: e.code, detail: e.message }),
  );
}
