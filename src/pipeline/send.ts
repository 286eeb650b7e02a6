// Sending: a file's pending entries become one deposit (ASCII + documents, zipped) uploaded through
// CFE. Three steps so that a crash anywhere loses nothing and never deposits twice:
//   1. claim (one transaction): a `preparing` deposit row owns the entries;
//   2. upload, outside any transaction, under the deposit's own blob name (a retry overwrites it);
//   3. commit (one transaction): deposit `uploaded`, entries `sent`, one attempt row per entry.
// A deposit left `preparing` by a crash is settled by `recoverDeposit`, never sent under a new name.
import type { Queryable } from '../db/database.ts';
import { lockFile } from '../db/repos/entries.ts';
import { loadFilePrerequisites } from '../db/repos/reference.ts';
import { asService } from '../db/scoped.ts';
import { today } from '../domain/calendar.ts';
import { depositBlobName } from '../quadra/cfe-client.ts';
import { isCegidError } from '../quadra/errors.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { buildDepositZip, HELD_BY_REFERENCE, SENDABLE } from './deposit-builder.ts';
import { clientsForFirm } from './firm-clients.ts';

export interface SendOutcome {
  fileId: string;
  depositId?: string;
  entries: number;
  lines: number;
  held?: Array<{ code: string; message: string }>;
  error?: { code: string; message: string };
}

const HOUR = 3_600_000;

/** Records one attempt per entry of a deposit (or of a list of entries), in one statement. */
export async function recordAttempts(
  tx: Queryable,
  target: { depositId: string } | { entryIds: string[] },
  a: { kind: string; outcome: string; at: Date; night?: number | null; errorCode?: string | null; detail?: string | null; depositId?: string | null },
): Promise<void> {
  const byDeposit = 'depositId' in target;
  await tx.query(
    `insert into public.attempts (firm_id, entry_id, deposit_id, kind, outcome, night, error_code, detail, at)
     select e.firm_id, e.id, $2::uuid, $3::public.attempt_kind, $4::public.attempt_outcome,
            coalesce($5::smallint, case when $3::text = 'resend' then nullif(e.nights_tried, 0) end), $6, $7, $8
       from public.entries e where ${byDeposit ? 'e.deposit_id = $1::uuid' : 'e.id = any($1::uuid[])'}`,
    [byDeposit ? target.depositId : target.entryIds, a.depositId ?? (byDeposit ? target.depositId : null), a.kind, a.outcome,
      a.night ?? null, a.errorCode ?? null, a.detail ?? null, a.at]);
}

