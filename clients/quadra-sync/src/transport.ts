// How requests leave the client: over fetch to the Node service (bearer token), or through a
// supabase-js client's `functions.invoke` under the Edge Function's path (the user's session),
// with 429/503 retried after their Retry-After (bounded).
import { parseRetryAfter } from './errors.js';

export type FetchLike = (request: Request) => Promise<Response>;

/** What the client needs of a supabase-js client (`createClient(...)`): its functions. */
export interface SupabaseFunctionsLike {
  functions: {
    invoke(
      name: string,
      options: { method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'; headers?: Record<string, string>; body?: string | Blob },
    ): Promise<{ data: unknown; error: unknown; response?: Response }>;
  };
}

/** The placeholder origin the client builds URLs on when it goes through functions.invoke. */
export const INVOKE_ORIGIN = 'https://functions.invoke';

/**
 * A fetch that hands each request to `functions.invoke('<functionName>/v1/...')`: supabase-js adds
 * the project's URL, its anon key and the signed-in user's access token. An HTTP error comes back
 * as the function's own response, so its `{ error }` body and Retry-After reach the caller.
 */
export function invokeFetch(supabase: SupabaseFunctionsLike, functionName: string): FetchLike {
  return async (req) => {
    const u = new URL(req.url);
    const headers: Record<string, string> = {};
    // functions-js looks for `Content-Type` spelled so before it picks one of its own.
    req.headers.forEach((v, k) => {
      headers[k === 'content-type' ? 'Content-Type' : k] = v;
    });
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD' && req.body !== null;
    const body = hasBody ? (headers['Content-Type']?.startsWith('application/json') ? await req.text() : await req.blob()) : undefined;
    const { data, error, response } = await supabase.functions.invoke(`${functionName}${u.pathname}${u.search}`, {
      method: req.method as 'GET',
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const context = (error as { context?: unknown } | null)?.context;
    if (error && context instanceof Response && (error as Error).name === 'FunctionsHttpError') return context;
    if (error) throw error; // not reached, or refused by the relay: no answer of the API
    const res = response!;
    const out = new Headers(res.headers);
    out.delete('content-length');
    out.delete('content-encoding');
    const payload =
      res.status === 204 || data === null || data === undefined
        ? null
        : typeof data === 'string' || data instanceof Blob
          ? data
          : JSON.stringify(data);
    return new Response(payload, { status: res.status, statusText: res.statusText, headers: out });
  };
}

export interface RetryOptions {
  /** Retries after the first attempt (default 2). 0: none. */
  retries?: number;
  /** The longest Retry-After the client waits; longer, the error carries it (`retryAfterMs`). Default 30 s. */
  maxDelayMs?: number;
}

/**
 * 429 and 503 answers are retried, at most `retries` times, after the Retry-After they carry
 * (else 1 s, doubling). The API refused such a request before doing anything (a push carries its
 * Idempotency-Key, so even a push answered twice is stored once), so a retry is safe.
 */
export function retrying(inner: FetchLike, opts: RetryOptions = {}): FetchLike {
  const retries = Math.max(0, Math.floor(opts.retries ?? 2));
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  return async (req) => {
    const template = retries > 0 ? req.clone() : req;
    for (let attempt = 0; ; attempt++) {
      const res = await inner(attempt === 0 ? req : template.clone());
      if ((res.status !== 429 && res.status !== 503) || attempt >= retries) return res;
      const asked = parseRetryAfter(res.headers.get('retry-after'));
      const delay = asked ?? 1_000 * 2 ** attempt;
      if (delay > maxDelayMs) return res;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, delay));
    }
  };
}
