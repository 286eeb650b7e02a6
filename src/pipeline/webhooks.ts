// A firm's event endpoints: registered, changed, rotated and removed by its administrators (every
// member reads them, never a secret); their deliveries seen, an event delivered again, a ping sent.
// Reads and removals run inside the caller's user transaction (asUser), so row-level security holds
// on every statement; writes of the table check the caller's role that way, then write as the service.
import type { Tx } from '../db/database.ts';
import { getMyFirm } from '../db/repos/firms.ts';
import { asService, asUser, type Claims } from '../db/scoped.ts';
import * as repo from '../db/repos/webhooks.ts';
import { AppError, forbidden, notFound } from '../lib/errors.ts';
import { checkUrlForm, resolveChecked, UnsafeUrl, type AddressPolicy } from '../lib/webhook-address.ts';
import type { Services } from '../services.ts';
import { msg, text } from '../i18n/index.ts';

export const WEBHOOKS_ADMIN_ONLY = text('error.webhooks_admin_only');

// WEBHOOK_ALLOW_PRIVATE (development and tests) also allows http: a receiver on loopback has no certificate anyone trusts.
export const addressPolicy = (s: Pick<Services, 'config'>): AddressPolicy => ({
  httpsOnly: s.config.NODE_ENV === 'production' && !s.config.WEBHOOK_ALLOW_PRIVATE,
  allowPrivate: s.config.WEBHOOK_ALLOW_PRIVATE,
});

/** A fresh signing secret in the Standard Webhooks form: whsec_ and base64 of 32 random bytes. */
export const newSecret = () => `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64')}`;

async function role(tx: Tx, userId: string, firmId: string, admin: boolean): Promise<void> {
  const firm = await getMyFirm(tx, userId, firmId);
  if (!firm) throw notFound('Firm');
  if (admin && firm.role !== 'admin') throw forbidden(msg('error.webhooks_admin_only'));
}

/** The URL, refused with a 422 naming the field when it may not be sent to (form, scheme, address). */
async function checkedUrl(s: Services, raw: string): Promise<string> {
  const policy = addressPolicy(s);
  try {
    const url = checkUrlForm(raw, policy);
    await resolveChecked(url, policy);
    return url.toString();
  } catch (err) {
    if (err instanceof UnsafeUrl)
      throw new AppError(err.code, msg('error.webhook_url', { message: err.message }), {
        field: 'url',
        issues: [{ path: 'url', message: err.message, code: err.code }],
      });
    throw err;
  }
}

export interface EndpointInput {
  url: string;
  eventTypes?: string[] | null;
  description?: string;
  enabled?: boolean;
}

/**
 * Registers an endpoint. The caller's rights are checked under row-level security; the row is
 * written as the service (20261202000310_webhook_endpoint_writes.sql: users may not write the
 * table, so nothing reaches it past checkedUrl and a sealed secret of the service's own).
 */
export async function createEndpoint(
  s: Services,
  user: Claims,
  firmId: string,
  input: EndpointInput,
): Promise<{ endpoint: repo.EndpointRow; secret: string }> {
  await asUser(s.db, user, (tx) => role(tx, user.sub, firmId, true));
  const url = await checkedUrl(s, input.url);
  const secret = newSecret();
  const sealed = await s.secrets.seal(secret);
  const endpoint = await asService(s.db, (tx) =>
    repo.insertEndpoint(tx, {
      firmId,
      url,
      eventTypes: normaliseTypes(input.eventTypes),
      description: input.description ?? '',
      enabled: input.enabled ?? true,
      secret: sealed,
    }),
  );
  return { endpoint, secret };
}

export async function listEndpoints(tx: Tx, userId: string, firmId: string): Promise<repo.EndpointRow[]> {
  await role(tx, userId, firmId, false);
  return repo.listEndpoints(tx, firmId);
}

export async function getEndpoint(tx: Tx, userId: string, firmId: string, id: string): Promise<repo.EndpointRow> {
  await role(tx, userId, firmId, false);
  return (
    (await repo.getEndpoint(tx, firmId, id)) ??
    (() => {
      throw notFound('Webhook endpoint');
    })()
  );
}

