import type { components } from './schema.gen.js';

/** Every error code the API answers (its own list), and `unreachable`: no answer could be read. */
export type QuadraSyncErrorCode = components['schemas']['ErrorCode'] | 'unreachable';

/**
 * An API error, as the API answered it: `{ error: { code, message, details? } }`. The code never
 * changes with the language; the message is in the language asked for (`language` option) when
 * the API offers it. Status 0 with code `unreachable`: no answer the caller may read (network
 * down, or a browser refused it: CORS).
 */
export class QuadraSyncError extends Error {
  override readonly name = 'QuadraSyncError';
  constructor(
    readonly status: number,
    readonly code: QuadraSyncErrorCode,
    message: string,
    readonly details?: unknown,
    /** On a 429 or 503 whose Retry-After was longer than the client waits: how long the API asked to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export const UNREACHABLE_MESSAGE =
  "No answer could be read: the API is out of reach, or it does not allow this page's origin (CORS_ORIGINS)";

/** The typed error of an answer that is not 2xx. */
export function errorOf(response: Response, body: unknown): QuadraSyncError {
  const e = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  return new QuadraSyncError(
    response.status,
    (typeof e?.code === 'string' ? e.code : 'http_error') as QuadraSyncErrorCode,
    typeof e?.message === 'string' ? e.message : response.statusText || `HTTP ${response.status}`,
    e?.details,
    (response.status === 429 || response.status === 503) && retryAfter !== undefined ? retryAfter : undefined,
  );
}

/** Retry-After: delta-seconds or an HTTP date; milliseconds, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, nowMs: number = Date.now()): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
