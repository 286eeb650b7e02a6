import { z } from '@hono/zod-openapi';

export const FileSettingsBody = z
  .strictObject({
    sendAccountLabels: z.boolean().openapi({
      description:
        "true: each deposit starts with a C record (account, label, type, collective) for every account of its entries that Quadra's chart lacks. " +
        'Off by default: whether Cegid File Exchange imports C records is not publicly confirmed.',
    }),
  })
  .openapi('FileSettings');

export const FileSettingsAnswer = z.object({ id: z.uuid(), sendAccountLabels: z.boolean() }).openapi('FileSettingsAnswer');

export const AccountsToCreateQuery = z.object({
  format: z
    .enum(['json', 'csv'])
    .default('json')
    .openapi({ param: { name: 'format', in: 'query' }, description: 'csv: for a spreadsheet (`;`, UTF-8 with BOM, dates DD/MM/YYYY)' }),
});

export const AccountToCreateSchema = z
  .object({
    account: z
      .string()
      .openapi({ description: "As it will be sent (the file's account map applied, 8 characters at most)", example: 'FMOULIN2' }),
    label: z
      .string()
      .nullable()
      .openapi({ description: 'The label a C record carries: the first pushed, folded to Windows-1252 and cut to 30; null when none' }),
    labels: z.array(z.string()).openapi({ description: 'Every label the hub gave the account, the first pushed first' }),
    kind: z.enum(['general', 'customer', 'supplier']),
    type: z.enum(['C', 'F', 'G']),
    collective: z.string().nullable().openapi({ description: "A customer's or supplier's collective account" }),
    entries: z.number().openapi({ description: 'Waiting entries that use it' }),
    firstDate: z.string().openapi({ description: 'The earliest date of those entries (YYYY-MM-DD)' }),
  })
  .openapi('AccountToCreate');

export const AccountsToCreateList = z
  .object({ fileId: z.uuid(), sendAccountLabels: z.boolean(), accounts: z.array(AccountToCreateSchema) })
  .openapi('AccountsToCreate');
