import { z } from '@hono/zod-openapi';
import { withoutControls } from './common.ts';

// Keys are pasted from Cegid Life: surrounding blanks are dropped. At least 8 characters, so the
// 4-character hint never shows a whole key.
const code = (what: string, example: string) =>
  withoutControls(z.string().trim().min(8, `${what} has at least 8 characters`).max(512), what).openapi({ example });

const KeyPair = (service: 'CPA' | 'CFE') =>
  z.strictObject({
    apiKey: code(`The ${service} API key`, `${service.toLowerCase()}-api-key-0000`),
    secret: code(`The ${service} secret`, 'shown-once-in-cegid-life'),
  });

export const ConnectionBody = z
  .strictObject({ cpa: KeyPair('CPA'), cfe: KeyPair('CFE') })
  .openapi('ConnectionInput', { description: 'The four codes generated in Cegid Life: CPA key + secret, CFE key + secret.' });

export const ConnectionCheck = z
  .object({
    name: z.enum(['cpa', 'cfe']),
    ok: z.boolean(),
    code: z.string().optional().openapi({ example: 'ContainerNotFoundInSicSettings' }),
    message: z.string().optional().openapi({ description: 'What happened and what to do, in plain words' }),
  })
  .openapi('ConnectionCheck');

export const Connection = z
  .object({
    status: z.enum(['connected', 'failed', 'reconnect_required']).openapi({
      description:
        '`connected`: the background jobs use these keys. `failed`: the last check failed (see `checks`). ' +
        "`reconnect_required` (added later; treat any other value as not connected): the last check passed, but the firm's " +
        'SIC code is no longer proved by these keys, so nothing is sent until they are entered again (see `message`).',
    }),
    message: z.string().optional().openapi({ description: 'With `reconnect_required`: what happened and what to do, in plain words' }),
    checks: z.array(ConnectionCheck),
    cpaKeyHint: z.string().openapi({ example: '…a1b2' }),
    cfeKeyHint: z.string().openapi({ example: '…c3d4' }),
    checkedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('Connection', { description: 'The connection as last checked. Secrets are never returned.' });
