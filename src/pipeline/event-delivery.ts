// The dispatcher: delivers the outbox's due deliveries, at least once, signed with Standard Webhooks
// (the `standardwebhooks` package). One bounded unit of work (`deliverDueEvents`): each cycle records
// the attempts that ended and claims the next due deliveries under a lease, in one statement and one
// round trip (private.dispatch_webhook_deliveries: FOR UPDATE SKIP LOCKED, so several dispatchers run
// side by side), keeping at most WEBHOOK_CONCURRENCY requests in flight and each endpoint within its
// own cap and rate; the next cycle runs while requests are in flight — so a slow or dead receiver
// holds only its own endpoint's few slots, never another firm's deliveries. A crash loses nothing:
// the lease runs out and the delivery is claimed again, under the same webhook-id.
import { Webhook } from 'standardwebhooks';
import { type AttemptRecord, anyDueBy, type ClaimedDelivery, type ClaimLimits, recordAndClaim } from '../db/repos/webhook-dispatch.ts';
import { expireEvents } from '../db/repos/webhooks.ts';
import { asService, writeAsService } from '../db/scoped.ts';
import { envelope, failingTooLong, judgeAnswer, nextRetryDelayMs, retryAfterSeconds } from '../domain/events.ts';
import { postWebhook, type PostResult } from '../lib/webhook-http.ts';
import type { Services } from '../services.ts';
import { addressPolicy } from './webhooks.ts';
import { logError } from '../lib/log-error.ts';

/** At most this much of an answer is read (its first bytes go into the attempt's error). */
const MAX_ANSWER_BYTES = 4096;

export interface DeliveryReport {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
  disabled: number;
  ms: number;
}

export async function deliverDueEvents(s: Services, opts: { budgetMs?: number } = {}): Promise<DeliveryReport> {
  const started = Date.now();
  const deadline = started + (opts.budgetMs ?? s.config.WEBHOOK_DISPATCH_BUDGET_MS);
  const report: DeliveryReport = { attempted: 0, delivered: 0, retrying: 0, failed: 0, disabled: 0, ms: 0 };
  const total = s.config.WEBHOOK_CONCURRENCY;
  const inFlight = new Set<Promise<void>>();
  const signers = new Map<string, Promise<Webhook[]>>();
  // Outcomes waiting to be recorded: a delivery's lease holds until then, so nobody else takes it.
  let ended: AttemptRecord[] = [];
  const limits = (free: number): ClaimLimits => ({
    total: free,
    perEndpoint: s.config.WEBHOOK_ENDPOINT_CONCURRENCY,
    rate: s.config.WEBHOOK_ENDPOINT_RATE,
    leaseSeconds: Math.ceil(s.config.WEBHOOK_TIMEOUT_MS / 1000) + 30,
    now: s.now(),
  });
  // The outcomes ended meanwhile recorded and the next batch claimed, in one statement (one round
  // trip). A batch that cannot be recorded must not keep the claim from running: its leases make it due again.
  const cycle = async (free: number): Promise<ClaimedDelivery[]> => {
    const batch = ended;
    ended = [];
    const run = (records: AttemptRecord[]) => writeAsService(s.db, (q) => recordAndClaim(q, records, limits(free)));
    const out = await run(batch).catch((err: Error) => {
      if (batch.length === 0) throw err;
      s.log.warn({ err: logError(err), deliveries: batch.length }, 'attempts not recorded; their leases will make them due again');
      return free > 0 ? run([]) : { recorded: new Set<number>(), claimed: [] };
    });
    tally(report, batch, out.recorded);
    return out.claimed;
  };
  const send = (d: ClaimedDelivery) => {
    const p: Promise<void> = deliverOne(s, d, signers)
      .then((o) => {
        report.attempted++;
        ended.push(o);
      })
      .catch((err: Error) => {
        s.log.warn({ err: logError(err), delivery: d.id }, 'delivery failed before its request; its lease will make it due again');
      })
      .finally(() => {
        inFlight.delete(p);
        dryUntil = 0;
        wake.kick();
      });
    inFlight.add(p);
  };
  // Cycles overlap (at most MAX_CYCLES): the next one starts, with the outcomes ended meanwhile,
  // while the last one's answer is still on its way. A delivery's slot against its endpoint's cap is
  // held from its claim until its record: the sooner the record, the sooner the slot is claimed again.
  const cycles = new Set<Promise<void>>();
  let reserved = 0; // slots asked for by the cycles in flight
  // The last cycle claimed nothing: no other starts before a request ends, or a moment passed (a
  // retry due in seconds, an endpoint's tokens), so an empty outbox is not asked again and again.
  let dryUntil = 0;
  let failure: Error | undefined;
  const wake = waker();
  const launch = (free: number) => {
    reserved += free;
    const c: Promise<void> = cycle(free)
      .then((claimed) => {
        if (claimed.length === 0) dryUntil = Date.now() + 200;
        for (const d of claimed) send(d);
      })
      .catch((err: Error) => {
        failure ??= err;
      })
      .finally(() => {
        reserved -= free;
        cycles.delete(c);
        wake.kick();
      });
    cycles.add(c);
  };
  while (Date.now() < deadline && !failure) {
    // Claims go in batches (half the slots free, or none in flight): a claim costs about as much for
    // one delivery as for sixteen.
    const free = total - inFlight.size - reserved;
    const idle = inFlight.size === 0 && cycles.size === 0;
    const dry = Date.now() < dryUntil;
    if (!dry && cycles.size < MAX_CYCLES && free > 0 && (free >= Math.ceil(total / 2) || idle)) {
      launch(free);
      continue;
    }
    if (idle) {
      // Nothing claimable, nothing in flight: done, unless deliveries are due now and only an
      // endpoint's rate holds them back.
      const now = s.now();
      const due = await asService(s.db, (tx) => anyDueBy(tx, now, new Date(now.getTime() + 1_000)));
      if (!due || Date.now() + 250 >= deadline) break;
      await sleep(250);
      dryUntil = 0;
      continue;
    }
    // Nothing more due for now (dry), or no slot: wait for a request or a cycle to end, or a moment.
    await wake.wait(dry ? dryUntil - Date.now() : 1_000);
  }
  await Promise.all(cycles);
  await Promise.all(inFlight);
  if (ended.length > 0)
    await cycle(0).catch((err: Error) => {
      s.log.warn({ err: logError(err) }, 'attempts not recorded; their leases will make them due again');
    });
  if (failure) throw failure;
  report.ms = Date.now() - started;
  if (report.attempted) s.log.info(report, 'events delivered');
  return report;
}

