// Entries, their lines and documents: set-based writes (one statement per table per push, never a
// round trip per line) and keyset-paginated reads. Runs inside asUser or asService transactions.
import type { EntryInput, FileReference, Issue } from '../../domain/entries/validate.ts';
import type { Queryable } from '../database.ts';
import { timeline } from './attempts.ts';

export type EntryStatus = 'pending' | 'sent' | 'posted' | 'failed_check';

export interface FileRow { id: string; firm_id: string; dossier_code: string; name: string; account_padding: 'space' | 'zero'; waiting_open_since: Date | null; gone_at: Date | null }

/** The file, locked against concurrent pushes and sends (push and claim serialise per file). */
export async function lockFile(tx: Queryable, fileId: string): Promise<FileRow | undefined> {
  const r = await tx.query<FileRow>(
    'select id, firm_id, dossier_code, name, account_padding, waiting_open_since, gone_at from public.client_files where id = $1 for update',
    [fileId],
  );
  return r.rows[0];
}

export async function getFile(tx: Queryable, fileId: string): Promise<FileRow | undefined> {
  const r = await tx.query<FileRow>(
    'select id, firm_id, dossier_code, name, account_padding, waiting_open_since, gone_at from public.client_files where id = $1',
    [fileId],
  );
  return r.rows[0];
}

/** A file's night lease, in database time, with an owner: it guards real concurrent runs. */
export async function takeNightLease(tx: Queryable, fileId: string, owner: string, seconds: number): Promise<boolean> {
  const r = await tx.query(
    `update public.client_files set night_lease_until = now() + make_interval(secs => $3), night_lease_owner = $2
      where id = $1 and (night_lease_until is null or night_lease_until < now())`, [fileId, owner, seconds]);
  return r.affectedRows === 1;
}

/** A run releases only its own lease. */
export async function releaseNightLease(tx: Queryable, fileId: string, owner: string): Promise<void> {
  await tx.query('update public.client_files set night_lease_until = null, night_lease_owner = null where id = $1 and night_lease_owner = $2', [fileId, owner]);
}

/** The file's Quadra reference data as the pre-flight rules need it. */
export async function loadFileReference(tx: Queryable, file: FileRow, documentIds: string[] = []): Promise<FileReference> {
  // One statement at a time: a transaction is one connection.
  const periods = await tx.query<{ starts_on: string; ends_on: string; status: 'open' | 'closed' }>(
    'select starts_on, ends_on, status from public.periods where file_id = $1 and gone_at is null', [file.id]);
  const journals = await tx.query<{ code: string; is_open: boolean }>('select code, is_open from public.journals where file_id = $1 and gone_at is null', [file.id]);
  const accounts = await tx.query<{ number: string }>('select number from public.accounts where file_id = $1 and gone_at is null', [file.id]);
  const sent = await tx.query<{ account: string }>(
    `select distinct l.account from public.entry_lines l join public.entries e on e.id = l.entry_id and e.firm_id = l.firm_id
      where e.file_id = $1 and e.batch_deposit_id is not null and length(l.account) > 8`, [file.id]);
  const docs = documentIds.length
    ? await tx.query<{ id: string }>('select id from public.documents where file_id = $1 and id = any($2::uuid[])', [file.id, documentIds])
    : { rows: [] as Array<{ id: string }> };
  return {
    periods: periods.rows.map((p) => ({ startsOn: p.starts_on, endsOn: p.ends_on, status: p.status })),
    journals: journals.rows.map((j) => ({ code: j.code, isOpen: j.is_open })),
    quadraAccounts: new Set(accounts.rows.map((a) => a.number)),
    documentIds: new Set(docs.rows.map((d) => d.id)),
    sentAccounts: new Set(sent.rows.map((r) => r.account)),
    accountPadding: file.account_padding,
  };
}

/** Accounts used by the file's entries still waiting to be sent (for truncation collisions). */
export async function pendingAccounts(tx: Queryable, fileId: string): Promise<string[]> {
  const r = await tx.query<{ account: string }>(
    `select distinct l.account from public.entry_lines l join public.entries e on e.id = l.entry_id and e.firm_id = l.firm_id
      where e.file_id = $1 and e.status = 'pending'`, [fileId]);
  return r.rows.map((x) => x.account);
}

