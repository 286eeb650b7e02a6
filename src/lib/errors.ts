import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error the API answers with as `{ error: { code, message, details? } }`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new AppError(422, code, message, details);

interface PgError { code?: string; constraint?: string; message?: string }

/** Database errors a request can cause map to 4xx; anything else stays a 500. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  const e = err as PgError;
  switch (e?.code) {
    case '23505': return conflict('already_exists', 'A record with the same identity already exists', e.constraint ? { constraint: e.constraint } : undefined);
    case '23514': return unprocessable('constraint_violation', e.constraint === 'entry_lines_balanced' ? 'Debits and credits must balance' : 'The data breaks a rule of the ledger', e.constraint ? { constraint: e.constraint } : undefined);
    case '23503': return notFound('A referenced record');
    case '22P02': case '22007': case '22008': case '22003': return unprocessable('invalid_value', 'A value has the wrong format or is out of range');
    // RLS refused a write: the row belongs to another firm, which the caller may not even know exists.
    case '42501': return notFound('Resource');
    default: return undefined;
  }
}