/** Cycles in flight at once: two, so that one records and claims while the other's answer travels. */
const MAX_CYCLES = 2;

/** A wake-up for the loop: kick() ends the current or the next wait(ms), whichever comes first. */
function waker() {
  let pending = false;
  let done: (() => void) | undefined;
  return {
    kick() {
      pending = true;
      done?.();
    },
    wait(ms: number): Promise<void> {
      if (pending) {
        pending = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const timer = setTimeout(finish, ms);
        function finish() {
          clearTimeout(timer);
          done = undefined;
          pending = false;
          resolve();
        }
        done = finish;
      });
    },
  };
}

/** The recorded outcomes counted (one whose claim was taken over meanwhile is not). */
function tally(report: DeliveryReport, batch: AttemptRecord[], recorded: Set<number>): void {
  for (const o of batch) {
    if (!recorded.has(o.deliveryId)) continue;
    if (o.delivered) report.delivered++;
    else if (o.nextAt) report.retrying++;
    else report.failed++;
    if (o.disable) report.disabled++;
  }
}

/**
 * The endpoint's signers: its secret, and during a rotation the previous one too. Rejects when the
 * current secret cannot be opened; a previous one that cannot be is left out (so a rotation is how
 * an endpoint with a broken secret is mended).
 */
async function signersOf(s: Services, d: ClaimedDelivery, now: Date): Promise<Webhook[]> {
  const sec = d.secrets;
  const signer = async (x: { keyId: string; ciphertext: string }) => new Webhook(await s.secrets.open(x));
  const current = await signer({ keyId: sec.secret_key_id, ciphertext: sec.secret_ciphertext });
  if (!(sec.previous_secret_ciphertext && sec.previous_secret_key_id && sec.previous_secret_until && sec.previous_secret_until > now))
    return [current];
  try {
    return [current, await signer({ keyId: sec.previous_secret_key_id, ciphertext: sec.previous_secret_ciphertext })];
  } catch (err) {
    s.log.warn(
      { err: logError(err), endpoint: d.endpoint_id },
      "endpoint's previous secret could not be opened; signing with the current one only",
    );
    return [current];
  }
}

