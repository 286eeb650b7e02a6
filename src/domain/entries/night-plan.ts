// The night's decision for one file, as pure functions over what was read (sync-rules.md §5.1):
// which entries are re-sent, held, failed, left waiting for the file to be opened or deferred, on
// which night, with which message, and which deposits to withdraw from the container first. The
// orchestration (src/pipeline/night.ts) reads the facts, withdraws what `sortNight` says, and
// `applyNightPlan` (src/db/repos/night.ts) writes what `planNight` returns, in one transaction.
import { text } from '../../i18n/index.ts';
import { isInContainer, isLeftUntaken, type DepositStatus } from '../statuses.ts';
import {
  decideAfterNights,
  FAILED_CHECK_MESSAGE,
  FILE_WAITING_MESSAGE,
  nightAction,
  nightOf,
  notFoundOnNightDetail,
  resendReferenceHoldMessage,
} from './lifecycle.ts';

/** A due entry as the night reads it. */
export interface NightEntry {
  id: string;
  nightsTried: number;
  depositId: string | null;
  batchSeq: number | null;
}

export interface NightSortFacts {
  /** The entries due tonight, without the posted ones' distinction: `missing` says what Quadra lacks. */
  entries: readonly NightEntry[];
  /** Ids of the entries the read from Quadra did not find. */
  missing: ReadonlySet<string>;
  /** Batch numbers of the file's deposits with a posted entry (decideAfterNights). */
  postedBatchSeqs: readonly number[];
  /** Why the file's prerequisites hold a re-send tonight (null: they pass, or no re-send is due). */
  prerequisiteFailure: string | null;
  /** The states of the deposits the missing entries are in. */
  deposits: ReadonlyMap<string, DepositStatus>;
  /** NIGHTLY_ATTEMPTS. */
  nights: number;
}

/** What to do with a deposit before anything is decided: withdraw it, look for it, or nothing (already out of the container). */
export type ContainerStep =
  | { depositId: string; action: 'withdraw'; startWithdrawing: boolean }
  | { depositId: string; action: 'look' }
  | { depositId: string; action: 'known' };

export interface NightSort {
  resend: NightEntry[];
  /** Re-sends the file's prerequisites hold tonight, and why. */
  held: NightEntry[];
  heldReason: string | null;
  fail: NightEntry[];
  wait: NightEntry[];
  /** One step per deposit, in the order the entries name them. */
  containers: ContainerStep[];
}

const depositsOf = (entries: readonly NightEntry[]) => entries.map((e) => e.depositId).filter((d): d is string => d !== null);

/** Whether any missing entry would be re-sent tonight (then the file's prerequisites are read). */
export const wouldResend = (entries: readonly NightEntry[], missing: ReadonlySet<string>, nights: number) =>
  entries.some((e) => missing.has(e.id) && nightAction(e.nightsTried, nights) === 'resend');

/**
 * Sorts what Quadra lacks: before the last night it is re-sent (or held, when a prerequisite of the
 * file fails); on the last night it fails its check when Quadra demonstrably received this file's
 * deposits, else it waits for the file to be opened. Deposits of what is re-sent or failed are
 * withdrawn (removing succeeds only if Quadra has not taken them); a waiting entry's deposit is
 * only looked for (it must stay in the container for when the file is opened).
 */
export function sortNight(f: NightSortFacts): NightSort {
  const resend: NightEntry[] = [];
  const fail: NightEntry[] = [];
  const wait: NightEntry[] = [];
  for (const e of f.entries) {
    if (!f.missing.has(e.id)) continue;
    if (nightAction(e.nightsTried, f.nights) === 'resend') resend.push(e);
    else if (decideAfterNights(e.batchSeq ?? Number.MAX_SAFE_INTEGER, f.postedBatchSeqs) === 'failed_check') fail.push(e);
    else wait.push(e);
  }
  const heldReason = resend.length ? f.prerequisiteFailure : null;
  const out = { resend: heldReason ? [] : resend, held: heldReason ? resend : [], heldReason, fail, wait };

  const toWithdraw = new Set(depositsOf([...out.resend, ...fail]));
  const toLookFor = new Set(depositsOf(wait).filter((d) => !toWithdraw.has(d)));
  const containers: ContainerStep[] = [];
  for (const id of new Set([...toWithdraw, ...toLookFor])) {
    const status = f.deposits.get(id);
    if (!status) continue;
    if (!isInContainer(status)) containers.push({ depositId: id, action: 'known' });
    else if (toLookFor.has(id) && status === 'uploaded') containers.push({ depositId: id, action: 'look' });
    else containers.push({ depositId: id, action: 'withdraw', startWithdrawing: status === 'uploaded' });
  }
  return { ...out, containers };
}

