// A re-send still waiting in the exchange container while Quadra already shows its entries through
// an earlier copy: an upload settled as never arrived whose import was only slower than the grace
// period (docs/delivery.md). Opening the dossier would import the re-send a second time, so it is
// withdrawn first: under the file's lease, marked `replacing`, its blob removed, then settled.
//   - removed: Quadra had not taken it. It is `replaced`; what Quadra shows is posted, once; its
//     other entries go back to `pending`, looked for at the next night and sent again if missing.
//   - already gone: Quadra took it (it may be taking it this very moment: the container lets only
//     one of the two removals succeed). It is `imported`, as before; the audit flags the copies.
// A run that stops between the mark and the settling leaves the deposit `replacing`; the sweep
// settles it the same way (`recoverWithdrawal`) once the file's lease has run out. The file's lease
// (the one a night holds) is what makes one run at a time withdraw a file's deposits.
import type { Queryable } from '../db/database.ts';
import * as attempts from '../db/repos/attempts.ts';
import * as deposits from '../db/repos/deposits.ts';
import { getFile, holdsNightLease, releaseNightLease, takeNightLease, type FileRow } from '../db/repos/entries.ts';
import { asService } from '../db/scoped.ts';
import type { MatchResult } from '../domain/entries/matching.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { clientsForFirm } from './firm-clients.ts';
import { nextNightlyRun } from './night-schedule.ts';
import { applyFound, collect, type DueEntry } from './quadra-read.ts';
import { OPEN_ENTRY_STATUSES } from '../domain/statuses.ts';
import { depositEntries } from '../db/repos/due-entries.ts';
import { text } from '../i18n/index.ts';

export interface CopyOutcome {
  /** Deposits removed from the container before Quadra took them. */
  withdrawn: string[];
  /** Deposits already gone: Quadra took them. */
  taken: string[];
  /** Another run holds the file, or a deposit moved meanwhile: nothing was decided for it. */
  busy: boolean;
}

const EARLIER_COPY = text('life.withdrawn_earlier_copy');
const RESUMED = text('life.withdrawn_resumed');
const BACK_MESSAGE = text('life.withdrawn_back');

const entriesOf = (tx: Queryable, depositId: string) => depositEntries(tx, depositId, OPEN_ENTRY_STATUSES);

/**
 * Withdraws each re-send still `uploaded` one of whose entries Quadra shows (`results`). `owner`:
 * the caller already holds the file's lease (the night); otherwise it is taken here, and a file
 * another run holds is left alone (`busy`): that run, or the next check, decides.
 */
export async function withdrawCopies(
  s: Services,
  clients: CegidClients,
  file: FileRow,
  entries: DueEntry[],
  results: Map<string, MatchResult>,
  now: Date,
  owner?: string,
): Promise<CopyOutcome> {
  const out: CopyOutcome = { withdrawn: [], taken: [], busy: false };
  const found = entries.filter((e) => e.deposit_id !== null && (results.get(e.id)?.state ?? 'missing') !== 'missing');
  if (!found.length) return out;
  const candidates = await asService(s.db, (tx) => deposits.uploadedResends(tx, [...new Set(found.map((e) => e.deposit_id!))]));
  if (!candidates.length) return out;
  const holder = owner ?? crypto.randomUUID();
  // Quadra was read already: the lease covers a removal and a commit, like a deposit's upload.
  if (!owner && !(await asService(s.db, (tx) => takeNightLease(tx, file.id, holder, s.config.DEPOSIT_LEASE_SECONDS))))
    return { ...out, busy: true };
  try {
    for (const id of candidates) {
      // The mark first, under the lease: from here no other run reads the blob's absence as a take.
      const dep = await asService(s.db, async (tx) => {
        if ((await deposits.tryTransition(deposits.withdrawing(tx, id))) === false) return undefined; // moved meanwhile
        const row = await deposits.get(tx, id);
        if (!(await holdsNightLease(tx, file.id, holder)))
          throw new Error('the file lease ran out before the withdrawal; nothing is withdrawn');
        return row;
      });
      if (!dep) {
        out.busy = true;
        continue;
      }
      const held = new Set(entries.filter((e) => e.deposit_id === id).map((e) => e.id));
      const ofDeposit = new Map([...results].filter(([entryId]) => held.has(entryId)));
      ((await settleWithdrawal(s, clients, file, dep, ofDeposit, now, holder, EARLIER_COPY)) === 'withdrawn'
        ? out.withdrawn
        : out.taken
      ).push(id);
    }
  } finally {
    if (!owner) await asService(s.db, (tx) => releaseNightLease(tx, file.id, holder));
  }
  if (out.withdrawn.length)
    s.log.info({ fileId: file.id, withdrawn: out.withdrawn }, 're-send withdrawn: Quadra shows its entries through an earlier copy');
  return out;
}

/**
 * Removes the blob of a deposit this run marked `replacing`, then records what that proves, in one
 * transaction that commits only while the run still holds the file.
 */
