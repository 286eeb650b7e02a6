// Sending: a file's pending entries become one deposit (ASCII + documents, zipped) uploaded through
// CFE. Three steps so that a crash anywhere loses nothing and never deposits twice:
//   1. claim (one transaction): a `preparing` deposit row owns the entries;
//   2. upload, outside any transaction, under the deposit's own blob name (a retry overwrites it);
//   3. commit (one transaction): deposit `uploaded`, entries `sent`, one attempt row per entry.
// A deposit left `preparing` by a crash is settled by `recoverDeposit`, never sent under a new name.
import type { Queryable } from '../db/database.ts';
import { loadFirmCredentials } from '../db/repos/connections.ts';
import { lockFile, type FileRow } from '../db/repos/entries.ts';
import { loadFilePrerequisites } from '../db/repos/reference.ts';
import { asService } from '../db/scoped.ts';
import { depositBlobName } from '../quadra/cfe-client.ts';
import { isCegidError } from '../quadra/errors.ts';
import { cegidClients, type CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { buildDepositZip, HELD_BY_REFERENCE, SENDABLE } from './deposit-builder.ts';

export interface SendOutcome {
  fileId: string;
  depositId?: string;
  entries: number;
  lines: number;
  held?: Array<{ code: string; message: string }>;
  error?: { code: string; message: string };
}

const HOUR = 3_600_000;
const today = (now: Date) => now.toISOString().slice(0, 10);

/** Records one attempt per entry of a deposit (or of a list of entries), in one statement. */
export async function recordAttempts(
  tx: Queryable,
  target: { depositId: string } | { entryIds: string[] },
  a: { kind: string; outcome: string; at: Date; night?: number | null; errorCode?: string | null; detail?: string | null; depositId?: string | null },
): Promise<void> {
  const byDeposit = 'depositId' in target;
  await tx.query(
    `insert into public.attempts (firm_id, entry_id, deposit_id, kind, outcome, night, error_code, detail, at)
     select e.firm_id, e.id, $2::uuid, $3::public.attempt_kind, $4::public.attempt_outcome, $5, $6, $7, $8
       from public.entries e where ${byDeposit ? 'e.deposit_id = $1::uuid' : 'e.id = any($1::uuid[])'}`,
    [byDeposit ? target.depositId : target.entryIds, a.depositId ?? (byDeposit ? target.depositId : null), a.kind, a.outcome,
      a.night ?? null, a.errorCode ?? null, a.detail ?? null, a.at]);
}

/** Sends what a file has ready. Safe to run twice or concurrently: the file lock decides who claims. */
export async function sendFile(s: Services, fileId: string, now: Date = s.now()): Promise<SendOutcome> {
  const claim = await asService(s.db, async (tx) => {
    const file = await lockFile(tx, fileId);
    if (!file || file.gone_at) return { kind: 'nothing' as const };
    const stuck = await tx.query<{ id: string }>(`select id from public.deposits where file_id = $1 and status = 'preparing' order by seq limit 1`, [fileId]);
    if (stuck.rows[0]) return { kind: 'stuck' as const, depositId: stuck.rows[0].id };

    const ready = await tx.query<{ n: number }>(`select count(*)::int as n from public.entries e where e.file_id = $1 and ${SENDABLE}`, [fileId]);
    if (ready.rows[0]!.n === 0) return { kind: 'nothing' as const };

    // The file's prerequisites are re-checked before each deposit; a failing one holds it.
    const prereq = await loadFilePrerequisites(tx, fileId, today(now));
    if (!prereq.ok) {
      const held = prereq.checks.filter((c) => !c.ok).map((c) => ({ code: c.name, message: [c.message, c.remedy].filter(Boolean).join(' ') }));
      await holdEntries(tx, fileId, `The deposit is held: ${held.map((h) => h.message).join(' ')}`, held[0]!.code, now);
      return { kind: 'held' as const, held };
    }
    await markHeldByReference(tx, fileId, now);

    const dep = await tx.query<{ id: string; seq: number }>(
      `insert into public.deposits (firm_id, file_id, blob_name, status, created_at)
       values ($1, $2, $3, 'preparing', $4) returning id, seq`,
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

interface DepositRow { id: string; firm_id: string; file_id: string; seq: number; status: string; blob_name: string; replaces_id: string | null }

async function clientsFor(s: Services, firmId: string): Promise<CegidClients> {
  const creds = await asService(s.db, (tx) => loadFirmCredentials(tx, firmId, s.secrets));
  return cegidClients(s.cegid, creds);
}

/**
 * Steps 2 and 3 for a claimed deposit: build, upload, commit. On a Cegid error the entries are
 * released to `pending` (the error is an attempt, not a strike against the entries).
 */
export async function uploadDeposit(s: Services, depositId: string, opts: { kind: 'send' | 'resend'; now: Date; night?: number; clients?: CegidClients }): Promise<SendOutcome> {
  const { now } = opts;
  const prepared = await asService(s.db, async (tx) => {
    const dep = (await tx.query<DepositRow>('select id, firm_id, file_id, seq, status, blob_name, replaces_id from public.deposits where id = $1', [depositId])).rows[0];
    if (!dep || dep.status !== 'preparing') return undefined;
    const file = (await tx.query<FileRow>('select id, firm_id, dossier_code, name, account_padding, waiting_open_since, gone_at from public.client_files where id = $1', [dep.file_id])).rows[0]!;
    const built = await buildDepositZip(tx, depositId, dep.seq, file.account_padding);
    return { dep, built };
  });
  if (!prepared) return { fileId: '', depositId, entries: 0, lines: 0 };
  const { dep, built } = prepared;

  const commit = async (etag: string | null) => {
    await asService(s.db, async (tx) => {
      const done = await tx.query(
        `update public.deposits set status = 'uploaded', uploaded_at = $2, etag = $3, size_bytes = $4, entry_count = $5, line_count = $6,
                verify_at = $7 where id = $1 and status = 'preparing'`,
        [dep.id, now, etag, built.zip.length, built.ascii.entryIds.length, built.ascii.lineCount,
          opts.kind === 'send' ? new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR) : null]);
      if (done.affectedRows === 0) return; // another run committed it first
      await tx.query(
        `update public.entries set status = 'sent', sent_at = $2, updated_at = $2,
                status_message = $3, next_attempt_at = case when $4::boolean then next_attempt_at else null end
          where deposit_id = $1`,
        [dep.id, now, opts.kind === 'send'
          ? 'Sent to Quadra. Open the file in Quadra to trigger the retrieval of entries, then you can close it again.'
          : `Sent again on night ${opts.night} of 3. Open the file in Quadra to trigger the retrieval of entries.`, opts.kind === 'resend']);
      await recordAttempts(tx, { depositId: dep.id }, {
        kind: opts.kind, outcome: 'sent', at: now, night: opts.night ?? null,
        detail: `Deposit ${dep.blob_name}: ${built.ascii.entryIds.length} entries, ${built.ascii.lineCount} lines${dep.replaces_id ? ', replacing the earlier deposit' : ''}`,
      });
    });
    if (opts.kind === 'send') {
      await s.jobs.send('verify-deposit', { depositId: dep.id }, { startAfter: new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR), singletonKey: dep.id });
    }
    return { fileId: dep.file_id, depositId: dep.id, entries: built.ascii.entryIds.length, lines: built.ascii.lineCount };
  };

  let clients: CegidClients | undefined = opts.clients;
  try {
    clients ??= await clientsFor(s, dep.firm_id);
    const up = await clients.cfe.upload(dep.blob_name, built.zip, { depositid: dep.id, entries: String(built.ascii.entryIds.length) });
    return await commit(up.etag);
  } catch (err) {
    // An upload whose answer was lost may have landed: if the blob is there, it was sent.
    if (clients && (!isCegidError(err) || err.retryable)) {
      const landed = await clients.cfe.exists(dep.blob_name).catch(() => false);
      if (landed) return commit(null);
    }
    const e = isCegidError(err) ? err.toUserError() : { code: 'deposit_failed', message: 'The deposit could not be built or uploaded; the entries stay pending and are sent again later.' };
    if (!isCegidError(err)) s.log.error({ err: { name: (err as Error).name, message: (err as Error).message }, depositId }, 'deposit failed');
    await asService(s.db, async (tx) => {
      await recordAttempts(tx, { depositId: dep.id }, { kind: opts.kind, outcome: 'error', at: now, night: opts.night ?? null, errorCode: e.code, detail: e.message });
      await tx.query(`update public.deposits set status = 'failed', error_code = $2 where id = $1 and status = 'preparing'`, [dep.id, e.code]);
      // Released: first sends go back to the queue; re-sends wait for the next night.
      await tx.query(
        `update public.entries set deposit_id = null, status_message = $2, updated_at = $3,
                batch_deposit_id = case when batch_deposit_id = deposit_id then null else batch_deposit_id end,
                status = case when status = 'sent' then status else 'pending' end
          where deposit_id = $1`, [dep.id, `Not sent: ${e.message}`, now]);
    });
    return { fileId: dep.file_id, depositId: dep.id, entries: 0, lines: 0, error: e };
  }
}

/**
 * A deposit left `preparing` (a crash between upload and commit). If its blob is in the container
 * the upload happened: commit it. If not, it may never have been uploaded — or Quadra may already
 * have taken it. Re-uploading could import it twice, so it is committed as sent and verification
 * decides, exactly as for any deposit.
 */
export async function recoverDeposit(s: Services, depositId: string, now: Date = s.now()): Promise<void> {
  const dep = await asService(s.db, async (tx) =>
    (await tx.query<DepositRow & { created_at: Date }>('select id, firm_id, file_id, seq, status, blob_name, replaces_id, created_at from public.deposits where id = $1', [depositId])).rows[0]);
  if (!dep || dep.status !== 'preparing') return;
  const clients = await clientsFor(s, dep.firm_id);
  const present = await clients.cfe.exists(dep.blob_name);
  const isResend = dep.replaces_id !== null || (await asService(s.db, async (tx) =>
    (await tx.query<{ n: number }>(`select count(*)::int as n from public.entries where deposit_id = $1 and batch_deposit_id <> $1`, [depositId])).rows[0]!.n > 0));
  await asService(s.db, async (tx) => {
    const done = await tx.query(
      `update public.deposits set status = 'uploaded', uploaded_at = coalesce(uploaded_at, $2), verify_at = $3,
              entry_count = (select count(*) from public.entries where deposit_id = $1),
              line_count = (select coalesce(sum(line_count), 0) from public.entries where deposit_id = $1)
        where id = $1 and status = 'preparing'`,
      [depositId, now, isResend ? null : new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR)]);
    if (done.affectedRows === 0) return;
    await tx.query(`update public.entries set status = 'sent', sent_at = coalesce(sent_at, $2), updated_at = $2 where deposit_id = $1`, [depositId, now]);
    await recordAttempts(tx, { depositId }, {
      kind: isResend ? 'resend' : 'send', outcome: 'sent', at: now, errorCode: present ? null : 'upload_unconfirmed',
      detail: present
        ? 'The deposit was uploaded before an interruption; its sending is now recorded.'
        : 'An interruption hid whether the deposit was uploaded; it is not sent again, verification will tell.',
    });
  });
  if (!isResend) await s.jobs.send('verify-deposit', { depositId }, { startAfter: new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR), singletonKey: depositId });
}
