// Verification: collect the file's entries from Quadra and compare them with what was sent.
// `verifyDeposit` is the contractual check 12 hours after a send; `runNightForFile` is each
// night's attempt: verify first, then withdraw and re-send only what is still missing, or decide.
import type { Queryable } from '../db/database.ts';
import type { FileRow } from '../db/repos/entries.ts';
import { loadFilePrerequisites } from '../db/repos/reference.ts';
import { asService } from '../db/scoped.ts';
import { decideAfterNights, FAILED_CHECK_MESSAGE, FILE_WAITING_MESSAGE, nightAction, NIGHTS } from '../domain/entries/lifecycle.ts';
import { nextNightlyRun } from '../domain/entries/night-schedule.ts';
import { matchEntries, type MatchResult, type SentEntry } from '../domain/entries/matching.ts';
import { truncateAccount } from '../quadra/ascii/index.ts';
import { depositBlobName } from '../quadra/cfe-client.ts';
import { isCegidError } from '../quadra/errors.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { clientsForFirm } from './firm-clients.ts';
import { recordAttempts, uploadDeposit } from './send.ts';

interface DueEntry { id: string; quadra_ref: string; journal_code: string; entry_date: string; nights_tried: number; deposit_id: string | null; batch_seq: number | null; status: string }

const FILE_COLUMNS = 'id, firm_id, dossier_code, name, account_padding, waiting_open_since, gone_at';

/** What Quadra holds of these entries: one CPA read over their date range, matched in memory. */
async function collect(s: Services, clients: CegidClients, file: FileRow, entries: DueEntry[]): Promise<Map<string, MatchResult>> {
  return (await collectWithLines(s, clients, file, entries)).results;
}

async function collectWithLines(s: Services, clients: CegidClients, file: FileRow, entries: DueEntry[]) {
  const lines = await asService(s.db, (tx) => tx.query<{ entry_id: string; account: string; debit_cents: number; credit_cents: number }>(
    'select entry_id, account, debit_cents, credit_cents from public.entry_lines where entry_id = any($1::uuid[]) order by entry_id, line_no',
    [entries.map((e) => e.id)]));
  const byEntry = new Map<string, SentEntry['lines']>();
  for (const l of lines.rows) {
    let list = byEntry.get(l.entry_id);
    if (!list) byEntry.set(l.entry_id, (list = []));
    list.push({ account8: truncateAccount(l.account, { accountPadding: file.account_padding }), sense: l.debit_cents > 0 ? 'D' : 'C', amountCents: l.debit_cents || l.credit_cents });
  }
  const dates = entries.map((e) => e.entry_date).sort();
  const found = await clients.cpa.listEntries(file.dossier_code, { from: dates[0]!, to: dates[dates.length - 1]! });
  const results = matchEntries(
    entries.map((e) => ({ id: e.id, reference: e.quadra_ref, journalCode: e.journal_code, date: e.entry_date, lines: byEntry.get(e.id) ?? [] })),
    found.map((f) => ({ reference: f.reference, journalCode: f.journalCode, date: f.date, account: f.account, sense: f.sense, amountCents: f.amountCents })),
  );
  return { results, references: new Set(found.map((f) => f.reference.trim())) };
}

const AUDIT_DAYS = 7;

/**
 * Beyond the brief: for a week after posting, each night looks again at what Quadra holds of the
 * file's posted entries. A copy that arrived after the entry was posted, or an earlier version of
 * an entry that was corrected and validated again, is flagged on the entry and in its history.
 */
