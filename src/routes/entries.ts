import { createRoute } from '@hono/zod-openapi';
import type { Queryable } from '../db/database.ts';
import { entryInput, getEntry, getEntryDetail, getFile, listEntries, loadFileReference, pendingAccounts, upsertEntries, type EntrySummary } from '../db/repos/entries.ts';
import * as attemptsRepo from '../db/repos/attempts.ts';
import { asUser } from '../db/scoped.ts';
import { FILE_WAITING_MESSAGE } from '../domain/entries/lifecycle.ts';
import { checkBatch, type EntryInput } from '../domain/entries/validate.ts';
import { AppError, conflict, notFound, unprocessable } from '../lib/errors.ts';
import { pushEntries } from '../pipeline/push.ts';
import type { Services } from '../services.ts';
import { EntryParams, errorResponses, FileParams, json, jsonBody } from './schemas/common.ts';
import {
  EntryDetailSchema, EntryListQuery, EntryListSchema, EntryUpdateBody, PushAnswerSchema, PushBody, PushHeaders,
} from './schemas/entries.ts';
import { router } from './env.ts';

const MAX_LINES_PER_PUSH = 100_000;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const toSummary = (e: EntrySummary) => ({
  id: e.id, externalId: e.external_id, fileId: e.file_id, kind: e.kind, journalCode: e.journal_code, date: e.entry_date,
  pieceRef: e.piece_ref, label: e.label, status: e.status, statusMessage: e.status_message, warnings: e.warnings,
  duplicateInQuadra: e.duplicate_in_quadra, nightsTried: e.nights_tried, nextAttemptAt: iso(e.next_attempt_at),
  sentAt: iso(e.sent_at), postedAt: iso(e.posted_at), quadraReference: e.quadra_ref, totalCents: e.total_cents,
  lineCount: e.line_count, createdAt: e.created_at.toISOString(), updatedAt: e.updated_at.toISOString(),
});

const encodeCursor = (e: EntrySummary) => Buffer.from(`${e.cursor_ts}|${e.id}`).toString('base64url');
function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/i.test(id)) {
    throw unprocessable('invalid_cursor', 'The cursor is not one this API returned');
  }
  return { createdAt, id };
}

async function detail(tx: Queryable, entry: EntrySummary) {
  const d = await getEntryDetail(tx, entry.id);
  return {
    ...toSummary(entry),
    lines: d.lines.map((l) => ({ lineNo: l.line_no, account: l.account, label: l.label, debit: l.debit_cents, credit: l.credit_cents })),
    documents: d.documents.map((x) => ({ id: x.id, fileName: x.file_name, contentType: x.content_type, sizeBytes: x.size_bytes, attachmentName: x.attachment_name })),
    attempts: d.attempts.map((a) => ({ at: a.at.toISOString(), kind: a.kind, outcome: a.outcome, night: a.night, errorCode: a.error_code, detail: a.detail, depositId: a.deposit_id })),
  };
}

/** Re-runs the pre-flight rules on one entry against the file as it is now; errors refuse with 422. */
async function preflightOne(tx: Queryable, entry: EntrySummary, input: EntryInput) {
  const file = (await getFile(tx, entry.file_id))!;
  const ref = await loadFileReference(tx, file, input.documentIds ?? []);
  const others = (await pendingAccounts(tx, file.id));
  const [check] = checkBatch([input], ref, others);
  if (check!.errors.length) throw unprocessable('entry_invalid', 'The entry does not pass the pre-flight checks', { errors: check!.errors });
  return { file, warnings: check!.warnings };
}

