// A firm's event endpoints, its outbox of events, and their deliveries with every attempt. Returns
// data; the events themselves are written by the tables' triggers (20261202000300_events.sql), the
// rules of delivery live in src/domain/events.ts and the dispatcher in src/pipeline/event-delivery.ts
// (its statements in webhook-dispatch.ts).
import type { Queryable } from '../database.ts';

export interface EndpointRow {
  id: string;
  firm_id: string;
  url: string;
  event_types: string[] | null;
  description: string;
  enabled: boolean;
  disabled_reason: string | null;
  previous_secret_until: Date | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}
/** What a member may read: no secret column (they are not even granted to members). */
const PUBLIC_COLUMNS =
  'id, firm_id, url, event_types, description, enabled, disabled_reason, previous_secret_until, failing_since, created_at, updated_at';

export interface SealedSecrets {
  secret_ciphertext: string;
  secret_key_id: string;
  previous_secret_ciphertext: string | null;
  previous_secret_key_id: string | null;
  previous_secret_until: Date | null;
}

export async function listEndpoints(tx: Queryable, firmId: string): Promise<EndpointRow[]> {
  return (
    await tx.query<EndpointRow>(`select ${PUBLIC_COLUMNS} from public.webhook_endpoints where firm_id = $1 order by created_at, id`, [
      firmId,
    ])
  ).rows;
}

export async function getEndpoint(tx: Queryable, firmId: string, id: string): Promise<EndpointRow | undefined> {
  return (
    await tx.query<EndpointRow>(`select ${PUBLIC_COLUMNS} from public.webhook_endpoints where firm_id = $1 and id = $2`, [firmId, id])
  ).rows[0];
}

export async function insertEndpoint(
  tx: Queryable,
  e: {
    firmId: string;
    url: string;
    eventTypes: string[] | null;
    description: string;
    enabled: boolean;
    secret: { keyId: string; ciphertext: string };
  },
): Promise<EndpointRow> {
  return (
    await tx.query<EndpointRow>(
      `insert into public.webhook_endpoints (firm_id, url, event_types, description, enabled, secret_ciphertext, secret_key_id)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${PUBLIC_COLUMNS}`,
      [e.firmId, e.url, e.eventTypes, e.description, e.enabled, e.secret.ciphertext, e.secret.keyId],
    )
  ).rows[0]!;
}

/** Changes what is given; enabling again clears the reason and the failure clock. */
export async function updateEndpoint(
  tx: Queryable,
  firmId: string,
  id: string,
  p: { url?: string; eventTypes?: string[] | null; description?: string; enabled?: boolean },
): Promise<EndpointRow | undefined> {
  return (
    await tx.query<EndpointRow>(
      `update public.webhook_endpoints set
        url = coalesce($3, url),
        event_types = case when $4::boolean then $5::text[] else event_types end,
        description = coalesce($6, description),
        enabled = coalesce($7, enabled),
        disabled_reason = case when $7 then null else disabled_reason end,
        failing_since = case when $7 then null else failing_since end,
        updated_at = now()
      where firm_id = $1 and id = $2 returning ${PUBLIC_COLUMNS}`,
      [firmId, id, p.url ?? null, p.eventTypes !== undefined, p.eventTypes ?? null, p.description ?? null, p.enabled ?? null],
    )
  ).rows[0];
}

/** A new secret; the current one becomes the previous, signing too until `previousUntil`. */
export async function rotateSecret(
  tx: Queryable,
  firmId: string,
  id: string,
  secret: { keyId: string; ciphertext: string },
  previousUntil: Date,
): Promise<EndpointRow | undefined> {
  return (
    await tx.query<EndpointRow>(
      `update public.webhook_endpoints set previous_secret_ciphertext = secret_ciphertext, previous_secret_key_id = secret_key_id,
            previous_secret_until = $5, secret_ciphertext = $3, secret_key_id = $4, updated_at = now()
      where firm_id = $1 and id = $2 returning ${PUBLIC_COLUMNS}`,
      [firmId, id, secret.ciphertext, secret.keyId, previousUntil],
    )
  ).rows[0];
}

export async function deleteEndpoint(tx: Queryable, firmId: string, id: string): Promise<boolean> {
  return (await tx.query('delete from public.webhook_endpoints where firm_id = $1 and id = $2', [firmId, id])).affectedRows > 0;
}

