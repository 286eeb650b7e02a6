/**
 * HTTP surface of the simulator, speaking the wire module's contract (src/quadra/wire.ts): CPA
 * under /cpa (./cpa-routes.ts), CFE under /cfe, test/demo controls under /_control
 * (unauthenticated: the simulator binds to 127.0.0.1 and is never deployed).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { CFE_CONTAINER_FIELD, CFE_PATHS, ENVELOPE } from '../quadra/wire.ts';
import { REMOVAL_ACTIONS, UPLOAD_ACTIONS, type SimControl } from './control.ts';
import { firmOf, mountCpaRoutes, mountTokenRoutes } from './cpa-routes.ts';
import { SimError, type SimState } from './state.ts';

export interface SimAppOptions {
  state: SimState;
  control: SimControl;
  log: boolean;
}

const isoDate = z.iso.date();

export function createSimApp({ state, control, log }: SimAppOptions): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof SimError) return c.json({ code: err.code, message: err.message }, err.status);
    if (err instanceof SyntaxError) return c.json({ code: 'BadRequest', message: 'body is not valid JSON' }, 400);
    if (err instanceof z.ZodError)
      return c.json({ code: 'BadRequest', message: err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') }, 400);
    if (log) console.error('[sim] internal error', err instanceof Error ? err.message : err);
    return c.json({ code: 'InternalError', message: 'simulator error' }, 500);
  });

  // Faults, latency and the request log for the two Cegid services.
  for (const service of ['cpa', 'cfe'] as const) {
    app.use(`/${service}/*`, async (c, next) => {
      const started = Date.now();
      const url = new URL(c.req.url);
      const path = url.pathname + url.search;
      const latency = state.faults.latencyMs ?? 0;
      if (latency > 0) await new Promise((r) => setTimeout(r, latency));
      const failure = state.takeFailure(service, path);
      let injected: Response | undefined;
      if (failure) {
        const code = failure.status === 429 ? 'TooManyRequests' : failure.status === 503 ? 'ServiceUnavailable' : 'InternalServerError';
        if (failure.retryAfterSec !== undefined) c.header('Retry-After', String(failure.retryAfterSec));
        injected = c.json({ code, message: 'injected fault' }, failure.status as 429 | 500);
      } else if (state.takeMalformed(service, path)) {
        // Neither the envelope nor any record: what a changed or broken wire looks like.
        injected = c.json({ unexpected: 'shape', [ENVELOPE.data]: 'not-a-list' });
      } else {
        await next();
      }
      const status = injected ? injected.status : c.res.status;
      const entry = { at: new Date().toISOString(), service, method: c.req.method, path, status, ms: Date.now() - started };
      state.logRequest(entry);
      // Path and status only: no headers, no bodies (they carry keys, secrets and tokens).
      if (log) console.log(`[sim] ${entry.service} ${entry.method} ${url.pathname} ${entry.status} ${entry.ms}ms`);
      return injected;
    });
  }

  mountTokenRoutes(app, state);
  mountCpaRoutes(app, state);

  // --- CFE -------------------------------------------------------------------------------------
  app.get(`/cfe${CFE_PATHS.container.replace('{sic}', ':sic')}`, (c) => {
    const firm = firmOf(c, state, 'cfe');
    if (firm.sic !== c.req.param('sic')) throw new SimError(403, 'Forbidden', 'This key does not belong to that SIC code');
    return c.json({ [CFE_CONTAINER_FIELD]: state.containerSasUrl(firm) });
  });

  // --- control ---------------------------------------------------------------------------------
  const ctl = new Hono();
  ctl.post('/reset', async (c) => {
    await control.reset();
    return c.json({ ok: true });
  });
  ctl.post('/faults', async (c) => {
    control.setFaults(FaultsSchema.parse(await c.req.json()));
    return c.json({ ok: true, faults: state.faults });
  });
  ctl.delete('/faults', (c) => {
    control.clearFaults();
    return c.json({ ok: true });
  });
  ctl.post('/now', async (c) => {
    const { now } = z.object({ now: z.string().nullable() }).parse(await c.req.json());
    control.setNow(now);
    return c.json({ now: state.now().toISOString() });
  });
  ctl.post('/settings', async (c) => {
    const s = z
      .object({
        tokenTtlSec: z.number().positive().optional(),
        pageSize: z.number().int().positive().optional(),
        entriesPageSize: z.number().int().positive().optional(),
        importDelayMs: z.number().nonnegative().optional(),
        importDelayMinutes: z.number().nonnegative().optional(),
      })
      .parse(await c.req.json());
    control.configure(s);
    return c.json({ ok: true });
  });
  ctl.post('/firms', async (c) => {
    await control.addFirm(FirmSchema.parse(await c.req.json()));
    return c.json({ ok: true }, 201);
  });
  ctl.get('/firms', (c) => c.json(control.firms()));
  ctl.get('/firms/:sic/blobs', async (c) => c.json(await control.listBlobs(c.req.param('sic'))));
  ctl.post('/dossiers/:sic', async (c) => {
    control.addDossier(c.req.param('sic'), DossierSchema.parse(await c.req.json()));
    return c.json({ ok: true }, 201);
  });
  ctl.post('/dossiers/:sic/:code/open', async (c) => c.json(await control.openDossier(c.req.param('sic'), c.req.param('code'))));
  ctl.post('/dossiers/:sic/:code/periods', async (c) => {
    const b = z.object({ period: z.string(), status: z.enum(['open', 'closed']) }).parse(await c.req.json());
    control.setPeriodStatus(c.req.param('sic'), c.req.param('code'), b.period, b.status);
    return c.json({ ok: true });
  });
  ctl.post('/dossiers/:sic/:code/journals/:journal', async (c) => {
    const b = z.object({ open: z.boolean() }).parse(await c.req.json());
    control.setJournalOpen(c.req.param('sic'), c.req.param('code'), c.req.param('journal'), b.open);
    return c.json({ ok: true });
  });
  ctl.post('/dossiers/:sic/:code/accounts', async (c) => {
    control.addAccount(c.req.param('sic'), c.req.param('code'), AccountSpecSchema.parse(await c.req.json()));
    return c.json({ ok: true }, 201);
  });
  ctl.get('/dossiers/:sic/:code/entries', (c) => c.json(control.entries(c.req.param('sic'), c.req.param('code'))));
  ctl.get('/dossiers/:sic/:code/rejected', (c) => c.json(control.rejected(c.req.param('sic'), c.req.param('code'))));
  ctl.get('/dossiers/:sic/:code/imports', (c) => c.json(control.imports(c.req.param('sic'), c.req.param('code'))));
  ctl.get('/dossiers/:sic/:code/accounts', (c) => c.json(control.accounts(c.req.param('sic'), c.req.param('code'))));
  ctl.get('/dossiers/:sic/:code/import-counts', (c) => c.json(control.importCounts(c.req.param('sic'), c.req.param('code'))));
  ctl.post('/uploads', async (c) => {
    const b = z.object({ actions: z.array(z.enum(UPLOAD_ACTIONS)) }).parse(await c.req.json());
    control.queueUploads(...b.actions);
    return c.json({ ok: true });
  });
  ctl.post('/removals', async (c) => {
    const b = z.object({ actions: z.array(z.enum(REMOVAL_ACTIONS)) }).parse(await c.req.json());
    control.queueRemovals(...b.actions);
    return c.json({ ok: true });
  });
  ctl.post('/uploads/release', async (c) => {
    const b = z.object({ drop: z.boolean().optional() }).parse(await c.req.json().catch(() => ({})));
    await control.releaseUploads(b);
    return c.json({ ok: true });
  });
  ctl.get('/uploads', (c) => c.json({ held: control.heldUploads() }));
  ctl.get('/requests', (c) => c.json(control.requests()));
  app.route('/_control', ctl);

  app.notFound((c) => c.json({ code: 'NotFound', message: 'No such route' }, 404));
  return app;
}

// Control payload schemas (lenient where a test would only add noise).
const FaultsSchema = z.object({
  latencyMs: z.number().nonnegative().optional(),
  failNext: z
    .object({
      count: z.number().int().nonnegative(),
      status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504), z.literal(429)]),
      retryAfterSec: z.number().nonnegative().optional(),
      service: z.enum(['cpa', 'cfe']).optional(),
      pathContains: z.string().optional(),
    })
    .optional(),
  malformNext: z
    .object({ count: z.number().int().nonnegative(), service: z.enum(['cpa', 'cfe']).optional(), pathContains: z.string().optional() })
    .optional(),
  expireTokens: z.literal(true).optional(),
  neverOpen: z.array(z.string()).optional(),
});

const AccountSpecSchema = z.object({
  number: z.string().min(1).max(8),
  label: z.string(),
  kind: z.enum(['general', 'customer', 'supplier']),
  collective: z.string().optional(),
});

const DossierSchema = z.object({
  code: z.string().min(1),
  name: z.string(),
  periods: z.array(z.object({ code: z.string().optional(), start: isoDate, end: isoDate, status: z.enum(['open', 'closed']) })),
  journals: z.array(z.object({ code: z.string().min(1).max(3), label: z.string(), open: z.boolean() })),
  accounts: z.array(AccountSpecSchema),
});

const FirmSchema = z.object({
  sic: z.string().min(1),
  name: z.string(),
  cpa: z.object({ key: z.string().min(1), secret: z.string().min(1) }),
  cfe: z.object({ key: z.string().min(1), secret: z.string().min(1) }),
  portalAccess: z.boolean().optional(),
  hasContainer: z.boolean().optional(),
  dossiers: z.array(DossierSchema).default([]),
});
