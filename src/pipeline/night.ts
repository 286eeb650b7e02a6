// The night: for each file with entries due, under a lease, one read from Quadra, then the plan
// (posted / re-send / decide), the withdrawals, the re-send and the decisions.
import * as attempts from '../db/repos/attempts.ts';
import * as deposits from '../db/repos/deposits.ts';
import * as outcomes from '../db/repos/entry-outcomes.ts';
import { getFile, heldByReference, holdsNightLease, releaseNightLease, takeNightLease, type FileRow } from '../db/repos/entries.ts';
import { loadFilePrerequisites } from './prerequisites.ts';
import { today } from '../domain/calendar.ts';
import { failingChecks } from '../domain/prerequisites.ts';
import { asService } from '../db/scoped.ts';
import { decideAfterNights, FAILED_CHECK_MESSAGE, FILE_WAITING_MESSAGE, nightAction, nightOf as nightOfTried, notFoundOnNightDetail, resendReferenceHoldMessage } from '../domain/entries/lifecycle.ts';
import { nextNightlyRun } from './night-schedule.ts';
import type { MatchResult } from '../domain/entries/matching.ts';
import { depositBlobName } from '../quadra/cfe-client.ts';
import type { Services } from '../services.ts';
import { withdrawCopies } from './earlier-copy.ts';
import { clientsForFirm } from './firm-clients.ts';
import { applyFound, collect, DUE_COLUMNS, verificationFailed, type DueEntry } from './quadra-read.ts';
import { uploadDeposit } from './send.ts';
import { isInContainer, isLeftUntaken, isUnsettledUpload, OPEN_ENTRY_STATUSES } from '../domain/statuses.ts';
import { sqlIn } from '../db/literal.ts';

export interface NightReport { fileId: string; posted: number; resent: number; failedCheck: number; fileWaiting: boolean; deferred: number; held: number }

/**
 * One night's attempt for one file, on every entry due (`next_attempt_at <= now`):
 *  1. verify: what Quadra holds now is posted;
 *  2. decide what is still missing: nights 1 and 2 re-send; night 3 (and later) decides
 *     failed_check (an entry of the same or a later batch was posted) or file waiting;
 *  3. withdraw the deposits of entries to re-send or fail: `remove` succeeds only if Quadra has
 *     not taken the deposit, so nothing is ever in Quadra's hands twice; a waiting entry's deposit
 *     is only looked for (it must stay in the container for when the file is opened);
 *  4. re-send, in one new deposit that records what it replaces, everything withdrawn that did not
 *     fail and every waiting entry that no deposit in the container holds any more.
 * A deposit Quadra took only moments ago may still be on its way in: its entries are neither
 * re-sent nor judged until the grace period has passed, and the sweep then completes the night.
 */
export async function runNightForFile(s: Services, fileId: string, now: Date = s.now()): Promise<NightReport | undefined> {
  const owner = crypto.randomUUID();
  if (!(await asService(s.db, (tx) => takeNightLease(tx, fileId, owner, s.config.NIGHT_LEASE_SECONDS)))) return undefined; // another run has this file
  try {
    // Read under the lease: what another run finished before is not done again.
    const ctx = await asService(s.db, async (tx) => {
      const file = await getFile(tx, fileId);
      if (!file) return undefined;
      const rows = (await tx.query<DueEntry & { batch_deposit_id: string | null }>(
        `select ${DUE_COLUMNS}, null::bigint as batch_seq, e.batch_deposit_id
           from public.entries e where e.file_id = $1 and e.status in ${sqlIn(OPEN_ENTRY_STATUSES)} and e.next_attempt_at <= $2`, [fileId, now])).rows;
      const deps = await deposits.byIds(tx, [...new Set(rows.flatMap((e) => [e.deposit_id, e.batch_deposit_id]).filter((d): d is string => d !== null))]);
      // An upload still in flight or unconfirmed is settled first (send.ts, unconfirmed.ts): the
      // night never re-sends what may be in Quadra's hands.
      const due = rows.filter((e) => !isUnsettledUpload(deps.get(e.deposit_id ?? '')?.status))
        .map(({ batch_deposit_id, ...e }) => ({ ...e, batch_seq: batch_deposit_id ? deps.get(batch_deposit_id)?.seq ?? null : null }));
      return due.length ? { file, due } : undefined;
    });
    return ctx ? await nightWithLease(s, ctx.file, ctx.due, now, owner) : undefined;
  } finally {
    await asService(s.db, (tx) => releaseNightLease(tx, fileId, owner));
  }
}

