import { createRoute } from '@hono/zod-openapi';
import { asUser } from '../db/scoped.ts';
import { today as firmToday } from '../domain/calendar.ts';
import { perKeyLimit } from '../lib/concurrency.ts';
import { synchronizeFile } from '../pipeline/file-sync.ts';
import { previewFile } from '../pipeline/preview.ts';
import type { Services } from '../services.ts';
import { errorResponse, errorResponses, FileParams, json } from './schemas/common.ts';
import { PreviewSchema, SyncAnswerSchema, SyncQuery } from './schemas/entries.ts';
import { router } from './env.ts';

export function fileSyncRoutes(s: Services) {
  // Calls with wait=true hold a request and poll the database: a few per user at once. Counted in
  // this process's memory (per service process, per Edge Function instance), not across processes.
  const waits = perKeyLimit(s.config.SYNC_WAITS_PER_USER);
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/files/{fileId}/preview',
        tags: ['sync'],
        summary: 'What the next deposit would contain: the exact ASCII file and every warning, without sending',
        request: { params: FileParams },
        responses: { 200: json(PreviewSchema, 'The preview'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const today = firmToday(s.config.SCHEDULE_TZ, s.now());
        return c.json(await asUser(s.db, c.get('user'), (tx) => previewFile(tx, fileId, today)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/files/{fileId}/sync',
        tags: ['sync'],
        summary: "Synchronize: send the file's pending entries now",
        description:
          'Sends also happen automatically (SEND_CRON, every 10 minutes by default). The send runs as a job: the answer comes at once, ' +
          "or with `?wait=true` once the job has finished (at most 30 seconds; `finished` says whether it did). Follow the entries' status. " +
          `A user has at most SYNC_WAITS_PER_USER (default 4) calls with \`?wait=true\` waiting at once on one service process; one more is ` +
          'answered 429 too_many_waiting_syncs before anything is queued: retry later, or call without wait.',
        request: { params: FileParams, query: SyncQuery },
        responses: {
          202: json(SyncAnswerSchema, 'Queued'),
          ...errorResponses,
          429: errorResponse(429, 'Too many calls with wait=true waiting for this user; nothing was queued'),
        },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const wait = c.req.valid('query').wait === 'true';
        return c.json(await synchronizeFile(s, c.get('user'), fileId, { wait, waits, signal: c.req.raw.signal }), 202);
      },
    );
}
