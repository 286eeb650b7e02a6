import { createCfeClient, type CfeClient } from './cfe-client.ts';
import { createCpaClient, type CpaClient } from './cpa-client.ts';
import type { VendorIdentity } from './token-source.ts';
import type { HeldFetch } from './http.ts';
import { type CegidCallOutcome, meter } from '../lib/meter.ts';

/** Where Cegid (or the simulator) answers, and how patiently. Modeled endpoints: see README. */
export interface CegidSettings {
  cpaBaseUrl: string;
  cfeBaseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs?: number;
  /** Sent with every token request; the development identity when unset (the simulator, tests). */
  identity?: VendorIdentity;
}

export interface FirmCredentials {
  sicCode: string;
  cpa: { apiKey: string; secret: string };
  cfe: { apiKey: string; secret: string };
}

export interface CegidClients {
  cpa: CpaClient;
  cfe: CfeClient;
}

/** The clients for one firm. Built per job or request: tokens are cached within that unit of work. `fetchFor`: the transport of each service's calls (the per-firm gate). */
export function cegidClients(
  settings: CegidSettings,
  creds: FirmCredentials,
  fetchFor?: (service: 'cpa' | 'cfe') => typeof fetch,
): CegidClients {
  const common = {
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    ...(settings.retryBaseMs !== undefined ? { retryBaseMs: settings.retryBaseMs } : {}),
    ...(settings.identity ? { identity: settings.identity } : {}),
  };
  return {
    cpa: createCpaClient({
      baseUrl: settings.cpaBaseUrl,
      apiKey: creds.cpa.apiKey,
      secret: creds.cpa.secret,
      ...common,
      fetch: observed('cpa', settings, fetchFor?.('cpa') ?? fetch),
    }),
    cfe: createCfeClient({
      baseUrl: settings.cfeBaseUrl,
      sicCode: creds.sicCode,
      apiKey: creds.cfe.apiKey,
      secret: creds.cfe.secret,
      ...common,
      fetch: observed('cfe', settings, fetchFor?.('cfe') ?? fetch),
    }),
  };
}

/**
 * Every call either client makes, timed and told to the meter (src/lib/meter.ts) by service,
 * operation and outcome: the one place Cegid's answers are counted. Time to the answer's headers.
 * A transport's `hold` (the firm's slot, src/pipeline/cegid-gate.ts) passes through untimed.
 */
function observed(service: 'cpa' | 'cfe', settings: CegidSettings, inner: typeof fetch): typeof fetch {
  const base = service === 'cpa' ? settings.cpaBaseUrl : settings.cfeBaseUrl;
  const call = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const started = performance.now();
    const operation = cegidOperation(base, String(input instanceof Request ? input.url : input), init?.method ?? 'GET');
    const done = (outcome: CegidCallOutcome) =>
      meter.cegidCall({ service, operation, outcome, seconds: (performance.now() - started) / 1000 });
    try {
      const res = await inner(input, init);
      const st = res.status;
      done(st < 400 ? 'ok' : st === 404 ? 'not_found' : st === 429 ? 'rate_limited' : st >= 500 ? 'server_error' : 'client_error');
      return res;
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      done(name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network');
      throw e;
    }
  };
  const hold = (inner as HeldFetch).hold;
  return Object.assign(call as typeof fetch, hold ? { hold } : {});
}

const API_OPERATIONS = new Set(['token', 'dossiers', 'periods', 'accounts', 'journals', 'entries', 'container']);
const BLOB_METHODS = new Set(['get', 'put', 'head', 'delete']);

/**
 * A call's operation, from a fixed list whatever the URL holds (dossier codes, blob names and SAS
 * signatures never become labels): the API path's last known segment under the service's base
 * URL, else a blob call of the CFE container by its method (`blob_list` for a listing).
 */
export function cegidOperation(base: string, url: string, method: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'other';
  }
  const root = new URL(base);
  if (u.origin === root.origin && u.pathname.startsWith(root.pathname.replace(/\/+$/, ''))) {
    const segments = u.pathname.slice(root.pathname.replace(/\/+$/, '').length).split('/').filter(Boolean);
    for (let i = segments.length - 1; i >= 0; i--) if (API_OPERATIONS.has(segments[i]!)) return segments[i]!;
    return 'other';
  }
  if (u.searchParams.get('comp') === 'list') return 'blob_list';
  const m = method.toLowerCase();
  return BLOB_METHODS.has(m) ? `blob_${m}` : 'other';
}
