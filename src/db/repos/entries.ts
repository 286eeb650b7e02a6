// Entries, their lines and documents: set-based writes (one statement per table per push, never a
// round trip per line); the hub's screens read through entry-reads.ts. Runs inside asUser or asService transactions.
import type { AccountUse, EntryInput, FileReference } from '../../domain/entries/validate.ts';
import type { Issue } from '../../domain/entries/issues.ts';
import type { Queryable } from '../database.ts';
import { revalidated } from './attempts.ts';
import type { EntrySummary, LineRow } from './entry-reads.ts';
import type { Row } from '../rows.ts';
import { text } from '../../i18n/index.ts';

// Stored in English (read back in the caller's language); a literal of the statement, so no quote in it.
const CORRECTED = text('life.corrected');

/** The condition for "pending, not in a deposit, not waiting for a night, and sendable as of now". */
export const SENDABLE = `e.status = 'pending' and e.deposit_id is null and e.next_attempt_at is null`;

/** Pending entries whose journal closed or whose date left every open period since the push. */
export const HELD_BY_REFERENCE = `(not exists (select 1 from public.journals j where j.file_id = e.file_id and j.code = e.journal_code and j.is_open and j.gone_at is null)
   or not exists (select 1 from public.periods p where p.file_id = e.file_id and p.status = 'open' and p.gone_at is null and e.entry_date between p.starts_on and p.ends_on))`;

export type FileRow = Pick<Row<'client_files'>, 'id' | 'firm_id' | 'dossier_code' | 'name' | 'waiting_open_since' | 'gone_at'> & {
  /** A check constraint keeps it to these two. */
  account_padding: 'space' | 'zero';
  send_account_labels: boolean;
};

/** The file, locked against concurrent pushes and sends (push and claim serialise per file). */
export async function lockFile(tx: Queryable, fileId: string): Promise<FileRow | undefined> {
  const r = await tx.query<FileRow>(
    'select id, firm_id, dossier_code, name, account_padding, send_account_labels, waiting_open_since, gone_at from public.client_files where id = $1 for update',
    [fileId],
  );
  return r.rows[0];
}

/** How many of the file's entries are ready to go (SENDABLE). */
export async function sendableCount(tx: Queryable, fileId: string): Promise<number> {
  return (await tx.query<{ n: number }>(`select count(*)::int as n from public.entries e where e.file_id = $1 and ${SENDABLE}`, [fileId]))
    .rows[0]!.n;
}

/** How the file pads accounts shorter than Quadra's 8 characters. */
export async function accountPadding(tx: Queryable, fileId: string): Promise<'space' | 'zero'> {
  return (await tx.query<{ account_padding: 'space' | 'zero' }>('select account_padding from public.client_files where id = $1', [fileId]))
    .rows[0]!.account_padding;
}

export async function getFile(tx: Queryable, fileId: string): Promise<FileRow | undefined> {
  const r = await tx.query<FileRow>(
    'select id, firm_id, dossier_code, name, account_padding, send_account_labels, waiting_open_since, gone_at from public.client_files where id = $1',
    [fileId],
  );
  return r.rows[0];
}

/** A file's night lease, in database time, with an owner: it guards real concurrent runs. */
export async function takeNightLease(tx: Queryable, fileId: string, owner: string, seconds: number): Promise<boolean> {
  const r = await tx.query(
    `update public.client_files set night_lease_until = now() + make_interval(secs => $3), night_lease_owner = $2
      where id = $1 and (night_lease_until is null or night_lease_until < now())`,
    [fileId, owner, seconds],
  );
  return r.affectedRows === 1;
}

/**
 * Whether this run still holds the file's night (no other run took it over after it ran out).
 * Locks the file row, so no run can take the night over until the caller's transaction ends.
 */
export async function holdsNightLease(tx: Queryable, fileId: string, owner: string): Promise<boolean> {
  return (
    (await tx.query('select 1 from public.client_files where id = $1 and night_lease_owner = $2 for update', [fileId, owner])).rows
      .length === 1
  );
}

/** A run releases only its own lease. */
export async function releaseNightLease(tx: Queryable, fileId: string, owner: string): Promise<void> {
  await tx.query(
    'update public.client_files set night_lease_until = null, night_lease_owner = null where id = $1 and night_lease_owner = $2',
    [fileId, owner],
  );
}

