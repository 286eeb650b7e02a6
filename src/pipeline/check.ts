// The check of one deposit: the contractual one 12 hours after it was sent (every deposit gets
// its own, re-sends included), and the early one, minutes after Quadra took it.
import type { Queryable } from '../db/database.ts';
import * as attempts from '../db/repos/attempts.ts';
import * as deposits from '../db/repos/deposits.ts';
import * as outcomes from '../db/repos/entry-outcomes.ts';
import { getFile } from '../db/repos/entries.ts';
import { asService } from '../db/scoped.ts';
import { notFoundAfterSendMessage } from '../domain/entries/lifecycle.ts';
import { nextNightlyRun } from './night-schedule.ts';
import type { MatchResult } from '../domain/entries/matching.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { lookForEarlierCopy, withdrawCopies } from './earlier-copy.ts';
import { clientsForFirm } from './firm-clients.ts';
import { applyFound, collect, verificationFailed } from './quadra-read.ts';
import { isAwaitingVerification } from '../domain/statuses.ts';
import { depositEntries } from '../db/repos/due-entries.ts';

const sentEntriesOf = (tx: Queryable, depositId: string) => depositEntries(tx, depositId, ['sent']);

/**
 * The check 12 hours after a deposit was sent. Idempotent: a verified deposit is not verified
 * again. What is missing of a first send goes back to `pending`, due at the next night; what is
 * missing of a night's re-send is left to the next night, which records its own verification.
 */
export async function verifyDeposit(
  s: Services,
  depositId: string,
  now: Date = s.now(),
): Promise<{ posted: number; missing: number } | undefined> {
  const ctx = await asService(s.db, async (tx) => {
    const dep = await deposits.get(tx, depositId);
    if (!dep || dep.verified_at || !dep.verify_at || dep.verify_at > now || !isAwaitingVerification(dep.status)) return undefined;
    const file = (await getFile(tx, dep.file_id))!;
    const entries = await sentEntriesOf(tx, depositId);
    return { dep, file, entries };
  });
  if (!ctx) return undefined;
  const { dep, file, entries } = ctx;
  if (entries.length === 0) {
    await asService(s.db, (tx) => deposits.tryTransition(deposits.verified(tx, depositId, now)));
    return { posted: 0, missing: 0 };
  }
  let clients: CegidClients;
  let results: Map<string, MatchResult>;
  try {
    // Inside: a firm whose keys may not be used (not connected, SIC not verified) is recorded too.
    clients = await clientsForFirm(s, dep.firm_id);
    results = await collect(s, clients, file, entries);
  } catch (err) {
    await verificationFailed(
      s,
      entries.map((e) => e.id),
      err,
      now,
    );
    throw err; // pg-boss retries the job with backoff
  }
  if (dep.status === 'uploaded') {
    // A re-send still in the container whose entries Quadra shows through an earlier copy is
    // withdrawn before Quadra takes it (earlier-copy.ts).
    const copy = await withdrawCopies(s, clients, file, entries, results, now);
    if (copy.busy) return undefined; // another run holds the file: the next sweep checks again
    if (copy.withdrawn.includes(depositId)) {
      const posted = entries.filter((e) => results.get(e.id)?.state !== 'missing').length;
      s.log.info({ depositId, fileId: file.id, posted, missing: entries.length - posted }, 'deposit withdrawn at its check');
      return { posted, missing: entries.length - posted };
    }
  }
  const out = await asService(s.db, async (tx) => {
    if ((await deposits.tryTransition(deposits.verified(tx, depositId, now))) === false) return { posted: 0, missing: 0 }; // a concurrent run did it
    const posted = await applyFound(s, tx, file, results, now, null);
    const missing = entries.filter((e) => results.get(e.id)?.state === 'missing');
    const first = missing.filter((e) => e.nights_tried === 0).map((e) => e.id);
    if (first.length) {
      const night = nextNightlyRun(s.config.NIGHTLY_CRON, s.config.SCHEDULE_TZ, now);
      const message = notFoundAfterSendMessage(s.config.VERIFY_AFTER_HOURS, s.config.NIGHTLY_ATTEMPTS);
      await outcomes.requeued(tx, { ids: first, dueAt: night, message, now });
      await attempts.record(tx, { entryIds: first }, { kind: 'verify', outcome: 'not_found', at: now, detail: message });
    }
    // A re-sent entry still missing is the night's to judge: it records its own verification.
    return { posted: posted.length, missing: missing.length };
  });
  s.log.info({ depositId, fileId: file.id, ...out }, 'deposit verified');
  return out;
}

/**
 * Entries appear in Quadra a few minutes after the dossier is opened (modeled): the early check
 * reads Quadra EARLY_CHECK_DELAY_MINUTES after it saw the take (10 in production, 1 in development,
 * where the simulator shows them at once).
 */
export const earlyCheckDelayMs = (s: Pick<Services, 'config'>) => s.config.EARLY_CHECK_DELAY_MINUTES * 60_000;
const EARLY_CHECK_WINDOW_MS = 45 * 60_000;

/**
 * Posted as soon as it is true (beyond the brief): between the send and the contractual check,
 * a deposit whose blob has left the container was taken by Quadra. A few minutes later (its
 * entries take that long to appear) what Quadra shows is posted. Nothing is marked missing here:
 * that stays the 12-hour check's call.
 */
export async function earlyCheckDeposit(s: Services, depositId: string, now: Date = s.now()): Promise<number> {
  const ctx = await asService(s.db, async (tx) => {
    const dep = await deposits.get(tx, depositId);
    if (!dep || dep.verified_at || !isAwaitingVerification(dep.status)) return undefined;
    return { dep, file: (await getFile(tx, dep.file_id))! };
  });
  if (!ctx) return 0;
  const { dep, file } = ctx;
  const clients = await clientsForFirm(s, dep.firm_id);
  let seenAt = dep.imported_seen_at;
  if (dep.status === 'uploaded') {
    // Not opened yet; a re-send of an upload settled as never arrived looks for it in Quadra.
    if (await clients.cfe.exists(dep.blob_name)) return lookForEarlierCopy(s, clients, file, dep, now);
    seenAt = now;
    // An uploaded deposit's blob gone from the container: Quadra took it (unless a run is
    // withdrawing it this moment: that run settles it).
    await asService(s.db, (tx) => deposits.imported(tx, [dep.id], now, ['uploaded']));
  }
  const since = seenAt ? now.getTime() - seenAt.getTime() : -1;
  // A few reads, a few minutes after Quadra took it; the 12-hour check does the rest.
  const delay = earlyCheckDelayMs(s);
  if (!seenAt || since < delay || since > delay + EARLY_CHECK_WINDOW_MS) return 0;
  const entries = await asService(s.db, (tx) => sentEntriesOf(tx, dep.id));
  if (!entries.length) return 0;
  const results = await collect(s, clients, file, entries);
  return asService(s.db, async (tx) => (await applyFound(s, tx, file, results, now, null)).length);
}
