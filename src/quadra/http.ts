/**
 * The one fetch wrapper used to reach Cegid: per-attempt timeout, retries with exponential
 * backoff + jitter on 429/5xx/network errors/timeouts (honouring Retry-After), none on other
 * 4xx, and Cegid-style JSON errors `{ code, message }` turned into CegidError.
 */
import { CegidError, type CegidService } from './errors.ts';
import { sleep } from '../lib/sleep.ts';

export interface HttpOptions {
  service: CegidService;
  /** Per attempt. Default 15 s. */
  timeoutMs?: number;
  /** Total attempts including the first. Default 4. */
  maxAttempts?: number;
  /** First backoff step; doubles per attempt. Default 500 ms. */
  retryBaseMs?: number;
  /** Ceiling for one computed backoff. Default 10 s. */
  retryMaxMs?: number;
  /** Longest Retry-After we are willing to sleep; beyond it we give up (retryable) so a job can reschedule. Default 30 s. */
  retryAfterCapMs?: number;
  /** Strings that must never appear in an error message (key, secret, tokens). */
  secrets?: () => readonly string[];
  fetch?: typeof fetch;
  /** Injected for tests of the backoff maths; defaults to Math.random. */
  random?: () => number;
}

/** What both Cegid clients accept to tune their requests (tests use short delays). */
export interface ClientTuning {
  timeoutMs?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  retryAfterCapMs?: number;
  /** Clock for token expiry (ms since epoch). */
  now?: () => number;
  fetch?: typeof fetch;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string | URLSearchParams;
  /** Cancels all attempts (e.g. job shutdown). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export type HttpClient = (req: HttpRequest) => Promise<HttpResponse>;

const DEFAULTS = {
  timeoutMs: 15_000,
  maxAttempts: 4,
  retryBaseMs: 500,
  retryMaxMs: 10_000,
  retryAfterCapMs: 30_000,
};

/**
 * A fetch that may ask the client to hold a place before each attempt (`hold`, waited for under the
 * caller's signal only, before the attempt's timeout starts); the function it returns gives the
 * place back once the attempt's body is read.
 */
export type HeldFetch = typeof fetch & { hold?: (signal?: AbortSignal) => Promise<() => Promise<void>> };

export function createHttpClient(opts: HttpOptions): HttpClient {
  const o = { ...DEFAULTS, ...stripUndefined(opts) };
  const doFetch = opts.fetch ?? fetch;
  const random = opts.random ?? Math.random;
  const secrets = () => opts.secrets?.() ?? [];
  const maxAttempts = Math.max(1, Math.floor(o.maxAttempts));

  return async function request(req: HttpRequest): Promise<HttpResponse> {
    const where = `${req.method} ${describeUrl(req.url)}`;
    for (let attempt = 1; ; attempt++) {
      let failure: CegidError;
      let retryAfterMs: number | undefined;
      try {
        // A transport that holds a place (the firm's Cegid slot) is waited for before the attempt's
        // timeout starts: time spent queuing is not Cegid's slowness, and must not cut the call short.
        const release = await (doFetch as HeldFetch).hold?.(req.signal);
        let res: Response;
        let text: string;
        try {
          const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(o.timeoutMs)]) : AbortSignal.timeout(o.timeoutMs);
          const init: RequestInit = { method: req.method, signal };
          if (req.headers) init.headers = req.headers;
          if (req.body !== undefined) init.body = req.body;
          res = await doFetch(req.url, init);
          // Read the body inside the try: the timeout also covers a slow body.
          text = await res.text();
        } finally {
          await release?.();
        }
        if (res.ok) {
          return { status: res.status, headers: res.headers, body: parseJsonBody(text, opts.service, where, res.status, secrets()) };
        }
        failure = errorFromResponse(opts.service, where, res.status, text, secrets());
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } catch (e) {
        if (e instanceof CegidError) throw e; // BadResponse on a 2xx: retrying will not fix it
        if (req.signal?.aborted) throw e; // caller cancelled: not Cegid's fault, not ours to map
        failure = errorFromException(opts.service, where, e, o.timeoutMs, secrets());
      }

      if (!failure.retryable || attempt >= maxAttempts) throw failure;

      let delay = backoff(attempt, o.retryBaseMs, o.retryMaxMs, random);
      if (retryAfterMs !== undefined) {
        if (retryAfterMs > o.retryAfterCapMs) {
          // Sleeping minutes inside a request helps nobody: surface it with the wait so the
          // caller (a queued job) can reschedule.
          throw new CegidError({
            service: opts.service,
            status: failure.status,
            code: failure.code,
            message: `${failure.message} (server asked to wait ${Math.ceil(retryAfterMs / 1000)} s)`,
            retryable: true,
            retryAfterMs,
            secrets: secrets(),
          });
        }
        delay = Math.max(delay, retryAfterMs);
      }
      await sleep(delay, req.signal);
    }
  };
}