/** Changes an endpoint: the caller's rights checked under row-level security, the row written as the service. */
export async function updateEndpoint(
  s: Services,
  user: Claims,
  firmId: string,
  id: string,
  input: Partial<EndpointInput>,
): Promise<repo.EndpointRow> {
  await asUser(s.db, user, async (tx) => {
    await role(tx, user.sub, firmId, true);
    if (!(await repo.getEndpoint(tx, firmId, id))) throw notFound('Webhook endpoint');
  });
  const url = input.url === undefined ? undefined : await checkedUrl(s, input.url);
  const row = await asService(s.db, (tx) =>
    repo.updateEndpoint(tx, firmId, id, {
      ...(url !== undefined ? { url } : {}),
      ...(input.eventTypes !== undefined ? { eventTypes: normaliseTypes(input.eventTypes) } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
    }),
  );
  if (!row) throw notFound('Webhook endpoint');
  return row;
}

export async function deleteEndpoint(tx: Tx, userId: string, firmId: string, id: string): Promise<void> {
  await role(tx, userId, firmId, true);
  if (!(await repo.deleteEndpoint(tx, firmId, id))) throw notFound('Webhook endpoint');
}

/**
 * A new secret, shown once; the previous one keeps signing beside it for WEBHOOK_SECRET_OVERLAP_HOURS.
 * The caller's rights are checked under row-level security; the secrets are moved as the service
 * (members, administrators included, are not granted the sealed secrets' columns at all).
 */
export async function rotateEndpointSecret(
  s: Services,
  user: Claims,
  firmId: string,
  id: string,
): Promise<{ endpoint: repo.EndpointRow; secret: string }> {
  await asUser(s.db, user, async (tx) => {
    await role(tx, user.sub, firmId, true);
    if (!(await repo.getEndpoint(tx, firmId, id))) throw notFound('Webhook endpoint');
  });
  const secret = newSecret();
  const until = new Date(s.now().getTime() + s.config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000);
  const sealed = await s.secrets.seal(secret);
  const endpoint = await asService(s.db, (tx) => repo.rotateSecret(tx, firmId, id, sealed, until));
  if (!endpoint) throw notFound('Webhook endpoint');
  return { endpoint, secret };
}

export async function endpointDeliveries(
  tx: Tx,
  userId: string,
  firmId: string,
  id: string,
  page: { limit: number; before?: number },
): Promise<repo.DeliveryRow[]> {
  await getEndpoint(tx, userId, firmId, id);
  return repo.listDeliveries(tx, id, page);
}

/**
 * A ping to one endpoint (admins only: it makes a request to the endpoint). The caller's rights are
 * checked under row-level security; the event and its delivery are written as the service, like
 * every other event (members may not write the outbox). Returns the event's id.
 */
export async function pingEndpoint(s: Services, user: Claims, firmId: string, id: string): Promise<string> {
  const ep = await asUser(s.db, user, async (tx) => {
    await role(tx, user.sub, firmId, true);
    return repo.getEndpoint(tx, firmId, id);
  });
  if (!ep) throw notFound('Webhook endpoint');
  if (!ep.enabled) throw new AppError('webhook_disabled', msg('error.webhook_disabled'));
  return asService(s.db, (tx) => repo.insertPing(tx, firmId, id, s.now()));
}

/** The event again, to every enabled endpoint that wants it (or one), with the same webhook-id. */
export async function redeliverEvent(s: Services, user: Claims, firmId: string, eventId: string, endpointId?: string): Promise<number> {
  const seen = await asUser(s.db, user, async (tx) => {
    await role(tx, user.sub, firmId, true);
    if (endpointId && !(await repo.getEndpoint(tx, firmId, endpointId))) throw notFound('Webhook endpoint');
    return repo.eventExists(tx, firmId, eventId);
  });
  if (!seen) throw notFound('Event');
  return (await asService(s.db, (tx) => repo.redeliver(tx, firmId, eventId, endpointId))) ?? 0;
}

const normaliseTypes = (t: string[] | null | undefined): string[] | null => (t == null || t.length === 0 ? null : [...new Set(t)].sort());
