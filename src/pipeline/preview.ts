// The preview: exactly what the next deposit of a file would hold, and what the user should know
// about it — each fact once per entry, in one text. Account facts are judged now (the account map
// or Quadra's chart may have changed since the push); label facts are the ones stored at the push.
import type { Queryable } from '../db/database.ts';
import { getFile, heldEntries, loadFileReference, storedWarnings } from '../db/repos/entries.ts';
import { accountWarnings } from '../domain/entries/validate.ts';
import type { Issue } from '../domain/entries/issues.ts';
import type { PrerequisitesResult } from '../domain/prerequisites.ts';
import { decodeCp1252 } from '../format/encoding.ts';
import { truncateAccount } from '../format/quadra-format.ts';
import { notFound } from '../lib/errors.ts';
import { buildAscii, type AccountRecord } from './deposit-builder.ts';
import { loadFilePrerequisites } from './prerequisites.ts';
import { text } from '../i18n/index.ts';

export interface PreviewWarning extends Issue {
  entryId: string;
  externalId: string;
}
export interface MappedAccount {
  hubAccount: string;
  quadraAccount: string;
  quadraLabel: string | null;
  entries: number;
}

export interface Preview {
  prerequisites: PrerequisitesResult;
  entryCount: number;
  lineCount: number;
  ascii: string;
  warnings: PreviewWarning[];
  mappedAccounts: MappedAccount[];
  /** The `C` records the deposit starts with (the file sends account labels): accounts Quadra lacks. */
  accountRecords: AccountRecord[];
  /** Entries with a due date, and on how many of their customer or supplier lines it is written. */
  dueDates: Array<{ entryId: string; externalId: string; dueDate: string; thirdPartyLines: number }>;
  held: Array<{ entryId: string; externalId: string; reason: string }>;
}

/** Codes the preview recomputes from the lines as they are written now. */
const ACCOUNT_CODES = new Set(['account_truncated', 'account_unknown', 'account_mapped']);

/** Must run in a user-scoped transaction: RLS decides which file the caller can reach. */
export async function previewFile(tx: Queryable, fileId: string, today: string): Promise<Preview> {
  const file = await getFile(tx, fileId);
  if (!file) throw notFound('File');
  const prerequisites = await loadFilePrerequisites(tx, fileId, today);
  const ref = await loadFileReference(tx, file);
  const built = await buildAscii(
    tx,
    { fileId, sendable: true },
    { accountPadding: file.account_padding, chart: ref.chart ?? [], sendAccountLabels: file.send_account_labels, fileId },
  );
  // The unknown-account warning names the label the C record carries.
  ref.labelsToSend = new Map(built.accountRecords.flatMap((r) => (r.label ? [[r.account, r.label] as const] : [])));
  const stored = await storedWarnings(tx, built.entryIds);
  const held = await heldEntries(tx, fileId);

  const ext = new Map(stored.map((e) => [e.id, e.external_id]));
  const byEntry = new Map<string, Issue[]>(built.entryIds.map((id) => [id, []]));
  for (const e of stored) byEntry.get(e.id)?.push(...e.warnings.filter((w) => !ACCOUNT_CODES.has(w.code)));
  for (const d of built.dueDates) {
    if (d.thirdPartyLines > 0) continue;
    byEntry.get(d.entryId)?.push({
      code: 'due_date_not_written',
      field: 'dueDate',
      message: text('issue.due_date_not_written', { dueDate: d.dueDate }),
      details: { dueDate: d.dueDate },
    });
  }
  for (const a of built.accounts) byEntry.get(a.entryId)?.push(...accountWarnings(a.hub, ref, `lines.${a.lineNo - 1}.account`, a.written));
  // The writer's own reports add only what the rules do not already say: characters folded in an account.
  for (const { entryId, change } of built.changes) {
    if (change.kind === 'characters_folded' && change.field === 'account') {
      byEntry.get(entryId)?.push({
        code: 'account_folded',
        message: text('issue.account_encoded', { from: change.from, to: change.to }),
        details: { from: change.from, to: change.to },
      });
    }
  }

  const warnings: PreviewWarning[] = [];
  for (const [entryId, issues] of byEntry) {
    const seen = new Set<string>();
    for (const w of issues) {
      const key = `${w.code}\u0000${w.field ?? ''}\u0000${w.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      warnings.push({ ...w, entryId, externalId: ext.get(entryId) ?? '' });
    }
  }

  const mapped = new Map<string, MappedAccount>();
  for (const a of built.accounts) {
    if (a.written === a.hub) continue;
    const key = `${a.hub}\u0000${a.written}`;
    const quadraAccount = truncateAccount(a.written, { accountPadding: file.account_padding });
    const m = mapped.get(key) ?? {
      hubAccount: a.hub,
      quadraAccount,
      quadraLabel: ref.quadraAccounts.get(quadraAccount) ?? null,
      entries: 0,
    };
    m.entries++;
    mapped.set(key, m);
  }

  return {
    prerequisites,
    entryCount: built.entryIds.length,
    lineCount: built.lineCount,
    ascii: decodeCp1252(built.bytes),
    warnings,
    mappedAccounts: [...mapped.values()].sort((a, b) => a.hubAccount.localeCompare(b.hubAccount)),
    accountRecords: built.accountRecords,
    dueDates: built.dueDates.map((d) => ({ ...d, externalId: ext.get(d.entryId) ?? '' })),
    held: held.map((h) => ({
      entryId: h.id,
      externalId: h.external_id,
      reason: 'Its journal is closed or its date is outside every open period in Quadra',
    })),
  };
}