export function entryRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'post', path: '/v1/files/{fileId}/entries', tags: ['entries'],
        summary: 'Push validated entries (idempotent with the Idempotency-Key header)',
        description: 'Each entry is pre-flighted: refused ones come back with `errors`, accepted ones with `warnings` (truncated or unknown accounts, folded labels). Re-pushing an externalId that is not yet sent replaces it.',
        request: { params: FileParams, headers: PushHeaders, body: jsonBody(PushBody) },
        responses: { 202: json(PushAnswerSchema, 'Accepted; per entry, its id and warnings or its errors'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const key = c.req.valid('header')['idempotency-key'];
        const body = c.req.valid('json');
        const lines = body.entries.reduce((n, e) => n + e.lines.length, 0);
        if (lines > MAX_LINES_PER_PUSH) throw new AppError(413, 'too_many_lines', `A push carries at most ${MAX_LINES_PER_PUSH} lines; split it`);
        const answer = await asUser(s.db, c.get('user'), (tx) => pushEntries(tx, fileId, key, body.entries, body));
        return c.json(answer.body, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/v1/files/{fileId}/entries', tags: ['entries'], summary: 'A tab of the file\'s entries, paginated by cursor',
        request: { params: FileParams, query: EntryListQuery },
        responses: { 200: json(EntryListSchema, 'One page of entries, oldest first'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const q = c.req.valid('query');
        const after = q.cursor ? decodeCursor(q.cursor) : undefined;
        const out = await asUser(s.db, c.get('user'), async (tx) => {
          const file = await getFile(tx, fileId);
          if (!file) throw notFound('File');
          const rows = await listEntries(tx, fileId, { status: q.status, limit: q.limit + 1, after });
          return { file, rows };
        });
        const page = out.rows.slice(0, q.limit);
        return c.json({
          file: { waitingOpenSince: iso(out.file.waiting_open_since), message: out.file.waiting_open_since ? FILE_WAITING_MESSAGE : null },
          items: page.map(toSummary),
          nextCursor: out.rows.length > q.limit ? encodeCursor(page[page.length - 1]!) : null,
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/v1/entries/{entryId}', tags: ['entries'], summary: 'An entry with its lines, documents and attempt timeline',
        request: { params: EntryParams },
        responses: { 200: json(EntryDetailSchema, 'The entry'), ...errorResponses },
      }),
      async (c) => {
        const { entryId } = c.req.valid('param');
        const out = await asUser(s.db, c.get('user'), async (tx) => {
          const entry = await getEntry(tx, entryId);
          if (!entry) throw notFound('Entry');
          return detail(tx, entry);
        });
        return c.json(out, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put', path: '/v1/entries/{entryId}', tags: ['entries'],
        summary: 'Correct an entry that failed its check (or one not yet sent)',
        request: { params: EntryParams, body: jsonBody(EntryUpdateBody) },
        responses: { 200: json(EntryDetailSchema, 'The corrected entry; a failed_check entry stays there until revalidated'), ...errorResponses },
      }),
      async (c) => {
        const { entryId } = c.req.valid('param');
        const body = c.req.valid('json');
        const out = await asUser(s.db, c.get('user'), async (tx) => {
          const entry = await getEntry(tx, entryId);
          if (!entry) throw notFound('Entry');
          await tx.query('select id from public.client_files where id = $1 for update', [entry.file_id]);
          const current = (await getEntry(tx, entryId))!;
          const editable = current.status === 'failed_check' || (current.status === 'pending' && !(await inDeposit(tx, entryId)));
          if (!editable) throw conflict('entry_not_editable', `An entry that is ${current.status === 'posted' ? 'posted' : 'sent'} cannot be changed`);
          const input: EntryInput = { ...body, externalId: current.external_id };
          const { file, warnings } = await preflightOne(tx, current, input);
          await upsertEntries(tx, file, [{ input, warnings }], { allowFailedCheck: true });
          return detail(tx, (await getEntry(tx, entryId))!);
        });
        return c.json(out, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/v1/entries/{entryId}/revalidate', tags: ['entries'],
        summary: 'Validate a corrected failed_check entry again: it goes back to pending',
        request: { params: EntryParams },
        responses: { 200: json(EntryDetailSchema, 'The entry, pending again'), ...errorResponses },
      }),
      async (c) => {
        const { entryId } = c.req.valid('param');
        const now = s.now();
        const out = await asUser(s.db, c.get('user'), async (tx) => {
          const entry = await getEntry(tx, entryId);
          if (!entry) throw notFound('Entry');
          await tx.query('select id from public.client_files where id = $1 for update', [entry.file_id]);
          const current = (await getEntry(tx, entryId))!;
          if (current.status !== 'failed_check') throw conflict('entry_not_failed', `Only an entry in failed_check can be revalidated; this one is ${current.status}`);
          const { warnings } = await preflightOne(tx, current, await entryInput(tx, current));
          // A new reference: verification must never mistake the old, failed version for this one.
          await tx.query(
            `update public.entries set status = 'pending', nights_tried = 0, next_attempt_at = null, deposit_id = null, batch_deposit_id = null,
                    duplicate_in_quadra = false, status_message = null, warnings = $2, sent_at = null, posted_at = null, updated_at = $3,
                    previous_refs = previous_refs || quadra_ref,
                    quadra_ref = 'Q' || lpad(nextval('public.quadra_ref_seq')::text, 9, '0')
              where id = $1`, [entryId, JSON.stringify(warnings), now]);
          await attemptsRepo.revalidated(tx, entryId, now);
          return detail(tx, (await getEntry(tx, entryId))!);
        });
        return c.json(out, 200);
      },
    );
}

/** Sent at least once (or being sent): its content is what Quadra may hold, so it stays as it is. */
async function inDeposit(tx: Queryable, entryId: string): Promise<boolean> {
  const r = await tx.query<{ deposit_id: string | null; batch_deposit_id: string | null }>('select deposit_id, batch_deposit_id from public.entries where id = $1', [entryId]);
  return r.rows[0]?.deposit_id != null || r.rows[0]?.batch_deposit_id != null;
}
