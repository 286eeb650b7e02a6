// The Quadra Sync client a hub installs: types generated from the API's OpenAPI document
// (schema.gen.ts, by openapi-typescript), every call through openapi-fetch. One entry point,
// createQuadraSync, over a bearer token (the Node service) or a supabase-js client (the Edge
// Function, through functions.invoke); typed errors; pushes with their Idempotency-Key; tabs paged
// by cursor; 429/503 retried after Retry-After. `raw` reaches any route of the document.
import createClient, { type Client } from 'openapi-fetch';
import { errorOf, QuadraSyncError, UNREACHABLE_MESSAGE } from './errors.js';
import type { components, paths } from './schema.gen.js';
import { type FetchLike, INVOKE_ORIGIN, invokeFetch, type RetryOptions, retrying, type SupabaseFunctionsLike } from './transport.js';

export { QuadraSyncError, type QuadraSyncErrorCode } from './errors.js';
export type { SupabaseFunctionsLike, RetryOptions } from './transport.js';
export * from './webhooks.js';
export type { components, paths, webhooks } from './schema.gen.js';

type S = components['schemas'];
export type Firm = S['Firm'];
export type CreateFirm = S['CreateFirm'];
export type Connection = S['Connection'];
export type ClientFile = S['ClientFile'];
export type EntryInput = S['EntryInput'];
export type EntryStatus = NonNullable<NonNullable<paths['/v1/files/{fileId}/entries']['get']['parameters']['query']>['status']>;
export type EntrySummary = S['EntrySummary'];
export type EntryList = S['EntryList'];
export type EntryDetail = S['EntryDetail'];
export type EntryUpdate = S['EntryUpdate'];
export type EntryCounts = S['EntryCounts'];
export type PushAnswer = S['PushAnswer'];
export type Preview = S['Preview'];
export type SyncQueued = S['SyncQueued'];
export type Account = S['Account'];
export type AccountMap = S['AccountMap'];
export type AccountsToCreate = S['AccountsToCreate'];
export type AccountToCreate = S['AccountToCreate'];

export interface QuadraSyncOptions {
  /** The Node service's address (`https://sync.example.com`). With `token`. */
  baseUrl?: string;
  /** The signed-in user's access token, or how to get the current one (called per request). */
  token?: string | (() => string | Promise<string>);
  /** Instead of baseUrl/token: the hub's supabase-js client; calls go through functions.invoke with the user's session. */
  supabase?: SupabaseFunctionsLike;
  /** The Edge Function's name (default `quadra-sync`). */
  functionName?: string;
  /**
   * Sent as Accept-Language: messages in that language where the API offers it (codes never change).
   * A function is asked on every request, so a page that switches language needs no new client.
   */
  language?: string | (() => string);
  /** 429/503 retries (default: 2 retries, Retry-After up to 30 s). */
  retry?: RetryOptions;
  /** Another fetch (tests, a proxy). */
  fetch?: typeof fetch;
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

/** The data of a 2xx answer; the typed error of any other, or `unreachable` when none came. */
async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (e) {
    if (e instanceof QuadraSyncError) throw e;
    throw new QuadraSyncError(0, 'unreachable', UNREACHABLE_MESSAGE, { cause: e instanceof Error ? e.message : String(e) });
  }
  if (!answer.response.ok) throw errorOf(answer.response, answer.error);
  return answer.data as T;
}

/** Walks every page of a cursor-paged list: one request per page, until the API says there is no next one. */
async function* everyItem<I>(page: (cursor: string | undefined) => Promise<{ items: I[]; nextCursor: string | null }>): AsyncGenerator<I> {
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    yield* p.items;
    cursor = p.nextCursor ?? undefined;
  } while (cursor);
}

