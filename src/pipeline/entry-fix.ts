// The fix of an entry: correct it (a failed_check entry, or one not yet sent), then validate it
// again. Runs in a user-scoped transaction: RLS decides which entry the caller reaches.
import type { Queryable } from '../db/database.ts';
import {
  entryInput,
  getFile,
  isInDeposit,
  loadFileReference,
  lockFile,
  pendingAccounts,
  revalidateEntry,
  upsertEntries,
} from '../db/repos/entries.ts';
import { entryDetail, getEntry, type EntryDetail, type EntrySummary } from '../db/repos/entry-reads.ts';
import { checkBatch, type EntryInput } from '../domain/entries/validate.ts';
import { conflict, notFound, unprocessable } from '../lib/errors.ts';
import { msg } from '../i18n/index.ts';

/** Re-runs the pre-flight rules on one entry against the file as it is now; errors refuse with 422. */
async function preflightOne(tx: Queryable, entry: EntrySummary, input: EntryInput) {
  const file = (await getFile(tx, entry.file_id))!;
  const ref = await loadFileReference(tx, file, input.documentIds ?? []);
  const others = await pendingAccounts(tx, file.id, { entryId: entry.id });
  const [check] = checkBatch([input], ref, others);
  if (check!.errors.length) throw unprocessable('entry_invalid', msg('error.entry_invalid'), { errors: check!.errors });
  return { file, warnings: check!.warnings };
}

/** The entry, read again once its file is locked against pushes and sends. */
async function lockedEntry(tx: Queryable, entryId: string): Promise<EntrySummary> {
  const entry = await getEntry(tx, entryId);
  if (!entry) throw notFound('Entry');
  await lockFile(tx, entry.file_id);
  return (await getEntry(tx, entryId))!;
}

export async function correctEntry(tx: Queryable, entryId: string, body: Omit<EntryInput, 'externalId'>): Promise<EntryDetail> {
  const current = await lockedEntry(tx, entryId);
  const editable = current.status === 'failed_check' || (current.status === 'pending' && !(await isInDeposit(tx, entryId)));
  if (!editable)
    throw conflict(
      'entry_not_editable',
      msg(current.status === 'posted' ? 'error.entry_not_editable.posted' : 'error.entry_not_editable.sent'),
    );
  const input: EntryInput = { ...body, externalId: current.external_id };
  const { file, warnings } = await preflightOne(tx, current, input);
  await upsertEntries(tx, file, [{ input, warnings }], { allowFailedCheck: true });
  return (await entryDetail(tx, entryId))!;
}

export async function revalidate(tx: Queryable, entryId: string, now: Date): Promise<EntryDetail> {
  const current = await lockedEntry(tx, entryId);
  if (current.status !== 'failed_check') throw conflict('entry_not_failed', msg('error.entry_not_failed', { status: current.status }));
  const { warnings } = await preflightOne(tx, current, await entryInput(tx, current));
  await revalidateEntry(tx, entryId, warnings, now);
  return (await entryDetail(tx, entryId))!;
}
