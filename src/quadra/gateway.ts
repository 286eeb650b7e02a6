import { createCfeClient, type CfeClient } from './cfe-client.ts';
import { createCpaClient, type CpaClient } from './cpa-client.ts';
import type { VendorIdentity } from './token-source.ts';

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
      ...(fetchFor ? { fetch: fetchFor('cpa') } : {}),
    }),
    cfe: createCfeClient({
      baseUrl: settings.cfeBaseUrl,
      sicCode: creds.sicCode,
      apiKey: creds.cfe.apiKey,
      secret: creds.cfe.secret,
      ...common,
      ...(fetchFor ? { fetch: fetchFor('cfe') } : {}),
    }),
  };
}
