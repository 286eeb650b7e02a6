import { createRoute } from '@hono/zod-openapi';
import { connectionUsable, notConnected } from '../db/repos/connections.ts';
import { getMyFirm } from '../db/repos/firms.ts';
import { createSyncRun, findQueuedRun, listSyncRuns, type SyncRunRow } from '../db/repos/reference.ts';
import { asUser } from '../db/scoped.ts';
import { notFound } from '../lib/errors.ts';
import { enqueueReferenceSync } from '../pipeline/reference-sync.ts';
import type { Services } from '../services.ts';
import { errorResponses, FirmParams, json } from './schemas/common.ts';
import { SyncRunList, SyncRunQueued } from './schemas/reference.ts';
import { router } from './env.ts';

/** A second click while a run still waits for a worker gets that run, not another one. */
const REUSE_QUEUED_MS = 10 * 60_000;
const RUNS_SHOWN = 20;

const toRun = (r: SyncRunRow) => ({
  id: r.id,
  trigger: r.trigger,
  status: r.status,
  counts: r.counts,
  ...(r.error_code ? { error: { code: r.error_code, message: r.error_message ?? '' } } : {}),
  createdAt: r.created_at.toISOString(),
  startedAt: r.started_at?.toISOString() ?? null,
  finishedAt: r.finished_at?.toISOString() ?? null,
});

export function referenceRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/firms/{firmId}/reference-sync',
        tags: ['reference data'],
        summary: "Refresh the firm's client files and their reference data from Quadra now",
        description:
          "Refused with 409 `not_connected` unless the background jobs may use the firm's keys: its connection last " +
          'checked fine and its SIC code is verified (a GET of the connection then says `connected`).',
        request: { params: FirmParams },
        responses: { 202: json(SyncRunQueued, 'Queued'), ...errorResponses },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const user = c.get('user');
        const now = s.now();
        const run = await asUser(s.db, user, async (tx) => {
          if (!(await getMyFirm(tx, user.sub, firmId))) throw notFound('Firm');
          // The jobs' own rule (USABLE_CONNECTION): a run they would fail with not_connected is refused now.
          if (!(await connectionUsable(tx, firmId))) throw notConnected();
          const queued = await findQueuedRun(tx, firmId, new Date(now.getTime() - REUSE_QUEUED_MS));
          if (queued) return { id: queued, fresh: false };
          return { id: await createSyncRun(tx, firmId, 'manual', now), fresh: true };
        });
        if (run.fresh) await enqueueReferenceSync(s, run.id);
        return c.json({ runId: run.id, status: 'queued' as const }, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/firms/{firmId}/reference-sync',
        tags: ['reference data'],
        summary: `The firm's last ${RUNS_SHOWN} reference sync runs, newest first`,
        request: { params: FirmParams },
        responses: { 200: json(SyncRunList, 'The runs'), ...errorResponses },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const user = c.get('user');
        const runs = await asUser(s.db, user, async (tx) => {
          if (!(await getMyFirm(tx, user.sub, firmId))) throw notFound('Firm');
          return listSyncRuns(tx, firmId, RUNS_SHOWN);
        });
        return c.json({ runs: runs.map(toRun) }, 200);
      },
    );
}