export async function auditPosted(s: Services, fileId: string, now: Date = s.now()): Promise<number> {
  const ctx = await asService(s.db, async (tx) => {
    const file = (await tx.query<FileRow>(`select ${FILE_COLUMNS} from public.client_files where id = $1`, [fileId])).rows[0];
    const entries = (await tx.query<DueEntry & { previous_refs: string[] }>(
      `select id, quadra_ref, journal_code, entry_date, nights_tried, deposit_id, null::bigint as batch_seq, status, previous_refs
         from public.entries where file_id = $1 and status = 'posted' and not duplicate_in_quadra and posted_at > $2`,
      [fileId, new Date(now.getTime() - AUDIT_DAYS * 86_400_000)])).rows;
    return file && entries.length ? { file, entries } : undefined;
  });
  if (!ctx) return 0;
  const { results, references } = await collectWithLines(s, await clientsForFirm(s, ctx.file.firm_id), ctx.file, ctx.entries);
  const twice = ctx.entries.filter((e) => results.get(e.id)?.state === 'duplicate');
  const earlier = ctx.entries.filter((e) => e.previous_refs.some((r) => references.has(r)) && !twice.includes(e));
  if (!twice.length && !earlier.length) return 0;
  return asService(s.db, async (tx) => {
    const flag = async (list: DueEntry[], code: string, detail: (e: DueEntry) => string) => {
      const flagged = (await tx.query<{ id: string }>(
        'update public.entries set duplicate_in_quadra = true, updated_at = $2 where id = any($1::uuid[]) and not duplicate_in_quadra returning id',
        [list.map((e) => e.id), now])).rows.map((r) => r.id);
      for (const e of list.filter((x) => flagged.includes(x.id))) {
        await recordAttempts(tx, { entryIds: [e.id] }, { kind: 'verify', outcome: 'duplicate', at: now, errorCode: code, detail: detail(e) });
      }
      return flagged.length;
    };
    return (await flag(twice, 'found_twice', (e) => `Found ${(results.get(e.id) as { copies: number }).copies} times in Quadra after it was posted: check the file there and delete the extra copies`))
      + (await flag(earlier, 'earlier_version_in_quadra', () => 'An earlier version of this entry is in Quadra too: check the file there and delete the one that is wrong'));
  });
}

/** Files with entries posted in the last week (for the audit). */
export async function filesRecentlyPosted(s: Services, now: Date): Promise<string[]> {
  return asService(s.db, async (tx) => (await tx.query<{ file_id: string }>(
    `select distinct file_id from public.entries where status = 'posted' and not duplicate_in_quadra and posted_at > $1`,
    [new Date(now.getTime() - AUDIT_DAYS * 86_400_000)])).rows.map((r) => r.file_id));
}

/** Marks what verification found: posted (flagged when Quadra holds it more than once). */
async function applyFound(tx: Queryable, file: FileRow, results: Map<string, MatchResult>, now: Date, night: number | null): Promise<string[]> {
  const found = [...results].filter(([, r]) => r.state !== 'missing');
  if (!found.length) return [];
  const ids = found.map(([id]) => id);
  const dupes = found.filter(([, r]) => r.state === 'duplicate').map(([id]) => id);
  // Only the rows this run moves get a history line: a concurrent check records nothing twice.
  const moved = new Set((await tx.query<{ id: string }>(
    `update public.entries set status = 'posted', posted_at = $2, updated_at = $2, next_attempt_at = null, status_message = null,
            duplicate_in_quadra = id = any($3::uuid[])
      where id = any($1::uuid[]) and status in ('pending', 'sent') returning id`, [ids, now, dupes])).rows.map((r) => r.id));
  const single = ids.filter((id) => moved.has(id) && !dupes.includes(id));
  if (single.length) await recordAttempts(tx, { entryIds: single }, { kind: 'verify', outcome: 'posted', at: now, night, detail: 'Found in Quadra' });
  for (const [id, r] of found.filter(([id, r]) => r.state === 'duplicate' && moved.has(id))) {
    await recordAttempts(tx, { entryIds: [id] }, { kind: 'verify', outcome: 'duplicate', at: now, night, errorCode: 'found_twice', detail: `Found ${r.copies} times in Quadra: check the file there and delete the extra copies` });
  }
  // A deposit with a posted entry was imported; the file was opened.
  await tx.query(`update public.deposits set status = 'imported' where id in (select deposit_id from public.entries where id = any($1::uuid[])) and status = 'uploaded'`, [ids]);
  await tx.query('update public.client_files set waiting_open_since = null, updated_at = $2 where id = $1 and waiting_open_since is not null', [file.id, now]);
  return ids;
}

