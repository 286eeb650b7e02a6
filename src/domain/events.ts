// Outgoing events (Standard Webhooks 1.0): the closed list of event types, the retry schedule and
// what an answer from a receiver means. Pure: the dispatcher (src/pipeline/event-delivery.ts)
// reads the clock and the network; the outbox rows are written by the tables' triggers
// (supabase/migrations/20261202000300_events.sql), which use exactly these type names.

/** Every event a firm's endpoint may receive. A type added later is added here and in the triggers. */
export const EVENT_TYPES = [
  'entry.sent',
  'entry.posted',
  'entry.pending',
  'entry.failed_check',
  'entry.held',
  'entry.duplicate_flagged',
  'file.waiting_started',
  'file.waiting_ended',
  'file.prerequisites_failing',
  'file.prerequisites_ok',
  'file.accounts_to_create',
  'connection.status_changed',
  'reference_sync.succeeded',
  'reference_sync.failed',
  'deposit.sent',
  'deposit.verified',
  'webhook.ping',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (t: string): t is EventType => (EVENT_TYPES as readonly string[]).includes(t);

/**
 * The Standard Webhooks schedule, in seconds after the first attempt failed: immediately, 5 s,
 * 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h. After the last, the delivery has failed.
 */
export const RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400] as const;

/**
 * When to try again after attempt number `attempts` (1 = the first) failed; undefined: give up.
 * `jitter` in [0, 1) spreads retries of many deliveries over ±10 % of the wait (at least 1 s),
 * so a receiver that comes back is not hit by every retry in the same second. A receiver's own
 * Retry-After (429/503) is honoured when later than the schedule (capped at a day).
 */
export function nextRetryDelayMs(attempts: number, jitter: number, retryAfterSeconds?: number, scale = 1): number | undefined {
  if (attempts >= RETRY_SCHEDULE_SECONDS.length) return undefined;
  // `scale` (WEBHOOK_RETRY_SCALE) compresses the schedule for soaks; 1 in service.
  const base = RETRY_SCHEDULE_SECONDS[attempts]! * 1000 * scale;
  const spread = Math.max(1000 * scale, base * 0.1);
  const scheduled = Math.max(0, base + (jitter * 2 - 1) * spread);
  const asked = retryAfterSeconds === undefined ? 0 : Math.min(retryAfterSeconds, 86_400) * 1000;
  return Math.round(Math.max(scheduled, asked));
}

/** A receiver's answer, as the dispatcher judges it. */
export type AnswerVerdict = 'delivered' | 'retry' | 'disable';

export function judgeAnswer(status: number | undefined): AnswerVerdict {
  if (status === undefined) return 'retry'; // timeout, reset, refused, refused address
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'disable'; // Standard Webhooks: the receiver says the endpoint is gone
  return 'retry';
}

/** Retry-After as seconds (a number of seconds or an HTTP date), only on 429 and 503. */
export function retryAfterSeconds(status: number | undefined, header: string | undefined, now: Date): number | undefined {
  if ((status !== 429 && status !== 503) || !header) return undefined;
  const trimmed = header.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/** An endpoint that has failed without one success for this long is disabled, with the reason. */
export function failingTooLong(failingSince: Date | null, now: Date, days: number): boolean {
  return failingSince !== null && now.getTime() - failingSince.getTime() >= days * 86_400_000;
}

/** What the receiver gets as the body: the Standard Webhooks envelope (type, timestamp, data). */
export interface EventEnvelope {
  type: string;
  timestamp: string;
  /** The event's id, also sent as webhook-id: stable across retries, the receiver dedupes on it. */
  id: string;
  firmId: string;
  /** Grows with each event of one object: a receiver drops an event older than the last it applied. */
  sequence: number;
  data: Record<string, unknown>;
}

export function envelope(e: {
  publicId: string;
  type: string;
  firmId: string;
  sequence: number;
  occurredAt: Date;
  data: Record<string, unknown>;
}): EventEnvelope {
  return { type: e.type, timestamp: e.occurredAt.toISOString(), id: e.publicId, firmId: e.firmId, sequence: e.sequence, data: e.data };
}
