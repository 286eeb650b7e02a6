/**
 * The live check of a firm's four codes, run when the user saves them: the CPA key must yield a
 * token, pass the health check and read the dossiers, the CFE key must resolve the firm's exchange container. Both run
 * in parallel under one deadline, so the user gets an answer in bounded time; requests still in
 * flight at the deadline are aborted.
 */
import { createCfeClient } from './cfe-client.ts';
import { createCpaClient } from './cpa-client.ts';
import { CegidError, isCegidError, type CegidService } from './errors.ts';
import type { CegidSettings, FirmCredentials } from './gateway.ts';

export interface KeyCheck {
  name: CegidService;
  ok: boolean;
  code?: string;
  /** What happened and what to do, in plain words (no secret: CegidError messages are scrubbed). */
  message?: string;
  /** Cegid was slow or unavailable: the keys were not judged. */
  transient?: boolean;
}

/**
 * A check is three short sequential requests (token, health check, one read), each bounded by
 * timeoutMs, under one deadline of two timeouts: retries fit in when Cegid answers quickly; a Cegid
 * that hangs gets the user an answer instead of a spinner.
 */
export const checkDeadlineMs = (settings: CegidSettings) => 2 * settings.timeoutMs;

export async function checkCegidKeys(
  settings: CegidSettings,
  creds: FirmCredentials,
  deadlineMs = checkDeadlineMs(settings),
): Promise<KeyCheck[]> {
  const abort = new AbortController();
  const abortable: typeof fetch = (input, init) =>
    fetch(input, { ...init, signal: init?.signal ? AbortSignal.any([init.signal, abort.signal]) : abort.signal });
  const common = {
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    ...(settings.retryBaseMs !== undefined ? { retryBaseMs: settings.retryBaseMs } : {}),
    ...(settings.identity ? { identity: settings.identity } : {}),
    fetch: abortable,
  };
  const cpa = createCpaClient({ baseUrl: settings.cpaBaseUrl, apiKey: creds.cpa.apiKey, secret: creds.cpa.secret, ...common });
  const cfe = createCfeClient({
    baseUrl: settings.cfeBaseUrl,
    sicCode: creds.sicCode,
    apiKey: creds.cfe.apiKey,
    secret: creds.cfe.secret,
    ...common,
  });

  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, deadlineMs);
  });
  const settle = (name: CegidService, work: Promise<unknown>): Promise<KeyCheck> =>
    Promise.race([
      work.then(
        (): KeyCheck => ({ name, ok: true }),
        (err: unknown) => toCheck(name, err),
      ),
      deadline.then(() =>
        toCheck(
          name,
          new CegidError({ service: name, code: 'Timeout', message: `${name.toUpperCase()} check did not finish within ${deadlineMs} ms` }),
        ),
      ),
    ]);
  try {
    return await Promise.all([settle('cpa', cpa.checkToken()), settle('cfe', cfe.resolveContainer())]);
  } finally {
    clearTimeout(timer);
    // Whatever is still running belongs to a check already answered: stop it (its rejection is handled above).
    abort.abort();
  }
}

function toCheck(name: CegidService, err: unknown): KeyCheck {
  if (!isCegidError(err)) throw err; // a bug of ours, not a verdict on the keys
  const user = err.toUserError();
  return { name, ok: false, code: user.code, message: user.message, ...(err.retryable ? { transient: true } : {}) };
}
