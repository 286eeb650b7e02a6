import { createRoute } from '@hono/zod-openapi';
import { asUser } from '../db/scoped.ts';
import { accountsToCreate, accountsToCreateCsv, setFileAccountLabels } from '../pipeline/account-labels.ts';
import type { Services } from '../services.ts';
import { AccountsToCreateList, AccountsToCreateQuery, FileSettingsAnswer, FileSettingsBody } from './schemas/account-labels.ts';
import { errorResponses, FileParams, json, jsonBody } from './schemas/common.ts';
import { router } from './env.ts';

export function accountLabelRoutes(s: Services) {
  return router()
    .openapi(
      createRoute({
        method: 'patch',
        path: '/v1/files/{fileId}',
        tags: ['client files'],
        summary: 'Change how the file is sent: `sendAccountLabels` (admins only)',
        description:
          "With sendAccountLabels, each deposit starts with a C record for every account of its entries that Quadra's chart lacks, carrying the line's accountLabel (the first pushed), its type and collective. " +
          'A C record never names an account Quadra has. Only an administrator of the firm may change it (403 forbidden otherwise).',
        request: { params: FileParams, body: jsonBody(FileSettingsBody) },
        responses: { 200: json(FileSettingsAnswer, 'The file as it is now sent'), ...errorResponses },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const { sendAccountLabels } = c.req.valid('json');
        return c.json(await setFileAccountLabels(s, c.get('user'), fileId, sendAccountLabels), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/v1/files/{fileId}/accounts-to-create',
        tags: ['client files'],
        summary: "The accounts the file's waiting entries use that Quadra's chart lacks (JSON, or CSV for a spreadsheet)",
        description:
          'Per account as it will be sent: the label a C record would carry, every label the hub gave it, its type (C customer, F supplier, G general) and collective, ' +
          'how many waiting entries use it and the first date. Create them in Quadra beforehand, or let the C records do it (sendAccountLabels).',
        request: { params: FileParams, query: AccountsToCreateQuery },
        responses: {
          200: {
            description: 'The accounts, by number',
            content: { 'application/json': { schema: AccountsToCreateList }, 'text/csv': { schema: { type: 'string' } } },
          },
          ...errorResponses,
        },
      }),
      async (c) => {
        const { fileId } = c.req.valid('param');
        const { format } = c.req.valid('query');
        const out = await asUser(s.db, c.get('user'), (tx) => accountsToCreate(tx, fileId));
        if (format === 'csv') {
          return c.body(accountsToCreateCsv(out.accounts), 200, {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="comptes-a-creer-${fileId}.csv"`,
          });
        }
        return c.json({ fileId, ...out }, 200);
      },
    );
}