/** Sends what a file has ready. Safe to run twice or concurrently: the file lock decides who claims. */
export async function sendFile(s: Services, fileId: string, now: Date = s.now()): Promise<SendOutcome> {
  const claim = await asService(s.db, async (tx) => {
    const file = await lockFile(tx, fileId);
    if (!file || file.gone_at) return { kind: 'nothing' as const };
    const preparing = await tx.query<{ id: string; expired: boolean }>(
      `select id, claimed_until is null or claimed_until < now() as expired from public.deposits
        where file_id = $1 and status = 'preparing' order by seq limit 1`, [fileId]);
    if (preparing.rows[0]?.expired) return { kind: 'stuck' as const, depositId: preparing.rows[0].id };
    if (preparing.rows[0]) return { kind: 'nothing' as const }; // another run is uploading this file's deposit

    const ready = await tx.query<{ n: number }>(`select count(*)::int as n from public.entries e where e.file_id = $1 and ${SENDABLE}`, [fileId]);
    if (ready.rows[0]!.n === 0) return { kind: 'nothing' as const };

    // The file's prerequisites are re-checked before each deposit; a failing one holds it.
    const prereq = await loadFilePrerequisites(tx, fileId, today(s.config.SCHEDULE_TZ, now));
    if (!prereq.ok) {
      const held = prereq.checks.filter((c) => !c.ok).map((c) => ({ code: c.name, message: [c.message, c.remedy].filter(Boolean).join(' ') }));
      await holdEntries(tx, fileId, `The deposit is held: ${held.map((h) => h.message).join(' ')}`, held[0]!.code, now);
      return { kind: 'held' as const, held };
    }
    await markHeldByReference(tx, fileId, now);

    const dep = await tx.query<{ id: string; seq: number }>(
      `insert into public.deposits (firm_id, file_id, blob_name, status, created_at, claimed_until)
       values ($1, $2, $3, 'preparing', $4, now() + interval '10 minutes') returning id, seq`,
      [file.firm_id, fileId, `pending-${crypto.randomUUID()}`, now]);
    const { id: depositId } = dep.rows[0]!;
    await tx.query('update public.deposits set blob_name = $2 where id = $1', [depositId, depositBlobName(file.dossier_code, depositId)]);
    const claimed = await tx.query(
      `update public.entries e set deposit_id = $2, batch_deposit_id = coalesce(e.batch_deposit_id, $2), status_message = null, updated_at = $3
        where e.file_id = $1 and ${SENDABLE} and not ${HELD_BY_REFERENCE}`, [fileId, depositId, now]);
    if (claimed.affectedRows === 0) {
      await tx.query('delete from public.deposits where id = $1', [depositId]);
      return { kind: 'nothing' as const };
    }
    return { kind: 'claimed' as const, depositId };
  });

  if (claim.kind === 'nothing') return { fileId, entries: 0, lines: 0 };
  if (claim.kind === 'held') return { fileId, entries: 0, lines: 0, held: claim.held };
  if (claim.kind === 'stuck') {
    await recoverDeposit(s, claim.depositId, now);
    return { fileId, depositId: claim.depositId, entries: 0, lines: 0 };
  }
  return uploadDeposit(s, claim.depositId, { kind: 'send', now });
}

/** Entries ready to go but blocked by a prerequisite: say why once, not at every run. */
async function holdEntries(tx: Queryable, fileId: string, message: string, code: string, now: Date): Promise<void> {
  const changed = await tx.query<{ id: string }>(
    `update public.entries e set status_message = $2, updated_at = $3
      where e.file_id = $1 and ${SENDABLE} and e.status_message is distinct from $2 returning e.id`, [fileId, message, now]);
  if (changed.rows.length) await recordAttempts(tx, { entryIds: changed.rows.map((r) => r.id) }, { kind: 'send', outcome: 'held', at: now, errorCode: code, detail: message });
}

async function markHeldByReference(tx: Queryable, fileId: string, now: Date): Promise<void> {
  const message = 'Held: its journal is closed or its date is outside every open period in Quadra. Open them in Quadra, sync the reference data, or correct the entry.';
  const changed = await tx.query<{ id: string }>(
    `update public.entries e set status_message = $2, updated_at = $3
      where e.file_id = $1 and ${SENDABLE} and ${HELD_BY_REFERENCE} and e.status_message is distinct from $2 returning e.id`, [fileId, message, now]);
  if (changed.rows.length) await recordAttempts(tx, { entryIds: changed.rows.map((r) => r.id) }, { kind: 'send', outcome: 'held', at: now, errorCode: 'reference_changed', detail: message });
}

interface DepositRow { id: string; firm_id: string; file_id: string; seq: number; status: string; blob_name: string; replaces_id: string | null; upload_started_at: Date | null }
const DEPOSIT_COLUMNS = 'id, firm_id, file_id, seq, status, blob_name, replaces_id, upload_started_at';

const SENT_MESSAGE = 'Sent to Quadra. Open the file in Quadra to trigger the retrieval of entries, then you can close it again.';

