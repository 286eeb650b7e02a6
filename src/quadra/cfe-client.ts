/**
 * Cegid File Exchange (CFE) client: deposits zipped Quadra ASCII files for a firm.
 *
 * Modeled flow (paths and names in ./wire.ts): client-credentials token from `{baseUrl}/token`, then
 * `GET {baseUrl}/sic/{sicCode}/container` -> `{ containerUrl }`, a SAS URL to the firm's Azure
 * Blob container (404 `ContainerNotFoundInSicSettings` when the firm has none). Quadra imports (and removes) a deposit when the user opens the
 * dossier; until then it can be replaced or withdrawn, which is what remove()'s result tells.
 *
 * Blobs are handled through the Blob REST API over fetch (./blob-rest.ts) on that SAS URL: the four
 * requests used here, without the Azure SDK's weight in the Edge Function's bundle.
 *
 * Blob naming (modeled, see depositBlobName): `{dossierCode}/{depositId}.zip`.
 */
import { type BlobContainer, blobContainer, BlobRestError } from './blob-rest.ts';
import { CegidError } from './errors.ts';
import { createHttpClient, type ClientTuning } from './http.ts';
import { authorizedRequest, createTokenSource, DEV_VENDOR_IDENTITY, type TokenSource, type VendorIdentity } from './token-source.ts';
import { ContainerResponseSchema } from './types.ts';
import { CFE_CONTAINER_FIELD, CFE_PATHS, type CfePaths } from './wire.ts';

export type { CfePaths } from './wire.ts';
export const DEFAULT_CFE_PATHS: CfePaths = CFE_PATHS;

export interface CfeClientOptions extends ClientTuning {
  baseUrl: string;
  sicCode: string;
  apiKey: string;
  secret: string;
  /** The application's identity sent with each token request. Default: the development one. */
  identity?: VendorIdentity;
  paths?: Partial<CfePaths>;
  /** List Blobs page size (`maxresults`); the service's own (5,000) when unset. */
  listPageSize?: number;
}

export interface ResolvedContainer {
  containerName: string;
  /** Container URL WITHOUT its SAS query: safe to log and show. */
  endpoint: string;
  /** When the SAS stops working, if the URL says (`se`). */
  expiresOn?: Date;
}

export interface DepositBlob {
  name: string;
  size: number;
  lastModified: Date;
  metadata: Record<string, string>;
}

export interface CfeClient {
  /** Exchanges the CFE key for the firm's container. Used live as the connection check. */
  resolveContainer(): Promise<ResolvedContainer>;
  /**
   * Creates or overwrites a blob with ONE request at a time: the PUT is never repeated blindly, since
   * a repeat can re-create a blob Quadra has already taken. Only answers that prove nothing was
   * stored are tried again (see provesNothingStored); any other failure is thrown as it is and
   * leaves the upload unconfirmed for the caller to settle.
   */
  upload(blobName: string, bytes: Uint8Array, metadata?: Record<string, string>): Promise<{ blobName: string; etag: string }>;
  exists(blobName: string): Promise<boolean>;
  /** 'absent' = already gone, i.e. Quadra has taken it for import (or it never existed). */
  remove(blobName: string): Promise<'deleted' | 'absent'>;
  /** Deposits still waiting in the container, optionally under a prefix (e.g. `BOULANG/`). */
  list(prefix?: string): Promise<DepositBlob[]>;
}

/**
 * An upload failure that proves the blob was not stored: the service refused the request before
 * taking the body (429, 503 with Azure's own `ServerBusy` code, a 4xx refusal such as auth or bad
 * metadata) or the connection was refused outright. A bare 503 proves nothing: a gateway or load
 * balancer in front of storage answers it too, after the body may have reached storage. A
 * timeout, a dropped connection, another 5xx or a lost answer prove nothing either: the blob may
 * be in the container, or already in Quadra's hands.
 */
export function provesNothingStored(err: unknown): boolean {
  if (!(err instanceof CegidError)) return false;
  if (err.code === 'ConnectionRefused') return true;
  const status = err.status;
  if (status === undefined) return false;
  if (status === 503) return err.code === 'RateLimited'; // blobError: 503 + x-ms-error-code ServerBusy
  return status === 429 || (status >= 400 && status < 500 && status !== 408);
}

