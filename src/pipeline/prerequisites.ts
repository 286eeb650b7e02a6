// A file's prerequisites: the repository reads what they are judged on, the domain judges.
import type { Queryable } from '../db/database.ts';
import { prerequisiteFacts } from '../db/repos/reference.ts';
import { checkPrerequisites, type PrerequisitesResult } from '../domain/prerequisites.ts';

/** Prerequisites of several files in three queries (runs under RLS for users, or as service). */
export async function prerequisitesOf(tx: Queryable, fileIds: string[], today: string): Promise<Map<string, PrerequisitesResult>> {
  if (fileIds.length === 0) return new Map();
  const facts = await prerequisiteFacts(tx, fileIds);
  return new Map(fileIds.map((id) => [id, checkPrerequisites({ ...facts.get(id)!, today })]));
}

/**
 * A file's prerequisites from its reference data still in Quadra. The entry pipeline calls this
 * before every deposit; `today` is YYYY-MM-DD.
 */
export async function loadFilePrerequisites(tx: Queryable, fileId: string, today: string): Promise<PrerequisitesResult> {
  return (await prerequisitesOf(tx, [fileId], today)).get(fileId)!;
}
