import { z } from '@hono/zod-openapi';
import { withoutControls } from './common.ts';

export const IDEMPOTENCY_KEY_MISSING =
  'The Idempotency-Key header is required: it makes a push safe to retry. Send a key unique to this batch ' +
  '(1 to 200 characters, e.g. a UUID or "push-2026-11-23-0001"); sending the same key with the same body again returns the first answer instead of storing the entries twice.';

// Amounts are only typed here (numbers); whether they are whole, non-negative cents is a
// per-entry pre-flight error, so one bad entry does not refuse the whole push.
const Line = z
  .strictObject({
    account: withoutControls(z.string().trim().min(1).max(40), 'An account').openapi({ example: '60610000' }),
    label: z.string().max(200).optional(),
    accountLabel: withoutControls(z.string().trim().min(1).max(200), 'An account label').optional().openapi({
      description:
        "The hub's label for the line's account. Sent to Quadra (a C record, folded to Windows-1252 and cut to 30 characters, with a warning) when the file sends account labels and Quadra lacks the account; when lines name one account with different labels, the first pushed is sent.",
      example: 'Moulins de Savoie',
    }),
    debit: z.number().openapi({ description: 'Debit in integer cents', example: 12000 }),
    credit: z.number().openapi({ description: 'Credit in integer cents', example: 0 }),
  })
  .openapi('EntryLine');

const entryFields = {
  kind: z.enum(['purchase', 'sale', 'expense_report', 'bank']),
  journalCode: withoutControls(z.string().trim().min(1).max(3), 'A journal code').openapi({ example: 'AC' }),
  date: z.iso.date().openapi({ example: '2026-11-02' }),
  pieceRef: withoutControls(z.string().trim().max(50), 'A piece reference')
    .optional()
    .openapi({ description: "The supporting document's number; digits are written to Quadra's piece number fields" }),
  label: z.string().trim().min(1).max(500).openapi({ example: 'Moulins de Savoie — farine novembre' }),
  documentIds: z.array(z.uuid()).max(20).optional(),
  dueDate: z.iso.date().optional().openapi({
    description: "Payment due date, written on the entry's customer and supplier lines (position 64, DDMMYY); not before `date`",
    example: '2026-12-02',
  }),
  lines: z.array(Line).min(1).max(10_000),
};

export const EntryBody = z
  .strictObject({ externalId: withoutControls(z.string().trim().min(1).max(200), 'An externalId'), ...entryFields })
  .openapi('EntryInput');
export const EntryUpdateBody = z.strictObject(entryFields).openapi('EntryUpdate');
export const PushBody = z.strictObject({ entries: z.array(EntryBody).min(1).max(5_000) }).openapi('PushEntries');
export const PushHeaders = z.object({
  'idempotency-key': withoutControls(
    z
      .string({ error: (iss) => (iss.input === undefined ? IDEMPOTENCY_KEY_MISSING : undefined) })
      .trim()
      .min(1, IDEMPOTENCY_KEY_MISSING)
      .max(200),
    'The Idempotency-Key',
  ).openapi({
    param: { name: 'idempotency-key', in: 'header' },
    description: 'Idempotency-Key: the same key with the same body returns the first answer',
    example: 'push-2026-11-23-0001',
  }),
});

export const IssueSchema = z
  .object({ code: z.string(), message: z.string(), field: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() })
  .openapi('Issue');

export const PushResultSchema = z
  .union([
    z.object({ id: z.uuid(), externalId: z.string(), status: z.literal('pending'), warnings: z.array(IssueSchema) }),
    z.object({ externalId: z.string(), errors: z.array(IssueSchema) }),
  ])
  .openapi('PushResult');

export const PushAnswerSchema = z
  .object({ fileId: z.uuid(), accepted: z.number(), refused: z.number(), entries: z.array(PushResultSchema) })
  .openapi('PushAnswer');

export const EntryStatusSchema = z.enum(['pending', 'sent', 'posted', 'failed_check']);

