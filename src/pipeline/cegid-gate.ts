// Gentle with Cegid: every call a firm's clients make goes through this fetch, which holds one of
// the firm's CEGID_CONCURRENCY_PER_FIRM slots (a database-held semaphore shared by every process
// and function instance) for the call and its body. A 429 pauses that firm alone: its Retry-After
// (or CEGID_PAUSE_DEFAULT_MS) is written as the firm's `paused until`, and no call of that firm
// leaves any process before it; other firms go on. The HTTP client's own retries and backoff sleep
// outside a slot: a slot is held only while a request is on the wire.
import { giveCegidSlot, pauseFirm, takeCegidSlot } from '../db/repos/cegid-slots.ts';
import { CegidError, type CegidService } from '../quadra/errors.ts';
import { type HeldFetch, parseRetryAfter } from '../quadra/http.ts';
import { sleep } from '../lib/sleep.ts';
import type { Services } from '../services.ts';
import { text } from '../i18n/index.ts';

/** A pause longer than this is not slept through inside a job: the call fails retryable and the job is tried later. */
const PAUSE_SLEEP_CAP_MS = 30_000;
/** The longest a 429 pauses a firm, whatever its Retry-After says. */
export const PAUSE_MAX_MS = 15 * 60_000;

/** Waits for a slot of the firm (or its pause to end); the function that gives it back. */
export async function acquireCegidSlot(
  s: Services,
  firmId: string,
  service: CegidService,
  signal?: AbortSignal | null,
): Promise<() => Promise<void>> {
  const holder = crypto.randomUUID();
  // The slot outlives one attempt's timeout only if its holder died: then the lease frees it.
  const leaseMs = s.config.CEGID_TIMEOUT_MS + 5_000;
  const deadline = Date.now() + s.config.CEGID_TIMEOUT_MS * s.config.CEGID_MAX_ATTEMPTS;
  for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
    const { slot, pausedMs } = await takeCegidSlot(s.db, firmId, s.config.CEGID_CONCURRENCY_PER_FIRM, holder, leaseMs);
    if (slot !== null) return () => giveCegidSlot(s.db, firmId, slot, holder);
    if (pausedMs > PAUSE_SLEEP_CAP_MS) {
      throw new CegidError({
        service,
        status: 429,
        code: 'RateLimited',
        message: text('cegid.paused', { seconds: Math.ceil(pausedMs / 1000) }),
        retryable: true,
        retryAfterMs: pausedMs,
      });
    }
    if (Date.now() + Math.max(pausedMs, wait) > deadline) {
      throw new CegidError({
        service,
        code: 'Unavailable',
        message: text('cegid.no_slot', { seconds: Math.round((deadline - Date.now()) / 1000) }),
        retryable: true,
      });
    }
    await sleep(pausedMs > 0 ? pausedMs : wait / 2 + (Math.random() * wait) / 2, signal);
  }
}

/**
 * A fetch for one firm's calls to one Cegid service, through the firm's slots and pause. The slot
 * is taken by the HTTP client through `hold` before each attempt's timeout starts (a wait for a
 * slot is not a slow Cegid), and given back once the attempt's body is read.
 */
export function gatedFetch(s: Services, firmId: string, service: CegidService, inner: typeof fetch = fetch): HeldFetch {
  const call = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const res = await inner(input, init);
    if (res.status === 429) {
      // Bounded: a header asking for years (or a date far ahead) must not stop a firm for good.
      const asked = parseRetryAfter(res.headers.get('retry-after')) ?? s.config.CEGID_PAUSE_DEFAULT_MS;
      await pauseFirm(s.db, firmId, Math.min(asked, PAUSE_MAX_MS));
    }
    return res;
  };
  return Object.assign(call as typeof fetch, {
    hold: async (signal?: AbortSignal) => {
      const release = await acquireCegidSlot(s, firmId, service, signal);
      return () =>
        release().catch(() => {
          /* the lease frees it */
        });
    },
  });
}
