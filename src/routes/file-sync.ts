import { createRoute } from '@hono/zod-openapi';
import { getFile } from '../db/repos/entries.ts';
import { fileSendInFlight } from '../db/repos/jobs.ts';
import { asUser } from '../db/scoped.ts';
import { today as firmToday } from '../domain/calendar.ts';
import { notFound } from '../lib/errors.ts';
import { previewFile } from '../pipeline/preview.ts';
import type { Services } from '../services.ts';
import { sendFileJob } from '../jobs/definitions.ts';
import { errorResponses, FileParams, json } from './schemas/common.ts';
import { PreviewSchema, SyncAnswerSchema, SyncQuery } from './schemas/entries.ts';
import { router } from './env.ts';

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
        return c.json(await asUser(s.db, c.get('user'), (tx) => previewFile(tx, fileId, today)), 200);
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
        const jobId = await s.jobs.send(sendFileJob, { fileId });
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
