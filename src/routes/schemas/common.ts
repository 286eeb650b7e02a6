import { z } from '@hono/zod-openapi';
import { ERROR_CODE_LIST, ERROR_CODES, type ErrorStatus } from '../../lib/error-codes.ts';
import { CONTROL_CHARACTERS } from '../../lib/text.ts';

/** The whole list of codes (src/lib/error-codes.ts), each with its status and meaning in the description. */
export const ErrorCodeSchema = z.enum(ERROR_CODE_LIST).openapi('ErrorCode', {
  description: `Every code an error answer can carry:\n${ERROR_CODE_LIST.map((c) => `- \`${c}\` (${ERROR_CODES[c].status}): ${ERROR_CODES[c].description}`).join('\n')}`,
  example: 'validation_error',
});

export const ErrorSchema = z
  .object({
    error: z.object({
      code: ErrorCodeSchema,
      message: z.string().openapi({ example: 'The request is not valid' }),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

/** An error answer of this status, its description naming the codes the status carries. */
export const errorResponse = (status: ErrorStatus, what: string) => ({
  description: `${what}. Codes: ${ERROR_CODE_LIST.filter((c) => ERROR_CODES[c].status === status).join(', ')}`,
  content: { 'application/json': { schema: ErrorSchema } },
});

export const errorResponses = {
  400: errorResponse(400, 'Malformed request'),
  401: errorResponse(401, 'Missing or invalid access token'),
  403: errorResponse(403, 'Not allowed for this role'),
  404: errorResponse(404, 'Not found (or not yours)'),
  409: errorResponse(409, 'Conflict'),
  413: errorResponse(413, 'Body too large'),
  422: errorResponse(422, 'Validation failed'),
  500: errorResponse(500, 'A fault on our side; nothing was changed'),
  503: errorResponse(503, 'A dependency could not be reached for a moment; try again'),
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
