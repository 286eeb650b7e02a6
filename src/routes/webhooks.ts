import { createRoute } from '@hono/zod-openapi';
import { asUser } from '../db/scoped.ts';
import type { DeliveryRow, EndpointRow } from '../db/repos/webhooks.ts';
import * as hooks from '../pipeline/webhooks.ts';
import type { Services } from '../services.ts';
import { errorResponses, FirmParams, json, jsonBody } from './schemas/common.ts';
import {
  Accepted,
  DeliveriesQuery,
  DeliveryList,
  EventParams,
  RedeliverBody,
  Webhook,
  WebhookCreateBody,
  WebhookList,
  WebhookParams,
  WebhookPatchBody,
  WebhookWithSecret,
} from './schemas/webhooks.ts';
import { router } from './env.ts';

const about =
  "Events (Standard Webhooks 1.0) are POSTed to the firm's endpoints as entries, files, deposits, the connection and reference syncs change; " +
  "the catalogue is this document's `webhooks` section. ";
const adminsOnly = 'Only an administrator of the firm may do this (403 forbidden otherwise).';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const toWebhook = (e: EndpointRow) => ({
  id: e.id,
  firmId: e.firm_id,
  url: e.url,
  eventTypes: e.event_types,
  description: e.description,
  enabled: e.enabled,
  disabledReason: e.disabled_reason,
  failingSince: iso(e.failing_since),
  previousSecretSignsUntil: iso(e.previous_secret_until),
  createdAt: iso(e.created_at)!,
  updatedAt: iso(e.updated_at)!,
});
const toDelivery = (d: DeliveryRow) => ({
  id: Number(d.id),
  eventId: d.event_id,
  eventType: d.event_type,
  state: d.state as 'pending' | 'succeeded' | 'failed',
  attempts: d.tries.map((a) => ({
    at: iso(new Date(a.at))!,
    statusCode: a.status_code,
    durationMs: a.duration_ms,
    error: a.error,
    nextRetryAt: a.next_at ? iso(new Date(a.next_at)) : null,
  })),
  nextRetryAt: d.state === 'pending' ? iso(d.next_at) : null,
  createdAt: iso(d.created_at)!,
  finishedAt: iso(d.finished_at),
});

