import { z } from '@hono/zod-openapi';

export const SyncRunQueued = z.object({ runId: z.uuid(), status: z.literal('queued') }).openapi('ReferenceSyncQueued');

export const SyncRun = z
  .object({
    id: z.uuid(),
    trigger: z.enum(['manual', 'nightly', 'connection']),
    status: z.enum(['queued', 'running', 'succeeded', 'failed']),
    counts: z
      .object({
        files: z.number().int().optional(),
        accounts: z.number().int().optional(),
        journals: z.number().int().optional(),
        periods: z.number().int().optional(),
        created: z.number().int().optional(),
        updated: z.number().int().optional(),
        gone: z.number().int().optional(),
      })
      .openapi({ description: 'files/accounts/journals/periods: what Quadra holds; created/updated/gone: what the run changed' }),
    error: z.object({ code: z.string(), message: z.string() }).optional(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .openapi('ReferenceSyncRun');

export const SyncRunList = z.object({ runs: z.array(SyncRun) }).openapi('ReferenceSyncRunList');
