import { createRoute } from '@hono/zod-openapi';
import { asUser } from '../db/scoped.ts';
import { listMappings, removeMapping, setMapping } from '../pipeline/account-map.ts';
import type { Services } from '../services.ts';
import { MappingAnswer, MappingBody, MappingList, MappingParams } from './schemas/account-map.ts';
import { errorResponses, FileParams, json, jsonBody } from './schemas/common.ts';
import { router } from './env.ts';

const about =
  'A hub account is sent to Quadra as the account its mapping names, instead of being cut to its first 8 characters. ' +
  'Push, preview and send apply it; entries already sent keep the account they were sent as.';

const adminsOnly = 'Only an administrator of the firm may change the map (403 forbidden otherwise); every member reads it.';

export function accountMapRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/account-map',
        tags: ['account map'],
        summary: "The file's account map: hub account -> Quadra account",
        description: about,
        request: { params: FileParams },
        responses: { 200: json(MappingList, 'The mappings, by hub account'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        return c.json({ items: await asUser(s.db, c.get('user'), (tx) => listMappings(tx, fileId)) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/v1/files/{fileId}/account-map/{hubAccount}',
        tags: ['account map'],
        summary: 'Send a hub account as a given Quadra account (admins only)',
        description: `${about} ${adminsOnly} Refused (409) when entries waiting to be sent would then merge two of your accounts.`,
        request: { params: MappingParams, body: jsonBody(MappingBody) },
        responses: { 200: json(MappingAnswer, 'The mapping, with what to know about its target'), ...errorResponses },
      }),
      async (c) => {
        const { fileId, hubAccount } = c.req.valid('param');
        const { quadraAccount } = c.req.valid('json');
        const user = c.get('user');
        const out = await asUser(s.db, user, (tx) => setMapping(tx, user.sub, fileId, hubAccount, quadraAccount));
        return c.json({ ...out.mapping, warnings: out.warnings }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/v1/files/{fileId}/account-map/{hubAccount}',
        tags: ['account map'],
        summary: 'Remove a mapping: the hub account is sent as it is again (cut to 8 characters; admins only)',
        description: `${about} ${adminsOnly}`,
        request: { params: MappingParams },
        responses: { 204: { description: 'Removed' }, ...errorResponses },
      }),
      async (c) => {
        const { fileId, hubAccount } = c.req.valid('param');
        const user = c.get('user');
        await asUser(s.db, user, (tx) => removeMapping(tx, user.sub, fileId, hubAccount));
        return c.body(null, 204);
      },
    );
}
