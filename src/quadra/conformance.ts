/**
 * The conformance check behind `npm run cegid:check`: with a firm's real keys, it reads Cegid the
 * way Quadra Sync does and compares every published and modeled detail of the wire module
 * (./wire.ts, ./wire-records.ts) with what Cegid answers: paths and status codes, the envelope,
 * field names and formats. It only reads: a token, the health check, the dossiers and one page of
 * each list; on the CFE side a token and the container's resolution. It never deposits.
 *
 * It speaks raw HTTP rather than through the CPA client, so that a wire unlike the model is
 * described rather than merely refused.
 */
import { APP_VERSION } from '../version.ts';
import { Findings, type ConformanceReport } from './conformance-report.ts';
import { envelopeStep, fieldsStep, type Answer } from './conformance-shapes.ts';
import { redact } from './errors.ts';
import type { VendorIdentity } from './token-source.ts';
import { DOSSIER_FIELDS, readRecord, type RecordName } from './wire-records.ts';
import {
  CFE_CONTAINER_FIELD,
  CFE_PATHS,
  CPA_PATH_PROVENANCE,
  CPA_PATHS,
  formatWireDate,
  GRANT_TYPE,
  HEALTH_METHOD,
  LIST_METHOD,
  parseWireInt,
  QUERY,
  TOKEN_FORM,
} from './wire.ts';

export interface KeyPair {
  apiKey: string;
  secret: string;
}

export interface ConformanceOptions {
  cpaBaseUrl: string;
  cfeBaseUrl: string;
  sicCode: string;
  cpa: KeyPair;
  cfe: KeyPair;
  identity: VendorIdentity;
  /** The dossier whose lists are read; default: the first the dossiers list gives. */
  dossier?: string;
  /** `maxPage` asked of each list. Default 20. */
  pageSize?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => Date;
}

interface Ctx {
  o: ConformanceOptions;
  f: Findings;
  secrets: string[];
  call(method: string, url: string, init?: { token?: string; form?: URLSearchParams }): Promise<Answer>;
}

export async function runConformance(o: ConformanceOptions): Promise<ConformanceReport> {
  const now = o.now ?? (() => new Date());
  const secrets = [o.cpa.apiKey, o.cpa.secret, o.cfe.apiKey, o.cfe.secret];
  const ctx: Ctx = { o, f: new Findings(), secrets, call: (m, u, i) => call(o, secrets, m, u, i) };
  const cpaToken = await tokenStep(ctx, 'cpa');
  if (cpaToken) {
    const health = await ctx.call(HEALTH_METHOD, o.cpaBaseUrl + CPA_PATHS.health, { token: cpaToken });
    ctx.f.compare('CPA health check', `${HEALTH_METHOD} ${CPA_PATHS.health}`, 'published', '2xx', statusOf(health, true));
    const dossiers = await listStep(ctx, 'dossiers', cpaToken);
    const code = o.dossier ?? dossierCode(dossiers);
    if (code) {
      const periods = await listStep(ctx, 'periods', cpaToken, code);
      for (const name of ['accounts', 'journals'] as const) await listStep(ctx, name, cpaToken, code);
      await listStep(ctx, 'entries', cpaToken, code, entriesRange(periods, now()));
    } else {
      ctx.f.add({
        step: 'CPA lists',
        detail: 'a dossier to read',
        source: 'observed',
        expected: 'a dossier code',
        seen: 'none',
        outcome: 'failed',
      });
    }
  }
  const cfeToken = await tokenStep(ctx, 'cfe');
  if (cfeToken) await containerStep(ctx, cfeToken);
  // A key's last four characters tell which key was used; a key that short would be shown whole.
  const hint = (k: string) => (k.length >= 16 ? `…${k.slice(-4)}` : '…');
  // Whatever Cegid echoed back (a code, a list of names) goes through the scrubber as well.
  for (const x of ctx.f.list) x.seen = redact(x.seen, secrets);
  return ctx.f.report(`Quadra Sync ${APP_VERSION}`, now(), {
    cpaBaseUrl: o.cpaBaseUrl,
    cfeBaseUrl: o.cfeBaseUrl,
    sicCode: o.sicCode,
    cpaKey: hint(o.cpa.apiKey),
    cfeKey: hint(o.cfe.apiKey),
    vendorName: o.identity.vendorName,
    application: `${o.identity.applicationName} ${o.identity.applicationVersion}`,
  });
}