/** The file's Quadra reference data as the pre-flight rules need it. */
export async function loadFileReference(tx: Queryable, file: FileRow, documentIds: string[] = []): Promise<FileReference> {
  // One statement at a time: a transaction is one connection.
  const periods = await tx.query<{ starts_on: string; ends_on: string; status: 'open' | 'closed' }>(
    'select starts_on, ends_on, status from public.periods where file_id = $1 and gone_at is null',
    [file.id],
  );
  const journals = await tx.query<{ code: string; is_open: boolean }>(
    'select code, is_open from public.journals where file_id = $1 and gone_at is null',
    [file.id],
  );
  const accounts = await tx.query<{ number: string; label: string; kind: 'general' | 'customer' | 'supplier'; collective: string | null }>(
    'select number, label, kind, collective from public.accounts where file_id = $1 and gone_at is null',
    [file.id],
  );
  const map = await tx.query<{ hub_account: string; quadra_account: string }>(
    'select hub_account, quadra_account from public.account_maps where file_id = $1',
    [file.id],
  );
  // How each account already sent travelled: Quadra holds it that way, whatever the map says now.
  const sent = await tx.query<{ hub: string; written: string }>(
    `select distinct l.account as hub, coalesce(l.quadra_account, l.account) as written
       from public.entry_lines l join public.entries e on e.id = l.entry_id and e.firm_id = l.firm_id
      where e.file_id = $1 and e.batch_deposit_id is not null`,
    [file.id],
  );
  const docs = documentIds.length
    ? await tx.query<{ id: string }>('select id from public.documents where file_id = $1 and id = any($2::uuid[])', [file.id, documentIds])
    : { rows: [] as Array<{ id: string }> };
  return {
    fileId: file.id,
    periods: periods.rows.map((p) => ({ startsOn: p.starts_on, endsOn: p.ends_on, status: p.status })),
    journals: journals.rows.map((j) => ({ code: j.code, isOpen: j.is_open })),
    quadraAccounts: new Map(accounts.rows.map((a) => [a.number, a.label])),
    chart: accounts.rows.map((a) => ({ number: a.number, kind: a.kind, collective: a.collective })),
    sendAccountLabels: file.send_account_labels,
    accountMap: new Map(map.rows.map((m) => [m.hub_account, m.quadra_account])),
    documentIds: new Set(docs.rows.map((d) => d.id)),
    sentAccounts: sent.rows,
    accountPadding: file.account_padding,
  };
}

/**
 * Accounts used by the file's entries still waiting to be sent (for truncation collisions): the
 * hub's account, or how it travels once a deposit fixed it. Entries named in `except` are left out
 * (a push replacing them brings their new lines).
 */
export async function pendingAccounts(
  tx: Queryable,
  fileId: string,
  except: { externalIds?: string[]; entryId?: string } = {},
): Promise<Array<string | AccountUse>> {
  const r = await tx.query<{ account: string; quadra_account: string | null }>(
    `select distinct l.account, l.quadra_account from public.entry_lines l join public.entries e on e.id = l.entry_id and e.firm_id = l.firm_id
      where e.file_id = $1 and e.status = 'pending' and not (e.external_id = any($2::text[])) and e.id is distinct from $3::uuid`,
    [fileId, except.externalIds ?? [], except.entryId ?? null],
  );
  return r.rows.map((x) => (x.quadra_account === null ? x.account : { hub: x.account, written: x.quadra_account }));
}

/**
 * Fixes, on the lines of a deposit's entries not sent before, the account they are sent as (the
 * file's account map applied now): later map changes never rewrite what Quadra received.
 */
export async function fixSentAccounts(tx: Queryable, depositId: string): Promise<number> {
  const r = await tx.query(
    `update public.entry_lines l set quadra_account = coalesce(
        (select m.quadra_account from public.account_maps m where m.file_id = e.file_id and m.hub_account = l.account), l.account)
       from public.entries e
      where e.deposit_id = $1 and l.entry_id = e.id and l.firm_id = e.firm_id and l.quadra_account is null`,
    [depositId],
  );
  return r.affectedRows;
}