export const EntrySummarySchema = z
  .object({
    id: z.uuid(),
    externalId: z.string(),
    fileId: z.uuid(),
    kind: z.string(),
    journalCode: z.string(),
    date: z.string(),
    pieceRef: z.string().nullable(),
    dueDate: z.string().nullable(),
    label: z.string(),
    status: EntryStatusSchema,
    statusMessage: z.string().nullable(),
    warnings: z.array(IssueSchema),
    duplicateInQuadra: z.boolean(),
    nightsTried: z.number(),
    nextAttemptAt: z.string().nullable(),
    sentAt: z.string().nullable(),
    postedAt: z.string().nullable(),
    quadraReference: z.string(),
    totalCents: z.number(),
    lineCount: z.number(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('EntrySummary');

export const EntryDetailSchema = EntrySummarySchema.extend({
  lines: z.array(
    z.object({
      lineNo: z.number(),
      account: z.string(),
      label: z.string().nullable(),
      accountLabel: z.string().nullable(),
      debit: z.number(),
      credit: z.number(),
    }),
  ),
  documents: z.array(
    z.object({ id: z.uuid(), fileName: z.string(), contentType: z.string(), sizeBytes: z.number(), attachmentName: z.string() }),
  ),
  attempts: z.array(
    z.object({
      at: z.string(),
      kind: z.string(),
      outcome: z.string(),
      night: z.number().nullable(),
      errorCode: z.string().nullable(),
      detail: z.string().nullable(),
      depositId: z.string().nullable(),
    }),
  ),
}).openapi('EntryDetail');

export const EntryListQuery = z.object({
  status: EntryStatusSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
});

export const FileFlagSchema = z.object({ waitingOpenSince: z.string().nullable(), message: z.string().nullable() });
export const EntryListSchema = z
  .object({ file: FileFlagSchema, items: z.array(EntrySummarySchema), nextCursor: z.string().nullable() })
  .openapi('EntryList');

export const PreviewSchema = z
  .object({
    prerequisites: z.object({
      ok: z.boolean(),
      checks: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string().optional(), remedy: z.string().optional() })),
    }),
    entryCount: z.number(),
    lineCount: z.number(),
    ascii: z.string().openapi({ description: 'The exact file Quadra would receive (Windows-1252 decoded; lines end with CRLF)' }),
    warnings: z
      .array(IssueSchema.extend({ entryId: z.uuid(), externalId: z.string() }))
      .openapi({ description: 'What to know about each entry, each fact once' }),
    mappedAccounts: z
      .array(
        z.object({
          hubAccount: z.string(),
          quadraAccount: z
            .string()
            .openapi({ description: "The account Quadra receives (the file's account map applied, 8 characters at most)" }),
          quadraLabel: z
            .string()
            .nullable()
            .openapi({ description: "Quadra's label for that account; null when Quadra does not have it yet" }),
          entries: z.number(),
        }),
      )
      .openapi({ description: 'Each hub account the account map sends under another number' }),
    accountRecords: z
      .array(
        z.object({
          account: z.string().openapi({ description: 'As Quadra will hold it (8 characters at most)' }),
          label: z.string().nullable().openapi({ description: 'The first label pushed for it, folded and cut to 30; null when none' }),
          kind: z.enum(['general', 'customer', 'supplier']),
          type: z.enum(['C', 'F', 'G']).openapi({ description: 'Position 218 of the C record' }),
          collective: z.string().nullable().openapi({ description: "A customer's or supplier's collective account (position 99)" }),
        }),
      )
      .openapi({
        description:
          'The C records the deposit starts with, one per account Quadra lacks, when the file sends account labels (empty otherwise)',
      }),
    dueDates: z
      .array(z.object({ entryId: z.uuid(), externalId: z.string(), dueDate: z.string(), thirdPartyLines: z.number() }))
      .openapi({ description: 'Entries with a due date, and on how many of their customer or supplier lines it is written (position 64)' }),
    held: z.array(z.object({ entryId: z.uuid(), externalId: z.string(), reason: z.string() })),
  })
  .openapi('Preview');

export const SyncQuery = z.object({
  wait: z
    .enum(['true', 'false'])
    .optional()
    .openapi({
      param: { name: 'wait', in: 'query' },
      description:
        'true: answer once the send has finished (at most 30 seconds). At most SYNC_WAITS_PER_USER such calls per user at once (429 beyond, nothing queued)',
    }),
});
export const SyncAnswerSchema = z
  .object({
    queued: z.boolean(),
    jobId: z.string().nullable(),
    finished: z
      .boolean()
      .optional()
      .openapi({ description: "With wait=true: whether the send finished before the answer; the entries' status tells what it did" }),
  })
  .openapi('SyncQueued');

export const DocumentSchema = z
  .object({
    documentId: z.uuid(),
    fileName: z.string(),
    contentType: z.string(),
    sizeBytes: z.number(),
    sha256: z.string(),
    attachmentName: z.string(),
  })
  .openapi('Document');

export const EntryCountsSchema = z
  .object({
    counts: z
      .object({ pending: z.number(), sent: z.number(), posted: z.number(), failed_check: z.number() })
      .openapi({ description: 'Entries per status (one per tab of the file)' }),
    total: z.number(),
  })
  .openapi('EntryCounts');
