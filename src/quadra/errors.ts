/**
 * Typed errors for everything that talks to Cegid (CPA = read Quadra, CFE = deposit files).
 *
 * Each error carries a machine code (Cegid's own when it sent one, ours otherwise), whether a
 * retry can help, and a plain-words remedy the Hub can show (src/i18n: English stored, read back in French). Messages are built by us from
 * status codes and Cegid's error code/message, then scrubbed: no key, secret, token or SAS
 * signature may ever reach a log line or a user.
 */

export type CegidService = 'cpa' | 'cfe';

/** Our codes; Cegid's own codes (e.g. ContainerNotFoundInSicSettings) pass through as strings. */
export type CegidErrorCode =
  | 'Unauthorized'
  | 'Forbidden'
  | 'VendorIdentityRejected'
  | 'ContainerNotFoundInSicSettings'
  | 'Timeout'
  | 'Unavailable'
  | 'RateLimited'
  | 'BadResponse'
  | 'BadRequest'
  | 'NotFound'
  | 'HttpError'
  | (string & {});

export interface CegidErrorInit {
  service: CegidService;
  code: CegidErrorCode;
  message: string;
  status?: number;
  retryable?: boolean;
  /** Server-requested wait (Retry-After) when we gave up instead of waiting that long. */
  retryAfterMs?: number;
  /** Extra strings to scrub from the message (the caller's key/secret/token). */
  secrets?: readonly string[];
}

export interface UserError {
  code: string;
  message: string;
}

import { text } from '../i18n/index.ts';

/** Which of the catalogue's remedies a Cegid answer calls for (src/i18n/en.ts, `cegid.*`). */
type Variant =
  | 'container'
  | 'unauthorized_cpa'
  | 'unauthorized_cfe'
  | 'forbidden_cpa'
  | 'forbidden_cfe'
  | 'vendor_identity'
  | 'timeout'
  | 'unavailable'
  | 'rate_limited'
  | 'bad_response'
  | 'not_found'
  | 'server_error'
  | 'refused';

function variant(service: CegidService, code: string, status?: number): Variant {
  switch (code) {
    case 'ContainerNotFoundInSicSettings':
      return 'container';
    case 'Unauthorized':
      return service === 'cpa' ? 'unauthorized_cpa' : 'unauthorized_cfe';
    case 'Forbidden':
      return service === 'cpa' ? 'forbidden_cpa' : 'forbidden_cfe';
    case 'VendorIdentityRejected':
      return 'vendor_identity';
    case 'Timeout':
      return 'timeout';
    case 'Unavailable':
      return 'unavailable';
    case 'RateLimited':
      return 'rate_limited';
    case 'BadResponse':
      return 'bad_response';
    case 'NotFound':
      return 'not_found';
    default:
      return status === undefined || status >= 500 ? 'server_error' : 'refused';
  }
}

/**
 * The remedy per code, in the words of Quadra and Cegid Life (their menus where the brief names
 * them); falls back on the HTTP status class. English, as stored; read back in the caller's language.
 */
export function remedyFor(service: CegidService, code: string, status?: number): string {
  return text(`cegid.remedy.${variant(service, code, status)}`);
}

export class CegidError extends Error {
  override readonly name = 'CegidError';
  readonly service: CegidService;
  readonly status?: number;
  readonly code: CegidErrorCode;
  readonly remedy: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;

  constructor(init: CegidErrorInit) {
    super(redact(init.message, init.secrets));
    this.service = init.service;
    if (init.status !== undefined) this.status = init.status;
    this.code = init.code;
    this.retryable = init.retryable ?? defaultRetryable(init.code, init.status);
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    this.remedy = remedyFor(init.service, init.code, init.status);
  }

  /** What the Hub may show a user: the code, what happened, what to do. */
  toUserError(): UserError {
    const service = text(`cegid.service.${this.service}`);
    return { code: this.code, message: text(`cegid.user.${variant(this.service, this.code, this.status)}`, { service }) };
  }

  /** Explicit so JSON/pino serialisation never picks up anything but these fields. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      service: this.service,
      status: this.status,
      code: this.code,
      message: this.message,
      remedy: this.remedy,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
    };
  }
}

export function isCegidError(e: unknown): e is CegidError {
  return e instanceof CegidError;
}

function defaultRetryable(code: string, status?: number): boolean {
  if (code === 'Timeout' || code === 'Unavailable' || code === 'RateLimited') return true;
  return status !== undefined && (status === 429 || status >= 500);
}

/**
 * Removes credentials from free text: the given secrets, bearer tokens, SAS signatures and
 * client_secret-like form fields. Applied to every CegidError message, including text that
 * Cegid sent back (a server may echo what it received).
 */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const s of secrets) {
    // Short values would blank out ordinary words; real keys/secrets are long.
    if (s && s.length >= 4) out = out.split(s).join('***');
  }
  return out
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***')
    .replace(/([?&](?:sig|se|st|sp|sv|skoid|sktid|skt|ske|sks|skv|client_secret|access_token)=)[^&\s"']*/gi, '$1***')
    .replace(/("?(?:client_secret|access_token|secret|password)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1***');
}
