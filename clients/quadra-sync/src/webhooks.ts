// The events Quadra Sync sends to a hub's endpoint (Standard Webhooks 1.0), typed from the OpenAPI
// document's `webhooks` section, and their verification with the `standardwebhooks` library.
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { webhooks } from './schema.gen.js';

type BodyOf<W> = W extends { post: { requestBody: { content: { 'application/json': infer B } } } } ? B : never;

/** Every event, discriminated by `type`: `if (event.type === 'entry.posted') event.data.entryId`. */
export type QuadraSyncEvent = { [K in keyof webhooks]: BodyOf<webhooks[K]> }[keyof webhooks];
export type QuadraSyncEventType = QuadraSyncEvent['type'];
/** The event of one type. */
export type QuadraSyncEventOf<T extends QuadraSyncEventType> = Extract<QuadraSyncEvent, { type: T }>;

export { WebhookVerificationError };

/**
 * Checks an incoming event against the endpoint's secret (`whsec_...`, as the API returned it when
 * the endpoint was created or its secret rotated): signature, and a timestamp within 5 minutes.
 * Pass the raw body exactly as received, before any JSON parsing. Throws
 * WebhookVerificationError when the event is not genuine.
 */
export function createWebhookVerifier(secret: string) {
  const wh = new Webhook(secret);
  return {
    verify(rawBody: string, headers: Headers | Record<string, string | string[] | undefined>): QuadraSyncEvent {
      const h: Record<string, string> = {};
      if (headers instanceof Headers) headers.forEach((v, k) => (h[k] = v));
      else for (const [k, v] of Object.entries(headers)) if (v !== undefined) h[k.toLowerCase()] = Array.isArray(v) ? v.join(' ') : v;
      return wh.verify(rawBody, h) as QuadraSyncEvent;
    },
  };
}
