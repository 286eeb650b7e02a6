import { createRoute } from '@hono/zod-openapi';
import { getFile } from '../db/repos/entries.ts';
import { asUser } from '../db/scoped.ts';
import { notFound } from '../lib/errors.ts';
import { previewFile } from '../pipeline/preview.ts';
import type { Services } from '../services.ts';
import { sendFileJob } from '../jobs/definitions.ts';
import { errorResponses, FileParams, json } from './schemas/common.ts';
import { PreviewSchema, SyncAnswerSchema } from './schemas/entries.ts';
import { router } from './env.ts';

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
        const today = s.now().toISOString().slice(0, 10);
        return c.json(await asUser(s.db, c.get('user'), (tx) => previewFile(tx, fileId, today)), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/v1/files/{fileId}/sync', tags: ['sync'],
        summary: 'Synchronize: send the file\'s pending entries now',
        description: 'Sends also happen automatically (SEND_CRON, every 10 minutes by default). The send runs as a job; follow the entries\' status.',
        request: { params: FileParams },
        responses: { 202: json(SyncAnswerSchema, 'Queued'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        await asUser(s.db, c.get('user'), async (tx) => { if (!(await getFile(tx, fileId))) throw notFound('File'); });
        const jobId = await s.jobs.send(sendFileJob, { fileId });
        return c.json({ queued: true, jobId }, 202);
      },
    );
}
