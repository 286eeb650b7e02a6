import { type Lang, type Msg, msg, render } from '../i18n/index.ts';
import { type CodeWithStatus, ERROR_CODES, type ErrorCode, type ErrorStatus } from './error-codes.ts';

/** A refusal's text: a catalogue message (written in the caller's language), or text from elsewhere (as is). */
export type ErrorText = Msg | string;

/**
 * An error the API answers with as `{ error: { code, message, details? } }`. The code is one of
 * the list (src/lib/error-codes.ts), which also gives its HTTP status: a code has one status.
 */
export class AppError extends Error {
  readonly status: ErrorStatus;
  /** The text as the catalogue knows it; `message` is its English, for logs. */
  readonly text: ErrorText;
  constructor(
    readonly code: ErrorCode,
    text: ErrorText,
    readonly details?: unknown,
  ) {
    super(typeof text === 'string' ? text : render('en', text));
    this.text = text;
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }

  /** The message in the caller's language. */
  messageIn(lang: Lang): string {
    return typeof this.text === 'string' ? this.text : render(lang, this.text);
  }
}

/** The body of every error answer; also for the few answers given without throwing (unknown route, 500). */
export const errorBody = (code: ErrorCode, message: string, details?: unknown) => ({
  error: { code, message, ...(details !== undefined ? { details } : {}) },
});

const NOT_FOUND = {
  File: 'error.not_found.file',
  'Client file': 'error.not_found.client_file',
  Entry: 'error.not_found.entry',
  Firm: 'error.not_found.firm',
  'Webhook endpoint': 'error.not_found.webhook_endpoint',
  Event: 'error.not_found.event',
  Resource: 'error.not_found.resource',
  'A referenced record': 'error.not_found.referenced_record',
} as const;
export const notFound = (what: keyof typeof NOT_FOUND) => new AppError('not_found', msg(NOT_FOUND[what]));
export const forbidden = (message: ErrorText) => new AppError('forbidden', message);
export const conflict = (code: CodeWithStatus<409>, message: ErrorText, details?: unknown) => new AppError(code, message, details);
export const unprocessable = (code: CodeWithStatus<422>, message: ErrorText, details?: unknown) => new AppError(code, message, details);

interface PgError {
  code?: string;
  constraint?: string;
  message?: string;
}

/**
 * The connection to the database was lost or refused (a restart, a failover, a terminated
 * session, no connection slot left): the statement's work was not kept, or — at a commit — may
 * have been; either way trying again later is the answer, not a fault of the request.
 */
export function isConnectionLost(err: unknown): boolean {
  const e = err as PgError | undefined;
  const code = e?.code ?? '';
  // 08P01 is a malformed message (ours), not a lost connection.
  return (
    (code.startsWith('08') && code !== '08P01') ||
    ['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE'].includes(code) ||
    /^Connection terminated/.test(e?.message ?? '')
  );
}

/** Database errors a request can cause map to 4xx; anything else stays a 500. */
export function fromDatabaseError(err: unknown): AppError | undefined {
  const e = err as PgError;
  switch (e?.code) {
    case '23505':
      return conflict('already_exists', msg('error.already_exists'), e.constraint ? { constraint: e.constraint } : undefined);
    case '23514':
      return unprocessable(
        'constraint_violation',
        e.constraint === 'entry_lines_balanced' ? msg('error.unbalanced') : msg('error.ledger_rule'),
        e.constraint ? { constraint: e.constraint } : undefined,
      );
    case '23503':
      return notFound('A referenced record');
    // RLS refused a write: the row belongs to another firm, which the caller may not even know exists.
    case '42501':
      return notFound('Resource');
    // Data exceptions a value the request carried causes: text the database cannot hold (22021
    // bad encoding, 22P05 untranslatable character, 22001 too long), dates and numbers out of
    // range (22007/22008/22009, 22003), malformed values (22P02). Not the whole class 22: a
    // division by zero or a bad function argument (22012, 22023...) is a fault of our SQL, a 500.
    case '22P02':
    case '22007':
    case '22008':
    case '22009':
    case '22003':
    case '22021':
    case '22P05':
    case '22001':
      return unprocessable('invalid_value', msg('error.invalid_value'));
    // 54000: a value too large for an index or a row.
    case '54000':
      return unprocessable('value_too_large', msg('error.value_too_large'));
    default:
      if (isConnectionLost(err)) {
        return new AppError('database_unavailable', msg('error.database_unavailable'));
      }
      return undefined;
  }
}