async function call(
  o: ConformanceOptions,
  secrets: string[],
  method: string,
  url: string,
  init: { token?: string; form?: URLSearchParams } = {},
) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  try {
    const res = await (o.fetch ?? fetch)(url, {
      method,
      headers,
      ...(init.form ? { body: init.form } : {}),
      signal: AbortSignal.timeout(o.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    try {
      return { status: res.status, body: text.trim() ? JSON.parse(text) : undefined };
    } catch {
      return { status: res.status, body: undefined, error: 'not JSON' };
    }
  } catch (e) {
    const why = e instanceof Error ? ((e.cause as { code?: string } | undefined)?.code ?? e.message) : String(e);
    return { status: 0, body: undefined, error: redact(why, secrets) };
  }
}

/** The status as the report shows it: `200`, `401 invalid_client`, `no answer (ECONNREFUSED)`; `2xx` for any success when asked. */
function statusOf(a: Answer, anySuccess = false): string {
  if (a.status === 0) return `no answer (${a.error})`;
  if (anySuccess && a.status >= 200 && a.status < 300) return '2xx';
  const b = a.body as Record<string, unknown> | undefined;
  const code = b && typeof b === 'object' ? (b.code ?? b.error) : undefined;
  return typeof code === 'string' ? `${a.status} ${code.slice(0, 60)}` : String(a.status);
}

async function tokenStep(ctx: Ctx, service: 'cpa' | 'cfe'): Promise<string | undefined> {
  const { o, f } = ctx;
  const step = `${service.toUpperCase()} token`;
  const keys = o[service];
  const form = new URLSearchParams({
    [TOKEN_FORM.grantType]: GRANT_TYPE,
    [TOKEN_FORM.clientId]: keys.apiKey,
    [TOKEN_FORM.clientSecret]: keys.secret,
    [TOKEN_FORM.vendorName]: o.identity.vendorName,
    [TOKEN_FORM.applicationName]: o.identity.applicationName,
    [TOKEN_FORM.applicationVersion]: o.identity.applicationVersion,
  });
  const path = service === 'cpa' ? CPA_PATHS.token : CFE_PATHS.token;
  const base = service === 'cpa' ? o.cpaBaseUrl : o.cfeBaseUrl;
  const a = await ctx.call('POST', base + path, { form });
  if (!f.compare(step, `POST ${path} with the application's identity`, service === 'cpa' ? 'published' : 'modeled', '200', statusOf(a))) {
    const why =
      a.status === 400
        ? 'the identity (CEGID_VENDOR_NAME) or the form was refused'
        : a.status === 401
          ? 'the key or secret was refused'
          : '';
    if (why) f.add({ step, detail: 'what a refusal means', source: 'observed', expected: 'a token', seen: why, outcome: 'info' });
    return undefined;
  }
  const b = (a.body ?? {}) as Record<string, unknown>;
  const token = typeof b.access_token === 'string' ? b.access_token : undefined;
  if (token) ctx.secrets.push(token);
  f.compare(step, 'field access_token', 'modeled', 'present', token ? 'present' : 'missing');
  f.compare(step, 'field token_type', 'modeled', 'Bearer', String(b.token_type ?? 'missing'));
  const ttl = parseWireInt(b.expires_in);
  f.compare(
    step,
    'lifetime (expires_in)',
    service === 'cpa' ? 'published' : 'modeled',
    '36000 s (10 h)',
    ttl === undefined ? 'missing' : `${ttl} s${ttl === 36_000 ? ' (10 h)' : ''}`,
  );
  return token;
}

/** The entries asked: across the dossier's periods as read, else the last 365 days. */
function entriesRange(periods: unknown[], today: Date): { from: string; to: string } {
  const read = periods.map((p) => readRecord('periods', p)).flatMap((r) => (r.ok ? [r.value] : []));
  if (read.length)
    return {
      from: read.map((p) => p.start).sort()[0]!,
      to: read
        .map((p) => p.end)
        .sort()
        .at(-1)!,
    };
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  return { from: day(today.getTime() - 365 * 86_400_000), to: day(today.getTime()) };
}

async function listStep(
  ctx: Ctx,
  name: RecordName,
  token: string,
  dossier?: string,
  range?: { from: string; to: string },
): Promise<unknown[]> {
  const size = ctx.o.pageSize ?? 20;
  const path = CPA_PATHS[name];
  const u = new URL(ctx.o.cpaBaseUrl + path);
  if (dossier !== undefined) u.searchParams.set(QUERY.dossier, dossier);
  u.searchParams.set(QUERY.pageSize, String(size));
  u.searchParams.set(QUERY.page, '1');
  if (range) {
    u.searchParams.set(QUERY.from, formatWireDate(range.from));
    u.searchParams.set(QUERY.to, formatWireDate(range.to));
  }
  const step = `CPA ${name}`;
  const a = await ctx.call(LIST_METHOD, u.toString(), { token });
  if (!ctx.f.compare(step, `${LIST_METHOD} ${path}`, CPA_PATH_PROVENANCE[name], '200', statusOf(a))) return [];
  const records = envelopeStep(ctx.f, step, a);
  if (records.length > size) {
    ctx.f.add({
      step,
      detail: `page size (${QUERY.pageSize})`,
      source: 'observed',
      expected: `at most ${size}`,
      seen: `${records.length}`,
      outcome: 'info',
    });
  }
  fieldsStep(ctx.f, step, name, records);
  return records;
}

function dossierCode(records: unknown[]): string | undefined {
  const first = records[0] as Record<string, unknown> | undefined;
  const v = first?.[DOSSIER_FIELDS.code.name];
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

async function containerStep(ctx: Ctx, token: string): Promise<void> {
  const path = CFE_PATHS.container.replaceAll('{sic}', encodeURIComponent(ctx.o.sicCode));
  const a = await ctx.call('GET', ctx.o.cfeBaseUrl + path, { token });
  if (!ctx.f.compare('CFE container', `GET ${CFE_PATHS.container}`, 'modeled', '200', statusOf(a))) return;
  const v = (a.body as Record<string, unknown> | undefined)?.[CFE_CONTAINER_FIELD];
  let where: string | undefined;
  try {
    const u = new URL(String(v));
    where = `${u.origin}${u.pathname}`; // the SAS (its query) is a credential: never shown
  } catch {
    where = undefined;
  }
  ctx.f.compare(
    'CFE container',
    `field ${CFE_CONTAINER_FIELD}`,
    'modeled',
    'a URL',
    where ? 'a URL' : v === undefined ? 'missing' : typeof v,
  );
  if (where)
    ctx.f.add({
      step: 'CFE container',
      detail: 'container (without its SAS)',
      source: 'observed',
      expected: '',
      seen: where,
      outcome: 'info',
    });
}
