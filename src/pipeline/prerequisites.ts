// A file's prerequisites: the repository reads what they are judged on, the domain judges.
import type { Queryable } from '../db/database.ts';
import { firmFilesWithFacts, prerequisiteFacts, type ClientFileRow } from '../db/repos/reference.ts';
import { checkPrerequisites, type PrerequisitesResult } from '../domain/prerequisites.ts';

/**
 * A file's prerequisites from its reference data still in Quadra. The entry pipeline calls this
 * before every deposit; `today` is YYYY-MM-DD.
 */
export async function loadFilePrerequisites(tx: Queryable, fileId: string, today: string): Promise<PrerequisitesResult> {
  return checkPrerequisites({ ...(await prerequisiteFacts(tx, [fileId])).get(fileId)!, today });
}

/** The firm's files with their prerequisites, in one statement; undefined when the firm is not the caller's. */
export async function firmFilesWithPrerequisites(
  q: Queryable,
  firmId: string,
  today: string,
): Promise<Array<{ file: ClientFileRow; prerequisites: PrerequisitesResult }> | undefined> {
  const files = await firmFilesWithFacts(q, firmId);
  return files?.map(({ periods, accounts, journals, ...file }) => ({
    file,
    prerequisites: checkPrerequisites({ periods, accounts, journals, today }),
  }));
}
