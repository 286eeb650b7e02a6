import { createRoute } from '@hono/zod-openapi';
import { getConnection, saveConnection, type ConnectionView } from '../db/repos/connections.ts';
import { claimSicCode, getMyFirm, releaseSicCode } from '../db/repos/firms.ts';
import { createSyncRun } from '../db/repos/reference.ts';
import { asService, asUser } from '../db/scoped.ts';
import { AppError, conflict, forbidden, notFound } from '../lib/errors.ts';
import { enqueueReferenceSync } from '../pipeline/reference-sync.ts';
import { checkCegidKeys } from '../quadra/connection-check.ts';
import type { Services } from '../services.ts';
import { Connection, ConnectionBody } from './schemas/connection.ts';
import { errorResponse, errorResponses, FirmParams, json, jsonBody } from './schemas/common.ts';
import { router } from './env.ts';
import { logError } from '../lib/log-error.ts';

export const CEGID_UNAVAILABLE_MESSAGE =
  'Cegid did not answer in time or is temporarily unavailable, so your keys could not be checked. Nothing was changed: try again in a few minutes.';

// Said only to an admin whose keys Cegid has just accepted for this SIC code, i.e. to the firm
// itself: it learns no more than that its own code is already connected. Nothing is saved.
export const SIC_ALREADY_CONNECTED_MESSAGE = (sic: string) =>
  `Cegid accepted these keys for SIC code ${sic}, but that SIC code is already connected to Quadra Sync under another registration of your firm. `
  + 'Nothing was saved. Ask an administrator of that registration to add you to it, or contact support to move the connection.';

// Said when the last check passed but the jobs may not use the keys (the firm's SIC code's claim
// is gone): the entries then say "not connected", and so does the hub, with what to do.
export const RECONNECT_REQUIRED_MESSAGE =
  'These keys can no longer be used: this firm\'s SIC code is no longer verified with them, so nothing is sent to Cegid Quadra. '
  + 'Enter the CPA and CFE keys again in the Integrations settings.';

// `connected` only when the jobs may use the keys (USABLE_CONNECTION, evaluated by the repository),
// so the hub and the entries never disagree; a passed check they may not use asks for the keys again.
const toConnection = (v: ConnectionView) => ({
  ...(v.usable ? { status: 'connected' as const }
    : v.status === 'connected' ? { status: 'reconnect_required' as const, message: RECONNECT_REQUIRED_MESSAGE }
      : { status: v.status }),
  checks: v.checks, cpaKeyHint: v.cpaKeyHint, cfeKeyHint: v.cfeKeyHint, checkedAt: v.checkedAt.toISOString(),
});

export function connectionRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'put', path: '/v1/firms/{firmId}/connection', tags: ['connection'],
        summary: 'Save the firm\'s Cegid keys after checking them live (admins only)',
        description: 'Checks the CPA key (a token and a read) and the CFE key (the firm\'s exchange container) in parallel, then stores '
          + 'the keys encrypted with the outcome, so a failed check can be retried. A connected result queues a reference sync. '
          + 'When Cegid is slow or unavailable the answer is 503 and the stored connection is left as it was. '
          + 'Keys Cegid accepts claim the firm\'s SIC code; when another registration already connected that code the answer is '
          + '409 sic_code_already_connected and nothing is saved.',
        request: { params: FirmParams, body: jsonBody(ConnectionBody) },
        responses: {
          200: json(Connection, 'Checked and saved (status tells whether both checks passed)'),
          ...errorResponses,
          503: errorResponse(503, 'Cegid could not be reached in time; nothing was saved'),
        },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const body = c.req.valid('json');
        const user = c.get('user');
        const firm = await asUser(s.db, user, (tx) => getMyFirm(tx, user.sub, firmId));
        if (!firm) throw notFound('Firm');
        if (firm.role !== 'admin') throw forbidden('Only an administrator of the firm can change its Cegid connection');

        // Live checks outside any transaction: a slow Cegid must not hold a database connection.
        const results = await checkCegidKeys(s.cegid, { sicCode: firm.sic_code, cpa: body.cpa, cfe: body.cfe });
        const checks = results.map(({ transient: _t, ...check }) => check);
        c.get('log').info({ firmId, checks: checks.map(({ name, ok, code }) => ({ name, ok, code })) }, 'cegid keys checked');
        if (results.some((r) => r.transient)) {
          throw new AppError('cegid_unavailable', CEGID_UNAVAILABLE_MESSAGE, { checks });
        }

        const status = checks.every((x) => x.ok) ? 'connected' : 'failed';
        const now = s.now();
        // Keys Cegid accepts prove the SIC code: the firm claims it, unless another firm proved it
        // first. Keys it refuses release any claim. Both as the service: users never set a claim.
        await asService(s.db, async (tx) => {
          if (status === 'failed') return releaseSicCode(tx, firmId);
          try {
            await claimSicCode(tx, firmId, now);
          } catch (err) {
            if ((err as { code?: string }).code !== '23505') throw err;
            throw conflict('sic_code_already_connected', SIC_ALREADY_CONNECTED_MESSAGE(firm.sic_code));
          }
        });
        const saved = await asUser(s.db, user, async (tx) => {
          const view = await saveConnection(tx, s.secrets, { firmId, cpa: body.cpa, cfe: body.cfe, status, checks, checkedAt: now });
          const runId = status === 'connected' ? await createSyncRun(tx, firmId, 'connection', now) : undefined;
          return { view, runId };
        });
        if (saved.runId) {
          // The keys are saved either way; a refresh that could not be queued shows as a failed
          // run and the nightly refresh catches up.
          await enqueueReferenceSync(s, saved.runId).catch((err: Error) =>
            c.get('log').error({ err: logError(err), runId: saved.runId }, 'reference sync not queued'));
        }
        return c.json(toConnection(saved.view), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/v1/firms/{firmId}/connection', tags: ['connection'],
        summary: 'The firm\'s connection as last checked (never the secrets)',
        description: '`connected` means the background jobs use these keys. `reconnect_required`: the last check passed, but the '
          + 'firm\'s SIC code is no longer proved by them (keys refused since), so nothing is sent and entries say not connected; '
          + '`message` says what to do (enter the keys again).',
        request: { params: FirmParams },
        responses: { 200: json(Connection, 'The connection'), ...errorResponses },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const user = c.get('user');
        const view = await asUser(s.db, user, async (tx) => {
          if (!(await getMyFirm(tx, user.sub, firmId))) throw notFound('Firm');
          return getConnection(tx, firmId);
        });
        if (!view) throw new AppError('not_found', 'This firm has no Cegid connection yet: enter its CPA and CFE keys first');
        return c.json(toConnection(view), 200);
      },
    );
}
