import { z } from '@hono/zod-openapi';
import { withoutControls } from './common.ts';

export const CreateFirmBody = z
  .strictObject({
    name: withoutControls(z.string().trim().min(1).max(200), 'A firm name').openapi({ example: 'Cabinet Martin & Associés' }),
    sicCode: z
      .string()
      .regex(/^[A-Za-z0-9]{1,20}$/, "sicCode is the firm's Cegid SIC code: 1 to 20 letters or digits")
      .openapi({ example: '100200' }),
  })
  .openapi('CreateFirm');

export const Firm = z
  .object({
    id: z.uuid(),
    name: z.string(),
    sicCode: z.string(),
    role: z.enum(['admin', 'member']),
    createdAt: z.string(),
  })
  .openapi('Firm');

export const FirmList = z.object({ firms: z.array(Firm) }).openapi('FirmList');