/** A verification that could not reach Quadra: an attempt on each entry, not a strike against it. */
async function verificationFailed(s: Services, entryIds: string[], err: unknown, now: Date): Promise<void> {
  const e = isCegidError(err) ? err.toUserError() : { code: 'verification_failed', message: 'Verification could not run; it is tried again.' };
  if (!isCegidError(err)) s.log.error({ err: { name: (err as Error).name, message: (err as Error).message } }, 'verification failed');
  await asService(s.db, (tx) => recordAttempts(tx, { entryIds }, { kind: 'verify', outcome: 'error', at: now, errorCode: e.code, detail: e.message }));
}

/** The check 12 hours after a send. Idempotent: a verified deposit is not verified again. */
export async function verifyDeposit(s: Services, depositId: string, now: Date = s.now()): Promise<{ posted: number; missing: number } | undefined> {
  const ctx = await asService(s.db, async (tx) => {
    const dep = (await tx.query<{ id: string; file_id: string; firm_id: string; verify_at: Date | null; verified_at: Date | null; status: string }>(
      'select id, file_id, firm_id, verify_at, verified_at, status from public.deposits where id = $1', [depositId])).rows[0];
    if (!dep || dep.verified_at || !dep.verify_at || dep.verify_at > now || !['uploaded', 'imported'].includes(dep.status)) return undefined;
    const file = (await tx.query<FileRow>(`select ${FILE_COLUMNS} from public.client_files where id = $1`, [dep.file_id])).rows[0]!;
    const entries = (await tx.query<DueEntry>(
      `select id, quadra_ref, journal_code, entry_date, nights_tried, deposit_id, null::bigint as batch_seq, status
         from public.entries where deposit_id = $1 and status = 'sent'`, [depositId])).rows;
    return { dep, file, entries };
  });
  if (!ctx) return undefined;
  const { dep, file, entries } = ctx;
  if (entries.length === 0) {
    await asService(s.db, (tx) => tx.query('update public.deposits set verified_at = $2 where id = $1', [depositId, now]));
    return { posted: 0, missing: 0 };
  }
  let results: Map<string, MatchResult>;
  try {
    results = await collect(s, await clientsForFirm(s, dep.firm_id), file, entries);
  } catch (err) {
    await verificationFailed(s, entries.map((e) => e.id), err, now);
    throw err; // pg-boss retries the job with backoff
  }
  return asService(s.db, async (tx) => {
    const claimed = await tx.query('update public.deposits set verified_at = $2 where id = $1 and verified_at is null', [depositId, now]);
    if (claimed.affectedRows === 0) return { posted: 0, missing: 0 }; // a concurrent run did it
    const posted = await applyFound(tx, file, results, now, null);
    const missing = entries.filter((e) => results.get(e.id)?.state === 'missing').map((e) => e.id);
    if (missing.length) {
      const night = nextNightlyRun(s.config.NIGHTLY_CRON, s.config.SCHEDULE_TZ, now);
      const message = `Not found in Quadra ${s.config.VERIFY_AFTER_HOURS} hours after sending: it remains pending sending and a new attempt is made on each of the next ${NIGHTS} nights.`;
      await tx.query(
        `update public.entries set status = 'pending', next_attempt_at = $2, status_message = $3, updated_at = $4
          where id = any($1::uuid[]) and status = 'sent'`, [missing, night, message, now]);
      await recordAttempts(tx, { entryIds: missing }, { kind: 'verify', outcome: 'not_found', at: now, detail: message });
    }
    return { posted: posted.length, missing: missing.length };
  });
}

