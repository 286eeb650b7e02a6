/**
 * Every code the API can answer in `{ error: { code, message, details? } }`, with its HTTP status
 * and what it means: the one list the hub can rely on. `AppError` takes only these codes, the
 * OpenAPI document lists them (the `ErrorCode` schema), docs/errors.md lists them, and the HTTP
 * tests refuse an answer whose code is not here.
 */
export const ERROR_CODES = {
  // The request itself
  validation_error: {
    status: 422,
    description: "The request does not match the operation's schema; `details.issues` says which field and why.",
  },
  invalid_json: { status: 400, description: 'The request body is not valid JSON.' },
  invalid_form: { status: 400, description: 'A document upload is not multipart/form-data with a "file" field.' },
  invalid_cursor: { status: 422, description: 'The page cursor is not one this API returned.' },
  payload_too_large: { status: 413, description: 'The JSON body exceeds JSON_BODY_LIMIT bytes.' },
  too_many_lines: { status: 413, description: 'A push carries more lines than one request may hold; split it.' },
  http_error: {
    status: 400,
    description: "The HTTP layer refused the request before it reached the API (the answer carries that layer's status).",
  },
  // Who is asking
  unauthorized: { status: 401, description: 'No bearer access token was sent.' },
  invalid_token: { status: 401, description: 'The access token is not valid here (signature, audience, issuer, subject, nbf or no exp).' },
  token_expired: { status: 401, description: 'The access token has expired.' },
  forbidden: { status: 403, description: "The caller's role in the firm does not allow this (an administrator is needed)." },
  invalid_cron_secret: { status: 401, description: 'The tick endpoint needs a valid x-cron-secret header.' },
  origin_not_allowed: {
    status: 403,
    description: 'A CORS preflight from an origin not in CORS_ORIGINS: a browser page there cannot call this API.',
  },
  tick_not_configured: { status: 404, description: 'Ticks are not enabled on this deployment (CRON_SECRET is unset).' },
  invalid_metrics_token: { status: 401, description: 'GET /metrics needs `Authorization: Bearer` with METRICS_TOKEN.' },
  metrics_not_configured: { status: 404, description: 'Metrics are not enabled on this production deployment (METRICS_TOKEN is unset).' },
  // What it names
  not_found: { status: 404, description: 'The resource does not exist, or belongs to another firm.' },
  mapping_not_found: { status: 404, description: "The hub account has no mapping in this file's account map." },
  file_gone: { status: 409, description: 'The dossier no longer exists in Quadra: nothing can be sent to it.' },
  not_connected: {
    status: 409,
    description: 'The firm is not connected to Cegid Quadra (or its SIC code is no longer verified): enter the CPA and CFE keys again.',
  },
  // Rules of the ledger and of the workflow
  entry_invalid: { status: 422, description: 'The entry does not pass the pre-flight checks; `details.errors` lists them.' },
  entry_not_editable: { status: 409, description: 'The entry was sent or posted: it can no longer be changed.' },
  entry_not_failed: { status: 409, description: 'Only an entry in failed_check can be revalidated.' },
  idempotency_key_reused: { status: 409, description: 'The Idempotency-Key was already used with a different request.' },
  account_map_collision: { status: 409, description: 'Two hub accounts would be written as the same Quadra account.' },
  sic_code_already_connected: {
    status: 409,
    description:
      'Cegid accepted the keys, but that SIC code is already connected under another registration of the firm; nothing was saved.',
  },
  too_many_waiting_syncs: { status: 429, description: 'The user already waits on as many file syncs as SYNC_WAITS_PER_USER allows.' },
  // Documents
  document_too_large: { status: 413, description: 'The document exceeds DOCUMENT_MAX_BYTES.' },
  empty_document: { status: 422, description: 'The uploaded document is empty.' },
  unsupported_document_type: { status: 415, description: 'Only PDF, JPEG and PNG documents are accepted (checked by their content).' },
  // Event endpoints
  invalid_url: {
    status: 422,
    description: 'A webhook URL is not a valid absolute http(s) URL without credentials, spaces or control characters.',
  },
  url_not_https: { status: 422, description: 'In production a webhook URL must use https.' },
  url_forbidden_address: {
    status: 422,
    description:
      'A webhook URL points to a loopback, private, link-local or cloud-metadata address (allowed only with WEBHOOK_ALLOW_PRIVATE=true).',
  },
  url_unresolvable: { status: 422, description: "A webhook URL's host name does not resolve." },
  webhook_disabled: { status: 409, description: 'The webhook endpoint is disabled; enable it first (PATCH enabled: true).' },
  // What the database refused
  already_exists: { status: 409, description: 'A record with the same identity already exists (`details.constraint` names it).' },
  constraint_violation: {
    status: 422,
    description: 'The data breaks a rule of the ledger the database enforces (e.g. debits and credits must balance).',
  },
  invalid_value: { status: 422, description: 'A value has the wrong format, holds a character that cannot be stored, or is out of range.' },
  value_too_large: { status: 422, description: 'A value is too large to be stored.' },
  // Ours, or a dependency's, and temporary
  cegid_unavailable: { status: 503, description: 'Cegid did not answer in time, so the keys could not be checked; nothing was changed.' },
  database_unavailable: {
    status: 503,
    description: 'The database could not be reached for a moment; try again (a push is safe to repeat with the same Idempotency-Key).',
  },
  internal_error: { status: 500, description: "A fault on the service's side; the request changed nothing." },
} as const satisfies Record<string, { status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503; description: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;
export type ErrorStatus = (typeof ERROR_CODES)[ErrorCode]['status'];
/** The codes answered with status `S` (e.g. `CodeWithStatus<409>` for `conflict`). */
export type CodeWithStatus<S extends ErrorStatus> = {
  [K in ErrorCode]: (typeof ERROR_CODES)[K]['status'] extends S ? K : never;
}[ErrorCode];

export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];

export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && Object.hasOwn(ERROR_CODES, code);
