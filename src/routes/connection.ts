import { createRoute } from '@hono/zod-openapi';
import type { ConnectionView } from '../db/repos/connections.ts';
import { connectFirm, firmConnection } from '../pipeline/connection.ts';
import type { Services } from '../services.ts';
import { Connection, ConnectionBody } from './schemas/connection.ts';
import { errorResponse, errorResponses, FirmParams, json, jsonBody } from './schemas/common.ts';
import { router } from './env.ts';

// Said when the last check passed but the jobs may not use the keys (the firm's SIC code's claim
// is gone): the entries then say "not connected", and so does the hub, with what to do.
export const RECONNECT_REQUIRED_MESSAGE =
  "These keys can no longer be used: this firm's SIC code is no longer verified with them, so nothing is sent to Cegid Quadra. " +
  'Enter the CPA and CFE keys again in the Integrations settings.';

// `connected` only when the jobs may use the keys (USABLE_CONNECTION, evaluated by the repository),
// so the hub and the entries never disagree; a passed check they may not use asks for the keys again.
const toConnection = (v: ConnectionView) => ({
  ...(v.usable
    ? { status: 'connected' as const }
    : v.status === 'connected'
      ? { status: 'reconnect_required' as const, message: RECONNECT_REQUIRED_MESSAGE }
      : { status: v.status }),
  checks: v.checks,
  cpaKeyHint: v.cpaKeyHint,
  cfeKeyHint: v.cfeKeyHint,
  checkedAt: v.checkedAt.toISOString(),
});

export function connectionRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'put',
        path: '/v1/firms/{firmId}/connection',
        tags: ['connection'],
        summary: "Save the firm's Cegid keys after checking them live (admins only)",
        description:
          "Checks the CPA key (a token and a read) and the CFE key (the firm's exchange container) in parallel, then stores " +
          'the keys encrypted with the outcome, so a failed check can be retried. A connected result queues a reference sync. ' +
          'When Cegid is slow or unavailable the answer is 503 and the stored connection is left as it was. ' +
          "Keys Cegid accepts claim the firm's SIC code; when another registration already connected that code the answer is " +
          '409 sic_code_already_connected and nothing is saved.',
        request: { params: FirmParams, body: jsonBody(ConnectionBody) },
        responses: {
          200: json(Connection, 'Checked and saved (status tells whether both checks passed)'),
          ...errorResponses,
          503: errorResponse(503, 'Cegid could not be reached in time; nothing was saved'),
        },
      }),
      async (c) => {
        const view = await connectFirm(s, c.get('user'), c.req.valid('param').firmId, c.req.valid('json'), c.get('log'));
        return c.json(toConnection(view), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/firms/{firmId}/connection',
        tags: ['connection'],
        summary: "The firm's connection as last checked (never the secrets)",
        description:
          '`connected` means the background jobs use these keys. `reconnect_required`: the last check passed, but the ' +
          "firm's SIC code is no longer proved by them (keys refused since), so nothing is sent and entries say not connected; " +
          '`message` says what to do (enter the keys again).',
        request: { params: FirmParams },
        responses: { 200: json(Connection, 'The connection'), ...errorResponses },
      }),
      async (c) => c.json(toConnection(await firmConnection(s, c.get('user'), c.req.valid('param').firmId)), 200),
    );
}