/** The modeled deposit name: one folder per dossier, one zip per send. */
export function depositBlobName(dossierCode: string, depositId: string): string {
  // `.` and `..` would be path segments the URL resolves away (the blob stored elsewhere, or outside the container).
  if (!dossierCode || /[/\\]/.test(dossierCode) || /^\.{1,2}$/.test(dossierCode))
    throw new Error(`invalid dossier code for a blob name: ${JSON.stringify(dossierCode)}`);
  if (!depositId || /[/\\]/.test(depositId)) throw new Error(`invalid deposit id for a blob name: ${JSON.stringify(depositId)}`);
  return `${dossierCode}/${depositId}.zip`;
}

export function createCfeClient(opts: CfeClientOptions): CfeClient {
  const paths = { ...DEFAULT_CFE_PATHS, ...opts.paths };
  const base = opts.baseUrl.replace(/\/+$/, '');
  const now = opts.now ?? Date.now;
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const maxAttempts = opts.maxAttempts ?? 4;
  const retryBaseMs = opts.retryBaseMs ?? 500;

  let tokens: TokenSource | undefined;
  let sasUrl: string | undefined;
  const http = createHttpClient({
    service: 'cfe',
    timeoutMs: opts.timeoutMs,
    maxAttempts: opts.maxAttempts,
    retryBaseMs: opts.retryBaseMs,
    retryMaxMs: opts.retryMaxMs,
    retryAfterCapMs: opts.retryAfterCapMs,
    fetch: opts.fetch,
    secrets: () => [opts.apiKey, opts.secret, tokens?.current() ?? '', sasUrl ?? ''],
  });
  const tokenSource = (tokens = createTokenSource({
    service: 'cfe',
    http,
    tokenUrl: base + paths.token,
    clientId: opts.apiKey,
    clientSecret: opts.secret,
    identity: opts.identity ?? DEV_VENDOR_IDENTITY,
    now: opts.now,
  }));

  let cached: { client: BlobContainer; info: ResolvedContainer; refreshAt: number } | undefined;

  async function fetchContainer(): Promise<NonNullable<typeof cached>> {
    const url = base + paths.container.replaceAll('{sic}', encodeURIComponent(opts.sicCode));
    const res = await authorizedRequest(http, tokenSource, { method: 'GET', url });
    const parsed = ContainerResponseSchema.safeParse(res.body);
    if (!parsed.success) {
      throw new CegidError({
        service: 'cfe',
        status: res.status,
        code: 'BadResponse',
        message: 'CFE container response has an unexpected shape',
        retryable: false,
      });
    }
    sasUrl = parsed.data[CFE_CONTAINER_FIELD];
    const u = new URL(sasUrl);
    const se = u.searchParams.get('se');
    const expiresOn = se ? new Date(se) : undefined;
    const endpoint = `${u.origin}${u.pathname}`;
    const containerName = decodeURIComponent(u.pathname.split('/').filter(Boolean).pop() ?? '');
    // Reads and removals are tried up to maxAttempts times on failures that may pass; the upload is
    // tried once per call (a repeat once re-created blobs Quadra had already imported), and upload()
    // repeats only what provesNothingStored allows.
    const client = blobContainer(sasUrl, {
      timeoutMs,
      maxTries: maxAttempts,
      retryDelayMs: retryBaseMs,
      maxRetryDelayMs: Math.max(retryBaseMs, opts.retryMaxMs ?? 10_000),
    });
    const t = now();
    // Re-resolve well before the SAS expires (5 min, or half its life if shorter); unknown expiry -> 50 min.
    const life = expiresOn && !Number.isNaN(expiresOn.getTime()) ? expiresOn.getTime() - t : 3_600_000;
    const info: ResolvedContainer = { containerName, endpoint };
    if (expiresOn && !Number.isNaN(expiresOn.getTime())) info.expiresOn = expiresOn;
    return { client, info, refreshAt: t + life - Math.min(300_000, life / 2) };
  }

  async function container(): Promise<NonNullable<typeof cached>> {
    if (!cached || now() >= cached.refreshAt) cached = await fetchContainer();
    return cached;
  }

  /**
   * Runs a blob operation; an auth failure (SAS expired or revoked) re-resolves the container
   * once, like a 401 refreshes a token. Blob errors become CegidError without the SAS URL.
   */
  async function withContainer<T>(what: string, op: (c: BlobContainer) => Promise<T>): Promise<T> {
    const first = await container();
    try {
      return await op(first.client);
    } catch (e) {
      if (isAuthFailure(e)) {
        cached = undefined;
        try {
          return await op((await container()).client);
        } catch (e2) {
          throw blobError(what, e2);
        }
      }
      throw blobError(what, e);
    }
  }

  function blobError(what: string, e: unknown): CegidError {
    const secrets = [opts.apiKey, opts.secret, sasUrl ?? '', sasUrl ? new URL(sasUrl).search : ''];
    if (e instanceof CegidError) return e;
    const name = e instanceof Error ? e.name : '';
    if (name === 'AbortError' || name === 'TimeoutError' || (e instanceof BlobRestError && e.kind === 'timeout')) {
      return new CegidError({ service: 'cfe', code: 'Timeout', message: `CFE ${what} timed out`, secrets });
    }
    if (e instanceof BlobRestError && e.kind === 'network' && e.code === 'ECONNREFUSED') {
      return new CegidError({
        service: 'cfe',
        code: 'ConnectionRefused',
        message: `CFE ${what} failed: connection refused`,
        retryable: true,
        secrets,
      });
    }
    if (e instanceof BlobRestError) {
      const status = e.status;
      const azCode = e.kind === 'http' ? e.code : undefined;
      const code =
        status === undefined
          ? 'Unavailable' // no answer: a reset, a drop, DNS...
          : status === 401
            ? 'Unauthorized'
            : status === 403
              ? 'Forbidden'
              : status === 404
                ? 'NotFound'
                : status === 429
                  ? 'RateLimited'
                  : status >= 500
                    ? status === 503 && azCode === 'ServerBusy'
                      ? 'RateLimited'
                      : 'Unavailable'
                    : status < 300
                      ? 'BadResponse' // a 2xx whose body is not what the operation returns
                      : (azCode ?? 'HttpError');
      return new CegidError({
        service: 'cfe',
        ...(status !== undefined ? { status } : {}),
        code,
        message: `CFE ${what} failed${status !== undefined ? ` with HTTP ${status}` : ''}${azCode ? ` (${azCode})` : ''}${e.kind === 'network' && e.code ? ` (${e.code})` : ''}`,
        secrets,
      });
    }
    return new CegidError({ service: 'cfe', code: 'Unavailable', message: `CFE ${what} failed (${name || 'error'})`, secrets });
  }

  return {
    async resolveContainer() {
      cached = await fetchContainer();
      return cached.info;
    },

    async upload(blobName, bytes, metadata) {
      for (let attempt = 1; ; attempt++) {
        try {
          return await withContainer(`upload of ${blobName}`, async (c) => {
            // One Put Blob (the deposit is far below the single-shot size), cut off at the timeout.
            const res = await c.put(blobName, bytes, { contentType: 'application/zip', ...(metadata ? { metadata } : {}) });
            return { blobName, etag: res.etag };
          });
        } catch (e) {
          const err = e instanceof CegidError ? e : blobError(`upload of ${blobName}`, e);
          const again = provesNothingStored(err) && err.retryable && attempt < maxAttempts;
          if (!again) throw err;
          await new Promise((r) => setTimeout(r, Math.min(retryBaseMs * 2 ** (attempt - 1), opts.retryMaxMs ?? 10_000)));
        }
      }
    },

    exists(blobName) {
      return withContainer(`existence check of ${blobName}`, (c) => c.exists(blobName));
    },

    remove(blobName) {
      return withContainer(`removal of ${blobName}`, (c) => c.delete(blobName));
    },

    list(prefix) {
      return withContainer(`listing${prefix ? ` of ${prefix}` : ''}`, (c) => c.list(prefix, opts.listPageSize));
    },
  };
}

function isAuthFailure(e: unknown): boolean {
  return e instanceof BlobRestError && (e.status === 401 || e.status === 403);
}
