/**
 * Cegid CPA client: reads a firm's Quadra data (dossiers, periods, accounts, journals, entries).
 * Paths, parameters, envelope and field names come from the wire module (./wire.ts,
 * ./wire-records.ts); everything else in the app sees the typed objects of ./types.ts.
 */
import { CegidError } from './errors.ts';
import { createHttpClient, type ClientTuning } from './http.ts';
import { authorizedRequest, createTokenSource, DEV_VENDOR_IDENTITY, type TokenSource, type VendorIdentity } from './token-source.ts';
import type { Account, Dossier, Journal, Period, QuadraEntryLine } from './types.ts';
import { readRecord, type RecordName, type RecordType } from './wire-records.ts';
import { CPA_PATHS, formatWireDate, HEALTH_METHOD, LIST_METHOD, QUERY, readEnvelope, type CpaPaths } from './wire.ts';

export type { CpaPaths } from './wire.ts';
export const DEFAULT_CPA_PATHS: CpaPaths = CPA_PATHS;

export interface CpaClientOptions extends ClientTuning {
  baseUrl: string;
  apiKey: string;
  secret: string;
  /** The application's identity sent with each token request. Default: the development one. */
  identity?: VendorIdentity;
  paths?: Partial<CpaPaths>;
  /** `maxPage` asked of every list but entries. Default 1 000. */
  pageSize?: number;
  /** `maxPage` asked of entries. Default 5 000 (what CAERP asks). */
  entriesPageSize?: number;
  /** Safety net against a server that never stops paging. Default 10 000. */
  maxPages?: number;
}

export interface EntriesQuery {
  /** Inclusive, YYYY-MM-DD. */
  from: string;
  /** Inclusive, YYYY-MM-DD. */
  to: string;
  /** Optional journal filter. */
  journal?: string;
}

export interface CpaClient {
  /**
   * Gets a fresh token, calls the health check and makes one cheap read, so a key without portal
   * access (403) fails here too.
   */
  checkToken(): Promise<{ expiresAt: Date; dossierCount: number }>;
  listDossiers(): Promise<Dossier[]>;
  listPeriods(dossier: string): Promise<Period[]>;
  listAccounts(dossier: string): Promise<Account[]>;
  listJournals(dossier: string): Promise<Journal[]>;
  listEntries(dossier: string, q: EntriesQuery): Promise<QuadraEntryLine[]>;
  /** Same as listEntries, page by page, for large ranges. */
  iterateEntries(dossier: string, q: EntriesQuery): AsyncGenerator<QuadraEntryLine[]>;
}

export function createCpaClient(opts: CpaClientOptions): CpaClient {
  const paths = { ...CPA_PATHS, ...opts.paths };
  const base = opts.baseUrl.replace(/\/+$/, '');
  const maxPages = opts.maxPages ?? 10_000;
  // Declared before the http client so its scrubber can see the live token.
  let tokens: TokenSource | undefined;

  const http = createHttpClient({
    service: 'cpa',
    timeoutMs: opts.timeoutMs,
    maxAttempts: opts.maxAttempts,
    retryBaseMs: opts.retryBaseMs,
    retryMaxMs: opts.retryMaxMs,
    retryAfterCapMs: opts.retryAfterCapMs,
    fetch: opts.fetch,
    secrets: () => [opts.apiKey, opts.secret, tokens?.current() ?? ''],
  });
  const tokenSource = (tokens = createTokenSource({
    service: 'cpa',
    http,
    tokenUrl: base + paths.token,
    clientId: opts.apiKey,
    clientSecret: opts.secret,
    identity: opts.identity ?? DEV_VENDOR_IDENTITY,
    now: opts.now,
  }));

  const bad = (status: number | undefined, path: string, why: string) =>
    new CegidError({
      service: 'cpa',
      status,
      code: 'BadResponse',
      message: `CPA ${path} returned an unexpected shape: ${why}`,
      retryable: false,
    });

  /**
   * Pages `numeroPage` = 1, 2, … of one list, `maxPage` records asked each time. Stops at the last
   * page the envelope announces (NbPage; 0 for an empty list) or at an empty page, whichever comes
   * first; a page larger than asked is taken as it is. A list that ends with fewer records than its
   * NbElement announced is a BadResponse, never a shorter answer: a check that read half of Quadra's
   * lines would take the other half for missing and deposit them again, and a chart read short would
   * make accounts Quadra has look new.
   */
  async function* pages<R extends RecordName>(record: R, path: string, query: Record<string, string | undefined>, size: number) {
    let read = 0;
    for (let page = 1; ; page++) {
      if (page > maxPages) {
        throw new CegidError({
          service: 'cpa',
          code: 'BadResponse',
          message: `CPA pagination did not terminate (${path})`,
          retryable: false,
        });
      }
      const u = new URL(base + path);
      for (const [k, v] of Object.entries({ ...query, [QUERY.pageSize]: String(size), [QUERY.page]: String(page) }))
        if (v !== undefined) u.searchParams.set(k, v);
      const res = await authorizedRequest(http, tokenSource, { method: LIST_METHOD, url: u.toString() });
      const env = readEnvelope(res.body);
      if (!env.ok) throw bad(res.status, path, env.why);
      const items: Array<RecordType[R]> = [];
      for (const [i, raw] of env.page.data.entries()) {
        const r = readRecord(record, raw);
        if (!r.ok) throw bad(res.status, path, `record ${i}: ${r.issues.slice(0, 3).join('; ')}`);
        items.push(r.value);
      }
      read += env.page.data.length;
      const last = env.page.data.length === 0 || page >= env.page.pages;
      if (last && env.page.count !== undefined && read < env.page.count)
        throw bad(
          res.status,
          path,
          `the list ended after ${read} of the ${env.page.count} records it announced (page ${page} of ${env.page.pages})`,
        );
      yield items;
      if (last) return;
    }
  }

  async function all<R extends RecordName>(record: R, path: string, dossier?: string): Promise<Array<RecordType[R]>> {
    const out: Array<RecordType[R]> = [];
    for await (const p of pages(record, path, { [QUERY.dossier]: dossier }, opts.pageSize ?? 1_000)) out.push(...p);
    return out;
  }

  async function* entries(d: string, q: EntriesQuery): AsyncGenerator<QuadraEntryLine[]> {
    const query = {
      [QUERY.dossier]: d,
      [QUERY.from]: formatWireDate(q.from),
      [QUERY.to]: formatWireDate(q.to),
      [QUERY.journal]: q.journal,
    };
    // The date and journal filters are modeled: a server that ignores them must not widen what we read.
    const inRange = (l: QuadraEntryLine) => l.date >= q.from && l.date <= q.to && (!q.journal || l.journalCode === q.journal);
    for await (const p of pages('entries', paths.entries, query, opts.entriesPageSize ?? 5_000)) yield p.filter(inRange);
  }

  return {
    async checkToken() {
      const { expiresAt } = await tokenSource.refresh();
      await authorizedRequest(http, tokenSource, { method: HEALTH_METHOD, url: base + paths.health });
      const dossiers = await all('dossiers', paths.dossiers);
      return { expiresAt, dossierCount: dossiers.length };
    },
    listDossiers: () => all('dossiers', paths.dossiers),
    listPeriods: (d) => all('periods', paths.periods, d),
    listAccounts: (d) => all('accounts', paths.accounts, d),
    listJournals: (d) => all('journals', paths.journals, d),
    async listEntries(d, q) {
      const out: QuadraEntryLine[] = [];
      for await (const p of entries(d, q)) out.push(...p);
      return out;
    },
    iterateEntries: entries,
  };
}
