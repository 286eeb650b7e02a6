// How the hub frontend talks to Quadra Sync deployed as a Supabase Edge Function: through its own
// supabase-js client, with the signed-in user's session (supabase-js sends the user's access token;
// row-level security then scopes every answer to the user's firms). Types come from the API's own
// schemas (type-only imports: nothing of the service is bundled into the frontend).
import { FunctionsHttpError, type SupabaseClient } from '@supabase/supabase-js';
import type { z } from 'zod';
import type { EntryDetailSchema, PushAnswerSchema, PushBody, SyncAnswerSchema } from '../../src/routes/schemas/entries.ts';
import type { ClientFileList } from '../../src/routes/schemas/files.ts';
import type { CreateFirmBody, Firm as FirmSchema, FirmList } from '../../src/routes/schemas/firms.ts';

export type Firm = z.infer<typeof FirmSchema>;
export type EntryInput = z.input<typeof PushBody>['entries'][number];

/** An API error, as `{ error: { code, message, details? } }` answered it. */
export class QuadraSyncError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) { super(message); this.name = 'QuadraSyncError'; }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

async function call<T>(supabase: SupabaseClient, method: Method, path: `/v1/${string}`, body?: unknown, headers?: Record<string, string>): Promise<T> {
  const { data, error } = await supabase.functions.invoke<T>(`quadra-sync${path}`, {
    method, ...(body !== undefined ? { body: body as Record<string, unknown> } : {}), ...(headers ? { headers } : {}),
  });
  if (error instanceof FunctionsHttpError) {
    const res = error.context as Response;
    const answer = await res.json().catch(() => undefined) as { error?: { code: string; message: string; details?: unknown } } | undefined;
    throw new QuadraSyncError(res.status, answer?.error?.code ?? 'http_error', answer?.error?.message ?? res.statusText, answer?.error?.details);
  }
  if (error) throw error;
  return data as T;
}

/** The calls the hub makes, typed end to end. */
export function quadraSync(supabase: SupabaseClient) {
  return {
    createFirm: (firm: z.input<typeof CreateFirmBody>) => call<Firm>(supabase, 'POST', '/v1/firms', firm),
    listFirms: () => call<z.infer<typeof FirmList>>(supabase, 'GET', '/v1/firms'),
    listFiles: (firmId: string) => call<z.infer<typeof ClientFileList>>(supabase, 'GET', `/v1/firms/${firmId}/files`),
    /** Same key, same body: the first answer again (safe to retry after a network error). */
    pushEntries: (fileId: string, entries: EntryInput[], idempotencyKey: string) =>
      call<z.infer<typeof PushAnswerSchema>>(supabase, 'POST', `/v1/files/${fileId}/entries`, { entries }, { 'idempotency-key': idempotencyKey }),
    /** "Synchronize": queued; the next tick deposits it. */
    synchronize: (fileId: string) => call<z.infer<typeof SyncAnswerSchema>>(supabase, 'POST', `/v1/files/${fileId}/sync`),
    entry: (entryId: string) => call<z.infer<typeof EntryDetailSchema>>(supabase, 'GET', `/v1/entries/${entryId}`),
  };
}

// In the hub:
//   const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY);   // the user signs in with supabase.auth
//   const api = quadraSync(supabase);
//   const { firms } = await api.listFirms();
