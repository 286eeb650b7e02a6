/**
 * The simulator's token and CPA routes, rendered through the same wire module the client reads
 * with (src/quadra/wire.ts, wire-records.ts): change the model there and both sides follow.
 * Mounted under the CPA base (`/cpa`); the token route also under the CFE base (`/cfe`).
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { QuadraEntryLine } from '../quadra/types.ts';
import { renderAccount, renderDossier, renderEntryLine, renderJournal, renderPeriod } from '../quadra/wire-records.ts';
import {
  CFE_PATHS,
  CPA_PATHS,
  GRANT_TYPE,
  HEALTH_METHOD,
  IDENTITY_FIELDS,
  parseWireDate,
  QUERY,
  renderEnvelope,
  TOKEN_FORM,
} from '../quadra/wire.ts';
import { publicLine, SimError, type SimDossier, type SimFirm, type SimService, type SimState } from './state.ts';

/** POST {base}/token for both services: client credentials and the caller's identity, as published. */
export function mountTokenRoutes(app: Hono, state: SimState): void {
  for (const service of ['cpa', 'cfe'] as const) {
    app.post(`/${service}${service === 'cpa' ? CPA_PATHS.token : CFE_PATHS.token}`, async (c) => {
      const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
      const get = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
      if (get(TOKEN_FORM.grantType) !== GRANT_TYPE) {
        return c.json({ error: 'unsupported_grant_type', error_description: `grant_type must be ${GRANT_TYPE}` }, 400);
      }
      // Quadra On Demand refuses a token request that does not name the calling application.
      const missing = IDENTITY_FIELDS.filter((k) => get(k).trim() === '');
      if (missing.length) return c.json({ error: 'invalid_request', error_description: `missing ${missing.join(', ')}` }, 400);
      const issued = state.issueToken(service, get(TOKEN_FORM.clientId), get(TOKEN_FORM.clientSecret));
      if (!issued) return c.json({ code: 'Unauthorized', message: 'Invalid client credentials' }, 401);
      return c.json({ access_token: issued.token, token_type: 'Bearer', expires_in: issued.expiresIn });
    });
  }
}

export function firmOf(c: Context, state: SimState, service: SimService): SimFirm {
  const r = state.authenticate(service, c.req.header('authorization'));
  if (r === 'missing') throw new SimError(401, 'Unauthorized', 'Missing bearer token');
  if (r === 'invalid') throw new SimError(401, 'Unauthorized', 'Invalid token');
  if (r === 'expired') throw new SimError(401, 'Unauthorized', 'Token expired');
  if (service === 'cpa' && !r.portalAccess)
    throw new SimError(403, 'Forbidden', 'This account has no access to the Cegid Collaborative Portal');
  return r;
}

const positiveInt = z.coerce.number().int().positive();

export function mountCpaRoutes(app: Hono, state: SimState): void {
  const cpa = (path: string) => `/cpa${path}`;

  function dossierOf(c: Context): SimDossier {
    const firm = firmOf(c, state, 'cpa');
    const code = c.req.query(QUERY.dossier);
    if (!code) throw new SimError(400, 'BadRequest', `${QUERY.dossier} is required`);
    // A token only sees its own firm: another firm's dossier is simply unknown.
    const d = firm.dossiers.get(code);
    if (!d) throw new SimError(404, 'NotFound', 'Unknown dossier');
    return d;
  }

  /** One page: `maxPage` asked, at most the simulator's own page size given. */
  function paged<T>(c: Context, items: T[], cap: number, render: (t: T) => unknown) {
    const page = positiveInt.parse(c.req.query(QUERY.page));
    const size = Math.min(positiveInt.parse(c.req.query(QUERY.pageSize)), cap);
    const start = (page - 1) * size;
    return c.json(renderEnvelope(items.slice(start, start + size).map(render), items.length, Math.ceil(items.length / size)));
  }

  app.on(HEALTH_METHOD, cpa(CPA_PATHS.health), (c) => c.json({ status: 'Healthy' }));

  app.post(cpa(CPA_PATHS.dossiers), (c) => {
    const firm = firmOf(c, state, 'cpa');
    const items = [...firm.dossiers.values()].sort((a, b) => a.code.localeCompare(b.code)).map(dossierSummary);
    return paged(c, items, state.pageSize.default, renderDossier);
  });

  app.post(cpa(CPA_PATHS.periods), (c) => {
    const d = dossierOf(c);
    return paged(
      c,
      [...d.periods].sort((a, b) => a.start.localeCompare(b.start)),
      state.pageSize.default,
      renderPeriod,
    );
  });

  app.post(cpa(CPA_PATHS.accounts), (c) => {
    const d = dossierOf(c);
    const items = [...d.accounts.values()].sort((a, b) => a.number.localeCompare(b.number));
    return paged(c, items, state.pageSize.default, renderAccount);
  });

  app.post(cpa(CPA_PATHS.journals), (c) => {
    const d = dossierOf(c);
    return paged(
      c,
      [...d.journals.values()].sort((a, b) => a.code.localeCompare(b.code)),
      state.pageSize.default,
      renderJournal,
    );
  });

  app.post(cpa(CPA_PATHS.entries), (c) => {
    const d = dossierOf(c);
    const from = wireDateParam(c, QUERY.from);
    const to = wireDateParam(c, QUERY.to);
    const journal = c.req.query(QUERY.journal);
    const now = Date.now();
    const businessNow = state.now().getTime();
    const items = d.lines
      .filter(
        (l) =>
          l.visibleFrom <= now && l.visibleAt <= businessNow && l.date >= from && l.date <= to && (!journal || l.journalCode === journal),
      )
      .sort((a, b) => a.date.localeCompare(b.date) || a.lineId.localeCompare(b.lineId))
      .map(publicLine);
    const ctx = {
      collectiveOf: (account: string) => {
        const a = d.accounts.get(account);
        return a && a.kind !== 'general' ? (a.collective ?? undefined) : undefined;
      },
      journalLabel: (code: string) => d.journals.get(code)?.label,
    };
    return paged(c, items, state.pageSize.entries, (l: QuadraEntryLine) => renderEntryLine(l, ctx));
  });
}

function dossierSummary(d: SimDossier) {
  const fy = d.periods.find((p) => p.status === 'open') ?? [...d.periods].sort((a, b) => b.start.localeCompare(a.start))[0];
  return { code: d.code, name: d.name, fiscalYearStart: fy?.start ?? null, fiscalYearEnd: fy?.end ?? null };
}

/** A date filter in the wire's format (dd/mm/yyyy), as YYYY-MM-DD; anything else is a 400. */
function wireDateParam(c: Context, name: string): string {
  const iso = parseWireDate(c.req.query(name));
  if (!iso) throw new SimError(400, 'BadRequest', `${name} must be a date dd/mm/yyyy`);
  return iso;
}
