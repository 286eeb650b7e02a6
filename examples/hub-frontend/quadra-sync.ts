// How the hub frontend talks to Quadra Sync. Deployed as a Supabase Edge Function, through its own
// supabase-js client with the signed-in user's session (supabase-js sends the user's access token;
// row-level security then scopes every answer to the user's firms). Against the Node service, the
// same calls over plain fetch with a bearer token (`viaHttp`). Types come from the API's own
// schemas (type-only imports: nothing of the service is bundled into the frontend).
// The hub console (examples/hub-console) is built on this file, in a browser.
import { FunctionsFetchError, FunctionsHttpError, FunctionsRelayError, type SupabaseClient } from '@supabase/supabase-js';
import type { z } from 'zod';
import type { AccountsToCreateList } from '../../src/routes/schemas/account-labels.ts';
import type { MappingAnswer, MappingList } from '../../src/routes/schemas/account-map.ts';
import type { Connection as ConnectionSchema } from '../../src/routes/schemas/connection.ts';
import type {
  EntryCountsSchema,
  EntryDetailSchema,
  EntryListSchema,
  EntryStatusSchema,
  EntryUpdateBody,
  PreviewSchema,
  PushAnswerSchema,
  PushBody,
  SyncAnswerSchema,
} from '../../src/routes/schemas/entries.ts';
import type { ClientFileList } from '../../src/routes/schemas/files.ts';
import type { CreateFirmBody, Firm as FirmSchema, FirmList } from '../../src/routes/schemas/firms.ts';

export type Firm = z.infer<typeof FirmSchema>;
export type EntryInput = z.input<typeof PushBody>['entries'][number];
export type EntryStatus = z.infer<typeof EntryStatusSchema>;
export type ClientFile = z.infer<typeof ClientFileList>['files'][number];
export type EntryDetail = z.infer<typeof EntryDetailSchema>;
export type EntryList = z.infer<typeof EntryListSchema>;
export type EntryFix = z.input<typeof EntryUpdateBody>;
export type Connection = z.infer<typeof ConnectionSchema>;
export type Preview = z.infer<typeof PreviewSchema>;
export type AccountMap = z.infer<typeof MappingList>;
export type AccountsToCreate = z.infer<typeof AccountsToCreateList>;

/**
 * An API error, as `{ error: { code, message, details? } }` answered it. Status 0, code
 * `unreachable`: no answer the page may read (network down, or the browser refused it: CORS).
 */
export class QuadraSyncError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'QuadraSyncError';
  }
}

const UNREACHABLE = "No answer the page may read: the API is out of reach, or it does not allow this page's origin (CORS_ORIGINS)";

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
/** One call of the API: method, path under /v1, JSON body, extra headers. */
export type Transport = <T>(method: Method, path: `/v1/${string}`, body?: unknown, headers?: Record<string, string>) => Promise<T>;

async function errorOf(res: Response): Promise<QuadraSyncError> {
  const answer = (await res.json().catch(() => undefined)) as { error?: { code: string; message: string; details?: unknown } } | undefined;
  return new QuadraSyncError(
    res.status,
    answer?.error?.code ?? 'http_error',
    answer?.error?.message ?? res.statusText,
    answer?.error?.details,
  );
}

/** The Edge Function, through the hub's supabase-js client: `functions.invoke('quadra-sync/v1/...')`. */
export function viaSupabase(supabase: SupabaseClient): Transport {
  return async <T>(method: Method, path: `/v1/${string}`, body?: unknown, headers?: Record<string, string>) => {
    const { data, error } = await supabase.functions.invoke<T>(`quadra-sync${path}`, {
      method,
      ...(body !== undefined ? { body: body as Record<string, unknown> } : {}),
      ...(headers ? { headers } : {}),
    });
    if (error instanceof FunctionsHttpError) throw await errorOf(error.context as Response);
    if (error instanceof FunctionsFetchError || error instanceof FunctionsRelayError)
      throw new QuadraSyncError(0, 'unreachable', UNREACHABLE);
    if (error) throw error;
    return data as T;
  };
}

