/**
 * Cegid's wire, in one place: every path, query parameter, envelope and field name of the CPA and
 * CFE APIs, and the formats of their values. Nothing else in the app knows them: the clients read
 * through this module into the internal types of ./types.ts, and the simulator renders through it,
 * so a change of the model here changes both sides at once.
 *
 * Each detail says where it comes from (docs/cegid-apis.md lists them line by line):
 *   'published' — Quadra On Demand's public Web API page (QuadraODOpenApi), or CAERP, an open-source
 *                 ERP whose client calls the read API in production;
 *   'modeled'   — our best model where nothing is public; `npm run cegid:check` shows a firm with
 *                 real keys what holds and what differs.
 */
export type Provenance = 'published' | 'modeled';

/** CPA paths, relative to the CPA base URL. */
export const CPA_PATHS = {
  token: '/token',
  health: '/api/v1/security/getHealthCheck',
  dossiers: '/api/v1/dossiers',
  periods: '/api/v1/comptabilite/exercices',
  accounts: '/api/v1/comptabilite/comptes',
  journals: '/api/v1/comptabilite/journaux',
  entries: '/api/v1/comptabilite/ecritures',
};
export type CpaPaths = typeof CPA_PATHS;

export const CPA_PATH_PROVENANCE: Record<keyof CpaPaths, Provenance> = {
  token: 'published',
  health: 'published',
  dossiers: 'modeled',
  periods: 'modeled',
  accounts: 'modeled',
  journals: 'modeled',
  // Modeled on the published `ecritures_analytique`.
  entries: 'modeled',
};

/** The health check's method is not said by the public sources (modeled); every list is a POST (published). */
export const HEALTH_METHOD = 'GET' as const;
export const LIST_METHOD = 'POST' as const;

/** CFE paths, relative to the CFE base URL (modeled); `{sic}` is the URL-encoded SIC code. */
export const CFE_PATHS = {
  token: '/token',
  container: '/sic/{sic}/container',
};
export type CfePaths = typeof CFE_PATHS;
/** The container answer's one field (modeled): a SAS URL to the firm's blob container. */
export const CFE_CONTAINER_FIELD = 'containerUrl';

/** The token request's form fields (published), the same for CPA and CFE. */
export const TOKEN_FORM = {
  grantType: 'grant_type',
  clientId: 'client_id',
  clientSecret: 'client_secret',
  vendorName: 'vendor_name',
  applicationName: 'application_name',
  applicationVersion: 'application_version',
} as const;
export const GRANT_TYPE = 'client_credentials';
/** The three fields naming the calling application: Cegid refuses a token request without them. */
export const IDENTITY_FIELDS = [TOKEN_FORM.vendorName, TOKEN_FORM.applicationName, TOKEN_FORM.applicationVersion] as const;

/** Query parameters of the lists. */
export const QUERY = {
  dossier: 'numeroDossier', // published
  pageSize: 'maxPage', // published: the page size
  page: 'numeroPage', // published: from 1
  from: 'dateDebut', // modeled: entries' first date, dd/mm/yyyy
  to: 'dateFin', // modeled: entries' last date, dd/mm/yyyy
  journal: 'codeJournal', // modeled
} as const;
export const QUERY_PROVENANCE: Record<keyof typeof QUERY, Provenance> = {
  dossier: 'published',
  pageSize: 'published',
  page: 'published',
  from: 'modeled',
  to: 'modeled',
  journal: 'modeled',
};

/** Every list answers `{ NbElement, NbPage, Data: [...] }` (published). */
export const ENVELOPE = { count: 'NbElement', pages: 'NbPage', data: 'Data' } as const;

// --- Formats --------------------------------------------------------------------------------------

/** Dates travel as dd/mm/yyyy (published). */
export function formatWireDate(isoDate: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  // Anything else goes as it is: the server judges it (and says so with a 400).
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDate;
}