/** Deposit `uploaded`, its entries `sent`, one attempt each; a no-op if another run did it first. */
async function commitUploaded(s: Services, dep: DepositRow, kind: 'send' | 'resend', now: Date, facts: {
  etag: string | null; sizeBytes: number | null; errorCode?: string; detail: string;
}): Promise<boolean> {
  const committed = await asService(s.db, async (tx) => {
    const done = await tx.query(
      `update public.deposits set status = 'uploaded', uploaded_at = $2, etag = $3, size_bytes = coalesce($4, size_bytes), claimed_until = null,
              entry_count = (select count(*) from public.entries where deposit_id = $1),
              line_count = (select coalesce(sum(line_count), 0) from public.entries where deposit_id = $1),
              verify_at = $5 where id = $1 and status = 'preparing'`,
      [dep.id, now, facts.etag, facts.sizeBytes, kind === 'send' ? new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR) : null]);
    if (done.affectedRows === 0) return false;
    await tx.query(
      `update public.entries set status = 'sent', sent_at = $2, updated_at = $2,
              status_message = case when not $3::boolean then $4
                when nights_tried >= 3 then 'Sent again, to wait in the exchange container until the file is opened in Quadra.'
                else 'Sent again on night ' || nights_tried || ' of 3. Open the file in Quadra to trigger the retrieval of entries.' end,
              next_attempt_at = case when $3::boolean then next_attempt_at else null end
        where deposit_id = $1`, [dep.id, now, kind === 'resend', SENT_MESSAGE]);
    await recordAttempts(tx, { depositId: dep.id }, { kind, outcome: 'sent', at: now, errorCode: facts.errorCode ?? null, detail: facts.detail });
    return true;
  });
  if (committed && kind === 'send') {
    await s.jobs.send('verify-deposit', { depositId: dep.id }, { startAfter: new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR), singletonKey: dep.id });
  }
  return committed;
}

/**
 * Gives a deposit's entries back when it is certain nothing of it reached the container: they go
 * back to `pending` (first sends to the next automatic send, re-sends to the next night). Only the
 * run that turns the deposit `failed` releases them.
 */
async function releaseDeposit(s: Services, dep: DepositRow, kind: 'send' | 'resend', now: Date, e: { code: string; message: string }): Promise<void> {
  await asService(s.db, async (tx) => {
    const failed = await tx.query(`update public.deposits set status = 'failed', error_code = $2, claimed_until = null where id = $1 and status = 'preparing'`, [dep.id, e.code]);
    if (failed.affectedRows === 0) return;
    await recordAttempts(tx, { depositId: dep.id }, { kind, outcome: 'error', at: now, errorCode: e.code, detail: e.message });
    await tx.query(
      `update public.entries set deposit_id = null, status = 'pending', status_message = $2, updated_at = $3,
              batch_deposit_id = case when batch_deposit_id = deposit_id then null else batch_deposit_id end
        where deposit_id = $1`, [dep.id, `Not sent: ${e.message}`, now]);
  });
}

const userError = (err: unknown) => (isCegidError(err)
  ? err.toUserError()
  : { code: 'deposit_failed', message: 'The deposit could not be built or uploaded; the entries stay pending and are sent again later.' });

/**
 * Steps 2 and 3 for a claimed deposit: build, mark the upload as started, upload, commit.
 * What happens on an error depends on what is certain: nothing uploaded (a build error, a refusal)
 * releases the entries; an upload that may have landed is looked for in the container, and if
 * that cannot be told either the deposit stays `preparing` for recovery once its lease runs out.
 */
