import { createRoute } from '@hono/zod-openapi';
import { createFirm, getMyFirm, listMyFirms, type FirmRow } from '../db/repos/firms.ts';
import { asUser } from '../db/scoped.ts';
import type { Services } from '../services.ts';
import { errorResponses, json, jsonBody } from './schemas/common.ts';
import { CreateFirmBody, Firm, FirmList } from './schemas/firms.ts';
import { router } from './env.ts';

const toFirm = (f: FirmRow) => ({ id: f.id, name: f.name, sicCode: f.sic_code, role: f.role, createdAt: f.created_at.toISOString() });

export function firmRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/firms',
        tags: ['firms'],
        summary: 'Create a firm; the caller becomes its admin',
        description: "The SIC code is claimed only when the firm's Cegid keys pass their check (PUT /v1/firms/{firmId}/connection).",
        request: { body: jsonBody(CreateFirmBody) },
        responses: { 201: json(Firm, 'Created'), ...errorResponses },
      }),
      async (c) => {
        const body = c.req.valid('json');
        const user = c.get('user');
        // Registering claims nothing (the SIC code is proved by a connection Cegid accepts), so
        // there is no "already registered" answer that would tell a stranger the code exists.
        const firm = await asUser(s.db, user, async (tx) => {
          const id = await createFirm(tx, body.name, body.sicCode);
          return (await getMyFirm(tx, user.sub, id))!;
        });
        return c.json(toFirm(firm), 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/firms',
        tags: ['firms'],
        summary: 'The firms the caller belongs to',
        responses: { 200: json(FirmList, "The caller's firms"), ...errorResponses },
      }),
      async (c) => {
        const user = c.get('user');
        const firms = await asUser(s.db, user, (tx) => listMyFirms(tx, user.sub));
        return c.json({ firms: firms.map(toFirm) }, 200);
      },
    );
}