export function createQuadraSync(opts: QuadraSyncOptions) {
  let transport: FetchLike;
  let baseUrl: string;
  if (opts.supabase) {
    transport = invokeFetch(opts.supabase, opts.functionName ?? 'quadra-sync');
    baseUrl = INVOKE_ORIGIN;
  } else {
    if (!opts.baseUrl) throw new Error('createQuadraSync: give baseUrl (with token) or supabase');
    const f = opts.fetch ?? globalThis.fetch;
    transport = (req) => f(req);
    baseUrl = opts.baseUrl.replace(/\/+$/, '');
  }
  const raw: Client<paths> = createClient<paths>({ baseUrl, fetch: retrying(transport, opts.retry) });
  raw.use({
    async onRequest({ request }) {
      const language = typeof opts.language === 'function' ? opts.language() : opts.language;
      if (language) request.headers.set('accept-language', language);
      if (opts.token !== undefined && !opts.supabase) {
        const token = typeof opts.token === 'function' ? await opts.token() : opts.token;
        request.headers.set('authorization', `Bearer ${token}`);
      }
      return request;
    },
  });

  const tab = (fileId: string, status: EntryStatus | undefined, o: { limit?: number; cursor?: string } = {}) =>
    unwrap(raw.GET('/v1/files/{fileId}/entries', { params: { path: { fileId }, query: { ...(status ? { status } : {}), ...o } } }));

  return {
    /** The openapi-fetch client itself, for any route of the document: `raw.GET('/v1/firms')`. */
    raw,
    listFirms: () => unwrap(raw.GET('/v1/firms')),
    createFirm: (firm: CreateFirm) => unwrap(raw.POST('/v1/firms', { body: firm })),
    connection: (firmId: string) => unwrap(raw.GET('/v1/firms/{firmId}/connection', { params: { path: { firmId } } })),
    listFiles: (firmId: string) => unwrap(raw.GET('/v1/firms/{firmId}/files', { params: { path: { firmId } } })),
    /**
     * Pushes validated entries. The Idempotency-Key makes a repeat harmless: the same key with the
     * same body answers the first answer again. Give your own key (stored with your batch) to retry
     * safely after a crash; without one a fresh key is made, and reused by the automatic retries.
     */
    pushEntries: (fileId: string, entries: EntryInput[], o: { idempotencyKey?: string } = {}) =>
      unwrap(
        raw.POST('/v1/files/{fileId}/entries', {
          params: { path: { fileId }, header: { 'idempotency-key': o.idempotencyKey ?? crypto.randomUUID() } },
          body: { entries },
        }),
      ),
    /** One page of a tab: the file's entries of one status (all, without one), oldest first. */
    tab,
    /** Every entry of a tab, page after page (`for await (const e of api.entries(fileId, 'pending'))`). */
    entries: (fileId: string, status?: EntryStatus, o: { pageSize?: number } = {}) =>
      everyItem((cursor) => tab(fileId, status, { limit: o.pageSize ?? 100, ...(cursor ? { cursor } : {}) })),
    /** The tab badges, in one request. */
    counts: (fileId: string) => unwrap(raw.GET('/v1/files/{fileId}/entries/counts', { params: { path: { fileId } } })),
    /** Every account of the file in Quadra, page after page. */
    accounts: (fileId: string, o: { kind?: Account['kind']; pageSize?: number } = {}) =>
      everyItem((cursor) =>
        unwrap(
          raw.GET('/v1/files/{fileId}/accounts', {
            params: {
              path: { fileId },
              query: { limit: o.pageSize ?? 200, ...(o.kind ? { kind: o.kind } : {}), ...(cursor ? { cursor } : {}) },
            },
          }),
        ),
      ),
    /** The exact ASCII file the next deposit would hold, and every warning. No side effect. */
    preview: (fileId: string) => unwrap(raw.POST('/v1/files/{fileId}/preview', { params: { path: { fileId } } })),
    /** "Synchronize": queued; `wait` holds the request until the send is done (up to 30 s). */
    synchronize: (fileId: string, o: { wait?: boolean } = {}) =>
      unwrap(raw.POST('/v1/files/{fileId}/sync', { params: { path: { fileId }, query: o.wait ? { wait: 'true' } : {} } })),
    entry: (entryId: string) => unwrap(raw.GET('/v1/entries/{entryId}', { params: { path: { entryId } } })),
    /** The fix of a failed_check entry (it stays failed_check until revalidated). */
    correctEntry: (entryId: string, fix: EntryUpdate) =>
      unwrap(raw.PUT('/v1/entries/{entryId}', { params: { path: { entryId } }, body: fix })),
    /** Validates a corrected failed_check entry again: it goes back to pending. */
    revalidate: (entryId: string) => unwrap(raw.POST('/v1/entries/{entryId}/revalidate', { params: { path: { entryId } } })),
    accountMap: (fileId: string) => unwrap(raw.GET('/v1/files/{fileId}/account-map', { params: { path: { fileId } } })),
    mapAccount: (fileId: string, hubAccount: string, quadraAccount: string) =>
      unwrap(raw.PUT('/v1/files/{fileId}/account-map/{hubAccount}', { params: { path: { fileId, hubAccount } }, body: { quadraAccount } })),
    unmapAccount: (fileId: string, hubAccount: string) =>
      unwrap(raw.DELETE('/v1/files/{fileId}/account-map/{hubAccount}', { params: { path: { fileId, hubAccount } } })),
    /** The accounts the file's waiting entries use that Quadra's chart lacks, with the hub's labels. */
    accountsToCreate: (fileId: string) =>
      // Without ?format=csv the answer is the JSON list (the document also offers text/csv on this route).
      unwrap(raw.GET('/v1/files/{fileId}/accounts-to-create', { params: { path: { fileId } } })) as Promise<AccountsToCreate>,
    /** The same list as a spreadsheet for the accountant (`;`, UTF-8 with BOM, for Excel in French). */
    accountsToCreateCsv: (fileId: string) =>
      unwrap(
        raw.GET('/v1/files/{fileId}/accounts-to-create', { params: { path: { fileId }, query: { format: 'csv' } }, parseAs: 'text' }),
      ) as Promise<string>,
    /** Whether the file's deposits create the accounts Quadra lacks, with their labels (`C` records; administrators only). */
    setSendAccountLabels: (fileId: string, sendAccountLabels: boolean) =>
      unwrap(raw.PATCH('/v1/files/{fileId}', { params: { path: { fileId } }, body: { sendAccountLabels } })),
  };
}

export type QuadraSync = ReturnType<typeof createQuadraSync>;