export interface ExistingEntry { id: string; external_id: string; file_id: string; status: EntryStatus; deposit_id: string | null; batch_deposit_id: string | null }

export async function findByExternalIds(tx: Queryable, firmId: string, externalIds: string[]): Promise<Map<string, ExistingEntry>> {
  const r = await tx.query<ExistingEntry>(
    'select id, external_id, file_id, status, deposit_id, batch_deposit_id from public.entries where firm_id = $1 and external_id = any($2::text[])',
    [firmId, externalIds]);
  return new Map(r.rows.map((x) => [x.external_id, x]));
}

export interface StoredEntry { input: EntryInput; warnings: Issue[] }

/**
 * Inserts new entries and replaces the content of known, not yet sent ones, keeping their id and
 * history. Five statements whatever the batch size.
 */
export async function upsertEntries(tx: Queryable, file: FileRow, entries: StoredEntry[], opts: { allowFailedCheck?: boolean } = {}): Promise<Map<string, string>> {
  if (entries.length === 0) return new Map();
  const rows = entries.map(({ input: e, warnings }) => ({
    external_id: e.externalId, kind: e.kind, journal_code: e.journalCode, entry_date: e.date, piece_ref: e.pieceRef ?? null,
    label: e.label, warnings, total_cents: e.lines.reduce((s, l) => s + l.debit, 0), line_count: e.lines.length,
  }));
  const upserted = await tx.query<{ id: string; external_id: string }>(
    `insert into public.entries as e (firm_id, file_id, external_id, kind, journal_code, entry_date, piece_ref, label, warnings, total_cents, line_count)
     select $1, $2, x.external_id, x.kind, x.journal_code, x.entry_date, x.piece_ref, x.label, x.warnings, x.total_cents, x.line_count
       from jsonb_to_recordset($3::jsonb) as x(external_id text, kind public.entry_kind, journal_code text, entry_date date,
            piece_ref text, label text, warnings jsonb, total_cents bigint, line_count integer)
     on conflict (firm_id, external_id) do update set
       kind = excluded.kind, journal_code = excluded.journal_code, entry_date = excluded.entry_date, piece_ref = excluded.piece_ref,
       label = excluded.label, warnings = excluded.warnings, total_cents = excluded.total_cents, line_count = excluded.line_count,
       status_message = case when e.status = 'failed_check' then 'Corrected: revalidate it to send it again.' end, updated_at = now()
       where e.file_id = excluded.file_id
         and ((e.status = 'pending' and e.deposit_id is null and e.batch_deposit_id is null) or (e.status = 'failed_check' and $4::boolean))
     returning e.id, e.external_id`,
    [file.firm_id, file.id, JSON.stringify(rows), opts.allowFailedCheck ?? false]);
  const ids = new Map(upserted.rows.map((r) => [r.external_id, r.id]));
  if (ids.size !== entries.length) throw new Error('an entry changed state while it was being replaced');
  const idList = [...ids.values()];
  await tx.query('delete from public.entry_documents where entry_id = any($1::uuid[])', [idList]);
  await tx.query('delete from public.entry_lines where entry_id = any($1::uuid[])', [idList]);
  const lines = entries.flatMap(({ input: e }) => e.lines.map((l, i) => ({
    entry_id: ids.get(e.externalId), line_no: i + 1, account: l.account, label: l.label ?? null, debit: l.debit, credit: l.credit,
  })));
  await tx.query(
    `insert into public.entry_lines (entry_id, line_no, firm_id, account, label, debit_cents, credit_cents)
     select x.entry_id, x.line_no, $1, x.account, x.label, x.debit, x.credit
       from jsonb_to_recordset($2::jsonb) as x(entry_id uuid, line_no integer, account text, label text, debit bigint, credit bigint)`,
    [file.firm_id, JSON.stringify(lines)]);
  const docs = entries.flatMap(({ input: e }) => [...new Set(e.documentIds ?? [])].map((d) => ({ entry_id: ids.get(e.externalId), document_id: d })));
  if (docs.length) {
    await tx.query(
      `insert into public.entry_documents (entry_id, document_id, firm_id)
       select x.entry_id, x.document_id, $1 from jsonb_to_recordset($2::jsonb) as x(entry_id uuid, document_id uuid)`,
      [file.firm_id, JSON.stringify(docs)]);
  }
  return ids;
}