/** Full-jitter-ish: between half and all of base * 2^(attempt-1), capped. */
export function backoff(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Retry-After is either delta-seconds or an HTTP date. Returns ms, or undefined if absent/unparseable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

function errorFromResponse(service: CegidService, where: string, status: number, text: string, secrets: readonly string[]): CegidError {
  let cegidCode: string | undefined;
  let cegidMessage: string | undefined;
  try {
    const j: unknown = JSON.parse(text);
    if (j && typeof j === 'object') {
      const r = j as Record<string, unknown>;
      // Cegid-style { code, message }; OAuth-style { error, error_description } on /token.
      if (typeof r.code === 'string') cegidCode = r.code;
      else if (typeof r.error === 'string') cegidCode = r.error;
      if (typeof r.message === 'string') cegidMessage = r.message;
      else if (typeof r.error_description === 'string') cegidMessage = r.error_description;
    }
  } catch {
    // not JSON (a proxy's HTML page, an empty body): the status alone decides
  }
  const code = codeFor(status, cegidCode);
  const detail = [cegidCode && cegidCode !== code ? cegidCode : undefined, cegidMessage].filter(Boolean).join(': ').slice(0, 300);
  return new CegidError({
    service,
    status,
    code,
    message: `${service.toUpperCase()} ${where} failed with HTTP ${status} ${code}${detail ? ` (${detail})` : ''}`,
    secrets,
  });
}

function codeFor(status: number, cegidCode: string | undefined): string {
  // Status-derived codes win for auth and availability: their remedy depends on the class of
  // failure, not on how a given gateway spells it (invalid_client, TokenExpired, ...).
  if (status === 401) return 'Unauthorized';
  if (status === 429) return 'RateLimited';
  if (status >= 500) return status === 504 ? 'Timeout' : 'Unavailable';
  if (status === 403) return 'Forbidden';
  if (cegidCode) return cegidCode;
  if (status === 404) return 'NotFound';
  if (status === 400) return 'BadRequest';
  return 'HttpError';
}

function errorFromException(service: CegidService, where: string, e: unknown, timeoutMs: number, secrets: readonly string[]): CegidError {
  const name = e instanceof Error ? e.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new CegidError({
      service,
      code: 'Timeout',
      message: `${service.toUpperCase()} ${where} timed out after ${timeoutMs} ms`,
      secrets,
    });
  }
  // fetch() network failures are TypeError('fetch failed') with the socket error as cause.
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  const reason = (cause as { code?: string } | undefined)?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e));
  return new CegidError({
    service,
    code: 'Unavailable',
    message: `${service.toUpperCase()} ${where} could not reach Cegid (${reason})`,
    secrets,
  });
}

function parseJsonBody(text: string, service: CegidService, where: string, status: number, secrets: readonly string[]): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new CegidError({
      service,
      status,
      code: 'BadResponse',
      message: `${service.toUpperCase()} ${where} returned non-JSON content`,
      retryable: false,
      secrets,
    });
  }
}

/** Path only: query strings may carry SAS signatures or other credentials. */
function describeUrl(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '(invalid url)';
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
