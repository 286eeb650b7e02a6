// Sending: a file's pending entries become one deposit (ASCII + documents, zipped) uploaded through
// CFE. Three steps so that a crash anywhere loses nothing and never deposits twice:
//   1. claim (one transaction): a `preparing` deposit row owns the entries, under a short lease;
//   2. upload, outside any transaction, ONE PUT under the deposit's own blob name, after an
//      "upload started" mark is committed;
//   3. settle the answer: uploaded; released (the answer proves nothing was stored); or
//      unconfirmed (anything else), settled later by the container or by Quadra (unconfirmed.ts).
// A deposit left `preparing` by a crash is settled by `recoverDeposit`, never sent under a new name.
// The delivery rule is written out in docs/delivery.md; the transitions live in db/repos/deposits.ts.
import type { Queryable } from '../db/database.ts';
import * as attempts from '../db/repos/attempts.ts';
import { connectionUsable, notConnected } from '../db/repos/connections.ts';
import * as deposits from '../db/repos/deposits.ts';
import * as outcomes from '../db/repos/entry-outcomes.ts';
import { accountPadding, lockFile, sendableCount } from '../db/repos/entries.ts';
import { failingChecks } from '../domain/prerequisites.ts';
import { loadFilePrerequisites } from './prerequisites.ts';
import { asService } from '../db/scoped.ts';
import { depositBlobName, provesNothingStored } from '../quadra/cfe-client.ts';
import { today } from '../domain/calendar.ts';
import { resentWording, SEND_REFERENCE_HOLD_MESSAGE } from '../domain/entries/lifecycle.ts';
import { AppError } from '../lib/errors.ts';
import { isCegidError } from '../quadra/errors.ts';
import type { CegidClients } from '../quadra/gateway.ts';
import type { Services } from '../services.ts';
import { buildDepositZip, HELD_BY_REFERENCE, SENDABLE } from './deposit-builder.ts';
import { clientsForFirm } from './firm-clients.ts';
import { verifyDepositJob } from '../jobs/definitions.ts';
import { logError } from '../lib/log-error.ts';
import { meter } from '../lib/meter.ts';
import { text } from '../i18n/index.ts';

export interface SendOutcome {
  fileId: string;
  depositId?: string;
  entries: number;
  lines: number;
  held?: Array<{ code: string; message: string }>;
  error?: { code: string; message: string };
}

const HOUR = 3_600_000;