/** The warnings stored with each entry at its push. */
export async function storedWarnings(
  tx: Queryable,
  entryIds: string[],
): Promise<Array<{ id: string; external_id: string; warnings: Issue[] }>> {
  return (
    await tx.query<{ id: string; external_id: string; warnings: Issue[] }>(
      'select e.id, e.external_id, e.warnings from public.entries e where e.id = any($1::uuid[])',
      [entryIds],
    )
  ).rows;
}

/** Ready entries of a file that its reference data holds back (journal closed, date outside open periods). */
export async function heldEntries(tx: Queryable, fileId: string): Promise<Array<{ id: string; external_id: string }>> {
  return (
    await tx.query<{ id: string; external_id: string }>(
      `select e.id, e.external_id from public.entries e where e.file_id = $1 and ${SENDABLE} and ${HELD_BY_REFERENCE}`,
      [fileId],
    )
  ).rows;
}

/** Which of the file's entries `ids` its reference data holds back now (the rule of a first send, for a night's re-send). */
export async function heldByReference(tx: Queryable, fileId: string, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  return (
    await tx.query<{ id: string }>(
      `select e.id from public.entries e where e.file_id = $1 and e.id = any($2::uuid[]) and ${HELD_BY_REFERENCE}`,
      [fileId, ids],
    )
  ).rows.map((r) => r.id);
}

/** Sent at least once (or being sent): its content is what Quadra may hold, so it stays as it is. */
export async function isInDeposit(tx: Queryable, entryId: string): Promise<boolean> {
  const r = await tx.query<{ deposit_id: string | null; batch_deposit_id: string | null }>(
    'select deposit_id, batch_deposit_id from public.entries where id = $1',
    [entryId],
  );
  return r.rows[0]?.deposit_id != null || r.rows[0]?.batch_deposit_id != null;
}

/**
 * A corrected failed_check entry back to pending, with a new reference (verification must never
 * mistake the old, failed version for this one) and the user's revalidation in its history.
 */
export async function revalidateEntry(tx: Queryable, entryId: string, warnings: Issue[], now: Date): Promise<void> {
  await tx.query(
    `update public.entries set status = 'pending', nights_tried = 0, next_attempt_at = null, deposit_id = null, batch_deposit_id = null,
            duplicate_in_quadra = false, status_message = null, warnings = $2, sent_at = null, posted_at = null, updated_at = $3,
            previous_refs = previous_refs || quadra_ref,
            quadra_ref = 'Q' || lpad(nextval('public.quadra_ref_seq')::text, 9, '0')
      where id = $1`,
    [entryId, JSON.stringify(warnings), now],
  );
  await revalidated(tx, entryId, now);
}

export type ExistingEntry = Pick<Row<'entries'>, 'id' | 'external_id' | 'file_id' | 'status' | 'deposit_id' | 'batch_deposit_id'>;

export async function findByExternalIds(tx: Queryable, firmId: string, externalIds: string[]): Promise<Map<string, ExistingEntry>> {
  const r = await tx.query<ExistingEntry>(
    'select id, external_id, file_id, status, deposit_id, batch_deposit_id from public.entries where firm_id = $1 and external_id = any($2::text[])',
    [firmId, externalIds],
  );
  return new Map(r.rows.map((x) => [x.external_id, x]));
}

export interface StoredEntry {
  input: EntryInput;
  warnings: Issue[];
}

/**
 * Inserts new entries and replaces the content of known, not yet sent ones, keeping their id and
 * history. Five statements whatever the batch size.
 */
