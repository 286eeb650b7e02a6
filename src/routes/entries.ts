import { createRoute } from '@hono/zod-openapi';
import { countByStatus } from '../db/repos/entry-counts.ts';
import { entryDetail, fileTab, type EntryDetail, type EntrySummary } from '../db/repos/entry-reads.ts';
import { asUser, readAsUser } from '../db/scoped.ts';
import { FILE_WAITING_MESSAGE } from '../domain/entries/lifecycle.ts';
import { AppError, notFound, unprocessable } from '../lib/errors.ts';
import { correctEntry, revalidate } from '../pipeline/entry-fix.ts';
import { pushEntries } from '../pipeline/push.ts';
import type { Services } from '../services.ts';
import { EntryParams, errorResponses, FileParams, json, jsonBody } from './schemas/common.ts';
import {
  EntryCountsSchema,
  EntryDetailSchema,
  EntryListQuery,
  EntryListSchema,
  EntryUpdateBody,
  PushAnswerSchema,
  PushBody,
  PushHeaders,
} from './schemas/entries.ts';
import { router } from './env.ts';
import { msg } from '../i18n/index.ts';

const MAX_LINES_PER_PUSH = 100_000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toSummary = (e: EntrySummary) => ({
  id: e.id,
  externalId: e.external_id,
  fileId: e.file_id,
  kind: e.kind,
  journalCode: e.journal_code,
  date: e.entry_date,
  pieceRef: e.piece_ref,
  dueDate: e.due_date,
  label: e.label,
  status: e.status,
  statusMessage: e.status_message,
  warnings: e.warnings,
  duplicateInQuadra: e.duplicate_in_quadra,
  nightsTried: e.nights_tried,
  nextAttemptAt: iso(e.next_attempt_at),
  sentAt: iso(e.sent_at),
  postedAt: iso(e.posted_at),
  quadraReference: e.quadra_ref,
  totalCents: e.total_cents,
  lineCount: e.line_count,
  createdAt: e.created_at.toISOString(),
  updatedAt: e.updated_at.toISOString(),
});

const encodeCursor = (e: EntrySummary) => Buffer.from(`${e.cursor_ts}|${e.id}`).toString('base64url');
const CURSOR_TS = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Leniently parsed dates (February 31st) do not survive the round trip; Postgres would refuse them.
const sameInstant = (ts: string) => {
  const d = new Date(ts);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 19) === ts.slice(0, 19);
};
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  // Exactly the form encodeCursor writes (a four-digit year, microseconds, UTC): an extreme or
  // foreign date would otherwise reach Postgres and fail there.
  if (!createdAt || !id || !CURSOR_TS.test(createdAt) || !sameInstant(createdAt) || !UUID.test(id)) {
    throw unprocessable('invalid_cursor', msg('error.invalid_cursor'));
  }
  return { createdAt, id };
}

const toDetail = (d: EntryDetail) => ({
  ...toSummary(d),
  lines: d.lines.map((l) => ({
    lineNo: l.line_no,
    account: l.account,
    label: l.label,
    accountLabel: l.account_label,
    debit: l.debit_cents,
    credit: l.credit_cents,
  })),
  documents: d.documents.map((x) => ({
    id: x.id,
    fileName: x.file_name,
    contentType: x.content_type,
    sizeBytes: x.size_bytes,
    attachmentName: x.attachment_name,
  })),
  attempts: d.attempts.map((a) => ({
    at: a.at.toISOString(),
    kind: a.kind,
    outcome: a.outcome,
    night: a.night,
    errorCode: a.error_code,
    detail: a.detail,
    depositId: a.deposit_id,
  })),
});

