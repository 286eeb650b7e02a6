import { z } from '@hono/zod-openapi';
import { CONTROL_CHARACTERS } from '../../lib/text.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_error' }),
      message: z.string().openapi({ example: 'The request is not valid' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export const errorResponses = {
  400: { description: 'Malformed request', content: { 'application/json': { schema: ErrorSchema } } },
  401: { description: 'Missing or invalid access token', content: { 'application/json': { schema: ErrorSchema } } },
  403: { description: 'Not allowed for this role', content: { 'application/json': { schema: ErrorSchema } } },
  404: { description: 'Not found (or not yours)', content: { 'application/json': { schema: ErrorSchema } } },
  409: { description: 'Conflict', content: { 'application/json': { schema: ErrorSchema } } },
  413: { description: 'Body too large', content: { 'application/json': { schema: ErrorSchema } } },
  422: { description: 'Validation failed', content: { 'application/json': { schema: ErrorSchema } } },
} as const;

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const uuidParam = (name: string) =>
  z.uuid({ message: `${name} must be a UUID` }).openapi({ param: { name, in: 'path' }, example: '00000000-0000-4000-8000-000000000000' });

export const FirmParams = z.object({ firmId: uuidParam('firmId') });
export const FileParams = z.object({ fileId: uuidParam('fileId') });
export const EntryParams = z.object({ entryId: uuidParam('entryId') });

/**
 * Control characters, decided per field (NUL is refused everywhere, before any schema):
 * - identifiers and codes (externalId, journal code, piece reference, account, Idempotency-Key,
 *   Cegid keys) and names shown as they are (firm name) refuse them all: a tab or line break there
 *   is a copy-paste accident, and folding it would silently make two identifiers one;
 * - free labels keep them: the Quadra writer folds tabs and line breaks to a space and drops the
 *   rest, with a warning the user sees, so nothing the user typed disappears unannounced.
 */
export const withoutControls = <T extends z.ZodString>(schema: T, what: string): T =>
  schema.refine((v) => !CONTROL_CHARACTERS.test(v), `${what} cannot contain control characters (tab, line break, NUL...)`) as T;
