// The event catalogue as the OpenAPI 3.1 document's `webhooks` section: one entry per event type,
// with the body the receiver gets. The bodies are built by the outbox triggers
// (supabase/migrations/20261202000300_events.sql); test/routes/webhooks-docs.test.ts checks that
// every type of the closed list (src/domain/events.ts) is documented.
import { z, type OpenAPIHono } from '@hono/zod-openapi';
import { EVENT_TYPES, type EventType } from '../../domain/events.ts';

const ts = z.string().openapi({ description: 'ISO 8601 date-time' });
const nullableTs = ts.nullable();

const entry = z.object({
  entryId: z.uuid(),
  externalId: z.string().openapi({ description: "The hub's own id of the entry (as pushed)" }),
  fileId: z.uuid(),
  status: z.enum(['pending', 'sent', 'posted', 'failed_check']),
  previousStatus: z.enum(['pending', 'sent', 'posted', 'failed_check']),
  message: z.string().nullable().openapi({ description: 'What the entry says now (why it is held, what to do), as the tabs show it' }),
  duplicateInQuadra: z.boolean(),
  depositId: z.uuid().nullable(),
  nightsTried: z.number().int(),
});
const file = z.object({
  fileId: z.uuid(),
  dossierCode: z.string(),
  name: z.string(),
  waitingOpenSince: nullableTs,
  message: z.string().nullable().openapi({ description: 'With file.prerequisites_failing: the failing checks and what to do' }),
});
const accountsToCreate = z.object({
  fileId: z.uuid(),
  dossierCode: z.string(),
  name: z.string(),
  count: z.number().int().openapi({ description: 'How many accounts this push added to the list' }),
  accounts: z
    .array(z.object({ account: z.string(), label: z.string().nullable().openapi({ description: "The hub's label, as pushed" }) }))
    .openapi({ description: 'The first 100 of them by number; GET /v1/files/{fileId}/accounts-to-create lists them all' }),
});
const connection = z.object({ firmId: z.uuid(), status: z.enum(['connected', 'failed', 'reconnect_required']), checkedAt: ts });
const referenceSync = z.object({
  runId: z.uuid(),
  status: z.enum(['succeeded', 'failed']),
  trigger: z.enum(['manual', 'nightly', 'connection']),
  counts: z.record(z.string(), z.unknown()),
  errorCode: z.string().nullable(),
  message: z.string().nullable(),
  finishedAt: nullableTs,
  createdFileIds: z.array(z.uuid()).openapi({ description: 'The client files this run created' }),
});
const deposit = z.object({
  depositId: z.uuid(),
  fileId: z.uuid(),
  status: z.string(),
  entryCount: z.number().int(),
  lineCount: z.number().int(),
  uploadedAt: nullableTs,
  verifiedAt: nullableTs,
  counts: z
    .object({
      posted: z.number().int(),
      pending: z.number().int(),
      sent: z.number().int(),
      failedCheck: z.number().int(),
      duplicates: z.number().int(),
    })
    .nullable()
    .openapi({ description: 'With deposit.verified: its entries by status after the check' }),
});
const ping = z.object({ endpointId: z.uuid() });

const CATALOGUE: Record<EventType, { data: z.ZodType; summary: string }> = {
  'entry.sent': { data: entry, summary: 'An entry reached Cegid File Exchange in a deposit (status sent)' },
  'entry.posted': {
    data: entry,
    summary: 'The check found the entry in Quadra (status posted; duplicateInQuadra when found more than once)',
  },
  'entry.pending': { data: entry, summary: 'An entry is pending again (not found at its check: it is re-sent on the next nights)' },
  'entry.failed_check': { data: entry, summary: 'Not found after the third night: the entry failed its check' },
  'entry.held': {
    data: entry,
    summary: 'An entry is held back, with the reason in message (a failing prerequisite, the connection, the reference data)',
  },
  'entry.duplicate_flagged': { data: entry, summary: 'A posted entry was found more than once in Quadra' },
  'file.waiting_started': { data: file, summary: 'Nothing of the file reached Quadra: it waits for the dossier to be opened' },
  'file.waiting_ended': { data: file, summary: 'The dossier was opened: the file no longer waits' },
  'file.prerequisites_failing': {
    data: file,
    summary: 'A send found a prerequisite of the file failing (message says which and what to do)',
  },
  'file.prerequisites_ok': { data: file, summary: "The file's prerequisites pass again (a deposit was sent)" },
  'file.accounts_to_create': {
    data: accountsToCreate,
    summary: "A push brought accounts Quadra's chart lacks that no waiting entry of the file used before (once per push and file)",
  },
  'connection.status_changed': { data: connection, summary: "The firm's Cegid connection changed status" },
  'reference_sync.succeeded': { data: referenceSync, summary: 'A reference-data sync finished' },
  'reference_sync.failed': { data: referenceSync, summary: 'A reference-data sync failed' },
  'deposit.sent': { data: deposit, summary: 'A deposit reached Cegid File Exchange' },
  'deposit.verified': { data: deposit, summary: "A deposit got its 12-hour check, with its entries' counts" },
  'webhook.ping': { data: ping, summary: 'A test event (POST …/webhooks/{id}/test)' },
};

export const eventBody = (type: EventType) =>
  z.object({
    type: z.literal(type),
    timestamp: ts.openapi({ description: 'When the change happened' }),
    id: z.string().openapi({
      description: 'The event id, also the webhook-id header: the same on every retry; dedupe on it',
      example: 'evt_0f8e3a2b9c1d4e5f8a7b6c5d4e3f2a1b',
    }),
    firmId: z.uuid(),
    sequence: z.number().int().openapi({
      description:
        'Grows with every event of the same object (entry, file, deposit...): ignore an event whose sequence is below the last one you applied for that object',
    }),
    data: CATALOGUE[type].data,
  });

const signatureHeaders = z.object({
  'webhook-id': z.string().openapi({ description: 'The event id; stable across retries' }),
  'webhook-timestamp': z.string().openapi({ description: 'Unix seconds of this attempt' }),
  'webhook-signature': z
    .string()
    .openapi({ description: 'v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">; several, space-separated, during a secret rotation' }),
});

/** Adds every event type to the document's `webhooks` section. */
export function registerEventCatalogue(registry: Pick<OpenAPIHono['openAPIRegistry'], 'registerWebhook'>): void {
  for (const type of EVENT_TYPES) {
    registry.registerWebhook({
      method: 'post',
      path: type,
      tags: ['events'],
      summary: CATALOGUE[type].summary,
      description:
        'Signed with Standard Webhooks 1.0. Answer 2xx within the timeout (15 s by default); anything else is retried (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, with jitter); 429/503 with Retry-After are retried no sooner; 410 disables the endpoint.',
      request: { headers: signatureHeaders, body: { required: true, content: { 'application/json': { schema: eventBody(type) } } } },
      responses: {
        200: { description: 'Received (any 2xx)' },
        410: { description: 'Gone: the endpoint is disabled, no more events are sent to it' },
      },
    });
  }
}