export function entryRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/files/{fileId}/entries',
        tags: ['entries'],
        summary: 'Push validated entries (idempotent with the Idempotency-Key header)',
        description:
          'Each entry is pre-flighted: refused ones come back with `errors`, accepted ones with `warnings` (truncated or unknown accounts, folded labels). Re-pushing an externalId that is not yet sent replaces it.',
        request: { params: FileParams, headers: PushHeaders, body: jsonBody(PushBody) },
        responses: { 202: json(PushAnswerSchema, 'Accepted; per entry, its id and warnings or its errors'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const key = c.req.valid('header')['idempotency-key'];
        const body = c.req.valid('json');
        const lines = body.entries.reduce((n, e) => n + e.lines.length, 0);
        if (lines > MAX_LINES_PER_PUSH) throw new AppError('too_many_lines', msg('error.too_many_lines', { max: MAX_LINES_PER_PUSH }));
        const answer = await asUser(s.db, c.get('user'), (tx) => pushEntries(tx, fileId, key, body.entries, body));
        // The stored text itself, so a replay is byte for byte the first answer.
        // (Cast: the route's schema documents this JSON; the handler's typing only knows c.json.)
        return c.body(answer.text, answer.status as 202, { 'content-type': 'application/json' }) as never;
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/entries',
        tags: ['entries'],
        summary: "A tab of the file's entries, paginated by cursor",
        request: { params: FileParams, query: EntryListQuery },
        responses: { 200: json(EntryListSchema, 'One page of entries, oldest first'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const q = c.req.valid('query');
        const after = q.cursor ? decodeCursor(q.cursor) : undefined;
        const out = await readAsUser(s.db, c.get('user'), (q1) => fileTab(q1, fileId, { status: q.status, limit: q.limit + 1, after }));
        if (!out) throw notFound('File');
        const page = out.rows.slice(0, q.limit);
        return c.json(
          {
            file: { waitingOpenSince: iso(out.waitingOpenSince), message: out.waitingOpenSince ? FILE_WAITING_MESSAGE : null },
            items: page.map(toSummary),
            nextCursor: out.rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
          },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/entries/counts',
        tags: ['entries'],
        summary: 'How many entries each tab of the file holds (for the tab badges), in one request',
        request: { params: FileParams },
        responses: { 200: json(EntryCountsSchema, 'Entries per status'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const counts = await readAsUser(s.db, c.get('user'), (q) => countByStatus(q, fileId));
        if (!counts) throw notFound('File');
        return c.json({ counts, total: counts.pending + counts.sent + counts.posted + counts.failed_check }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/entries/{entryId}',
        tags: ['entries'],
        summary: 'An entry with its lines, documents and attempt timeline',
        request: { params: EntryParams },
        responses: { 200: json(EntryDetailSchema, 'The entry'), ...errorResponses },
      }),
      async (c) => {
        const { entryId } = c.req.valid('param');
        const entry = await readAsUser(s.db, c.get('user'), (q) => entryDetail(q, entryId));
        if (!entry) throw notFound('Entry');
        return c.json(toDetail(entry), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/v1/entries/{entryId}',
        tags: ['entries'],
        summary: 'Correct an entry that failed its check (or one not yet sent)',
        request: { params: EntryParams, body: jsonBody(EntryUpdateBody) },
        responses: {
          200: json(EntryDetailSchema, 'The corrected entry; a failed_check entry stays there until revalidated'),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { entryId } = c.req.valid('param');
        const body = c.req.valid('json');
        const out = await asUser(s.db, c.get('user'), (tx) => correctEntry(tx, entryId, body));
        return c.json(toDetail(out), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/entries/{entryId}/revalidate',
        tags: ['entries'],
        summary: 'Validate a corrected failed_check entry again: it goes back to pending',
        request: { params: EntryParams },
        responses: { 200: json(EntryDetailSchema, 'The entry, pending again'), ...errorResponses },
      }),
      async (c) => {
        const { entryId } = c.req.valid('param');
        const now = s.now();
        const out = await asUser(s.db, c.get('user'), (tx) => revalidate(tx, entryId, now));
        return c.json(toDetail(out), 200);
      },
    );
}
