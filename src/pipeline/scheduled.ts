// The scheduled runs (automatic send, night, audit, sweep) as loops in one process over the files
// or deposits they concern, calling the same functions the units of src/pipeline/fan-out.ts call:
// the demo and tests that move time forward run them at once. The service's schedules do not:
// their slots fan out into one job per unit (fan-out.ts). Time comes in as `now`.
import * as deposits from '../db/repos/deposits.ts';
import { filesToSend } from '../db/repos/due-work.ts';
import { compactCounts } from '../db/repos/entry-counts.ts';
import { asService } from '../db/scoped.ts';
import { mapLimit } from '../lib/concurrency.ts';
import type { Services } from '../services.ts';
import { auditPosted, filesRecentlyPosted } from './audit.ts';
import { earlyCheckDelayMs, earlyCheckDeposit, verifyDeposit } from './check.ts';
import { recoverWithdrawal } from './earlier-copy.ts';
import { expireOldEvents } from './event-delivery.ts';
import { filesDueTonight, runNightForFile, type NightReport } from './night.ts';
import { recoverDeposit, sendFile, type SendOutcome } from './send.ts';
import { settleUnconfirmed } from './unconfirmed.ts';
import { logError } from '../lib/log-error.ts';

// Files are independent: a few at a time overlap one file's Cegid round trips with another's SQL.
const FILE_CONCURRENCY = 4;
// A file's count rows grow by one per status per statement that changes it; folded past this many.
const COUNT_ROWS_BEFORE_FOLDING = 64;

/** Every file with entries due tonight gets its night's attempt; one file's trouble stops no other. */
export async function runNightly(s: Services, now: Date = s.now()): Promise<NightReport[]> {
  const reports = await mapLimit(await filesDueTonight(s, now), FILE_CONCURRENCY, async (fileId) => {
    try {
      return await runNightForFile(s, fileId, now);
    } catch (err) {
      s.log.warn({ fileId, err: logError(err) }, 'night attempt failed for a file; it is tried again next run');
      return undefined;
    }
  });
  return reports.filter((r): r is NightReport => r !== undefined);
}

/** Each night, after the attempts: the week's posted entries looked at again for copies. */
export async function runNightlyAudit(s: Services, now: Date = s.now()): Promise<number> {
  const flagged = await mapLimit(await filesRecentlyPosted(s, now), FILE_CONCURRENCY, async (fileId) => {
    try {
      return await auditPosted(s, fileId, now);
    } catch (err) {
      s.log.warn({ fileId, err: logError(err) }, 'posted-entries audit failed for a file; tried again next night');
      return 0;
    }
  });
  return flagged.reduce((a, b) => a + b, 0);
}

/** Automatic sending: every file with entries ready to go. */
export async function sendAllPending(s: Services, now: Date = s.now()): Promise<SendOutcome[]> {
  const files = await asService(s.db, (tx) => filesToSend(tx));
  const out = await mapLimit(files, FILE_CONCURRENCY, async (file_id) => {
    try {
      return await sendFile(s, file_id, now);
    } catch (err) {
      s.log.warn({ fileId: file_id, err: logError(err) }, 'automatic send failed for a file');
      return undefined;
    }
  });
  return out.filter((o): o is SendOutcome => o !== undefined);
}

/**
 * Every 15 minutes: deposits left `preparing` by a crash (their lease ran out), unconfirmed
 * uploads and withdrawals left half-done are settled first; then night attempts put off by an
 * import's grace period, checks whose job was lost, and early checks of deposits Quadra has taken
 * (or, for a re-deposit still waiting, of an earlier copy showing in Quadra).
 */
export async function sweep(
  s: Services,
  now: Date = s.now(),
): Promise<{ verified: number; recovered: number; settled: number; postedEarly: number }> {
  const found = await asService(s.db, (tx) => deposits.sweepable(tx, now, new Date(now.getTime() - earlyCheckDelayMs(s))));
  const quiet = (what: string) => (err: unknown) => {
    s.log.warn({ err: logError(err) }, `${what} failed; the next sweep tries again`);
  };
  for (const id of found.stuck) await recoverDeposit(s, id, now).catch(quiet('recovery of a crashed deposit'));
  let settled = 0;
  await mapLimit(found.unconfirmed, FILE_CONCURRENCY, async (id) => {
    try {
      if (['landed', 'imported', 'redeposited'].includes(await settleUnconfirmed(s, id, now))) settled++;
    } catch (err) {
      quiet('settling an unconfirmed upload')(err);
    }
  });
  // Withdrawals a run began and did not finish (it stopped; the file's lease ran out).
  for (const id of found.withdrawing) await recoverWithdrawal(s, id, now).catch(quiet('completing an interrupted withdrawal'));
  // Night attempts put off by the grace period after an import come due between nights.
  await runNightly(s, now);
  let verified = 0;
  const due = await asService(s.db, (tx) => deposits.sweepable(tx, now, new Date(now.getTime() - earlyCheckDelayMs(s))));
  await mapLimit(due.due, FILE_CONCURRENCY, async (id) => {
    try {
      if (await verifyDeposit(s, id, now)) verified++;
    } catch {
      /* recorded as an attempt; next sweep retries */
    }
  });
  let early = 0;
  await mapLimit(found.waiting, FILE_CONCURRENCY, async (id) => {
    try {
      early += await earlyCheckDeposit(s, id, now);
    } catch {
      /* a cheap extra; the 12-hour check stands */
    }
  });
  // The tab counts' difference rows, folded per file (cheap; nothing waits on it).
  await asService(s.db, (tx) => compactCounts(tx, COUNT_ROWS_BEFORE_FOLDING)).catch(quiet('folding the tab counts'));
  await expireOldEvents(s, now).catch(quiet('removing events past their retention'));
  return { verified, recovered: found.stuck.length, settled, postedEarly: early };
}