export async function upsertEntries(
  tx: Queryable,
  file: FileRow,
  entries: StoredEntry[],
  opts: { allowFailedCheck?: boolean } = {},
): Promise<Map<string, string>> {
  if (entries.length === 0) return new Map();
  const rows = entries.map(({ input: e, warnings }) => ({
    external_id: e.externalId,
    kind: e.kind,
    journal_code: e.journalCode,
    entry_date: e.date,
    piece_ref: e.pieceRef ?? null,
    label: e.label,
    due_date: e.dueDate ?? null,
    warnings,
    total_cents: e.lines.reduce((s, l) => s + l.debit, 0),
    line_count: e.lines.length,
  }));
  const upserted = await tx.query<{ id: string; external_id: string }>(
    `insert into public.entries as e (firm_id, file_id, external_id, kind, journal_code, entry_date, piece_ref, label, due_date, warnings, total_cents, line_count)
     select $1, $2, x.external_id, x.kind, x.journal_code, x.entry_date, x.piece_ref, x.label, x.due_date, x.warnings, x.total_cents, x.line_count
       from jsonb_to_recordset($3::jsonb) as x(external_id text, kind public.entry_kind, journal_code text, entry_date date,
            piece_ref text, label text, due_date date, warnings jsonb, total_cents bigint, line_count integer)
     on conflict (firm_id, external_id) do update set
       kind = excluded.kind, journal_code = excluded.journal_code, entry_date = excluded.entry_date, piece_ref = excluded.piece_ref,
       label = excluded.label, due_date = excluded.due_date, warnings = excluded.warnings, total_cents = excluded.total_cents, line_count = excluded.line_count,
       status_message = case when e.status = 'failed_check' then '${CORRECTED}' end, updated_at = now()
       where e.file_id = excluded.file_id
         and ((e.status = 'pending' and e.deposit_id is null and e.batch_deposit_id is null) or (e.status = 'failed_check' and $4::boolean))
     returning e.id, e.external_id`,
    [file.firm_id, file.id, JSON.stringify(rows), opts.allowFailedCheck ?? false],
  );
  const ids = new Map(upserted.rows.map((r) => [r.external_id, r.id]));
  if (ids.size !== entries.length) throw new Error('an entry changed state while it was being replaced');
  const idList = [...ids.values()];
  await tx.query('delete from public.entry_documents where entry_id = any($1::uuid[])', [idList]);
  await tx.query('delete from public.entry_lines where entry_id = any($1::uuid[])', [idList]);
  const lines = entries.flatMap(({ input: e }) =>
    e.lines.map((l, i) => ({
      entry_id: ids.get(e.externalId),
      line_no: i + 1,
      account: l.account,
      label: l.label ?? null,
      account_label: l.accountLabel || null,
      debit: l.debit,
      credit: l.credit,
    })),
  );
  await tx.query(
    `insert into public.entry_lines (entry_id, line_no, firm_id, account, label, account_label, debit_cents, credit_cents)
     select x.entry_id, x.line_no, $1, x.account, x.label, x.account_label, x.debit, x.credit
       from jsonb_to_recordset($2::jsonb) as x(entry_id uuid, line_no integer, account text, label text, account_label text, debit bigint, credit bigint)`,
    [file.firm_id, JSON.stringify(lines)],
  );
  const docs = entries.flatMap(({ input: e }) =>
    [...new Set(e.documentIds ?? [])].map((d) => ({ entry_id: ids.get(e.externalId), document_id: d })),
  );
  if (docs.length) {
    await tx.query(
      `insert into public.entry_documents (entry_id, document_id, firm_id)
       select x.entry_id, x.document_id, $1 from jsonb_to_recordset($2::jsonb) as x(entry_id uuid, document_id uuid)`,
      [file.firm_id, JSON.stringify(docs)],
    );
  }
  return ids;
}

export async function entryInput(tx: Queryable, entry: EntrySummary): Promise<EntryInput> {
  const lines = await tx.query<LineRow>(
    'select line_no, account, label, account_label, debit_cents, credit_cents from public.entry_lines where entry_id = $1 order by line_no',
    [entry.id],
  );
  const docs = await tx.query<{ document_id: string }>('select document_id from public.entry_documents where entry_id = $1', [entry.id]);
  return {
    externalId: entry.external_id,
    kind: entry.kind as EntryInput['kind'],
    journalCode: entry.journal_code,
    date: entry.entry_date,
    pieceRef: entry.piece_ref ?? undefined,
    label: entry.label,
    dueDate: entry.due_date ?? undefined,
    documentIds: docs.rows.map((d) => d.document_id),
    lines: lines.rows.map((l) => ({
      account: l.account,
      label: l.label ?? undefined,
      accountLabel: l.account_label ?? undefined,
      debit: l.debit_cents,
      credit: l.credit_cents,
    })),
  };
}
