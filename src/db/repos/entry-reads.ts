// The hub's screens: a tab of a file's entries, an entry with its lines,
// documents and timeline (the badge counts: entry-counts.ts). Each is one statement, so a user-scoped read is one round trip
// (readAsUser); the same functions serve inside a transaction after a correction.
import type { Issue } from '../../domain/entries/issues.ts';
import type { Queryable } from '../database.ts';
import { timelineJson, type AttemptRow } from './attempts.ts';
import type { DocumentRow } from './documents.ts';
import type { DbEnum, Row } from '../rows.ts';
import { Constants } from '../types.gen.ts';

export type EntrySummary = Pick<
  Row<'entries'>,
  | 'id'
  | 'external_id'
  | 'file_id'
  | 'kind'
  | 'journal_code'
  | 'entry_date'
  | 'piece_ref'
  | 'label'
  | 'due_date'
  | 'status'
  | 'status_message'
  | 'duplicate_in_quadra'
  | 'nights_tried'
  | 'next_attempt_at'
  | 'sent_at'
  | 'posted_at'
  | 'quadra_ref'
  | 'total_cents'
  | 'line_count'
  | 'created_at'
  | 'updated_at'
> & {
  warnings: Issue[];
  /** created_at to the microsecond (a JS Date keeps milliseconds): the exact keyset position. */
  cursor_ts: string;
};

const SUMMARY_COLUMNS = `e.id, e.external_id, e.file_id, e.kind, e.journal_code, e.entry_date, e.piece_ref, e.label, e.due_date, e.status,
  e.status_message, e.warnings, e.duplicate_in_quadra, e.nights_tried, e.next_attempt_at, e.sent_at, e.posted_at, e.quadra_ref,
  e.total_cents, e.line_count, e.created_at, e.updated_at,
  to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as cursor_ts`;

/**
 * The file's waiting flag with one page of a tab, in one statement (one round trip fewer per
 * poll); undefined when the file is not visible to the caller. Pages go by (created_at, id)
 * keyset: no entry is seen twice and none is skipped among those committed when the page is read
 * (a push still committing keeps the time its transaction started, so it may land behind a cursor
 * already handed out).
 */
export async function fileTab(
  tx: Queryable,
  fileId: string,
  opts: ListOptions,
): Promise<{ waitingOpenSince: Date | null; rows: EntrySummary[] } | undefined> {
  const { sql, params } = pageQuery(fileId, opts);
  const r = await tx.query<EntrySummary & { file_waiting_open_since: Date | null }>(
    `select f.waiting_open_since as file_waiting_open_since, p.* from public.client_files f
       left join lateral (${sql}) p on true where f.id = $1 order by p.created_at, p.id`,
    params,
  );
  if (r.rows.length === 0) return undefined;
  return { waitingOpenSince: r.rows[0]!.file_waiting_open_since, rows: r.rows[0]!.id === null ? [] : r.rows };
}

interface ListOptions {
  status?: EntryStatus | undefined;
  limit: number;
  after?: { createdAt: string; id: string } | undefined;
}

/** The page's statement, to run laterally against `client_files f` with the file id as $1. */
function pageQuery(fileId: string, opts: ListOptions): { sql: string; params: unknown[] } {
  const params: unknown[] = [fileId, opts.limit];
  let where = 'e.file_id = f.id';
  // The status is written into the statement (from a closed list, never the caller's text) so
  // the planner proves that tab's partial index even for a prepared, generic plan: under RLS a
  // status comparison cannot be an index condition (see migration entry_tab_indexes).
  if (opts.status) where += ` and e.status = ${STATUS_LITERAL[opts.status]}`;
  if (opts.after) {
    params.push(opts.after.createdAt, opts.after.id);
    where += ` and (e.created_at, e.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  return { sql: `select ${SUMMARY_COLUMNS} from public.entries e where ${where} order by e.created_at, e.id limit $2`, params };
}

/** Every entry status, in tab order: the database enum's own list. */
export const ENTRY_STATUSES: readonly EntryStatus[] = Constants.public.Enums.entry_status;
/** Each status as an SQL literal, looked up (never the caller's text written into a statement). */
export const STATUS_LITERAL = Object.fromEntries(ENTRY_STATUSES.map((st) => [st, `'${st}'`])) as Record<EntryStatus, string>;

export async function getEntry(tx: Queryable, entryId: string): Promise<EntrySummary | undefined> {
  const r = await tx.query<EntrySummary>(`select ${SUMMARY_COLUMNS} from public.entries e where e.id = $1`, [entryId]);
  return r.rows[0];
}

export type EntryStatus = DbEnum<'entry_status'>;
export type LineRow = Pick<Row<'entry_lines'>, 'line_no' | 'account' | 'label' | 'account_label' | 'debit_cents' | 'credit_cents'>;
export type EntryDetail = EntrySummary & { lines: LineRow[]; documents: DocumentRow[]; attempts: AttemptRow[] };

/**
 * An entry with its lines (by number), documents (by attachment name) and attempt timeline
 * (oldest first), in one statement; undefined when the entry is not visible to the caller.
 */
export async function entryDetail(q: Queryable, entryId: string): Promise<EntryDetail | undefined> {
  const r = await q.query<
    EntrySummary & { lines: LineRow[]; documents: DocumentRow[]; attempts: Array<Omit<AttemptRow, 'at'> & { at: string }> }
  >(
    `select ${SUMMARY_COLUMNS},
       coalesce((select json_agg(json_build_object('line_no', l.line_no, 'account', l.account, 'label', l.label,
                  'account_label', l.account_label, 'debit_cents', l.debit_cents, 'credit_cents', l.credit_cents) order by l.line_no)
                  from public.entry_lines l where l.entry_id = e.id), '[]') as lines,
       coalesce((select json_agg(json_build_object('id', d.id, 'file_name', d.file_name, 'content_type', d.content_type,
                  'size_bytes', d.size_bytes, 'attachment_name', d.attachment_name) order by d.attachment_name)
                  from public.entry_documents ed join public.documents d on d.id = ed.document_id where ed.entry_id = e.id), '[]') as documents,
       ${timelineJson('e.id')} as attempts
     from public.entries e where e.id = $1`,
    [entryId],
  );
  const row = r.rows[0];
  return row && { ...row, attempts: row.attempts.map((a) => ({ ...a, at: new Date(a.at) })) };
}