export interface EntrySummary {
  id: string; external_id: string; file_id: string; kind: string; journal_code: string; entry_date: string; piece_ref: string | null;
  label: string; status: EntryStatus; status_message: string | null; warnings: Issue[]; duplicate_in_quadra: boolean;
  nights_tried: number; next_attempt_at: Date | null; sent_at: Date | null; posted_at: Date | null; quadra_ref: string;
  total_cents: number; line_count: number; created_at: Date; updated_at: Date;
  /** created_at to the microsecond (a JS Date keeps milliseconds): the exact keyset position. */
  cursor_ts: string;
}

const SUMMARY_COLUMNS = `e.id, e.external_id, e.file_id, e.kind, e.journal_code, e.entry_date, e.piece_ref, e.label, e.status,
  e.status_message, e.warnings, e.duplicate_in_quadra, e.nights_tried, e.next_attempt_at, e.sent_at, e.posted_at, e.quadra_ref,
  e.total_cents, e.line_count, e.created_at, e.updated_at,
  to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_ts`;

/**
 * One page of a file's entries in a tab, by (created_at, id) keyset: no entry is seen twice and
 * none is skipped among those committed when the page is read (a push still committing keeps the
 * time its transaction started, so it may land behind a cursor already handed out).
 */
export async function listEntries(tx: Queryable, fileId: string, opts: { status?: EntryStatus; limit: number; after?: { createdAt: string; id: string } }): Promise<EntrySummary[]> {
  const params: unknown[] = [fileId, opts.limit];
  let where = 'e.file_id = $1';
  if (opts.status) { params.push(opts.status); where += ` and e.status = $${params.length}`; }
  if (opts.after) {
    params.push(opts.after.createdAt, opts.after.id);
    where += ` and (e.created_at, e.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  const r = await tx.query<EntrySummary>(`select ${SUMMARY_COLUMNS} from public.entries e where ${where} order by e.created_at, e.id limit $2`, params);
  return r.rows;
}

export async function getEntry(tx: Queryable, entryId: string): Promise<EntrySummary | undefined> {
  const r = await tx.query<EntrySummary>(`select ${SUMMARY_COLUMNS} from public.entries e where e.id = $1`, [entryId]);
  return r.rows[0];
}

export interface LineRow { line_no: number; account: string; label: string | null; debit_cents: number; credit_cents: number }
export interface EntryDocumentRow { id: string; file_name: string; content_type: string; size_bytes: number; attachment_name: string }

export async function getEntryDetail(tx: Queryable, entryId: string) {
  const lines = await tx.query<LineRow>('select line_no, account, label, debit_cents, credit_cents from public.entry_lines where entry_id = $1 order by line_no', [entryId]);
  const documents = await tx.query<EntryDocumentRow>(
    `select d.id, d.file_name, d.content_type, d.size_bytes, d.attachment_name from public.entry_documents ed
       join public.documents d on d.id = ed.document_id where ed.entry_id = $1 order by d.attachment_name`, [entryId]);
  return { lines: lines.rows, documents: documents.rows, attempts: await timeline(tx, entryId) };
}

export async function entryInput(tx: Queryable, entry: EntrySummary): Promise<EntryInput> {
  const lines = await tx.query<LineRow>('select line_no, account, label, debit_cents, credit_cents from public.entry_lines where entry_id = $1 order by line_no', [entry.id]);
  const docs = await tx.query<{ document_id: string }>('select document_id from public.entry_documents where entry_id = $1', [entry.id]);
  return {
    externalId: entry.external_id, kind: entry.kind as EntryInput['kind'], journalCode: entry.journal_code, date: entry.entry_date,
    pieceRef: entry.piece_ref ?? undefined, label: entry.label, documentIds: docs.rows.map((d) => d.document_id),
    lines: lines.rows.map((l) => ({ account: l.account, label: l.label ?? undefined, debit: l.debit_cents, credit: l.credit_cents })),
  };
}
