// OAuth2 client credentials, shared by CPA and CFE (both modeled on Quadra On Demand's /token):
// a cached token refreshed before expiry, and a request that retries once with a new token on 401.
import { CegidError, type CegidService } from './errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http.ts';
import { TokenResponseSchema } from './types.ts';

export interface TokenSourceOptions {
  service: CegidService;
  http: HttpClient;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  now?: () => number;
  /** Refresh this long before expiry. Default 60 s (halved for very short-lived tokens). */
  refreshMarginMs?: number;
}

export interface TokenSource {
  /** A valid access token, from cache when it has more than the margin left. */
  get(): Promise<string>;
  /** Fetches a new token regardless of the cache. */
  refresh(): Promise<{ token: string; expiresAt: Date }>;
  /** Drops the cached token if it is still `token` (another caller may already have refreshed). */
  invalidate(token?: string): void;
  /** The cached token's expiry, if any. */
  expiresAt(): Date | undefined;
  /** The cached token, if any (only for scrubbing it out of messages). */
  current(): string | undefined;
}

export function createTokenSource(o: TokenSourceOptions): TokenSource {
  const now = o.now ?? Date.now;
  const margin = o.refreshMarginMs ?? 60_000;
  let cached: { token: string; expiresAt: number; refreshAt: number } | undefined;
  let inflight: Promise<{ token: string; expiresAt: Date }> | undefined;

  async function fetchToken(): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = now();
    const res = await o.http({
      method: 'POST',
      url: o.tokenUrl,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: o.clientId, client_secret: o.clientSecret }),
    });
    const parsed = TokenResponseSchema.safeParse(res.body);
    if (!parsed.success) {
      throw new CegidError({
        service: o.service,
        status: res.status,
        code: 'BadResponse',
        message: `${o.service.toUpperCase()} token response has an unexpected shape`,
        retryable: false,
      });
    }
    const ttlMs = parsed.data.expires_in * 1000;
    cached = {
      token: parsed.data.access_token,
      expiresAt: issuedAt + ttlMs,
      refreshAt: issuedAt + ttlMs - Math.min(margin, ttlMs / 2),
    };
    return { token: cached.token, expiresAt: new Date(cached.expiresAt) };
  }

  function refresh(): Promise<{ token: string; expiresAt: Date }> {
    // Concurrent callers share one token request.
    inflight ??= fetchToken().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  return {
    async get() {
      if (cached && now() < cached.refreshAt) return cached.token;
      return (await refresh()).token;
    },
    refresh,
    invalidate(token) {
      if (!token || cached?.token === token) cached = undefined;
    },
    expiresAt: () => (cached ? new Date(cached.expiresAt) : undefined),
    current: () => cached?.token,
  };
}

/**
 * Sends `req` with a Bearer token; on a 401 drops the token, gets a new one and retries once
 * (a token can be revoked or expire early on Cegid's side). A second 401 is final.
 */
export async function authorizedRequest(http: HttpClient, tokens: TokenSource, req: HttpRequest): Promise<HttpResponse> {
  const send = (token: string) =>
    http({ ...req, headers: { accept: 'application/json', ...req.headers, authorization: `Bearer ${token}` } });
  const token = await tokens.get();
  try {
    return await send(token);
  } catch (e) {
    if (!(e instanceof CegidError) || e.status !== 401) throw e;
    tokens.invalidate(token);
    return await send(await tokens.get());
  }
}
