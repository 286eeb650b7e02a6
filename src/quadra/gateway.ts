import { createCfeClient, type CfeClient } from './cfe-client.ts';
import { createCpaClient, type CpaClient } from './cpa-client.ts';

/** Where Cegid (or the simulator) answers, and how patiently. Modeled endpoints: see README. */
export interface CegidSettings {
  cpaBaseUrl: string;
  cfeBaseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs?: number;
}

export interface FirmCredentials {
  sicCode: string;
  cpa: { apiKey: string; secret: string };
  cfe: { apiKey: string; secret: string };
}

export interface CegidClients { cpa: CpaClient; cfe: CfeClient }

/** The clients for one firm. Built per job or request: tokens are cached within that unit of work. */
export function cegidClients(settings: CegidSettings, creds: FirmCredentials): CegidClients {
  const common = {
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    ...(settings.retryBaseMs !== undefined ? { retryBaseMs: settings.retryBaseMs } : {}),
  };
  return {
    cpa: createCpaClient({ baseUrl: settings.cpaBaseUrl, apiKey: creds.cpa.apiKey, secret: creds.cpa.secret, ...common }),
    cfe: createCfeClient({ baseUrl: settings.cfeBaseUrl, sicCode: creds.sicCode, apiKey: creds.cfe.apiKey, secret: creds.cfe.secret, ...common }),
  };
}
