// Setting and removing a file's account mappings. Runs in a user-scoped transaction (RLS decides
// which file the caller reaches) with the file locked, so a push or a send never sees half a change.
// The map decides which Quadra account money is posted to: only a firm administrator changes it
// (checked here for a clear 403, and by RLS for every other way in); members read it.
import type { Queryable } from '../db/database.ts';
import { deleteAccountMapping, listAccountMap, upsertAccountMapping, type AccountMapRow } from '../db/repos/account-maps.ts';
import { myRoleForFile } from '../db/repos/firms.ts';
import { loadFileReference, lockFile, pendingAccounts, type FileRow } from '../db/repos/entries.ts';
import { collisionsIntroduced, mappingWarnings } from '../domain/entries/account-map.ts';
import { writtenAccount } from '../domain/entries/validate.ts';
import type { Issue } from '../domain/entries/issues.ts';
import { AppError, conflict, forbidden, notFound } from '../lib/errors.ts';
import { msg, text } from '../i18n/index.ts';

export interface MappingView {
  hubAccount: string;
  quadraAccount: string;
  quadraLabel: string | null;
  createdAt: string;
  updatedAt: string;
}

export const mappingView = (r: AccountMapRow): MappingView => ({
  hubAccount: r.hub_account,
  quadraAccount: r.quadra_account,
  quadraLabel: r.quadra_label,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

export const ACCOUNT_MAP_ADMIN_ONLY = text('error.account_map_admin_only');

/** The file, locked, for a change of its map by an administrator of its firm. */
async function openFileToChange(tx: Queryable, userId: string, fileId: string): Promise<FileRow> {
  // Asked before taking the file's lock: a refused caller holds up no push or send.
  const role = await myRoleForFile(tx, userId, fileId);
  if (!role) throw notFound('File');
  if (role !== 'admin') throw forbidden(msg('error.account_map_admin_only'));
  const file = await lockFile(tx, fileId);
  if (!file) throw notFound('File');
  if (file.gone_at) throw new AppError('file_gone', msg('error.file_gone'));
  return file;
}

export async function listMappings(tx: Queryable, fileId: string): Promise<MappingView[]> {
  if (!(await lockFile(tx, fileId))) throw notFound('File');
  return (await listAccountMap(tx, fileId)).map(mappingView);
}

/** Refuses a change of the map that would merge a pending entry's account with another of the hub's. */
async function refuseNewCollisions(
  tx: Queryable,
  file: FileRow,
  after: Map<string, string>,
): Promise<{ ref: Awaited<ReturnType<typeof loadFileReference>>; pending: Awaited<ReturnType<typeof pendingAccounts>> }> {
  const ref = await loadFileReference(tx, file);
  const pending = await pendingAccounts(tx, file.id);
  const introduced = collisionsIntroduced({ before: ref.accountMap ?? new Map(), after, pending }, ref);
  if (introduced.length) {
    const [first] = introduced;
    throw conflict(
      'account_map_collision',
      msg('error.account_map_collision', { account: first!.account, truncated: first!.truncated, others: first!.collidesWith.join(', ') }),
      { collisions: introduced },
    );
  }
  return { ref, pending };
}

export async function setMapping(
  tx: Queryable,
  userId: string,
  fileId: string,
  hub: string,
  quadra: string,
): Promise<{ mapping: MappingView; created: boolean; warnings: Issue[] }> {
  const file = await openFileToChange(tx, userId, fileId);
  const current = new Map((await listAccountMap(tx, fileId)).map((m) => [m.hub_account, m.quadra_account]));
  const after = new Map(current).set(hub, quadra);
  const { ref, pending } = await refuseNewCollisions(tx, file, after);
  const others = pending.map((p) => (typeof p === 'string' ? { hub: p, written: writtenAccount(p, { accountMap: after }) } : p));
  const warnings = mappingWarnings(hub, quadra, ref, others);
  const { row, created } = await upsertAccountMapping(tx, file, hub, quadra);
  return { mapping: mappingView(row), created, warnings };
}

export async function removeMapping(tx: Queryable, userId: string, fileId: string, hub: string): Promise<void> {
  const file = await openFileToChange(tx, userId, fileId);
  const after = new Map((await listAccountMap(tx, fileId)).map((m) => [m.hub_account, m.quadra_account]));
  if (!after.delete(hub)) throw new AppError('mapping_not_found', msg('error.mapping_not_found', { hub }));
  await refuseNewCollisions(tx, file, after);
  await deleteAccountMapping(tx, fileId, hub);
}
