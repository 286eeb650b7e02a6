import { createRoute } from '@hono/zod-openapi';
import iconv from 'iconv-lite';
import { getFile } from '../db/repos/entries.ts';
import { fileSendInFlight } from '../db/repos/jobs.ts';
import { loadFilePrerequisites } from '../db/repos/reference.ts';
import { asUser } from '../db/scoped.ts';
import { today as firmToday } from '../domain/calendar.ts';
import { notFound } from '../lib/errors.ts';
import { buildAscii, HELD_BY_REFERENCE, SENDABLE } from '../pipeline/deposit-builder.ts';
import type { Services } from '../services.ts';
import { errorResponses, FileParams, json } from './schemas/common.ts';
import { PreviewSchema, SyncAnswerSchema, SyncQuery } from './schemas/entries.ts';
import { router } from './env.ts';

const CHANGE_TEXT: Record<string, (c: { from: string; to: string }) => string> = {
  account_truncated: (c) => `Account ${c.from} is written as ${c.to} (8 characters at most in Quadra)`,
  label_truncated: (c) => `Label cut to "${c.to}"`,
  characters_folded: (c) => `"${c.from}" is written as "${c.to}" (Windows-1252)`,
};

const SYNC_WAIT_MS = 30_000;

export function fileSyncRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'post', path: '/v1/files/{fileId}/preview', tags: ['sync'],
        summary: 'What the next deposit would contain: the exact ASCII file and every warning, without sending',
        request: { params: FileParams },
        responses: { 200: json(PreviewSchema, 'The preview'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const today = firmToday(s.config.SCHEDULE_TZ, s.now());
        const out = await asUser(s.db, c.get('user'), async (tx) => {
          const file = await getFile(tx, fileId);
          if (!file) throw notFound('File');
          const prerequisites = await loadFilePrerequisites(tx, fileId, today);
          const built = await buildAscii(tx, { fileId, sendable: true }, file.account_padding);
          const entries = await tx.query<{ id: string; external_id: string; warnings: Array<{ code: string; message: string; field?: string }> }>(
            `select e.id, e.external_id, e.warnings from public.entries e where e.id = any($1::uuid[])`, [built.entryIds]);
          const held = await tx.query<{ id: string; external_id: string }>(
            `select e.id, e.external_id from public.entries e where e.file_id = $1 and ${SENDABLE} and ${HELD_BY_REFERENCE}`, [fileId]);
          return { prerequisites, built, entries: entries.rows, held: held.rows };
        });
        const ext = new Map(out.entries.map((e) => [e.id, e.external_id]));
        const warnings = [
          ...out.entries.flatMap((e) => e.warnings.map((w) => ({ ...w, entryId: e.id, externalId: e.external_id }))),
          ...out.built.changes
            .filter(({ change }) => change.kind !== 'account_truncated') // already a stored warning of its entry
            .map(({ entryId, change }) => ({ entryId, externalId: ext.get(entryId) ?? '', code: change.kind, message: CHANGE_TEXT[change.kind]!(change), field: change.field })),
        ];
        return c.json({
          prerequisites: out.prerequisites,
          entryCount: out.built.entryIds.length,
          lineCount: out.built.lineCount,
          ascii: iconv.decode(Buffer.from(out.built.bytes), 'win1252'),
          warnings,
          held: out.held.map((h) => ({ entryId: h.id, externalId: h.external_id, reason: 'Its journal is closed or its date is outside every open period in Quadra' })),
        }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/v1/files/{fileId}/sync', tags: ['sync'],
        summary: 'Synchronize: send the file\'s pending entries now',
        description: 'Sends also happen automatically (SEND_CRON, every 10 minutes by default). The send runs as a job: the answer comes at once, '
          + 'or with `?wait=true` once the job has finished (at most 30 seconds; `finished` says whether it did). Follow the entries\' status.',
        request: { params: FileParams, query: SyncQuery },
        responses: { 202: json(SyncAnswerSchema, 'Queued'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        await asUser(s.db, c.get('user'), async (tx) => { if (!(await getFile(tx, fileId))) throw notFound('File'); });
        const jobId = await s.jobs.send('send-file', { fileId }, { singletonKey: fileId });
        if (c.req.valid('query').wait !== 'true') return c.json({ queued: true, jobId }, 202);
        // Bounded: a caller never holds a request (nor this server) longer than SYNC_WAIT_MS.
        const until = Date.now() + SYNC_WAIT_MS;
        let finished = !(await fileSendInFlight(s.db, fileId));
        while (!finished && Date.now() < until) {
          await new Promise((r) => setTimeout(r, 200));
          finished = !(await fileSendInFlight(s.db, fileId));
        }
        return c.json({ queued: true, jobId, finished }, 202);
      },
    );
}
