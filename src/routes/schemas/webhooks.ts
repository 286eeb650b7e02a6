import { z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../../domain/events.ts';
import { uuidParam, withoutControls } from './common.ts';

/** The types an endpoint may ask for (the ping is sent to one endpoint on request, whatever it asked for). */
export const SUBSCRIBABLE = EVENT_TYPES.filter((t) => t !== 'webhook.ping') as [string, ...string[]];

export const WebhookParams = z.object({ firmId: uuidParam('firmId'), webhookId: uuidParam('webhookId') });
export const EventParams = z.object({
  firmId: uuidParam('firmId'),
  eventId: z
    .string()
    .regex(/^evt_[0-9a-f]{32}$/, 'eventId must be an event id (evt_ and 32 hexadecimal digits)')
    .openapi({ param: { name: 'eventId', in: 'path' }, example: 'evt_0f8e3a2b9c1d4e5f8a7b6c5d4e3f2a1b' }),
});

const url = z.string().min(1).max(2000).openapi({
  example: 'https://hub.example.com/quadra-events',
  description:
    'Where events are POSTed. https only in production; loopback, private, link-local and cloud-metadata addresses are refused (at registration and at every delivery).',
});
const eventTypes = z.array(z.enum(SUBSCRIBABLE)).max(SUBSCRIBABLE.length).nullable().openapi({
  description: 'The event types this endpoint wants; null or empty: every type.',
});
const description = withoutControls(z.string().max(500), 'description');

export const WebhookCreateBody = z
  .object({ url, eventTypes: eventTypes.optional(), description: description.optional(), enabled: z.boolean().optional() })
  .strict()
  .openapi('WebhookCreate');
export const WebhookPatchBody = z
  .object({ url: url.optional(), eventTypes: eventTypes.optional(), description: description.optional(), enabled: z.boolean().optional() })
  .strict()
  .openapi('WebhookPatch');

export const Webhook = z
  .object({
    id: z.uuid(),
    firmId: z.uuid(),
    url: z.string(),
    eventTypes: z.array(z.string()).nullable().openapi({ description: 'null: every type' }),
    description: z.string(),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .openapi({ description: 'Why the service disabled it (410 Gone, failing for days); null when enabled or disabled by hand' }),
    failingSince: z.string().nullable().openapi({ description: 'Since when every attempt failed; null when the last one succeeded' }),
    previousSecretSignsUntil: z.string().nullable().openapi({ description: 'After a rotation: until when the previous secret signs too' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Webhook');

export const WebhookWithSecret = Webhook.extend({
  secret: z.string().openapi({
    description: 'The signing secret (whsec_…). Shown this once: store it now. Verify each event with it (Standard Webhooks).',
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  }),
}).openapi('WebhookWithSecret');

export const WebhookList = z.object({ items: z.array(Webhook) });

export const DeliveriesQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(50)
    .openapi({ param: { name: 'limit', in: 'query' } }),
  before: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({ param: { name: 'before', in: 'query' }, description: 'A delivery id: the page of older deliveries' }),
});

export const DeliveryList = z
  .object({
    items: z.array(
      z.object({
        id: z.number().int(),
        eventId: z.string(),
        eventType: z.string(),
        state: z.enum(['pending', 'succeeded', 'failed']),
        attempts: z.array(
          z.object({
            at: z.string(),
            statusCode: z.number().int().nullable(),
            durationMs: z.number().int(),
            error: z.string().nullable(),
            nextRetryAt: z.string().nullable(),
          }),
        ),
        nextRetryAt: z.string().nullable(),
        createdAt: z.string(),
        finishedAt: z.string().nullable(),
      }),
    ),
    next: z.number().int().nullable().openapi({ description: 'Pass as `before` for the next page; null at the end' }),
  })
  .openapi('WebhookDeliveries');

export const RedeliverBody = z
  .object({
    webhookId: z
      .uuid()
      .optional()
      .openapi({ description: 'Only to this endpoint; otherwise to every enabled endpoint that wants the event' }),
  })
  .strict();
export const Accepted = z.object({ eventId: z.string().optional(), deliveries: z.number().int() });
