// The audit (beyond the brief): for a week after posting, each night looks again at what Quadra
// holds of the file's posted entries. A copy that arrived after the entry was posted, or an earlier
// version of an entry that was corrected and validated again, is flagged on the entry and in its
// history.
import * as attempts from '../db/repos/attempts.ts';
import * as outcomes from '../db/repos/entry-outcomes.ts';
import { getFile } from '../db/repos/entries.ts';
import { asService } from '../db/scoped.ts';
import type { Services } from '../services.ts';
import { clientsForFirm } from './firm-clients.ts';
import { collectWithLines, type DueEntry } from './quadra-read.ts';
import { filesPostedSince, postedSince } from '../db/repos/due-entries.ts';
import { text } from '../i18n/index.ts';

const AUDIT_DAYS = 7;
/** The start of the audit's week, for posted entries. */
const auditSince = (now: Date) => new Date(now.getTime() - AUDIT_DAYS * 86_400_000);

export async function auditPosted(s: Services, fileId: string, now: Date = s.now()): Promise<number> {
  const ctx = await asService(s.db, async (tx) => {
    const file = await getFile(tx, fileId);
    const entries = await postedSince(tx, fileId, auditSince(now));
    return file && entries.length ? { file, entries } : undefined;
  });
  if (!ctx) return 0;
  const { results, references } = await collectWithLines(s, await clientsForFirm(s, ctx.file.firm_id), ctx.file, ctx.entries);
  const twice = ctx.entries.filter((e) => results.get(e.id)?.state === 'duplicate');
  const earlier = ctx.entries.filter((e) => e.previous_refs.some((r) => references.has(r)) && !twice.includes(e));
  if (!twice.length && !earlier.length) return 0;
  const flaggedCount = await asService(s.db, async (tx) => {
    const flag = async (list: DueEntry[], code: string, detail: (e: DueEntry) => string) => {
      const flagged = await outcomes.flaggedDuplicate(tx, { ids: list.map((e) => e.id), now });
      for (const e of list.filter((x) => flagged.includes(x.id))) {
        await attempts.record(
          tx,
          { entryIds: [e.id] },
          { kind: 'verify', outcome: 'duplicate', at: now, errorCode: code, detail: detail(e) },
        );
      }
      return flagged.length;
    };
    return (
      (await flag(twice, 'found_twice', (e) =>
        text('life.found_twice_after_posted', { copies: (results.get(e.id) as { copies: number }).copies }),
      )) + (await flag(earlier, 'earlier_version_in_quadra', () => text('life.earlier_version')))
    );
  });
  if (flaggedCount) s.log.info({ fileId, flagged: flaggedCount }, 'posted entries flagged by the audit');
  return flaggedCount;
}

/** Files with entries posted in the last week (for the audit). */
export async function filesRecentlyPosted(s: Services, now: Date): Promise<string[]> {
  return asService(s.db, (tx) => filesPostedSince(tx, auditSince(now)));
}
