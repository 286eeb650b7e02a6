/**
 * Cegid CPA client: reads a firm's Quadra data (dossiers, periods, accounts, journals, entries).
 * Knows the (modeled) wire; everything else in the app sees typed, validated objects.
 */
import type { z } from 'zod';
import { CegidError } from './errors.ts';
import { createHttpClient, type ClientTuning } from './http.ts';
import { authorizedRequest, createTokenSource, type TokenSource } from './token-source.ts';
import {
  AccountSchema,
  DossierSchema,
  JournalSchema,
  PeriodSchema,
  QuadraEntryLineSchema,
  pageSchema,
  type Account,
  type Dossier,
  type Journal,
  type Period,
  type QuadraEntryLine,
} from './types.ts';

/** Modeled paths, relative to baseUrl. `{code}` is replaced by the URL-encoded dossier code. */
export interface CpaPaths {
  token: string;
  dossiers: string;
  periods: string;
  accounts: string;
  journals: string;
  entries: string;
}

export const DEFAULT_CPA_PATHS: CpaPaths = {
  token: '/token',
  dossiers: '/dossiers',
  periods: '/dossiers/{code}/periods',
  accounts: '/dossiers/{code}/accounts',
  journals: '/dossiers/{code}/journals',
  entries: '/dossiers/{code}/entries',
};

export interface CpaClientOptions extends ClientTuning {
  baseUrl: string;
  apiKey: string;
  secret: string;
  paths?: Partial<CpaPaths>;
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
  /** Gets a fresh token and makes one cheap read, so a key without portal access (403) fails here too. */
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
  const paths = { ...DEFAULT_CPA_PATHS, ...opts.paths };
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
    now: opts.now,
  }));

  function url(path: string, dossier?: string, query?: Record<string, string | undefined>): string {
    const u = new URL(base + (dossier === undefined ? path : path.replaceAll('{code}', encodeURIComponent(dossier))));
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) u.searchParams.set(k, v);
    return u.toString();
  }

  async function* pages<T extends z.ZodType>(item: T, firstUrl: string): AsyncGenerator<Array<z.infer<T>>> {
    const schema = pageSchema(item);
    let next: string | undefined = firstUrl;
    const seen = new Set<string>();
    for (let n = 0; next !== undefined; n++) {
      if (n >= maxPages || seen.has(next)) {
        throw new CegidError({
          service: 'cpa',
          code: 'BadResponse',
          message: `CPA pagination did not terminate (${new URL(next).pathname})`,
          retryable: false,
        });
      }
      seen.add(next);
      const res = await authorizedRequest(http, tokenSource, { method: 'GET', url: next });
      const parsed = schema.safeParse(res.body);
      if (!parsed.success) {
        throw new CegidError({
          service: 'cpa',
          status: res.status,
          code: 'BadResponse',
          message: `CPA GET ${new URL(next).pathname} returned an unexpected shape: ${summarizeIssues(parsed.error)}`,
          retryable: false,
        });
      }
      yield parsed.data.items as Array<z.infer<T>>;
      const np = parsed.data.nextPage;
      if (np === null || np === undefined) {
        next = undefined;
      } else {
        const u: URL = new URL(next);
        u.searchParams.set('page', String(np));
        next = u.toString();
      }
    }
  }

  async function all<T extends z.ZodType>(item: T, firstUrl: string): Promise<Array<z.infer<T>>> {
    const out: Array<z.infer<T>> = [];
    for await (const p of pages(item, firstUrl)) out.push(...p);
    return out;
  }

  return {
    async checkToken() {
      const { expiresAt } = await tokenSource.refresh();
      const dossiers = await all(DossierSchema, url(paths.dossiers));
      return { expiresAt, dossierCount: dossiers.length };
    },
    listDossiers: () => all(DossierSchema, url(paths.dossiers)),
    listPeriods: (d) => all(PeriodSchema, url(paths.periods, d)),
    listAccounts: (d) => all(AccountSchema, url(paths.accounts, d)),
    listJournals: (d) => all(JournalSchema, url(paths.journals, d)),
    async listEntries(d, q) {
      return all(QuadraEntryLineSchema, url(paths.entries, d, { from: q.from, to: q.to, journal: q.journal }));
    },
    iterateEntries(d, q) {
      return pages(QuadraEntryLineSchema, url(paths.entries, d, { from: q.from, to: q.to, journal: q.journal }));
    },
  };
}

function summarizeIssues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
