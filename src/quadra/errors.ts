/**
 * Typed errors for everything that talks to Cegid (CPA = read Quadra, CFE = deposit files).
 *
 * Each error carries a machine code (Cegid's own when it sent one, ours otherwise), whether a
 * retry can help, and a plain-words remedy the Hub can show as-is. Messages are built by us from
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

const SERVICE_NAME: Record<CegidService, string> = {
  cpa: 'Cegid CPA (Quadra data)',
  cfe: 'Cegid File Exchange (CFE)',
};

const RETRY_NOTE = 'We will retry automatically; nothing was changed in Quadra.';

/** Plain-English remedy per code; falls back on the HTTP status class. */
export function remedyFor(service: CegidService, code: string, status?: number): string {
  switch (code) {
    case 'ContainerNotFoundInSicSettings':
      return (
        'Regenerate the CFE API key in Cegid Life, then verify that the CFE key in Cegid Life ' +
        '(Administration > User Management > API Keys) matches the one entered in the Cegid Quadra ' +
        'settings (Tools > API Keys > Cegid File Exchange).'
      );
    case 'Unauthorized':
      return service === 'cpa'
        ? 'Check the CPA API key and its secret. The secret is shown only once, when the key is ' +
            'generated in Cegid Life: if you no longer have it, regenerate the key and enter both again.'
        : 'Check the CFE API key and its secret (Cegid Life > Administration > User Management > ' +
            'API Keys, service Cegid File Exchange). The secret is shown only once: if you no longer ' +
            'have it, regenerate the key and enter both again, also in Quadra (Tools > API Keys > Cegid File Exchange).';
    case 'Forbidden':
      return service === 'cpa'
        ? 'This Cegid account has no access to the Cegid Collaborative Portal, which the CPA API ' +
            'requires. Contact your Cegid sales representative to get it.'
        : "Cegid refused access to this firm's exchange space. Check that the CFE key was generated " +
            'for this SIC code, then regenerate it in Cegid Life if needed.';
    case 'VendorIdentityRejected':
      return (
        'Nothing is wrong with the keys you entered: Cegid did not accept how Quadra Sync introduces ' +
        'itself (its vendor identifier, name and version, which Cegid requires with every connection). ' +
        'Contact Quadra Sync support; the administrator of the service must set CEGID_VENDOR_NAME to ' +
        'the vendor identifier Cegid issued.'
      );
    case 'Timeout':
      return `Cegid did not answer in time. ${RETRY_NOTE}`;
    case 'Unavailable':
      return `Cegid is temporarily unavailable. ${RETRY_NOTE}`;
    case 'RateLimited':
      return `Cegid asked us to slow down. ${RETRY_NOTE}`;
    case 'BadResponse':
      return 'Cegid answered in an unexpected format. Nothing was changed; contact support if this persists.';
    case 'NotFound':
      return (
        'Cegid does not know this item (a dossier may have been renamed or removed in Quadra). ' +
        'Refresh the reference data, then try again.'
      );
    default:
      if (status === undefined || status >= 500) return `Cegid reported an error. ${RETRY_NOTE}`;
      return 'Cegid refused the request. Contact support with the error code shown.';
  }
}

const SUMMARY: Record<string, string> = {
  ContainerNotFoundInSicSettings: "No Cegid File Exchange container is configured for this firm's SIC code.",
  Unauthorized: 'Cegid rejected the API key or its secret.',
  Forbidden: 'Cegid refused access.',
  VendorIdentityRejected: "Cegid refused Quadra Sync's vendor identification.",
  Timeout: 'Cegid did not answer in time.',
  Unavailable: 'Cegid is temporarily unavailable.',
  RateLimited: 'Cegid is limiting the number of requests.',
  BadResponse: 'Cegid sent an unexpected answer.',
  NotFound: 'Cegid could not find the requested item.',
};

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
    const what = SUMMARY[this.code] ?? `${SERVICE_NAME[this.service]} returned an error.`;
    return { code: this.code, message: `${SERVICE_NAME[this.service]}: ${what} ${this.remedy}` };
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
