import { createRoute } from '@hono/zod-openapi';
import { getFile } from '../db/repos/entries.ts';
import { jobInFlight } from '../db/repos/jobs.ts';
import { asUser } from '../db/scoped.ts';
import { today as firmToday } from '../domain/calendar.ts';
import { perKeyLimit } from '../lib/concurrency.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { previewFile } from '../pipeline/preview.ts';
import type { Services } from '../services.ts';
import { sendFileJob } from '../jobs/definitions.ts';
import { errorResponse, errorResponses, FileParams, json } from './schemas/common.ts';
import { PreviewSchema, SyncAnswerSchema, SyncQuery } from './schemas/entries.ts';
import { router } from './env.ts';

const SYNC_WAIT_MS = 30_000;

export const TOO_MANY_WAITS = (n: number) =>
  `You already have ${n} synchronization${n > 1 ? 's' : ''} waiting for an answer (?wait=true). Nothing was queued: retry once one has answered, ` +
  "or call without wait=true: it answers at once, the send runs all the same, and the entries' status shows what it did.";

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
        const user = c.get('user');
        const wait = c.req.valid('query').wait === 'true';
        await asUser(s.db, user, async (tx) => {
          if (!(await getFile(tx, fileId))) throw notFound('File');
        });
        // The slot is taken before the send is queued: a refused call queued nothing, so its retry
        // (with or without wait) is the one send the caller asked for.
        const release = wait ? waits.tryAcquire(user.sub) : undefined;
        if (wait && !release) {
          throw new AppError('too_many_waiting_syncs', TOO_MANY_WAITS(s.config.SYNC_WAITS_PER_USER), {
            maxWaiting: s.config.SYNC_WAITS_PER_USER,
          });
        }
        try {
          const jobId = await s.jobs.send(sendFileJob, { fileId });
          if (!wait) return c.json({ queued: true, jobId }, 202);
          // Bounded: a caller never holds a request (nor this server) longer than SYNC_WAIT_MS,
          // and a caller gone away stops the polling (and gives its slot back) at once.
          const gone = c.req.raw.signal;
          const until = Date.now() + SYNC_WAIT_MS;
          let finished = !(await jobInFlight(s.db, sendFileJob.name, fileId));
          while (!finished && !gone.aborted && Date.now() < until) {
            await new Promise((r) => setTimeout(r, 200));
            finished = !(await jobInFlight(s.db, sendFileJob.name, fileId));
          }
          return c.json({ queued: true, jobId, finished }, 202);
        } finally {
          release?.();
        }
      },
    );
}
