import { createRoute } from '@hono/zod-openapi';
import type { Queryable } from '../db/database.ts';
import { getClientFile, listAccounts, listJournals, listPeriods, type ClientFileRow } from '../db/repos/reference.ts';
import { asUser, readAsUser } from '../db/scoped.ts';
import { today as firmToday } from '../domain/calendar.ts';
import type { PrerequisitesResult } from '../domain/prerequisites.ts';
import { notFound, unprocessable } from '../lib/errors.ts';
import { firmFilesWithPrerequisites, loadFilePrerequisites } from '../pipeline/prerequisites.ts';
import { CONTROL_CHARACTERS } from '../lib/text.ts';
import type { Services } from '../services.ts';
import { errorResponses, FileParams, FirmParams, json } from './schemas/common.ts';
import { AccountListQuery, AccountPage, ClientFileList, JournalList, PeriodList, Prerequisites } from './schemas/files.ts';
import { router } from './env.ts';
import { msg } from '../i18n/index.ts';

const toFile = (f: ClientFileRow, prerequisites: PrerequisitesResult) => ({
  id: f.id,
  dossierCode: f.dossier_code,
  name: f.name,
  gone: f.gone_at !== null,
  waitingOpenSince: f.waiting_open_since?.toISOString() ?? null,
  prerequisites,
});

// Opaque to clients; the account number itself (unique within a file) is the keyset position.
const encodeCursor = (number: string) => Buffer.from(number, 'utf8').toString('base64url');
function decodeCursor(cursor: string): string {
  const number = Buffer.from(cursor, 'base64url').toString('utf8');
  // An account number is printable text: a control character (NUL above all, which Postgres
  // cannot even compare) means the cursor was not ours.
  if (!number || number.length > 40 || CONTROL_CHARACTERS.test(number) || encodeCursor(number) !== cursor)
    throw unprocessable('invalid_cursor', msg('error.invalid_cursor'));
  return number;
}

/** The file, as the caller may see it (RLS hides other firms' files: they are simply not found). */
async function visibleFile(tx: Queryable, fileId: string): Promise<ClientFileRow> {
  const file = await getClientFile(tx, fileId);
  if (!file) throw notFound('Client file');
  return file;
}

export function fileRoutes(s: Services) {
  const today = () => firmToday(s.config.SCHEDULE_TZ, s.now());
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/firms/{firmId}/files',
        tags: ['client files'],
        summary: "The firm's client files (one per Quadra dossier) with their prerequisites",
        request: { params: FirmParams },
        responses: { 200: json(ClientFileList, 'The files, current first, then those gone from Quadra'), ...errorResponses },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const files = await readAsUser(s.db, c.get('user'), (q) => firmFilesWithPrerequisites(q, firmId, today()));
        if (!files) throw notFound('Firm');
        return c.json({ files: files.map(({ file, prerequisites }) => toFile(file, prerequisites)) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/prerequisites',
        tags: ['client files'],
        summary: 'What the file must have in Quadra before entries are sent, and what to do about what is missing',
        request: { params: FileParams },
        responses: { 200: json(Prerequisites, 'The checks'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const result = await asUser(s.db, c.get('user'), async (tx) => {
          await visibleFile(tx, fileId);
          return loadFilePrerequisites(tx, fileId, today());
        });
        return c.json(result, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/accounts',
        tags: ['client files'],
        summary: "The file's accounts in Quadra (general, customer, supplier), by number, paginated by cursor",
        request: { params: FileParams, query: AccountListQuery },
        responses: { 200: json(AccountPage, 'A page of accounts'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const q = c.req.valid('query');
        const after = q.cursor ? decodeCursor(q.cursor) : undefined;
        const rows = await asUser(s.db, c.get('user'), async (tx) => {
          await visibleFile(tx, fileId);
          return listAccounts(tx, fileId, { kind: q.kind, after, limit: q.limit + 1 });
        });
        const items = rows.slice(0, q.limit);
        const nextCursor = rows.length > q.limit ? encodeCursor(items[items.length - 1]!.number) : null;
        return c.json({ items, nextCursor }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/journals',
        tags: ['client files'],
        summary: "The file's journals in Quadra, open or closed",
        request: { params: FileParams },
        responses: { 200: json(JournalList, 'The journals'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const rows = await asUser(s.db, c.get('user'), async (tx) => {
          await visibleFile(tx, fileId);
          return listJournals(tx, fileId);
        });
        return c.json({ journals: rows.map((j) => ({ code: j.code, label: j.label, open: j.is_open })) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/periods',
        tags: ['client files'],
        summary: "The file's accounting periods (exercices) in Quadra, oldest first",
        request: { params: FileParams },
        responses: { 200: json(PeriodList, 'The periods'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const rows = await asUser(s.db, c.get('user'), async (tx) => {
          await visibleFile(tx, fileId);
          return listPeriods(tx, fileId);
        });
        return c.json({ periods: rows.map((p) => ({ startsOn: p.starts_on, endsOn: p.ends_on, status: p.status })) }, 200);
      },
    );
}