export interface NightPlanFacts {
  sort: NightSort;
  /** The deposits' states as read before the withdrawals. */
  deposits: ReadonlyMap<string, DepositStatus>;
  /** Deposits removed from the container tonight (before Quadra took them). */
  withdrawn: ReadonlySet<string>;
  /** Deposits out of the container: Quadra took them (just now or before), or their state says they left. */
  taken: ReadonlySet<string>;
  /** Of those, the ones taken less than the grace period ago with no entry showing yet. */
  settling: ReadonlySet<string>;
  now: Date;
  graceMinutes: number;
  nextRun: Date;
  nights: number;
}

/** One group of entries, what happens to them, and the attempt each records. */
export type NightStep =
  | { outcome: 'deferred'; ids: string[]; until: Date; detail: string }
  | { outcome: 'held'; ids: string[]; until: Date; message: string }
  | { outcome: 'failed_check'; ids: string[]; night: number; message: string }
  | { outcome: 'file_waiting'; ids: string[]; night: number; until: Date; message: string };

export interface NightPlan {
  /** Deferred, held by a prerequisite, failed, waiting: applied in this order. */
  steps: NightStep[];
  /** The re-sends due, by night, each with its verification's detail. */
  resendByNight: Array<{ night: number; ids: string[]; detail: string }>;
  /** Entries to deposit again (re-sends due, and waiting entries no deposit in the container holds). */
  candidates: string[];
  /** Never deposited again tonight (they failed). */
  except: string[];
  /** Waiting entries: re-sent as before even when the reference data changed (past their nights). */
  waiting: string[];
  withdrawn: string[];
  /** The hold of a re-send the file's reference data no longer accepts. */
  referenceHold: { until: Date; message: string };
  until: Date;
  report: { failedCheck: number; deferred: number; waiting: number; heldByPrerequisite: number };
}

/**
 * The night's plan once the withdrawals are done: a deposit Quadra took less than the grace period
 * ago may still be on its way in, so its entries are deferred (checked again after the grace
 * period); the rest is decided as sorted, and what is out of the container is deposited again.
 */
export function planNight(f: NightPlanFacts): NightPlan {
  const { sort } = f;
  const deferred = (e: NightEntry) => e.depositId !== null && f.settling.has(e.depositId);
  const outOfContainer = (e: NightEntry) =>
    e.depositId === null || f.withdrawn.has(e.depositId) || f.taken.has(e.depositId) || isLeftUntaken(f.deposits.get(e.depositId));
  const ids = (es: NightEntry[]) => es.map((e) => e.id);
  const steps: NightStep[] = [];

  const defer = [...sort.resend, ...sort.fail, ...sort.wait].filter(deferred);
  if (defer.length) {
    steps.push({
      outcome: 'deferred',
      ids: ids(defer),
      until: new Date(f.now.getTime() + f.graceMinutes * 60_000),
      detail: text('life.deferred', { minutes: f.graceMinutes }),
    });
  }
  if (sort.held.length)
    steps.push({
      outcome: 'held',
      ids: ids(sort.held),
      until: f.nextRun,
      message: text('life.resend_held', { reason: sort.heldReason ?? '' }),
    });
  const fail = sort.fail.filter((e) => !deferred(e));
  if (fail.length) steps.push({ outcome: 'failed_check', ids: ids(fail), night: f.nights, message: FAILED_CHECK_MESSAGE });
  const wait = sort.wait.filter((e) => !deferred(e));
  if (wait.length)
    steps.push({ outcome: 'file_waiting', ids: ids(wait), night: f.nights, until: f.nextRun, message: FILE_WAITING_MESSAGE });

  const resendDue = sort.resend.filter((e) => !deferred(e));
  const resendByNight = [...new Set(resendDue.map((e) => nightOf(e.nightsTried, f.nights)))].map((night) => ({
    night,
    ids: ids(resendDue.filter((e) => nightOf(e.nightsTried, f.nights) === night)),
    detail: notFoundOnNightDetail(night, f.nights),
  }));
  return {
    steps,
    resendByNight,
    candidates: ids([...resendDue, ...wait.filter(outOfContainer)]),
    except: ids(fail),
    waiting: ids(wait),
    withdrawn: [...f.withdrawn],
    referenceHold: { until: f.nextRun, message: resendReferenceHoldMessage(f.nights) },
    until: f.nextRun,
    report: { failedCheck: fail.length, deferred: defer.length, waiting: sort.wait.length, heldByPrerequisite: sort.held.length },
  };
}