async function nightWithLease(s: Services, file: FileRow, due: DueEntry[], now: Date, owner: string): Promise<NightReport> {
  const fileId = file.id;
  const NIGHTS = s.config.NIGHTLY_ATTEMPTS;
  const clients = await clientsForFirm(s, file.firm_id);
  const nextRun = nextNightlyRun(s.config.NIGHTLY_CRON, s.config.SCHEDULE_TZ, now);

  let results: Map<string, MatchResult>;
  try {
    results = await collect(s, clients, file, due);
  } catch (err) {
    await verificationFailed(s, due.map((e) => e.id), err, now);
    throw err;
  }
  // 0: a re-send still in the container whose entries Quadra shows through an earlier copy is
  // withdrawn first (earlier-copy.ts); what it held that Quadra lacks is decided below like any
  // entry of a withdrawn deposit.
  await withdrawCopies(s, clients, file, due, results, now, owner);

  // 1 and 2: posted, then the decision for what is missing, in one transaction.
  const plan = await asService(s.db, async (tx) => {
    await applyFound(s, tx, file, results, now, null);
    const missing = due.filter((e) => results.get(e.id)?.state === 'missing');
    const postedSeqs = await deposits.postedBatchSeqs(tx, fileId);
    const resend: DueEntry[] = [];
    const fail: DueEntry[] = [];
    const wait: DueEntry[] = [];
    for (const e of missing) {
      if (nightAction(e.nights_tried, NIGHTS) === 'resend') resend.push(e);
      else if (decideAfterNights(e.batch_seq ?? Number.MAX_SAFE_INTEGER, postedSeqs) === 'failed_check') fail.push(e);
      else wait.push(e);
    }
    // A re-send is a send: the file's prerequisites are checked first, and a failing one holds it.
    const prereq = resend.length ? await loadFilePrerequisites(tx, fileId, today(s.config.SCHEDULE_TZ, now)) : { ok: true, checks: [] };
    const heldReason = prereq.ok ? null : failingChecks(prereq).map((c) => c.message).join(' ');
    const deps = await deposits.byIds(tx, [...new Set(missing.map((e) => e.deposit_id).filter((d): d is string => d !== null))]);
    return { resend: heldReason ? [] : resend, held: heldReason ? resend : [], heldReason, fail, wait, deposits: deps };
  });

  // 3: withdraw what is to be re-sent or failed; look for what waits.
  const toWithdraw = new Set([...plan.resend, ...plan.fail].map((e) => e.deposit_id).filter((d): d is string => d !== null));
  const toLookFor = new Set(plan.wait.map((e) => e.deposit_id).filter((d): d is string => d !== null && !toWithdraw.has(d)));
  const withdrawn = new Set<string>();
  const taken = new Map<string, boolean>(); // deposit -> Quadra has it (just now or before)
  for (const id of new Set([...toWithdraw, ...toLookFor])) {
    const d = plan.deposits.get(id);
    if (!d) continue;
    if (!isInContainer(d.status)) { taken.set(id, d.status === 'imported'); continue; }
    if (toLookFor.has(id) && d.status === 'uploaded') {
      if (await clients.cfe.exists(d.blob_name)) continue; // still waiting in the container for the file to be opened
    } else {
      if (d.status === 'uploaded') await asService(s.db, (tx) => deposits.tryTransition(deposits.withdrawing(tx, id)));
      if ((await clients.cfe.remove(d.blob_name)) === 'deleted') {
        await asService(s.db, (tx) => deposits.tryTransition(deposits.replaced(tx, id)));
        withdrawn.add(id);
        continue;
      }
    }
    // Gone from the container without us: Quadra took it (or we removed it before a crash: the
    // grace period and a read from Quadra settle that, like any absence).
    await asService(s.db, (tx) => deposits.imported(tx, [id], now));
    taken.set(id, true);
  }

  // A deposit Quadra took less than the grace period ago may still be on its way in, unless one of
  // its entries already shows (then the import is done).
  const grace = s.config.IMPORT_GRACE_MINUTES * 60_000;
  const settling = new Set(await asService(s.db, (tx) => deposits.stillSettling(tx, [...taken.keys()], new Date(now.getTime() - grace))));
  const deferred = (e: DueEntry) => e.deposit_id !== null && settling.has(e.deposit_id);
  // A waiting entry no deposit in the container holds any more must be deposited again.
  const outOfContainer = (e: DueEntry) => e.deposit_id === null || withdrawn.has(e.deposit_id) || taken.has(e.deposit_id)
    || isLeftUntaken(plan.deposits.get(e.deposit_id)?.status);
  const recheckAt = new Date(now.getTime() + grace);

  const report = await asService(s.db, async (tx) => {
    const nightOf = (e: DueEntry) => nightOfTried(e.nights_tried, NIGHTS);
    const defer = [...plan.resend, ...plan.fail, ...plan.wait].filter(deferred);
    if (defer.length) {
      await outcomes.deferred(tx, { ids: defer.map((e) => e.id), until: recheckAt, now });
      await attempts.record(tx, { entryIds: defer.map((e) => e.id) }, {
        kind: 'verify', outcome: 'not_found', at: now,
        detail: `Quadra has just taken the deposit; its entries can take a few minutes to appear: checked again in ${s.config.IMPORT_GRACE_MINUTES} minutes before anything is re-sent`,
      });
    }
    if (plan.held.length) {
      const message = `The re-send is held: ${plan.heldReason}`;
      await outcomes.resendHeld(tx, { ids: plan.held.map((e) => e.id), until: nextRun, message, now });
      await attempts.record(tx, { entryIds: plan.held.map((e) => e.id) }, { kind: 'resend', outcome: 'held', at: now, errorCode: 'prerequisite_failed', detail: message });
    }
    const fail = plan.fail.filter((e) => !deferred(e));
    if (fail.length) {
      await outcomes.failedCheck(tx, { ids: fail.map((e) => e.id), nights: NIGHTS, message: FAILED_CHECK_MESSAGE, now });
      await attempts.record(tx, { entryIds: fail.map((e) => e.id) }, { kind: 'decide', outcome: 'failed_check', at: now, night: NIGHTS, detail: FAILED_CHECK_MESSAGE });
    }
    const wait = plan.wait.filter((e) => !deferred(e));
    if (wait.length) {
      await outcomes.fileWaiting(tx, { fileId, ids: wait.map((e) => e.id), nights: NIGHTS, until: nextRun, message: FILE_WAITING_MESSAGE, now });
      await attempts.record(tx, { entryIds: wait.map((e) => e.id) }, { kind: 'decide', outcome: 'file_waiting', at: now, night: NIGHTS, detail: FILE_WAITING_MESSAGE });
    }
    const resendDue = plan.resend.filter((e) => !deferred(e));
    // Out again: what was due for a re-send, what waits outside the container, and every other
    // unposted entry of a deposit withdrawn tonight (it left the container with the others). All
    // are known to be outside Quadra (read missing, or withdrawn before Quadra took them).
    const candidates = [...resendDue, ...wait.filter(outOfContainer)].map((e) => e.id);
    const outIds = await outcomes.resendable(tx, { fileId, withdrawn: [...withdrawn], candidates, except: fail.map((e) => e.id) });
    // As at a first send, what the file's reference data no longer accepts (journal closed, date in
    // no open period) is not deposited (Quadra would refuse it): held. The night still counts: after
    // the third the brief's rule decides (failed_check, which the user can correct and validate
    // again), so a period closed for good never holds an entry for ever. An entry already past its
    // nights (waiting for its file to be opened) is re-sent as before.
    const waiting = new Set(wait.map((e) => e.id));
    const byReference = new Set(await heldByReference(tx, fileId, outIds.filter((id) => !waiting.has(id))));
    const resendIds = outIds.filter((id) => !byReference.has(id));
    for (const n of new Set(resendDue.map(nightOf))) {
      const ids = resendDue.filter((e) => nightOf(e) === n).map((e) => e.id);
      await outcomes.resentOnNight(tx, { ids, night: n, until: nextRun, now });
      await attempts.record(tx, { entryIds: ids }, { kind: 'verify', outcome: 'not_found', at: now, night: n, detail: notFoundOnNightDetail(n, NIGHTS) });
    }
    if (withdrawn.size) {
      // Carries the entry's night, like the night's verification and re-send beside it.
      await attempts.record(tx, { depositIds: [...withdrawn], statuses: OPEN_ENTRY_STATUSES }, {
        kind: 'resend', outcome: 'replaced', at: now, detail: 'Earlier deposit withdrawn before Quadra took it' });
    }
    if (byReference.size) {
      const ids = [...byReference];
      await outcomes.resendHeld(tx, { ids, until: nextRun, message: resendReferenceHoldMessage(NIGHTS), now, outOfContainer: true });
      await attempts.record(tx, { entryIds: ids }, { kind: 'resend', outcome: 'held', at: now, errorCode: 'reference_changed', detail: resendReferenceHoldMessage(NIGHTS) });
    }
    let depositId: string | undefined;
    if (resendIds.length) {
      const id = crypto.randomUUID();
      const claimed = await deposits.claim(tx, {
        id, firmId: file.firm_id, fileId, blobName: depositBlobName(file.dossier_code, id), now, leaseSeconds: s.config.DEPOSIT_LEASE_SECONDS,
        entries: { ids: resendIds }, replacesId: [...withdrawn][0] ?? null,
      });
      depositId = claimed?.id;
      await outcomes.dueUnlessScheduled(tx, { ids: resendIds, until: nextRun, now });
    }
    // Decided from rows read under the lease: if another run took the night over since, its plan
    // is the one that counts (ours would record and re-send everything a second time). Checked
    // last, after the entries, in the order the checks lock rows (entries, then the file).
    if (!(await holdsNightLease(tx, fileId, owner))) throw new Error('the night lease ran out and another run took the file over; this run decides nothing');
    return { depositId, resent: resendIds.length, failedCheck: fail.length, deferred: defer.length, heldByReference: byReference.size };
  });

  // 4: the re-send (its own commit; a crash here leaves a `preparing` deposit for recovery).
  if (report.depositId) await uploadDeposit(s, report.depositId, { kind: 'resend', now, clients });
  const posted = [...results.values()].filter((r) => r.state !== 'missing').length;
  const held = plan.held.length + report.heldByReference;
  s.log.info({ fileId, posted, resent: report.resent, failedCheck: report.failedCheck, waiting: plan.wait.length, deferred: report.deferred, held, depositId: report.depositId }, 'night decided');
  return { fileId, posted, resent: report.resent, failedCheck: report.failedCheck, fileWaiting: plan.wait.length > 0, deferred: report.deferred, held };
}

/** Files with entries due tonight. */
export async function filesDueTonight(s: Services, now: Date): Promise<string[]> {
  return asService(s.db, async (tx) => (await tx.query<{ file_id: string }>(
    `select distinct file_id from public.entries where status in ${sqlIn(OPEN_ENTRY_STATUSES)} and next_attempt_at <= $1`, [now])).rows.map((r) => r.file_id));
}