async function settleWithdrawal(
  s: Services,
  clients: CegidClients,
  file: FileRow,
  dep: deposits.DepositRow,
  results: Map<string, MatchResult>,
  now: Date,
  holder: string,
  detail: string,
): Promise<'withdrawn' | 'taken'> {
  // A failure here leaves the deposit `replacing`: the sweep completes the withdrawal.
  const gone = await clients.cfe.remove(dep.blob_name);
  return asService(s.db, async (tx) => {
    const outcome =
      gone === 'absent' ? await taken(s, tx, file, dep, results, now) : await withdrawn(s, tx, file, dep, results, now, detail);
    // Checked last, in the order the night locks rows (entries, then the file).
    if (!(await holdsNightLease(tx, file.id, holder)))
      throw new Error('the file lease ran out during the withdrawal; the sweep settles it');
    return outcome;
  });
}

async function taken(
  s: Services,
  tx: Queryable,
  file: FileRow,
  dep: deposits.DepositRow,
  results: Map<string, MatchResult>,
  now: Date,
): Promise<'taken'> {
  await deposits.imported(tx, [dep.id], now);
  await applyFound(s, tx, file, results, now, null);
  return 'taken';
}

async function withdrawn(
  s: Services,
  tx: Queryable,
  file: FileRow,
  dep: deposits.DepositRow,
  results: Map<string, MatchResult>,
  now: Date,
  detail: string,
): Promise<'withdrawn'> {
  // Recorded while the entries still point at the deposit.
  await attempts.record(
    tx,
    { depositId: dep.id },
    { kind: 'resend', outcome: 'replaced', at: now, errorCode: 'withdrawn_before_import', detail },
  );
  const keep = [...results].filter(([, r]) => r.state !== 'missing').map(([id]) => id);
  const dueAt = nextNightlyRun(s.config.NIGHTLY_CRON, s.config.SCHEDULE_TZ, now);
  const back = await deposits.withdrawn(tx, dep.id, { now, keep, dueAt, message: BACK_MESSAGE });
  if (back.length)
    await attempts.record(
      tx,
      { entryIds: back },
      { kind: 'verify', outcome: 'not_found', at: now, depositId: dep.id, detail: BACK_MESSAGE },
    );
  // What Quadra shows through the earlier copy: posted, still attached to this deposit.
  await applyFound(s, tx, file, results, now, null);
  return 'withdrawn';
}

/**
 * The sweep's look at a re-send waiting in the container, when the upload it replaces was settled
 * as never arrived: that upload may still show up in Quadra. Returns the entries posted.
 */
export async function lookForEarlierCopy(
  s: Services,
  clients: CegidClients,
  file: FileRow,
  dep: deposits.DepositRow,
  now: Date,
): Promise<number> {
  const entries = await asService(s.db, async (tx) =>
    (await deposits.replacesUnconfirmedUpload(tx, dep.id)) ? await entriesOf(tx, dep.id) : [],
  );
  if (!entries.length) return 0;
  const results = await collect(s, clients, file, entries);
  const out = await withdrawCopies(s, clients, file, entries, results, now);
  return out.withdrawn.length || out.taken.length ? [...results.values()].filter((r) => r.state !== 'missing').length : 0;
}

/**
 * A deposit left `replacing` by a run that stopped (the file's lease ran out). Quadra is read first
 * (a failed read leaves it for the next sweep, before anything is removed); then it is settled like
 * any withdrawal. A blob already gone is read as a take: the run may have removed it before it
 * stopped, or Quadra taken it; its check and the audit tell which.
 */
export async function recoverWithdrawal(s: Services, depositId: string, now: Date): Promise<'withdrawn' | 'taken' | undefined> {
  const first = await asService(s.db, (tx) => deposits.get(tx, depositId));
  if (first?.status !== 'replacing') return undefined;
  const holder = crypto.randomUUID();
  // A read of the file from Quadra, a removal and a commit: a night's lease.
  if (!(await asService(s.db, (tx) => takeNightLease(tx, first.file_id, holder, s.config.NIGHT_LEASE_SECONDS)))) return undefined; // its run still holds the file
  try {
    const ctx = await asService(s.db, async (tx) => {
      const dep = await deposits.get(tx, depositId);
      if (dep?.status !== 'replacing') return undefined; // settled before we took the file
      return { dep, file: (await getFile(tx, dep.file_id))!, entries: await entriesOf(tx, depositId) };
    });
    if (!ctx) return undefined;
    const clients = await clientsForFirm(s, ctx.dep.firm_id);
    const results = ctx.entries.length ? await collect(s, clients, ctx.file, ctx.entries) : new Map<string, MatchResult>();
    const settled = await settleWithdrawal(s, clients, ctx.file, ctx.dep, results, now, holder, RESUMED);
    s.log.info({ depositId, settled }, 'interrupted withdrawal settled');
    return settled;
  } finally {
    await asService(s.db, (tx) => releaseNightLease(tx, first.file_id, holder));
  }
}
