import { z } from '@hono/zod-openapi';
import { QUADRA_ACCOUNT_PATTERN } from '../../domain/entries/account-map.ts';
import { uuidParam } from './common.ts';
import { IssueSchema } from './entries.ts';

export const MappingParams = z.object({
  fileId: uuidParam('fileId'),
  hubAccount: z
    .string()
    .min(1)
    .max(40)
    .refine((v) => v.trim() === v && !/\p{Cc}/u.test(v), {
      message: 'hubAccount is the account as the hub pushes it: no surrounding spaces or control characters',
    })
    .openapi({
      param: { name: 'hubAccount', in: 'path' },
      description: 'The account as the hub numbers it (URL-encoded)',
      example: '6064000000',
    }),
});

export const MappingBody = z
  .strictObject({
    quadraAccount: z
      .string()
      .trim()
      .regex(QUADRA_ACCOUNT_PATTERN, { message: 'quadraAccount is a Quadra account number: 1 to 8 characters, no spaces' })
      .openapi({
        description: 'The Quadra account it is sent as (8 characters at most); one Quadra lacks is created without a label',
        example: '60640000',
      }),
  })
  .openapi('AccountMappingInput');

export const MappingSchema = z
  .object({
    hubAccount: z.string(),
    quadraAccount: z.string(),
    quadraLabel: z
      .string()
      .nullable()
      .openapi({ description: "Quadra's label for the target; null when Quadra does not have that account" }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('AccountMapping');

export const MappingAnswer = MappingSchema.extend({ warnings: z.array(IssueSchema) }).openapi('AccountMappingSet');
export const MappingList = z.object({ items: z.array(MappingSchema) }).openapi('AccountMap');
