// The hub pushes validated entries: pre-flight each one, store the accepted ones in a handful of
// set-based statements, answer per entry. Replays of the same Idempotency-Key get the first answer.
import { createHash } from 'node:crypto';
import type { Queryable } from '../db/database.ts';
import { findByExternalIds, loadFileReference, lockFile, pendingAccounts, upsertEntries, type FileRow } from '../db/repos/entries.ts';
import { pendingAccountLabels } from '../db/repos/account-labels.ts';
import { labelsToSend, sentBeforeShorts } from '../domain/entries/account-labels.ts';
import { checkBatch, type EntryInput } from '../domain/entries/validate.ts';
import type { Issue } from '../domain/entries/issues.ts';
import { AppError, conflict, notFound } from '../lib/errors.ts';
import { idempotentAnswer, rememberAnswer } from '../db/repos/idempotency.ts';
import { msg, text } from '../i18n/index.ts';

export type PushResult = { id: string; externalId: string; status: 'pending'; warnings: Issue[] } | { externalId: string; errors: Issue[] };

export interface PushAnswer {
  status: number;
  body: { fileId: string; accepted: number; refused: number; entries: PushResult[] };
}

/** What is sent back: the status and the exact JSON text (a replay sends the first one's bytes). */
export interface PushReply {
  status: number;
  text: string;
}

export function requestHash(fileId: string, body: unknown): string {
  return createHash('sha256').update(fileId).update('\n').update(JSON.stringify(body)).digest('hex');
}

/** Must run in a user-scoped transaction: RLS decides which file the caller can reach. */
export async function pushEntries(
  tx: Queryable,
  fileId: string,
  idempotencyKey: string,
  entries: EntryInput[],
  rawBody: unknown,
): Promise<PushReply> {
  const file = await lockFile(tx, fileId);
  if (!file) throw notFound('File');
  if (file.gone_at) throw new AppError('file_gone', msg('error.file_gone_push'));

  const hash = requestHash(fileId, rawBody);
  // The file lock above serialises replays of one key, so this read is decisive.
  const prior = await idempotentAnswer(tx, file.firm_id, idempotencyKey);
  if (prior) {
    if (prior.request_hash !== hash) {
      throw conflict('idempotency_key_reused', msg('error.idempotency_key_reused'));
    }
    return { status: prior.status_code, text: prior.response };
  }

  const answer = await storeBatch(tx, file, entries);
  const text = JSON.stringify(answer.body);
  await rememberAnswer(tx, {
    firmId: file.firm_id,
    key: idempotencyKey,
    fileId: file.id,
    requestHash: hash,
    status: answer.status,
    response: text,
  });
  return { status: answer.status, text };
}

async function storeBatch(tx: Queryable, file: FileRow, entries: EntryInput[]): Promise<PushAnswer> {
  const allDocs = [...new Set(entries.flatMap((e) => e.documentIds ?? []))];
  const ref = await loadFileReference(tx, file, allDocs);
  const pending = await pendingAccounts(tx, file.id, { externalIds: entries.map((e) => e.externalId) });
  if (file.send_account_labels) {
    // Entries already waiting were pushed first: their labels win (the rule of the deposit's C records).
    const earlier = await pendingAccountLabels(tx, file.id, { externalIds: entries.map((e) => e.externalId) });
    const sentBefore = sentBeforeShorts(
      [...(ref.sentAccounts ?? [])].map((a) => a.written),
      file.account_padding,
    );
    ref.labelsToSend = labelsToSend(earlier, file.account_padding, new Map(), sentBefore);
  }
  const existing = await findByExternalIds(
    tx,
    file.firm_id,
    entries.map((e) => e.externalId),
  );
  const checks = checkBatch(entries, ref, pending);

  const results: PushResult[] = [];
  const accepted: Array<{ input: EntryInput; warnings: Issue[] }> = [];
  entries.forEach((e, i) => {
    const check = checks[i]!;
    const known = existing.get(e.externalId);
    if (known && known.file_id !== file.id) {
      check.errors.push({
        code: 'external_id_in_other_file',
        field: 'externalId',
        message: text('issue.external_id_other_file', { id: e.externalId }),
      });
    } else if (known && (known.status !== 'pending' || known.deposit_id !== null || known.batch_deposit_id !== null)) {
      // Sent at least once: its first version may be in Quadra under its reference, so it is never rewritten.
      const code = known.status === 'posted' ? 'already_posted' : known.status === 'failed_check' ? 'entry_failed_check' : 'already_sent';
      const message =
        known.status === 'failed_check'
          ? `Entry ${e.externalId} failed its check: correct it with PUT /v1/entries/${known.id}, then revalidate it`
          : `Entry ${e.externalId} was already ${known.status === 'posted' ? 'posted in Quadra' : 'sent to Quadra'}: it cannot be replaced`;
      check.errors.push({ code, field: 'externalId', message, details: { entryId: known.id, status: known.status } });
    }
    if (check.errors.length) results.push({ externalId: e.externalId, errors: check.errors });
    else {
      accepted.push({ input: e, warnings: check.warnings });
      results.push({ id: '', externalId: e.externalId, status: 'pending', warnings: check.warnings });
    }
  });

  const ids = await upsertEntries(tx, file, accepted);
  for (const r of results) if ('id' in r) r.id = ids.get(r.externalId)!;
  const refused = results.filter((r) => 'errors' in r).length;
  return { status: 202, body: { fileId: file.id, accepted: results.length - refused, refused, entries: results } };
}
