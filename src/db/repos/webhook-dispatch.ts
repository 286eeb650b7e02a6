// The dispatcher's statements (service role): the last batch's attempts recorded and the next batch
// claimed in one round trip (private.dispatch_webhook_deliveries, 20261202000600_webhook_dispatch.sql).
// Returns data; the rules of delivery live in src/domain/events.ts, the loop in src/pipeline/event-delivery.ts.
import type { Queryable } from '../database.ts';
import type { SealedSecrets } from './webhooks.ts';

export interface ClaimedDelivery {
  id: number;
  attempts: number;
  /** The lease it was claimed under: with `attempts`, what names this claim when its attempt is recorded. */
  lease_until: Date;
  endpoint_id: string;
  firm_id: string;
  url: string;
  failing_since: Date | null;
  secrets: SealedSecrets;
  event: { id: number; public_id: string; type: string; occurred_at: Date; data: Record<string, unknown>; firm_id: string };
}

export interface AttemptRecord {
  deliveryId: number;
  /** The delivery's attempts count when it was claimed: recorded only while the claim still holds. */
  claimedAttempts: number;
  /** The lease it was claimed under (a claim taken over after its lease ran out has a new one). */
  claimedLease: Date;
  endpointId: string;
  firmId: string;
  at: Date;
  status: number | null;
  durationMs: number;
  error: string | null;
  nextAt: Date | null;
  delivered: boolean;
  /** Why the endpoint is to be disabled with this attempt (410 Gone, failing too long); its pending deliveries end. */
  disable?: string;
}

export interface ClaimLimits {
  /** Deliveries to claim at most (the free slots). */
  total: number;
  perEndpoint: number;
  /** Requests a second per endpoint (the token bucket's refill; its burst is `perEndpoint`). */
  rate: number;
  leaseSeconds: number;
  now: Date;
}

/** A row of the statement: the claimed delivery's own fields, its secrets and event flat. */
interface Row extends Omit<ClaimedDelivery, 'secrets' | 'event'> {
  recorded: boolean;
  secret_ciphertext: string;
  secret_key_id: string;
  previous_secret_ciphertext: string | null;
  previous_secret_key_id: string | null;
  previous_secret_until: Date | null;
  event_id: number;
  public_id: string;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
}

/**
 * Records `ended` (each only where its claim still holds: a late answer from a claim taken over
 * records nothing twice), disables the endpoints they ask to, then claims due deliveries within
 * `limits` — one statement, so one round trip a batch. The claim runs after the record: the
 * deliveries recorded here no longer count against their endpoint's cap. `limits.total` 0 records only.
 */
export async function recordAndClaim(
  tx: Queryable,
  ended: AttemptRecord[],
  limits: ClaimLimits,
): Promise<{ recorded: Set<number>; claimed: ClaimedDelivery[] }> {
  // Dates as ISO strings: the statement may travel with its values written as literals (writeAsService).
  const col = <K extends keyof AttemptRecord>(k: K) =>
    ended.map((r) => {
      const v = r[k];
      return v instanceof Date ? v.toISOString() : (v ?? null);
    });
  const r = await tx.query<Row>(
    `select * from private.dispatch_webhook_deliveries($1::bigint[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::int[],
       $6::int[], $7::text[], $8::timestamptz[], $9::boolean[], $10::text[], $11::int, $12::int, $13::float8, $14::int, $15::timestamptz)`,
    [
      col('deliveryId'),
      col('claimedAttempts'),
      col('claimedLease'),
      col('at'),
      col('status'),
      col('durationMs'),
      col('error'),
      col('nextAt'),
      col('delivered'),
      col('disable'),
      limits.total,
      limits.perEndpoint,
      limits.rate,
      limits.leaseSeconds,
      limits.now.toISOString(),
    ],
  );
  const recorded = new Set<number>();
  const claimed: ClaimedDelivery[] = [];
  for (const x of r.rows) {
    if (x.recorded) {
      recorded.add(Number(x.id));
      continue;
    }
    claimed.push({
      id: Number(x.id),
      attempts: x.attempts,
      lease_until: x.lease_until,
      endpoint_id: x.endpoint_id,
      firm_id: x.firm_id,
      url: x.url,
      failing_since: x.failing_since,
      secrets: {
        secret_ciphertext: x.secret_ciphertext,
        secret_key_id: x.secret_key_id,
        previous_secret_ciphertext: x.previous_secret_ciphertext,
        previous_secret_key_id: x.previous_secret_key_id,
        previous_secret_until: x.previous_secret_until,
      },
      event: { id: Number(x.event_id), public_id: x.public_id, type: x.type, occurred_at: x.occurred_at, data: x.data, firm_id: x.firm_id },
    });
  }
  return { recorded, claimed };
}

/** Whether a delivery of an enabled endpoint, not leased, is due by `by` (the dispatcher keeps going while one is). */
export async function anyDueBy(tx: Queryable, now: Date, by: Date): Promise<boolean> {
  const r = await tx.query<{ due: boolean }>(
    `select exists (select 1 from public.webhook_deliveries d join public.webhook_endpoints w on w.id = d.endpoint_id
      where d.state = 'pending' and w.enabled and (d.lease_until is null or d.lease_until <= $1) and (d.next_at is null or d.next_at <= $2)) as due`,
    [now, by],
  );
  return r.rows[0]!.due;
}
