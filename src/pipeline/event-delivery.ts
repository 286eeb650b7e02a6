// The dispatcher: delivers the outbox's due deliveries, at least once, signed with Standard Webhooks
// (the `standardwebhooks` package). One bounded unit of work (`deliverDueEvents`): it claims due
// deliveries in one statement under a lease (FOR UPDATE SKIP LOCKED, so several run side by side),
// keeps at most WEBHOOK_CONCURRENCY requests in flight and each endpoint within its own cap and rate
// (private.claim_webhook_deliveries), and claims more as requests end — so a slow or dead receiver
// holds only its own endpoint's few slots, never another firm's deliveries. A crash loses nothing:
// the lease runs out and the delivery is claimed again, under the same webhook-id.
import { Webhook } from 'standardwebhooks';
import type { Tx } from '../db/database.ts';
import * as repo from '../db/repos/webhooks.ts';
import { asService } from '../db/scoped.ts';
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

/** One attempt's outcome, waiting to be recorded with the others that ended meanwhile. */
interface Outcome {
  record: repo.AttemptRecord;
  disable?: string;
}

export async function deliverDueEvents(s: Services, opts: { budgetMs?: number } = {}): Promise<DeliveryReport> {
  const started = Date.now();
  const deadline = started + (opts.budgetMs ?? s.config.WEBHOOK_DISPATCH_BUDGET_MS);
  const report: DeliveryReport = { attempted: 0, delivered: 0, retrying: 0, failed: 0, disabled: 0, ms: 0 };
  const total = s.config.WEBHOOK_CONCURRENCY;
  const inFlight = new Set<Promise<void>>();
  const signers = new Map<string, Promise<Webhook[]>>();
  let ended: Outcome[] = [];
  // The outcomes that came in since the last call, recorded in one statement (a delivery's lease
  // holds until then, so nobody else takes it meanwhile).
  const flush = async () => {
    if (ended.length === 0) return;
    const batch = ended;
    ended = [];
    await asService(s.db, (tx) => record(tx, batch, report)).catch((err: Error) => {
      s.log.warn({ err: logError(err), deliveries: batch.length }, 'attempts not recorded; their leases will make them due again');
    });
  };
  while (Date.now() < deadline) {
    // Claims go in batches (half the slots free, or none in flight): a claim costs about as much for
    // one delivery as for sixteen; the outcomes ended meanwhile are recorded first, in one statement.
    const free = total - inFlight.size;
    if (free < Math.ceil(total / 2) && inFlight.size > 0) {
      await Promise.race([...inFlight, sleep(1_000)]);
      continue;
    }
    // The outcomes ended meanwhile and the next claim, in one transaction (two round trips fewer).
    const batch = ended;
    ended = [];
    const claim = (tx: Tx) =>
      repo.claimDue(tx, {
        total: free,
        perEndpoint: s.config.WEBHOOK_ENDPOINT_CONCURRENCY,
        rate: s.config.WEBHOOK_ENDPOINT_RATE,
        leaseSeconds: Math.ceil(s.config.WEBHOOK_TIMEOUT_MS / 1000) + 30,
        now: s.now(),
      });
    const claimed = await asService(s.db, async (tx) => {
      await record(tx, batch, report);
      return claim(tx);
    }).catch(async (err: Error) => {
      // A batch that cannot be recorded must not keep the claim from running: its leases make it due again.
      s.log.warn({ err: logError(err), deliveries: batch.length }, 'attempts not recorded; their leases will make them due again');
      return asService(s.db, claim);
    });
    for (const d of claimed) {
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
        });
      inFlight.add(p);
    }
    if (claimed.length > 0) continue;
    if (inFlight.size > 0) {
      // Nothing more due for now: wait for a request to end, or a moment (a retry due in seconds).
      await Promise.race([...inFlight, sleep(200)]);
      continue;
    }
    // Nothing claimable, nothing in flight: done, unless deliveries are due now and only an
    // endpoint's rate holds them back.
    const now = s.now();
    const due = await asService(s.db, (tx) => repo.anyDueBy(tx, now, new Date(now.getTime() + 1_000)));
    if (!due || Date.now() + 250 >= deadline) break;
    await sleep(250);
  }
  await Promise.all(inFlight);
  await flush();
  report.ms = Date.now() - started;
  if (report.attempted) s.log.info(report, 'events delivered');
  return report;
}

async function record(tx: Tx, batch: Outcome[], report: DeliveryReport): Promise<void> {
  if (batch.length === 0) return;
  const kept = await repo.recordAttempts(
    tx,
    batch.map((o) => o.record),
  );
  for (const o of batch) {
    if (!kept.has(o.record.deliveryId)) continue;
    if (o.record.delivered) report.delivered++;
    else if (o.record.nextAt) report.retrying++;
    else report.failed++;
    if (o.disable) {
      await repo.disableEndpoint(tx, o.record.endpointId, o.disable, o.record.at);
      report.disabled++;
    }
  }
}

/**
 * The endpoint's signers: its secret, and during a rotation the previous one too. Rejects when the
 * current secret cannot be opened; a previous one that cannot be is left out (so a rotation is how
 * an endpoint with a broken secret is mended).
 */
async function signersOf(s: Services, d: repo.ClaimedDelivery, now: Date): Promise<Webhook[]> {
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

async function deliverOne(s: Services, d: repo.ClaimedDelivery, signers: Map<string, Promise<Webhook[]>>): Promise<Outcome> {
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
  const verdict = judgeAnswer(answer.status);
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
      ? `The endpoint answered 410 Gone on ${at.toISOString()}: it asked to receive no more events.`
      : tooLong
        ? `No delivery succeeded for ${s.config.WEBHOOK_DISABLE_AFTER_DAYS} days (failing since ${(d.failing_since ?? at).toISOString()}); last error: ${answer.error ?? 'none'}.`
        : undefined;
  return {
    record: {
      deliveryId: Number(d.id),
      claimedAttempts: d.attempts,
      endpointId: d.endpoint_id,
      firmId: d.firm_id,
      at,
      status: answer.status ?? null,
      durationMs: answer.durationMs,
      error: answer.error ?? null,
      nextAt: delay === undefined ? null : new Date(at.getTime() + delay),
      delivered: verdict === 'delivered',
    },
    ...(disable ? { disable } : {}),
  };
}

/** Retention: events and delivery records older than WEBHOOK_RETENTION_DAYS removed (the sweep calls this). */
export async function expireOldEvents(s: Services, now: Date = s.now()): Promise<number> {
  return asService(s.db, (tx) => repo.expireEvents(tx, new Date(now.getTime() - s.config.WEBHOOK_RETENTION_DAYS * 86_400_000)));
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