export function webhookRoutes(s: Services) {
  const base = '/v1/firms/{firmId}/webhooks';
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: base,
        tags: ['events'],
        summary: 'Register an endpoint (admins only); the signing secret is in this answer only',
        description: `${about}${adminsOnly}`,
        request: { params: FirmParams, body: jsonBody(WebhookCreateBody) },
        responses: { 201: json(WebhookWithSecret, 'The endpoint, with its secret (shown once)'), ...errorResponses },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const user = c.get('user');
        const out = await hooks.createEndpoint(s, user, firmId, c.req.valid('json'));
        return c.json({ ...toWebhook(out.endpoint), secret: out.secret }, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: base,
        tags: ['events'],
        summary: "The firm's endpoints (every member; no secret)",
        description: about,
        request: { params: FirmParams },
        responses: { 200: json(WebhookList, 'The endpoints'), ...errorResponses },
      }),
      async (c) => {
        const { firmId } = c.req.valid('param');
        const user = c.get('user');
        return c.json({ items: (await asUser(s.db, user, (tx) => hooks.listEndpoints(tx, user.sub, firmId))).map(toWebhook) }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${base}/{webhookId}`,
        tags: ['events'],
        summary: 'One endpoint (every member; no secret)',
        request: { params: WebhookParams },
        responses: { 200: json(Webhook, 'The endpoint'), ...errorResponses },
      }),
      async (c) => {
        const { firmId, webhookId } = c.req.valid('param');
        const user = c.get('user');
        return c.json(toWebhook(await asUser(s.db, user, (tx) => hooks.getEndpoint(tx, user.sub, firmId, webhookId))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: `${base}/{webhookId}`,
        tags: ['events'],
        summary: 'Change an endpoint (admins only); enabled: true also clears a disabling reason',
        description: adminsOnly,
        request: { params: WebhookParams, body: jsonBody(WebhookPatchBody) },
        responses: { 200: json(Webhook, 'The endpoint'), ...errorResponses },
      }),
      async (c) => {
        const { firmId, webhookId } = c.req.valid('param');
        const user = c.get('user');
        return c.json(toWebhook(await hooks.updateEndpoint(s, user, firmId, webhookId, c.req.valid('json'))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: `${base}/{webhookId}`,
        tags: ['events'],
        summary: 'Remove an endpoint (admins only)',
        description: adminsOnly,
        request: { params: WebhookParams },
        responses: { 204: { description: 'Removed' }, ...errorResponses },
      }),
      async (c) => {
        const { firmId, webhookId } = c.req.valid('param');
        const user = c.get('user');
        await asUser(s.db, user, (tx) => hooks.deleteEndpoint(tx, user.sub, firmId, webhookId));
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${base}/{webhookId}/rotate-secret`,
        tags: ['events'],
        summary: 'A new signing secret (admins only); the previous one keeps signing beside it for the overlap',
        description: `Events carry two signatures (space-separated) until previousSecretSignsUntil, so the hub can switch without losing one. ${adminsOnly}`,
        request: { params: WebhookParams },
        responses: { 200: json(WebhookWithSecret, 'The endpoint, with its new secret (shown once)'), ...errorResponses },
      }),
      async (c) => {
        const { firmId, webhookId } = c.req.valid('param');
        const out = await hooks.rotateEndpointSecret(s, c.get('user'), firmId, webhookId);
        return c.json({ ...toWebhook(out.endpoint), secret: out.secret }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: `${base}/{webhookId}/deliveries`,
        tags: ['events'],
        summary: "The endpoint's deliveries, newest first, each with its attempts",
        request: { params: WebhookParams, query: DeliveriesQuery },
        responses: { 200: json(DeliveryList, 'Deliveries'), ...errorResponses },
      }),
      async (c) => {
        const { firmId, webhookId } = c.req.valid('param');
        const { limit, before } = c.req.valid('query');
        const user = c.get('user');
        const rows = await asUser(s.db, user, (tx) =>
          hooks.endpointDeliveries(tx, user.sub, firmId, webhookId, { limit, ...(before !== undefined ? { before } : {}) }),
        );
        return c.json({ items: rows.map(toDelivery), next: rows.length === limit ? Number(rows.at(-1)!.id) : null }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: `${base}/{webhookId}/test`,
        tags: ['events'],
        summary: 'Send a webhook.ping event to the endpoint (admins only)',
        description: adminsOnly,
        request: { params: WebhookParams },
        responses: { 202: json(Accepted, 'Queued: it is delivered within seconds (see its deliveries)'), ...errorResponses },
      }),
      async (c) => {
        const { firmId, webhookId } = c.req.valid('param');
        const eventId = await hooks.pingEndpoint(s, c.get('user'), firmId, webhookId);
        return c.json({ eventId, deliveries: 1 }, 202);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/firms/{firmId}/events/{eventId}/redeliver',
        tags: ['events'],
        summary: 'Deliver an event again, with the same webhook-id (admins only)',
        description: `To every enabled endpoint that wants it, or to one. ${adminsOnly}`,
        request: { params: EventParams, body: { required: false, content: { 'application/json': { schema: RedeliverBody } } } },
        responses: { 202: json(Accepted, 'Queued again'), ...errorResponses },
      }),
      async (c) => {
        const { firmId, eventId } = c.req.valid('param');
        const body = c.req.valid('json') as { webhookId?: string } | undefined;
        const n = await hooks.redeliverEvent(s, c.get('user'), firmId, eventId, body?.webhookId);
        return c.json({ eventId, deliveries: n }, 202);
      },
    );
}