/**
 * Posted as soon as it is true (beyond the brief): between the send and the contractual check,
 * a deposit whose blob has left the container was taken by Quadra. A few minutes later (its
 * entries take that long to appear) what Quadra shows is posted. Nothing is marked missing here:
 * that stays the 12-hour check's call.
 */
export async function earlyCheckDeposit(s: Services, depositId: string, now: Date = s.now()): Promise<number> {
  const ctx = await asService(s.db, async (tx) => {
    const dep = (await tx.query<{ id: string; file_id: string; firm_id: string; blob_name: string; status: string; imported_seen_at: Date | null }>(
      `select id, file_id, firm_id, blob_name, status, imported_seen_at from public.deposits
        where id = $1 and verified_at is null and status in ('uploaded', 'imported')`, [depositId])).rows[0];
    if (!dep) return undefined;
    const file = (await tx.query<FileRow>(`select ${FILE_COLUMNS} from public.client_files where id = $1`, [dep.file_id])).rows[0]!;
    return { dep, file };
  });
  if (!ctx) return 0;
  const { dep, file } = ctx;
  const clients = await clientsForFirm(s, dep.firm_id);
  let seenAt = dep.imported_seen_at;
  if (dep.status === 'uploaded') {
    if (await clients.cfe.exists(dep.blob_name)) return 0; // not opened yet
    seenAt = now;
    await asService(s.db, (tx) => tx.query(
      `update public.deposits set status = 'imported', imported_seen_at = coalesce(imported_seen_at, $2) where id = $1 and status = 'uploaded'`, [dep.id, now]));
  }
  const since = seenAt ? now.getTime() - seenAt.getTime() : -1;
  // A few reads, a few minutes after Quadra took it; the 12-hour check does the rest.
  if (!seenAt || since < EARLY_CHECK_DELAY_MS || since > EARLY_CHECK_DELAY_MS + EARLY_CHECK_WINDOW_MS) return 0;
  const entries = await asService(s.db, async (tx) => (await tx.query<DueEntry>(
    `select id, quadra_ref, journal_code, entry_date, nights_tried, deposit_id, null::bigint as batch_seq, status
       from public.entries where deposit_id = $1 and status = 'sent'`, [dep.id])).rows);
  if (!entries.length) return 0;
  const results = await collect(s, clients, file, entries);
  return asService(s.db, async (tx) => (await applyFound(tx, file, results, now, null)).length);
}

/** Entries appear in Quadra a few minutes after the dossier is opened. */
const EARLY_CHECK_DELAY_MS = 10 * 60_000;
const EARLY_CHECK_WINDOW_MS = 45 * 60_000;

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
  if (!(await takeNightLease(s, fileId, owner))) return undefined; // another run has this file
  try {
    // Read under the lease: what another run finished before is not done again.
    const ctx = await asService(s.db, async (tx) => {
      const file = (await tx.query<FileRow>(`select ${FILE_COLUMNS} from public.client_files where id = $1`, [fileId])).rows[0];
      if (!file) return undefined;
      const due = (await tx.query<DueEntry>(
        `select e.id, e.quadra_ref, e.journal_code, e.entry_date, e.nights_tried, e.deposit_id, d.seq as batch_seq, e.status
           from public.entries e left join public.deposits d on d.id = e.batch_deposit_id
          where e.file_id = $1 and e.status in ('pending', 'sent') and e.next_attempt_at <= $2`, [fileId, now])).rows;
      return due.length ? { file, due } : undefined;
    });
    return ctx ? await nightWithLease(s, ctx.file, ctx.due, now) : undefined;
  } finally {
    await asService(s.db, (tx) => tx.query(
      'update public.client_files set night_lease_until = null, night_lease_owner = null where id = $1 and night_lease_owner = $2', [fileId, owner]));
  }
}

