// The night: for each file with entries due, under a lease: read what Quadra holds, sort what is
// missing (src/domain/entries/night-plan.ts), withdraw what is to go again, plan, apply the plan
// in one transaction (src/db/repos/night.ts), then upload the re-send.
import * as deposits from '../db/repos/deposits.ts';
import { dueEntriesOfFile, filesWithEntriesDue } from '../db/repos/due-entries.ts';
import { getFile, releaseNightLease, takeNightLease, type FileRow } from '../db/repos/entries.ts';
import { applyNightPlan } from '../db/repos/night.ts';
import { asService } from '../db/scoped.ts';
import { today } from '../domain/calendar.ts';
import { planNight, sortNight, wouldResend, type NightEntry, type NightSort } from '../domain/entries/night-plan.ts';
import { failingChecks } from '../domain/prerequisites.ts';
import { isUnsettledUpload, type DepositStatus } from '../domain/statuses.ts';
import type { MatchResult } from '../domain/entries/matching.ts';
import { depositBlobName } from '../quadra/cfe-client.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { withdrawCopies } from './earlier-copy.ts';
import { clientsForFirm } from './firm-clients.ts';
import { nextNightlyRun } from './night-schedule.ts';
import { loadFilePrerequisites } from './prerequisites.ts';
import { applyFound, collect, verificationFailed, type DueEntry } from './quadra-read.ts';
import { uploadDeposit } from './send.ts';

export interface NightReport {
  fileId: string;
  posted: number;
  resent: number;
  failedCheck: number;
  fileWaiting: boolean;
  deferred: number;
  held: number;
}

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
      const rows = await dueEntriesOfFile(tx, fileId, now);
      const deps = await deposits.byIds(tx, [
        ...new Set(rows.flatMap((e) => [e.deposit_id, e.batch_deposit_id]).filter((d): d is string => d !== null)),
      ]);
      // An upload still in flight or unconfirmed is settled first (send.ts, unconfirmed.ts): the
      // night never re-sends what may be in Quadra's hands.
      const due = rows
        .filter((e) => !isUnsettledUpload(deps.get(e.deposit_id ?? '')?.status))
        .map(({ batch_deposit_id, ...e }) => ({ ...e, batch_seq: batch_deposit_id ? (deps.get(batch_deposit_id)?.seq ?? null) : null }));
      return due.length ? { file, due } : undefined;
    });
    return ctx ? await nightWithLease(s, ctx.file, ctx.due, now, owner) : undefined;
  } finally {
    await asService(s.db, (tx) => releaseNightLease(tx, fileId, owner));
  }
}