async function deliverOne(s: Services, d: ClaimedDelivery, signers: Map<string, Promise<Webhook[]>>): Promise<AttemptRecord> {
  const now = s.now();
  const key = `${d.endpoint_id}:${d.secrets.secret_key_id}:${d.secrets.secret_ciphertext.slice(0, 24)}:${d.secrets.previous_secret_until?.getTime() ?? ''}`;
  let signing = signers.get(key);
  if (!signing) {
    signing = signersOf(s, d, now);
    signers.set(key, signing);
  }
  const body = JSON.stringify(
    envelope({
      publicId: d.event.public_id,
      type: d.event.type,
      firmId: d.event.firm_id,
      sequence: Number(d.event.id),
      occurredAt: d.event.occurred_at,
      data: d.event.data,
    }),
  );
  // The signature's timestamp is the wall clock: receivers check it against theirs (5 minutes' tolerance).
  const sentAt = new Date();
  let signature: string | undefined;
  try {
    signature = (await signing).map((w) => w.sign(d.event.public_id, sentAt, body)).join(' ');
  } catch (err) {
    // A secret that cannot be opened (unknown key id, malformed, not a whsec_ secret) is a failed
    // attempt like any other, so the retry schedule and the disabling after days apply; its words
    // go to the log, never into the attempt (they could quote what was sealed).
    s.log.warn({ err: logError(err), delivery: d.id, endpoint: d.endpoint_id }, 'endpoint secret could not be opened');
  }
  const answer: PostResult =
    signature === undefined
      ? {
          error: `The endpoint's signing secret could not be opened (key id "${String(d.secrets.secret_key_id).slice(0, 40)}"); nothing was sent. Rotate the secret (POST …/rotate-secret) to give it a new one.`,
          durationMs: 0,
        }
      : await postWebhook({
          url: d.url,
          body,
          timeoutMs: s.config.WEBHOOK_TIMEOUT_MS,
          maxBodyBytes: MAX_ANSWER_BYTES,
          policy: addressPolicy(s),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'QuadraSync-Webhooks/1.0',
            'webhook-id': d.event.public_id,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': signature,
          },
        });
  const at = s.now();
  // A refused address is the endpoint's standing, not a passing failure: retrying it for days would
  // only repeat the refusal, so it ends the delivery and disables the endpoint at once, with the reason.
  const verdict = answer.refused ? 'disable' : judgeAnswer(answer.status);
  const delay =
    verdict === 'delivered' || verdict === 'disable'
      ? undefined
      : nextRetryDelayMs(
          d.attempts + 1,
          Math.random(),
          retryAfterSeconds(answer.status, answer.retryAfter, at),
          s.config.WEBHOOK_RETRY_SCALE,
        );
  const tooLong = verdict !== 'delivered' && failingTooLong(d.failing_since ?? at, at, s.config.WEBHOOK_DISABLE_AFTER_DAYS);
  const disable =
    verdict === 'disable'
      ? answer.refused
        ? `The endpoint's URL was refused on ${at.toISOString()}: ${answer.error}. Change its URL, then enable it again.`
        : `The endpoint answered 410 Gone on ${at.toISOString()}: it asked to receive no more events.`
      : tooLong
        ? `No delivery succeeded for ${s.config.WEBHOOK_DISABLE_AFTER_DAYS} days (failing since ${(d.failing_since ?? at).toISOString()}); last error: ${answer.error ?? 'none'}.`
        : undefined;
  return {
    deliveryId: Number(d.id),
    claimedAttempts: d.attempts,
    claimedLease: d.lease_until,
    endpointId: d.endpoint_id,
    firmId: d.firm_id,
    at,
    status: answer.status ?? null,
    durationMs: answer.durationMs,
    error: answer.error ?? null,
    nextAt: delay === undefined ? null : new Date(at.getTime() + delay),
    delivered: verdict === 'delivered',
    ...(disable ? { disable } : {}),
  };
}

/** Retention: events and delivery records older than WEBHOOK_RETENTION_DAYS removed (the sweep calls this). */
export async function expireOldEvents(s: Services, now: Date = s.now()): Promise<number> {
  return asService(s.db, (tx) => expireEvents(tx, new Date(now.getTime() - s.config.WEBHOOK_RETENTION_DAYS * 86_400_000)));
}

/** When the dispatcher should run next: its poll slot, as a stable job id so concurrent runs queue it once. */
export async function nextDispatchSlot(s: Services): Promise<{ at: Date; id: string }> {
  const step = s.config.WEBHOOK_POLL_SECONDS * 1000;
  const slot = Math.ceil((Date.now() + step) / step) * step;
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`deliver-events:${slot}`)));
  const h = [...hash.slice(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
  return { at: new Date(slot), id };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
