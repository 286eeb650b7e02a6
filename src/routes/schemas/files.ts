import { z } from '@hono/zod-openapi';

export const PrerequisiteCheck = z
  .object({
    name: z.enum(['open_period', 'previous_period_closed', 'chart_of_accounts', 'open_journals']),
    ok: z.boolean(),
    message: z.string().optional(),
    remedy: z.string().optional().openapi({ description: 'What to do in Quadra (failing checks only)' }),
  })
  .openapi('PrerequisiteCheck');

export const Prerequisites = z.object({ ok: z.boolean(), checks: z.array(PrerequisiteCheck) }).openapi('Prerequisites');

export const ClientFile = z
  .object({
    id: z.uuid(),
    dossierCode: z.string(),
    name: z.string(),
    gone: z.boolean().openapi({ description: 'The dossier is no longer in Quadra' }),
    waitingOpenSince: z.string().nullable().openapi({ description: 'Nothing sent reached Quadra: open the file in Quadra' }),
    prerequisites: Prerequisites,
  })
  .openapi('ClientFile');

export const ClientFileList = z.object({ files: z.array(ClientFile) }).openapi('ClientFileList');

export const AccountKind = z.enum(['general', 'customer', 'supplier']);

export const AccountListQuery = z.object({
  kind: AccountKind.optional().openapi({ param: { name: 'kind', in: 'query' } }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(200)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  cursor: z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name: 'cursor', in: 'query' } }),
});

export const Account = z
  .object({ number: z.string(), label: z.string(), kind: AccountKind, collective: z.string().nullable() })
  .openapi('Account');

export const AccountPage = z.object({ items: z.array(Account), nextCursor: z.string().nullable() }).openapi('AccountPage');

export const Journal = z.object({ code: z.string(), label: z.string(), open: z.boolean() }).openapi('Journal');
export const JournalList = z.object({ journals: z.array(Journal) }).openapi('JournalList');

export const Period = z.object({ startsOn: z.string(), endsOn: z.string(), status: z.enum(['open', 'closed']) }).openapi('Period');
export const PeriodList = z.object({ periods: z.array(Period) }).openapi('PeriodList');