async function nightWithLease(s: Services, file: FileRow, due: DueEntry[], now: Date, owner: string): Promise<NightReport> {
  const fileId = file.id;
  const nights = s.config.NIGHTLY_ATTEMPTS;
  const clients = await clientsForFirm(s, file.firm_id);
  const nextRun = nextNightlyRun(s.config.NIGHTLY_CRON, s.config.SCHEDULE_TZ, now);

  let results: Map<string, MatchResult>;
  try {
    results = await collect(s, clients, file, due);
  } catch (err) {
    await verificationFailed(
      s,
      due.map((e) => e.id),
      err,
      now,
    );
    throw err;
  }
  // A re-send still in the container whose entries Quadra shows through an earlier copy is
  // withdrawn first (earlier-copy.ts); what it held that Quadra lacks is decided below.
  await withdrawCopies(s, clients, file, due, results, now, owner);

  // Posted, then the sort of what is missing, from facts read in one transaction.
  const entries: NightEntry[] = due.map((e) => ({ id: e.id, nightsTried: e.nights_tried, depositId: e.deposit_id, batchSeq: e.batch_seq }));
  const missing = new Set(due.filter((e) => results.get(e.id)?.state === 'missing').map((e) => e.id));
  const { sort, states, blobs } = await asService(s.db, async (tx) => {
    await applyFound(s, tx, file, results, now, null);
    const postedBatchSeqs = await deposits.postedBatchSeqs(tx, fileId);
    // A re-send is a send: the file's prerequisites are checked first, and a failing one holds it.
    const prereq = wouldResend(entries, missing, nights)
      ? await loadFilePrerequisites(tx, fileId, today(s.config.SCHEDULE_TZ, now))
      : { ok: true, checks: [] };
    const prerequisiteFailure = prereq.ok
      ? null
      : failingChecks(prereq)
          .map((c) => c.message)
          .join(' ');
    const rows = await deposits.byIds(tx, [
      ...new Set(
        entries
          .filter((e) => missing.has(e.id))
          .map((e) => e.depositId)
          .filter((d): d is string => d !== null),
      ),
    ]);
    const states = new Map<string, DepositStatus>([...rows].map(([id, d]) => [id, d.status]));
    return {
      sort: sortNight({ entries, missing, postedBatchSeqs, prerequisiteFailure, deposits: states, nights }),
      states,
      blobs: blobNames(rows),
    };
  });

  const { withdrawn, taken } = await withdrawFromContainer(s, clients, sort, blobs, now);
  // A deposit Quadra took less than the grace period ago may still be on its way in, unless one of
  // its entries already shows (then the import is done).
  const grace = s.config.IMPORT_GRACE_MINUTES * 60_000;
  const settling = new Set(await asService(s.db, (tx) => deposits.stillSettling(tx, [...taken], new Date(now.getTime() - grace))));
  const plan = planNight({
    sort,
    deposits: states,
    withdrawn,
    taken,
    settling,
    now,
    graceMinutes: s.config.IMPORT_GRACE_MINUTES,
    nextRun,
    nights,
  });

  const id = crypto.randomUUID();
  const applied = await asService(s.db, (tx) =>
    applyNightPlan(tx, {
      plan,
      fileId,
      firmId: file.firm_id,
      owner,
      now,
      newDeposit: { id, blobName: depositBlobName(file.dossier_code, id), leaseSeconds: s.config.DEPOSIT_LEASE_SECONDS },
    }),
  );

  // The re-send (its own commit; a crash here leaves a `preparing` deposit for recovery).
  if (applied.depositId) await uploadDeposit(s, applied.depositId, { kind: 'resend', now, clients });
  const posted = [...results.values()].filter((r) => r.state !== 'missing').length;
  const held = plan.report.heldByPrerequisite + applied.heldByReference;
  const { failedCheck, deferred, waiting } = plan.report;
  s.log.info(
    { fileId, posted, resent: applied.resent, failedCheck, waiting, deferred, held, depositId: applied.depositId },
    'night decided',
  );
  return { fileId, posted, resent: applied.resent, failedCheck, fileWaiting: waiting > 0, deferred, held };
}

const blobNames = (rows: Map<string, deposits.DepositRow>) => new Map([...rows].map(([id, d]) => [id, d.blob_name]));

/**
 * The container steps of the sort: `remove` succeeds only if Quadra has not taken the deposit, so
 * nothing is ever in Quadra's hands twice; a deposit looked for and still there stays for when the
 * file is opened. Gone from the container without us: Quadra took it (or we removed it before a
 * crash: the grace period and a read from Quadra settle that, like any absence).
 */
async function withdrawFromContainer(s: Services, clients: CegidClients, sort: NightSort, blobs: Map<string, string>, now: Date) {
  const withdrawn = new Set<string>();
  const taken = new Set<string>(); // out of the container: Quadra has it (just now or before), or its state says it left
  for (const step of sort.containers) {
    const id = step.depositId;
    const blob = blobs.get(id)!;
    if (step.action === 'known') {
      taken.add(id);
      continue;
    } // out of the container already (its state says how)
    if (step.action === 'look') {
      if (await clients.cfe.exists(blob)) continue; // still waiting in the container for the file to be opened
    } else {
      if (step.startWithdrawing) await asService(s.db, (tx) => deposits.tryTransition(deposits.withdrawing(tx, id)));
      if ((await clients.cfe.remove(blob)) === 'deleted') {
        await asService(s.db, (tx) => deposits.tryTransition(deposits.replaced(tx, id)));
        withdrawn.add(id);
        continue;
      }
    }
    await asService(s.db, (tx) => deposits.imported(tx, [id], now));
    taken.add(id);
  }
  return { withdrawn, taken };
}

/** Files with entries due tonight. */
export async function filesDueTonight(s: Services, now: Date): Promise<string[]> {
  return asService(s.db, (tx) => filesWithEntriesDue(tx, now));
}