/** Database-time lease with an owner (not the injectable clock): it guards real concurrent runs. */
async function takeNightLease(s: Services, fileId: string, owner: string): Promise<boolean> {
  const r = await asService(s.db, (tx) => tx.query(
    `update public.client_files set night_lease_until = now() + interval '30 minutes', night_lease_owner = $2
      where id = $1 and (night_lease_until is null or night_lease_until < now())`, [fileId, owner]));
  return r.affectedRows === 1;
}

async function nightWithLease(s: Services, file: FileRow, due: DueEntry[], now: Date): Promise<NightReport> {
  const fileId = file.id;
  const clients = await clientsForFirm(s, file.firm_id);
  const nextRun = nextNightlyRun(s.config.NIGHTLY_CRON, s.config.SCHEDULE_TZ, now);

  let results: Map<string, MatchResult>;
  try {
    results = await collect(s, clients, file, due);
  } catch (err) {
    await verificationFailed(s, due.map((e) => e.id), err, now);
    throw err;
  }

  // 1 and 2: posted, then the decision for what is missing, in one transaction.
  const plan = await asService(s.db, async (tx) => {
    await applyFound(tx, file, results, now, null);
    const missing = due.filter((e) => results.get(e.id)?.state === 'missing');
    const postedSeqs = (await tx.query<{ seq: number }>(
      `select distinct d.seq from public.entries e join public.deposits d on d.id = e.batch_deposit_id
        where e.file_id = $1 and e.status = 'posted'`, [fileId])).rows.map((r) => r.seq);
    const resend: DueEntry[] = [];
    const fail: DueEntry[] = [];
    const wait: DueEntry[] = [];
    for (const e of missing) {
      if (nightAction(e.nights_tried) === 'resend') resend.push(e);
      else if (decideAfterNights(e.batch_seq ?? Number.MAX_SAFE_INTEGER, postedSeqs) === 'failed_check') fail.push(e);
      else wait.push(e);
    }
    // A re-send is a send: the file's prerequisites are checked first, and a failing one holds it.
    const prereq = resend.length ? await loadFilePrerequisites(tx, fileId, now.toISOString().slice(0, 10)) : { ok: true, checks: [] };
    const heldReason = prereq.ok ? null : prereq.checks.filter((c) => !c.ok).map((c) => [c.message, c.remedy].filter(Boolean).join(' ')).join(' ');
    const deposits = new Map((await tx.query<{ id: string; status: string; blob_name: string }>(
      'select id, status, blob_name from public.deposits where id = any($1::uuid[])',
      [[...new Set(missing.map((e) => e.deposit_id).filter((d): d is string => d !== null))]])).rows.map((d) => [d.id, d]));
    return { resend: heldReason ? [] : resend, held: heldReason ? resend : [], heldReason, fail, wait, deposits };
  });

  // 3: withdraw what is to be re-sent or failed; look for what waits.
  const toWithdraw = new Set([...plan.resend, ...plan.fail].map((e) => e.deposit_id).filter((d): d is string => d !== null));
  const toLookFor = new Set(plan.wait.map((e) => e.deposit_id).filter((d): d is string => d !== null && !toWithdraw.has(d)));
  const withdrawn = new Set<string>();
  const taken = new Map<string, boolean>(); // deposit -> Quadra has it (just now or before)
  for (const id of new Set([...toWithdraw, ...toLookFor])) {
    const d = plan.deposits.get(id);
    if (!d) continue;
    if (d.status !== 'uploaded' && d.status !== 'replacing') { taken.set(id, d.status === 'imported'); continue; }
    if (toLookFor.has(id) && d.status === 'uploaded') {
      if (await clients.cfe.exists(d.blob_name)) continue; // still waiting in the container for the file to be opened
    } else {
      await asService(s.db, (tx) => tx.query(`update public.deposits set status = 'replacing' where id = $1 and status = 'uploaded'`, [id]));
      if ((await clients.cfe.remove(d.blob_name)) === 'deleted') {
        await asService(s.db, (tx) => tx.query(`update public.deposits set status = 'replaced' where id = $1 and status = 'replacing'`, [id]));
        withdrawn.add(id);
        continue;
      }
    }
    // Gone from the container without us: Quadra took it.
    await asService(s.db, (tx) => tx.query(
      `update public.deposits set status = 'imported', imported_seen_at = coalesce(imported_seen_at, $2)
        where id = $1 and status in ('uploaded', 'replacing')`, [id, now]));
    taken.set(id, true);
  }

  // A deposit Quadra took less than the grace period ago may still be on its way in, unless one of
  // its entries already shows (then the import is done).
  const grace = s.config.IMPORT_GRACE_MINUTES * 60_000;
  const settling = new Set(await asService(s.db, async (tx) => (await tx.query<{ id: string }>(
    `select d.id from public.deposits d
      where d.id = any($1::uuid[]) and d.status = 'imported' and d.imported_seen_at > $2
        and not exists (select 1 from public.entries e where e.deposit_id = d.id and e.status = 'posted')`,
    [[...taken.keys()], new Date(now.getTime() - grace)])).rows.map((r) => r.id)));
  const deferred = (e: DueEntry) => e.deposit_id !== null && settling.has(e.deposit_id);
  // A waiting entry no deposit in the container holds any more must be deposited again.
  const outOfContainer = (e: DueEntry) => e.deposit_id === null || withdrawn.has(e.deposit_id) || taken.has(e.deposit_id)
    || ['failed', 'replaced'].includes(plan.deposits.get(e.deposit_id)?.status ?? '');
  const recheckAt = new Date(now.getTime() + grace);

  const report = await asService(s.db, async (tx) => {
    const nightOf = (e: DueEntry) => Math.min(e.nights_tried + 1, NIGHTS);
    const defer = [...plan.resend, ...plan.fail, ...plan.wait].filter(deferred);
    if (defer.length) {
      await tx.query('update public.entries set next_attempt_at = $2, updated_at = $3 where id = any($1::uuid[])', [defer.map((e) => e.id), recheckAt, now]);
      await recordAttempts(tx, { entryIds: defer.map((e) => e.id) }, {
        kind: 'verify', outcome: 'not_found', at: now,
        detail: `Quadra has just taken the deposit; its entries can take a few minutes to appear: checked again in ${s.config.IMPORT_GRACE_MINUTES} minutes before anything is re-sent`,
      });
    }
    if (plan.held.length) {
      const message = `The re-send is held: ${plan.heldReason}`;
      await tx.query('update public.entries set next_attempt_at = $2, status_message = $3, updated_at = $4 where id = any($1::uuid[])', [plan.held.map((e) => e.id), nextRun, message, now]);
      await recordAttempts(tx, { entryIds: plan.held.map((e) => e.id) }, { kind: 'resend', outcome: 'held', at: now, errorCode: 'prerequisite_failed', detail: message });
    }
    const fail = plan.fail.filter((e) => !deferred(e));
    if (fail.length) {
      await tx.query(
        `update public.entries set status = 'failed_check', nights_tried = $2, next_attempt_at = null, deposit_id = null,
                status_message = $3, updated_at = $4 where id = any($1::uuid[])`, [fail.map((e) => e.id), NIGHTS, FAILED_CHECK_MESSAGE, now]);
      await recordAttempts(tx, { entryIds: fail.map((e) => e.id) }, { kind: 'decide', outcome: 'failed_check', at: now, night: NIGHTS, detail: FAILED_CHECK_MESSAGE });
    }
    const wait = plan.wait.filter((e) => !deferred(e));
    if (wait.length) {
      await tx.query(
        `update public.entries set nights_tried = $2, next_attempt_at = $3, status_message = $4, updated_at = $5 where id = any($1::uuid[])`,
        [wait.map((e) => e.id), NIGHTS, nextRun, FILE_WAITING_MESSAGE, now]);
      await recordAttempts(tx, { entryIds: wait.map((e) => e.id) }, { kind: 'decide', outcome: 'file_waiting', at: now, night: NIGHTS, detail: FILE_WAITING_MESSAGE });
      await tx.query('update public.client_files set waiting_open_since = coalesce(waiting_open_since, $2), updated_at = $2 where id = $1', [fileId, now]);
    }
    const resendDue = plan.resend.filter((e) => !deferred(e));
    for (const n of new Set(resendDue.map(nightOf))) {
      const ids = resendDue.filter((e) => nightOf(e) === n).map((e) => e.id);
      await tx.query('update public.entries set nights_tried = $2, next_attempt_at = $3, updated_at = $4 where id = any($1::uuid[])', [ids, n, nextRun, now]);
      await recordAttempts(tx, { entryIds: ids }, { kind: 'verify', outcome: 'not_found', at: now, night: n, detail: `Not found in Quadra on night ${n} of ${NIGHTS}: sent again` });
    }
    if (withdrawn.size) {
      await tx.query(`insert into public.attempts (firm_id, entry_id, deposit_id, kind, outcome, at, detail)
                      select firm_id, id, deposit_id, 'resend', 'replaced', $2, 'Earlier deposit withdrawn before Quadra took it' from public.entries
                       where deposit_id = any($1::uuid[]) and status in ('pending', 'sent')`, [[...withdrawn], now]);
    }
    // Out again: what was due for a re-send, what waits outside the container, and every other
    // unposted entry of a deposit withdrawn tonight (it left the container with the others).
    const candidates = [...resendDue, ...wait.filter(outOfContainer)].map((e) => e.id);
    const resendIds = (await tx.query<{ id: string }>(
      `select id from public.entries where file_id = $1 and status in ('pending', 'sent') and not (id = any($4::uuid[]))
          and (deposit_id = any($2::uuid[]) or id = any($3::uuid[]))
        for update`,
      [fileId, [...withdrawn], candidates, fail.map((e) => e.id)])).rows.map((r) => r.id);
    let depositId: string | undefined;
    if (resendIds.length) {
      depositId = (await tx.query<{ id: string }>(
        `insert into public.deposits (firm_id, file_id, blob_name, status, replaces_id, created_at, claimed_until)
         values ($1, $2, $3, 'preparing', $4, $5, now() + interval '10 minutes') returning id`,
        [file.firm_id, fileId, `pending-${crypto.randomUUID()}`, [...withdrawn][0] ?? null, now])).rows[0]!.id;
      await tx.query('update public.deposits set blob_name = $2 where id = $1', [depositId, depositBlobName(file.dossier_code, depositId)]);
      await tx.query(
        `update public.entries set deposit_id = $2, next_attempt_at = coalesce(next_attempt_at, $3), updated_at = $4 where id = any($1::uuid[])`,
        [resendIds, depositId, nextRun, now]);
    }
    return { depositId, resent: resendIds.length, failedCheck: fail.length, deferred: defer.length };
  });

  // 4: the re-send (its own commit; a crash here leaves a `preparing` deposit for recovery).
  if (report.depositId) await uploadDeposit(s, report.depositId, { kind: 'resend', now, clients });
  const posted = [...results.values()].filter((r) => r.state !== 'missing').length;
  return { fileId, posted, resent: report.resent, failedCheck: report.failedCheck, fileWaiting: plan.wait.length > 0, deferred: report.deferred, held: plan.held.length };
}

/** Files with entries due tonight. */
export async function filesDueTonight(s: Services, now: Date): Promise<string[]> {
  return asService(s.db, async (tx) => (await tx.query<{ file_id: string }>(
    `select distinct file_id from public.entries where status in ('pending', 'sent') and next_attempt_at <= $1`, [now])).rows.map((r) => r.file_id));
}