/** The date formats a reader accepts, first the published one. */
export const DATE_FORMATS = [
  { name: 'dd/mm/yyyy', re: /^(\d{2})\/(\d{2})\/(\d{4})$/, order: [3, 2, 1] },
  { name: 'yyyy-mm-dd', re: /^(\d{4})-(\d{2})-(\d{2})(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/, order: [1, 2, 3] },
  { name: 'yyyymmdd', re: /^(\d{4})(\d{2})(\d{2})$/, order: [1, 2, 3] },
] as const;

/** A wire date as YYYY-MM-DD, or undefined when it is no real date in an accepted format. */
export function parseWireDate(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.trim();
  for (const f of DATE_FORMATS) {
    const m = f.re.exec(v);
    if (!m) continue;
    const [y, mo, d] = f.order.map((i) => m[i] as string) as [string, string, string];
    const iso = `${y}-${mo}-${d}`;
    // Years an accounting date can have: Postgres and the ASCII format refuse year 0 and the like, and
    // one such record would fail the whole file's reference sync instead of being refused here.
    if (Number(y) < 1900 || Number(y) > 2099) return undefined;
    const t = new Date(`${iso}T00:00:00Z`);
    return !Number.isNaN(t.getTime()) && t.toISOString().slice(0, 10) === iso ? iso : undefined;
  }
  return undefined;
}

/** Which accepted format a date value has ('dd/mm/yyyy' is the published one). */
export function wireDateFormat(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  return DATE_FORMATS.find((f) => f.re.test(value.trim()))?.name ?? `unreadable (${JSON.stringify(value).slice(0, 20)})`;
}

/**
 * An amount in euros as integer cents, exactly: read as a decimal string (a JSON number through its
 * shortest spelling, which is the decimal the server wrote), never multiplied as a float. Accepts
 * `1234.5`, `"1234,50"`, `"1 234,50"`, `"-12.30"`; refuses more than 2 decimals.
 */
export function parseWireAmountCents(value: unknown): number | undefined {
  let s: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    s = String(value);
  } else if (typeof value === 'string') {
    s = value.replace(/[\s\u00a0\u202f]/g, '');
  } else return undefined;
  const m = /^([+-]?)(\d+)(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(cents)) return undefined;
  return m[1] === '-' ? -cents : cents;
}

/** Which spelling an amount has: the simulator's (and our model's) is a JSON number. */
export function wireAmountFormat(value: unknown): string {
  if (typeof value === 'number') return 'number';
  if (typeof value !== 'string') return typeof value;
  if (/,\d{1,2}$/.test(value.trim())) return 'string, decimal comma';
  return 'string';
}

/** Euros as the model sends them: a JSON number with decimals (1234.5 for 123450 cents). */
export function formatWireAmount(cents: number): number {
  return cents / 100;
}

/** A count or page number: a JSON number or its string. */
export function parseWireInt(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** A yes/no flag: a JSON boolean, 'true'/'false', 'O'/'N' (oui/non) or 1/0. */
export function parseWireBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  if (v === 'true' || v === 'o' || v === 'oui' || v === '1' || v === 1) return true;
  if (v === 'false' || v === 'n' || v === 'non' || v === '0' || v === 0) return false;
  return undefined;
}

// --- Envelope ---------------------------------------------------------------------------------------

export interface WirePage {
  /** NbElement: all records across pages, when the server says. */
  count: number | undefined;
  /** NbPage: how many pages there are (0 for an empty list). */
  pages: number;
  data: unknown[];
}

/** A list's answer read by the envelope's names; a missing or null `Data` is an empty page. */
export function readEnvelope(body: unknown): { ok: true; page: WirePage } | { ok: false; why: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, why: 'the answer is not an object' };
  const b = body as Record<string, unknown>;
  const data = b[ENVELOPE.data] ?? [];
  if (!Array.isArray(data)) return { ok: false, why: `${ENVELOPE.data} is not a list` };
  const pages = parseWireInt(b[ENVELOPE.pages]);
  if (pages === undefined) return { ok: false, why: `${ENVELOPE.pages} is missing or not a count` };
  const count = b[ENVELOPE.count] === undefined ? undefined : parseWireInt(b[ENVELOPE.count]);
  if (b[ENVELOPE.count] !== undefined && count === undefined) return { ok: false, why: `${ENVELOPE.count} is not a count` };
  return { ok: true, page: { count, pages, data } };
}

/** One page as the simulator answers it. */
export function renderEnvelope(data: unknown[], count: number, pages: number): Record<string, unknown> {
  return { [ENVELOPE.count]: count, [ENVELOPE.pages]: pages, [ENVELOPE.data]: data };
}