/** The Node service, over fetch: `baseUrl` is its address, `token` gives the user's access token. */
export function viaHttp(baseUrl: string, token: () => string | Promise<string>, fetchFn: typeof fetch = fetch): Transport {
  return async <T>(method: Method, path: `/v1/${string}`, body?: unknown, headers?: Record<string, string>) => {
    let res: Response;
    try {
      res = await fetchFn(`${baseUrl.replace(/\/$/, '')}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await token()}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch {
      throw new QuadraSyncError(0, 'unreachable', UNREACHABLE);
    }
    if (!res.ok) throw await errorOf(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
}

const seg = encodeURIComponent;

/** The calls the hub makes, typed end to end. A supabase-js client, or any transport. */
export function quadraSync(client: SupabaseClient | Transport) {
  const call: Transport = typeof client === 'function' ? client : viaSupabase(client);
  return {
    createFirm: (firm: z.input<typeof CreateFirmBody>) => call<Firm>('POST', '/v1/firms', firm),
    listFirms: () => call<z.infer<typeof FirmList>>('GET', '/v1/firms'),
    connection: (firmId: string) => call<Connection>('GET', `/v1/firms/${seg(firmId)}/connection`),
    listFiles: (firmId: string) => call<z.infer<typeof ClientFileList>>('GET', `/v1/firms/${seg(firmId)}/files`),
    /** Same key, same body: the first answer again (safe to retry after a network error). */
    pushEntries: (fileId: string, entries: EntryInput[], idempotencyKey: string) =>
      call<z.infer<typeof PushAnswerSchema>>(
        'POST',
        `/v1/files/${seg(fileId)}/entries`,
        { entries },
        { 'idempotency-key': idempotencyKey },
      ),
    /** A tab of the file: its entries of one status, oldest first, by cursor. */
    tab: (fileId: string, status: EntryStatus, opts: { limit?: number; cursor?: string } = {}) => {
      const q = new URLSearchParams({
        status,
        ...(opts.limit ? { limit: String(opts.limit) } : {}),
        ...(opts.cursor ? { cursor: opts.cursor } : {}),
      });
      return call<EntryList>('GET', `/v1/files/${seg(fileId)}/entries?${q}`);
    },
    /** The tab badges, in one request. */
    counts: (fileId: string) => call<z.infer<typeof EntryCountsSchema>>('GET', `/v1/files/${seg(fileId)}/entries/counts`),
    /** The exact ASCII file the next deposit would hold, and every warning. No side effect. */
    preview: (fileId: string) => call<Preview>('POST', `/v1/files/${seg(fileId)}/preview`),
    /** "Synchronize": queued (the Node service deposits it in seconds; the function at its next tick). */
    synchronize: (fileId: string, opts: { wait?: boolean } = {}) =>
      call<z.infer<typeof SyncAnswerSchema>>('POST', `/v1/files/${seg(fileId)}/sync${opts.wait ? '?wait=true' : ''}`),
    entry: (entryId: string) => call<EntryDetail>('GET', `/v1/entries/${seg(entryId)}`),
    /** The fix of a failed_check entry (it stays failed_check until revalidated). */
    correctEntry: (entryId: string, fix: EntryFix) => call<EntryDetail>('PUT', `/v1/entries/${seg(entryId)}`, fix),
    /** Validate a corrected failed_check entry again: it goes back to pending. */
    revalidate: (entryId: string) => call<EntryDetail>('POST', `/v1/entries/${seg(entryId)}/revalidate`),
    accountMap: (fileId: string) => call<AccountMap>('GET', `/v1/files/${seg(fileId)}/account-map`),
    mapAccount: (fileId: string, hubAccount: string, quadraAccount: string) =>
      call<z.infer<typeof MappingAnswer>>('PUT', `/v1/files/${seg(fileId)}/account-map/${seg(hubAccount)}`, { quadraAccount }),
    unmapAccount: (fileId: string, hubAccount: string) =>
      call<unknown>('DELETE', `/v1/files/${seg(fileId)}/account-map/${seg(hubAccount)}`),
    /** The accounts the file's waiting entries use that Quadra's chart lacks (add ?format=csv for a spreadsheet). */
    accountsToCreate: (fileId: string) => call<AccountsToCreate>('GET', `/v1/files/${seg(fileId)}/accounts-to-create`),
  };
}

export type QuadraSyncApi = ReturnType<typeof quadraSync>;

// In the hub:
//   const supabase = createClient(SUPABASE_URL, SUPABASE_ANON_KEY);   // the user signs in with supabase.auth
//   const api = quadraSync(supabase);
//   const { firms } = await api.listFirms();
// Against the Node service: quadraSync(viaHttp('http://127.0.0.1:3000', () => token)).