/** Sends what a file has ready. Safe to run twice or concurrently: the file lock decides who claims. */
export async function sendFile(s: Services, fileId: string, now: Date = s.now()): Promise<SendOutcome> {
  const claim = await asService(s.db, async (tx) => {
    const file = await lockFile(tx, fileId);
    if (!file || file.gone_at) return { kind: 'nothing' as const };
    const preparing = await deposits.preparingOf(tx, fileId);
    if (preparing?.expired) return { kind: 'stuck' as const, depositId: preparing.id };
    if (preparing) return { kind: 'nothing' as const }; // another run is uploading this file's deposit

    if ((await sendableCount(tx, fileId)) === 0) return { kind: 'nothing' as const };

    // No deposit, not even a claim, for a firm whose connection the jobs may not use: its keys
    // last failed, or its SIC code's claim is not verified (USABLE_CONNECTION). The entries stay
    // pending and say why; the upload itself passes the same gate again (firmCredentials).
    if (!(await connectionUsable(tx, file.firm_id))) {
      const { code, message } = notConnected();
      await holdEntries(tx, fileId, `The deposit is held: ${message}`, code, now);
      return { kind: 'held' as const, held: [{ code, message }] };
    }

    // The file's prerequisites are re-checked before each deposit; a failing one holds it.
    const prereq = await loadFilePrerequisites(tx, fileId, today(s.config.SCHEDULE_TZ, now));
    if (!prereq.ok) {
      const held = failingChecks(prereq);
      await holdEntries(tx, fileId, `The deposit is held: ${held.map((h) => h.message).join(' ')}`, held[0]!.code, now);
      return { kind: 'held' as const, held };
    }
    await holdEntries(tx, fileId, SEND_REFERENCE_HOLD_MESSAGE, 'reference_changed', now, { byReference: true });

    const depositId = crypto.randomUUID();
    const claimed = await deposits.claim(tx, {
      id: depositId,
      firmId: file.firm_id,
      fileId,
      blobName: depositBlobName(file.dossier_code, depositId),
      now,
      leaseSeconds: s.config.DEPOSIT_LEASE_SECONDS,
      entries: { where: `${SENDABLE} and not ${HELD_BY_REFERENCE}` },
    });
    if (!claimed) return { kind: 'nothing' as const };
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

/**
 * Entries ready to go but held (all of them: a prerequisite or the connection; `byReference`: those
 * the reference data no longer accepts): say why once, not at every run.
 */
async function holdEntries(
  tx: Queryable,
  fileId: string,
  message: string,
  code: string,
  now: Date,
  opts: { byReference?: boolean } = {},
): Promise<void> {
  const changed = await outcomes.held(tx, { fileId, message, now, ...opts });
  if (changed.length)
    await attempts.record(tx, { entryIds: changed }, { kind: 'send', outcome: 'held', at: now, errorCode: code, detail: message });
}

const SENT_MESSAGE = text('life.sent');
export type SendKind = 'send' | 'resend';

/** When a deposit sent now gets its own check: every deposit, re-sends included. */
const verifyAtFor = (s: Services, now: Date) => new Date(now.getTime() + s.config.VERIFY_AFTER_HOURS * HOUR);

async function enqueueCheck(s: Services, depositId: string, now: Date): Promise<void> {
  await s.jobs.send(verifyDepositJob, { depositId }, { startAfter: verifyAtFor(s, now) });
}

/** The blob is in the container: deposit `uploaded`, entries `sent`, one attempt each. False if another run did it. */
export async function markUploaded(
  s: Services,
  dep: Pick<deposits.DepositRow, 'id'>,
  kind: SendKind,
  now: Date,
  facts: {
    etag: string | null;
    sizeBytes: number | null;
    errorCode?: string;
    detail: string;
  },
): Promise<boolean> {
  const done = await asService(s.db, async (tx) => {
    const moved = await deposits.tryTransition(
      deposits.uploaded(tx, dep.id, {
        now,
        etag: facts.etag,
        sizeBytes: facts.sizeBytes,
        verifyAt: verifyAtFor(s, now),
        message: SENT_MESSAGE,
        resend: kind === 'resend' ? resentWording(s.config.NIGHTLY_ATTEMPTS) : null,
      }),
    );
    if (moved === false) return false;
    const n = await attempts.record(
      tx,
      { depositId: dep.id },
      { kind, outcome: 'sent', at: now, errorCode: facts.errorCode ?? null, detail: facts.detail },
    );
    s.log.info({ depositId: dep.id, kind, entries: n }, kind === 'send' ? 'deposit sent' : 'deposit re-sent');
    return true;
  });
  if (done) {
    meter.depositMade(kind); // once per deposit: only the run that moved it to uploaded counts it
    await enqueueCheck(s, dep.id, now);
  }
  return done;
}

/** The upload started and nothing says whether it landed: `unconfirmed`, settled later. */
async function markUnconfirmed(
  s: Services,
  dep: Pick<deposits.DepositRow, 'id'>,
  kind: SendKind,
  now: Date,
  absentSeen: boolean,
): Promise<void> {
  const done = await asService(s.db, async (tx) => {
    const moved = await deposits.tryTransition(
      deposits.unconfirmed(tx, dep.id, {
        now,
        verifyAt: verifyAtFor(s, now),
        absentSeen,
        message: SENT_MESSAGE,
        resend: kind === 'resend' ? resentWording(s.config.NIGHTLY_ATTEMPTS) : null,
      }),
    );
    if (moved === false) return false;
    const n = await attempts.record(
      tx,
      { depositId: dep.id },
      {
        kind,
        outcome: 'sent',
        at: now,
        errorCode: 'upload_unconfirmed',
        detail: text('life.upload_unconfirmed'),
      },
    );
    s.log.info({ depositId: dep.id, kind, entries: n }, 'deposit upload unconfirmed');
    return true;
  });
  if (done) await enqueueCheck(s, dep.id, now);
}

/**
 * Gives a deposit's entries back when it is certain nothing of it reached the container: they go
 * back to `pending` (first sends to the next automatic send, re-sends to the next night).
 */
async function release(
  s: Services,
  depositId: string,
  kind: SendKind,
  now: Date,
  e: { code: string; message: string },
  beforeUpload = false,
): Promise<void> {
  await asService(s.db, async (tx) => {
    // Attempts first, while the entries still point at the deposit.
    const n = await attempts.record(tx, { depositId }, { kind, outcome: 'error', at: now, errorCode: e.code, detail: e.message });
    if (
      (await deposits.tryTransition(
        deposits.released(tx, depositId, { now, errorCode: e.code, message: text('life.not_sent', { reason: e.message }), beforeUpload }),
      )) === false
    ) {
      throw new deposits.DepositTransitionRefused('released', depositId, 'condition'); // roll the attempts back
    }
    s.log.info({ depositId, kind, entries: n, code: e.code }, 'deposit released');
  }).catch((err) => {
    if (!deposits.isRefusal(err)) throw err;
  });
}

// An AppError is already worded for the user (the connection no longer usable, when it changed
// between the claim and the upload).
const userError = (err: unknown) =>
  isCegidError(err)
    ? err.toUserError()
    : err instanceof AppError
      ? { code: err.code, message: err.message }
      : {
          code: 'deposit_failed',
          message: text('life.build_failed'),
        };

/**
 * Steps 2 and 3 for a claimed deposit: build, mark the upload as started, upload once, settle.
 * Nothing uploaded (a build error, an answer proving nothing was stored) releases the entries;
 * any other failure leaves the upload unconfirmed: the container is asked at once, and if the
 * blob is not there the deposit is settled from Quadra after the grace period (unconfirmed.ts).
 */
export async function uploadDeposit(
  s: Services,
  depositId: string,
  opts: { kind: SendKind; now: Date; clients?: CegidClients },
): Promise<SendOutcome> {
  const { now, kind } = opts;
  const dep = await asService(s.db, (tx) => deposits.get(tx, depositId));
  if (dep?.status !== 'preparing') return { fileId: dep?.file_id ?? '', depositId, entries: 0, lines: 0 };

  let built: Awaited<ReturnType<typeof buildDepositZip>>;
  let clients: CegidClients;
  try {
    built = await asService(s.db, async (tx) => {
      const padding = await accountPadding(tx, dep.file_id);
      return buildDepositZip(tx, depositId, dep.seq, padding);
    });
    clients = opts.clients ?? (await clientsForFirm(s, dep.firm_id));
    // Reaching the firm's container first: a failure here certainly uploaded nothing.
    await clients.cfe.resolveContainer();
    const started = await asService(s.db, (tx) =>
      deposits.tryTransition(
        deposits.uploadStarted(tx, depositId, { now, sizeBytes: built.zip.length, leaseSeconds: s.config.DEPOSIT_LEASE_SECONDS }),
      ),
    );
    if (started === false) return { fileId: dep.file_id, depositId, entries: 0, lines: 0 };
  } catch (err) {
    // Nothing left this process: the entries go back, unless another run has started the upload.
    if (!isCegidError(err) && !(err instanceof AppError)) s.log.error({ err: logError(err), depositId }, 'deposit could not be prepared');
    await release(s, depositId, kind, now, userError(err), true);
    return { fileId: dep.file_id, depositId, entries: 0, lines: 0, error: userError(err) };
  }

  // For the person reading the timeline: what went, not where (the blob's name is the deposit's, for developers).
  const count = built.ascii.entryIds.length;
  const detail = text(`life.deposited_${count === 1 ? 'one' : 'many'}${dep.replaces_id ? '_replacing' : ''}` as const, {
    entries: count,
    lines: built.ascii.lineCount,
  });
  const done = { fileId: dep.file_id, depositId, entries: built.ascii.entryIds.length, lines: built.ascii.lineCount };
  let answer: { etag: string } | { error: unknown };
  try {
    answer = await clients.cfe.upload(dep.blob_name, built.zip, { depositid: dep.id, entries: String(built.ascii.entryIds.length) });
  } catch (err) {
    answer = { error: err };
  }
  if ('etag' in answer) {
    await markUploaded(s, dep, kind, now, { etag: answer.etag, sizeBytes: built.zip.length, detail });
    return done;
  }
  const e = userError(answer.error);
  if (provesNothingStored(answer.error)) {
    await release(s, depositId, kind, now, e);
    return { ...done, entries: 0, lines: 0, error: e };
  }
  // Unconfirmed: the blob in the container proves it landed; its absence proves nothing.
  let landed: boolean | undefined;
  try {
    landed = await clients.cfe.exists(dep.blob_name);
  } catch {
    landed = undefined;
  }
  if (landed) await markUploaded(s, dep, kind, now, { etag: null, sizeBytes: built.zip.length, detail });
  else await markUnconfirmed(s, dep, kind, now, landed === false);
  return done;
}

/**
 * A deposit left `preparing` whose lease ran out (its run crashed). Never sent under a new name:
 * if its upload never started it is uploaded now under its own name; if it started, the blob in
 * the container says it landed; otherwise it is unconfirmed, and settled like a lost answer.
 */
export async function recoverDeposit(s: Services, depositId: string, now: Date = s.now()): Promise<void> {
  const dep = await asService(s.db, (tx) => deposits.tryTransition(deposits.takeOver(tx, depositId, s.config.DEPOSIT_LEASE_SECONDS)));
  if (dep === false) return;
  const kind: SendKind = (await asService(s.db, (tx) => deposits.isResend(tx, dep))) ? 'resend' : 'send';
  if (!dep.upload_started_at) {
    await uploadDeposit(s, depositId, { kind, now });
    return;
  }
  const clients = await clientsForFirm(s, dep.firm_id);
  let present: boolean | undefined;
  try {
    present = await clients.cfe.exists(dep.blob_name);
  } catch {
    present = undefined;
  }
  if (present)
    await markUploaded(s, dep, kind, now, {
      etag: null,
      sizeBytes: null,
      detail: text('life.upload_recorded'),
    });
  else await markUnconfirmed(s, dep, kind, now, present === false);
}