export async function uploadDeposit(s: Services, depositId: string, opts: { kind: 'send' | 'resend'; now: Date; clients?: CegidClients }): Promise<SendOutcome> {
  const { now, kind } = opts;
  const dep = await asService(s.db, async (tx) =>
    (await tx.query<DepositRow>(`select ${DEPOSIT_COLUMNS} from public.deposits where id = $1 and status = 'preparing'`, [depositId])).rows[0]);
  if (!dep) return { fileId: '', depositId, entries: 0, lines: 0 };

  let built: Awaited<ReturnType<typeof buildDepositZip>>;
  let clients: CegidClients;
  try {
    built = await asService(s.db, async (tx) => {
      const padding = (await tx.query<{ account_padding: 'space' | 'zero' }>('select account_padding from public.client_files where id = $1', [dep.file_id])).rows[0]!.account_padding;
      return buildDepositZip(tx, depositId, dep.seq, padding);
    });
    clients = opts.clients ?? (await clientsForFirm(s, dep.firm_id));
    // Reaching the firm's container first: a failure here certainly uploaded nothing.
    await clients.cfe.resolveContainer();
    const started = await asService(s.db, (tx) => tx.query(
      `update public.deposits set upload_started_at = $2, size_bytes = $3, claimed_until = now() + interval '10 minutes'
        where id = $1 and status = 'preparing'`, [depositId, now, built.zip.length]));
    if (started.affectedRows === 0) return { fileId: dep.file_id, depositId, entries: 0, lines: 0 };
  } catch (err) {
    // Nothing left this process: the entries can go back safely.
    if (!isCegidError(err)) s.log.error({ err: { name: (err as Error).name, message: (err as Error).message }, depositId }, 'deposit could not be prepared');
    await releaseDeposit(s, dep, kind, now, userError(err));
    return { fileId: dep.file_id, depositId, entries: 0, lines: 0, error: userError(err) };
  }

  const detail = `Deposit ${dep.blob_name}: ${built.ascii.entryIds.length} entries, ${built.ascii.lineCount} lines${dep.replaces_id ? ', replacing the earlier deposit' : ''}`;
  const done = { fileId: dep.file_id, depositId, entries: built.ascii.entryIds.length, lines: built.ascii.lineCount };
  try {
    const up = await clients.cfe.upload(dep.blob_name, built.zip, { depositid: dep.id, entries: String(built.ascii.entryIds.length) });
    await commitUploaded(s, dep, kind, now, { etag: up.etag, sizeBytes: built.zip.length, detail });
    return done;
  } catch (err) {
    const e = userError(err);
    const refused = isCegidError(err) && !err.retryable && err.status !== undefined && err.status >= 400 && err.status < 500;
    if (!refused) {
      // The upload may have landed though its answer was lost: the container tells.
      let landed: boolean | undefined;
      try { landed = await clients.cfe.exists(dep.blob_name); } catch { landed = undefined; }
      if (landed === undefined) return { ...done, entries: 0, lines: 0, error: e }; // left to recovery
      if (landed) {
        await commitUploaded(s, dep, kind, now, { etag: null, sizeBytes: built.zip.length, detail });
        return done;
      }
    }
    await releaseDeposit(s, dep, kind, now, e);
    return { ...done, entries: 0, lines: 0, error: e };
  }
}

/**
 * A deposit left `preparing` whose lease ran out (its run crashed). Never sent under a new name:
 * if its upload never started it is uploaded now under its own name; if it started, the blob in
 * the container says it landed; if the blob is not there it may never have landed — or Quadra may
 * already have taken it — so it is recorded as sent and verification decides.
 */
export async function recoverDeposit(s: Services, depositId: string, now: Date = s.now()): Promise<void> {
  const dep = await asService(s.db, async (tx) => (await tx.query<DepositRow>(
    `update public.deposits set claimed_until = now() + interval '10 minutes'
      where id = $1 and status = 'preparing' and (claimed_until is null or claimed_until < now())
      returning ${DEPOSIT_COLUMNS}`, [depositId])).rows[0]);
  if (!dep) return;
  const isResend = await asService(s.db, async (tx) => dep.replaces_id !== null || (await tx.query<{ n: number }>(
    'select count(*)::int as n from public.entries where deposit_id = $1 and batch_deposit_id <> $1', [depositId])).rows[0]!.n > 0);
  const kind = isResend ? 'resend' : 'send';
  if (!dep.upload_started_at) {
    await uploadDeposit(s, depositId, { kind, now });
    return;
  }
  const clients = await clientsForFirm(s, dep.firm_id);
  const present = await clients.cfe.exists(dep.blob_name);
  await commitUploaded(s, dep, kind, now, present
    ? { etag: null, sizeBytes: null, detail: 'The deposit was uploaded before an interruption; its sending is now recorded.' }
    : { etag: null, sizeBytes: null, errorCode: 'upload_unconfirmed', detail: 'An interruption hid whether the deposit was uploaded; it is not sent again, verification will tell.' });
}
