// OAuth2 client credentials, shared by CPA and CFE, as Quadra On Demand publishes its /token: the
// key, its secret and the calling application's identity. A cached token refreshed before expiry,
// and a request that retries once with a new token on 401.
import { CegidError, type CegidService } from './errors.ts';
import type { HttpClient, HttpRequest, HttpResponse } from './http.ts';
import { TokenResponseSchema } from './types.ts';
import { GRANT_TYPE, TOKEN_FORM } from './wire.ts';
import { APP_NAME, APP_VERSION } from '../version.ts';

/** Who calls Cegid: the vendor GUID Cegid issued, and the application's name and version. */
export interface VendorIdentity {
  vendorName: string;
  applicationName: string;
  applicationVersion: string;
}

/** The vendor GUID used under the simulator and in development (Cegid issues the real one). */
export const DEV_VENDOR_NAME = '00000000-0000-4000-8000-00000000d0e5';

/** What the simulator and tests send when no identity is configured (never valid at Cegid). */
export const DEV_VENDOR_IDENTITY: VendorIdentity = {
  vendorName: DEV_VENDOR_NAME,
  applicationName: APP_NAME,
  applicationVersion: APP_VERSION,
};

/** OAuth codes that mean the key or secret, not the identity, was refused. */
const CREDENTIAL_CODES = new Set(['invalid_client', 'unauthorized_client', 'Unauthorized']);

export interface TokenSourceOptions {
  service: CegidService;
  http: HttpClient;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  identity: VendorIdentity;
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
    const res = await o
      .http({
        method: 'POST',
        url: o.tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          [TOKEN_FORM.grantType]: GRANT_TYPE,
          [TOKEN_FORM.clientId]: o.clientId,
          [TOKEN_FORM.clientSecret]: o.clientSecret,
          [TOKEN_FORM.vendorName]: o.identity.vendorName,
          [TOKEN_FORM.applicationName]: o.identity.applicationName,
          [TOKEN_FORM.applicationVersion]: o.identity.applicationVersion,
        }),
      })
      .catch((e: unknown) => {
        throw identityRefusal(o.service, e);
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
 * A 400 to a token request is about the application's identity: grant type and field names are
 * fixed, and a refused key or secret is a 401 (or an OAuth `invalid_client`). Said as such, so the
 * user learns it is a setting of the service and not the keys they typed.
 */
function identityRefusal(service: CegidService, e: unknown): unknown {
  if (!(e instanceof CegidError) || e.status !== 400) return e;
  if (CREDENTIAL_CODES.has(e.code)) {
    return new CegidError({ service, status: 400, code: 'Unauthorized', message: e.message, retryable: false });
  }
  return new CegidError({
    service,
    status: 400,
    code: 'VendorIdentityRejected',
    message: `${e.message} (the token request's vendor_name, application_name or application_version was refused)`,
    retryable: false,
  });
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