export interface DeliveryRow {
  id: number;
  event_id: string;
  event_type: string;
  state: string;
  attempts: number;
  next_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
  tries: Array<{ at: string; status_code: number | null; duration_ms: number; error: string | null; next_at: string | null }>;
}

/** The endpoint's deliveries, newest first, each with its attempts; `before`: a delivery id to page on. */
export async function listDeliveries(tx: Queryable, endpointId: string, p: { limit: number; before?: number }): Promise<DeliveryRow[]> {
  return (
    await tx.query<DeliveryRow>(
      `select d.id, e.public_id as event_id, e.type as event_type, d.state, d.attempts, d.next_at, d.last_status, d.last_error, d.created_at, d.finished_at,
            coalesce((select jsonb_agg(jsonb_build_object('at', a.at, 'status_code', a.status_code, 'duration_ms', a.duration_ms, 'error', a.error, 'next_at', a.next_at) order by a.id)
                        from public.webhook_attempts a where a.delivery_id = d.id), '[]'::jsonb) as tries
       from public.webhook_deliveries d join public.events e on e.id = d.event_id
      where d.endpoint_id = $1 and ($3::bigint is null or d.id < $3)
      order by d.id desc limit $2`,
      [endpointId, p.limit, p.before ?? null],
    )
  ).rows;
}

/**
 * Delivers an event again to the firm's endpoints that want it (or to one): a delivery that ended
 * is due again now, with its attempts kept; where none exists yet, one is made. Returns how many.
 */
export async function redeliver(tx: Queryable, firmId: string, publicId: string, endpointId?: string): Promise<number | undefined> {
  const ev = (
    await tx.query<{ id: number; type: string }>('select id, type from public.events where firm_id = $1 and public_id = $2', [
      firmId,
      publicId,
    ])
  ).rows[0];
  if (!ev) return undefined;
  const r = await tx.query(
    `with targets as (
       select w.id from public.webhook_endpoints w
        where w.firm_id = $1 and w.enabled and ($3::uuid is null or w.id = $3) and (w.event_types is null or $4 = any (w.event_types) or $4 = 'webhook.ping')
     ), again as (
       update public.webhook_deliveries d set state = 'pending', next_at = null, lease_until = null, finished_at = null
        where d.event_id = $2 and d.endpoint_id in (select id from targets) and d.state <> 'pending' returning d.endpoint_id
     ), fresh as (
       insert into public.webhook_deliveries (firm_id, endpoint_id, event_id)
       select $1, t.id, $2 from targets t
        where not exists (select 1 from public.webhook_deliveries d where d.event_id = $2 and d.endpoint_id = t.id)
       returning endpoint_id
     )
     select endpoint_id from again union all select endpoint_id from fresh union all
     select d.endpoint_id from public.webhook_deliveries d where d.event_id = $2 and d.state = 'pending' and d.endpoint_id in (select id from targets)`,
    [firmId, ev.id, endpointId ?? null, ev.type],
  );
  return new Set(r.rows.map((x) => (x as { endpoint_id: string }).endpoint_id)).size;
}

/** A ping event (the test button) for one endpoint, delivered like any other. */
export async function insertPing(tx: Queryable, firmId: string, endpointId: string, at: Date): Promise<string> {
  const ev = (
    await tx.query<{ id: number; public_id: string }>(
      `insert into public.events (firm_id, type, object_id, occurred_at, data) values ($1, 'webhook.ping', $2, $3, jsonb_build_object('endpointId', $2::text))
     returning id, public_id`,
      [firmId, endpointId, at],
    )
  ).rows[0]!;
  await tx.query('insert into public.webhook_deliveries (firm_id, endpoint_id, event_id) values ($1, $2, $3)', [firmId, endpointId, ev.id]);
  return ev.public_id;
}

export async function eventExists(tx: Queryable, firmId: string, publicId: string): Promise<boolean> {
  return (await tx.query('select 1 from public.events where firm_id = $1 and public_id = $2', [firmId, publicId])).rows.length > 0;
}

/** Retention: events, deliveries and attempts older than `olderThan` removed (the sweep). */
export async function expireEvents(tx: Queryable, olderThan: Date): Promise<number> {
  return (await tx.query<{ n: number }>('select private.expire_events($1) as n', [olderThan])).rows[0]!.n;
}
