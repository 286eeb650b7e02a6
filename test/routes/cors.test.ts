// CORS over real HTTP, as a browser sends it: preflights (no token) from an allowed origin answer
// 204 with the methods and headers a hub and supabase-js send; an origin outside CORS_ORIGINS gets
// no CORS header at all; errors (401, 404, 422, 429, 503) carry the headers, so a page reads them.
// The same middleware on the Edge Function, under the real Deno.
import { serve, type ServerType } from '@hono/node-server';
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { asService } from '../../src/db/scoped.ts';
import { queueOf, startBoss } from '../../src/jobs/boss.ts';
import { createQueues } from '../../src/jobs/index.ts';
import { mintToken } from '../../src/lib/auth.ts';
import { randomKeySpec } from '../../src/lib/secret-box.ts';
import { CORS_ALLOW_HEADERS, CORS_MAX_AGE_SECONDS } from '../../src/routes/cors.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { denoUnavailable, startFunction, type RunningFunction } from '../support/deno.ts';
import { withOutage } from '../support/outage.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

const HUB = 'http://hub.example.test:8080';
const OTHER = 'http://elsewhere.example.test';
// What supabase-js's functions.invoke sends, with ours.
const REQUESTED = 'authorization, content-type, idempotency-key, apikey, x-client-info';

const corsHeaders = (r: Response) => {
  const names: string[] = [];
  r.headers.forEach((_v, k) => {
    if (k.startsWith('access-control-')) names.push(k);
  });
  return names;
};

function expectAllowed(r: Response) {
  expect(r.headers.get('access-control-allow-origin')).toBe(HUB);
  const exposed = (r.headers.get('access-control-expose-headers') ?? '').split(',');
  expect(exposed).toEqual(expect.arrayContaining(['x-request-id', 'retry-after']));
  expect(r.headers.get('vary')).toMatch(/origin/i);
}

describe('CORS_ORIGINS (configuration)', () => {
  it('is a list of exact origins; none by default in production, the console in development', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SECRETS_KEYS: 'k:x' }).CORS_ORIGINS).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'development', CONSOLE_PORT: '3101' }).CORS_ORIGINS).toEqual([
      'http://127.0.0.1:3101',
      'http://localhost:3101',
    ]);
    expect(loadConfig({ CORS_ORIGINS: `${HUB}, https://app.example.com` }).CORS_ORIGINS).toEqual([HUB, 'https://app.example.com']);
    expect(loadConfig({ CORS_ORIGINS: '' }).CORS_ORIGINS).toEqual([]);
    for (const bad of ['*', 'https://app.example.com/', 'https://app.example.com/path', 'app.example.com', 'https://*.example.com']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(/CORS_ORIGINS: .*not an exact origin/);
    }
  });
});

describe(`CORS on the Node service (${engine})`, () => {
  let t: TestContext;
  let boss: PgBoss;
  let server: ServerType;
  let base: string;
  let token: string;
  let file: string;
  const user = crypto.randomUUID();

  beforeAll(async () => {
    t = await createTestContext({ config: { CORS_ORIGINS: [HUB], SYNC_WAITS_PER_USER: 1 } });
    const firm = await seedFirmEverywhere(t.services.db, user, 'SICCO1');
    file = await asService(
      t.services.db,
      async (tx) =>
        (
          await tx.query<{ id: string }>(
            `insert into public.client_files (firm_id, dossier_code, name) values ($1, 'CORS1', 'CORS1') returning id`,
            [firm],
          )
        ).rows[0]!.id,
    );
    token = await t.token(user);
    // Real pg-boss and no worker: a send queued with wait=true stays in flight, so a second one is a 429.
    boss = await startBoss(t.services.db, { url: t.database.url, log: t.services.log, schedule: false });
    await createQueues(boss);
    t.services.jobs = queueOf(boss);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    await t?.close();
  });

  const preflight = (path: string, origin: string, method = 'POST') =>
    fetch(`${base}${path}`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': REQUESTED },
    });
  const call = (method: string, path: string, opts: { origin?: string; token?: string; body?: string } = {}) =>
    fetch(`${base}${path}`, {
      method,
      headers: {
        ...(opts.origin ? { origin: opts.origin } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        'content-type': 'application/json',
      },
      ...(opts.body !== undefined ? { body: opts.body } : {}),
    });

  it('a preflight from an allowed origin: 204, methods, every header supabase-js sends, a max age, no token needed', async () => {
    for (const [path, method] of [
      ['/v1/firms', 'POST'],
      [`/v1/files/${file}/entries`, 'POST'],
      ['/v1/entries/x', 'PUT'],
      [`/v1/files/${file}/account-map/4010`, 'DELETE'],
    ] as const) {
      const r = await preflight(path, HUB, method);
      expect(r.status, path).toBe(204);
      expect(r.headers.get('access-control-allow-origin')).toBe(HUB);
      expect(r.headers.get('access-control-allow-methods')!.split(',')).toEqual(expect.arrayContaining(['GET', 'POST', 'PUT', 'DELETE']));
      const allowed = r.headers.get('access-control-allow-headers')!.split(',');
      for (const h of REQUESTED.split(', ')) expect(allowed).toContain(h);
      expect(allowed).toEqual(CORS_ALLOW_HEADERS);
      expect(r.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));
      expect(r.headers.get('access-control-allow-credentials')).toBeNull(); // bearer tokens, no cookies
    }
  });

  it("a preflight allows every method of the OpenAPI document's operations", async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const methods = new Set(Object.values(doc.paths).flatMap((ops) => Object.keys(ops).map((m) => m.toUpperCase())));
    expect(methods).toContain('PATCH');
    for (const method of methods) {
      const r = await preflight('/v1/firms', HUB, method);
      expect(r.status, method).toBe(204);
      expect(r.headers.get('access-control-allow-methods')!.split(','), method).toContain(method);
    }
  });

  it('an origin not in CORS_ORIGINS gets no CORS header: its preflight is refused, its calls answered bare', async () => {
    const pre = await preflight('/v1/firms', OTHER);
    expect(corsHeaders(pre)).toEqual([]);
    expect(pre.status).toBe(403);
    expect((await pre.json()).error.code).toBe('origin_not_allowed');
    const get = await call('GET', '/v1/firms', { origin: OTHER, token });
    expect(get.status).toBe(200);
    expect(corsHeaders(get)).toEqual([]);
    // A look-alike is another origin.
    expect(corsHeaders(await preflight('/v1/firms', `${HUB}/`))).toEqual([]);
    expect(corsHeaders(await preflight('/v1/firms', HUB.replace('http:', 'https:')))).toEqual([]);
  });

  it('answers and errors carry the CORS headers: 200, 401, 404, 422, 429, 503', async () => {
    const ok = await call('GET', '/v1/firms', { origin: HUB, token });
    expect(ok.status).toBe(200);
    expectAllowed(ok);
    expect(ok.headers.get('x-request-id')).toBeTruthy();

    const cases: Array<[number, string, Promise<Response>]> = [
      [401, 'unauthorized', call('GET', '/v1/firms', { origin: HUB })],
      [404, 'not_found', call('GET', `/v1/files/${crypto.randomUUID()}/entries/counts`, { origin: HUB, token })],
      [404, 'not_found', call('GET', '/v1/no-such-route', { origin: HUB, token })],
      [422, 'validation_error', call('POST', '/v1/firms', { origin: HUB, token, body: '{"name":""}' })],
    ];
    for (const [status, code, answer] of cases) {
      const r = await answer;
      expect([r.status, (await r.json()).error.code]).toEqual([status, code]);
      expectAllowed(r);
    }

    // 429: one call waiting (no worker runs the send), the second refused.
    const held = new AbortController();
    const waiting = fetch(`${base}/v1/files/${file}/sync?wait=true`, {
      method: 'POST',
      headers: { origin: HUB, authorization: `Bearer ${token}` },
      signal: held.signal,
    }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const refused = await call('POST', `/v1/files/${file}/sync?wait=true`, { origin: HUB, token });
    expect([refused.status, (await refused.json()).error.code]).toEqual([429, 'too_many_waiting_syncs']);
    expectAllowed(refused);
    held.abort();
    await waiting;

    // 503: the database out of reach.
    const real = t.services.db;
    const outage = withOutage(real);
    let down = false;
    outage.downWhen(() => down);
    t.services.db = outage.db;
    try {
      down = true;
      const r = await call('GET', '/v1/firms', { origin: HUB, token });
      expect([r.status, (await r.json()).error.code]).toEqual([503, 'database_unavailable']);
      expectAllowed(r);
    } finally {
      await outage.up();
      t.services.db = real;
    }
  });
});

const why = !process.env.DATABASE_URL ? 'needs a real Postgres (runs in the DATABASE_URL pass)' : denoUnavailable();
if (why) console.warn(`[skipped] CORS on the Edge Function under Deno: ${why}`);

describe.skipIf(why)('CORS on the Edge Function under Deno (postgres)', () => {
  const JWT_SECRET = `jwt-${crypto.randomUUID()}-${crypto.randomUUID()}`;
  let database: TestDatabase;
  let fn: RunningFunction;

  beforeAll(async () => {
    database = await freshDatabase();
    fn = await startFunction({
      SUPABASE_DB_URL: database.url!,
      CPA_BASE_URL: 'http://127.0.0.1:9/cpa',
      CFE_BASE_URL: 'http://127.0.0.1:9/cfe',
      SECRETS_KEYS: randomKeySpec('fn1'),
      JWT_SECRET,
      CORS_ORIGINS: HUB,
      LOG_LEVEL: 'warn',
    });
  }, 180_000);
  afterAll(async () => {
    await fn?.stop();
    await database?.drop();
  });

  it('the same middleware: preflight 204 for the hub, nothing for another origin, errors with the headers', async () => {
    const url = (p: string) => `${fn.url}/quadra-sync${p}`;
    const pre = await fetch(url('/v1/firms'), {
      method: 'OPTIONS',
      headers: { origin: HUB, 'access-control-request-method': 'POST', 'access-control-request-headers': REQUESTED },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(HUB);
    expect(pre.headers.get('access-control-allow-headers')!.split(',')).toEqual(CORS_ALLOW_HEADERS);
    expect(pre.headers.get('access-control-max-age')).toBe(String(CORS_MAX_AGE_SECONDS));

    const other = await fetch(url('/v1/firms'), { method: 'OPTIONS', headers: { origin: OTHER, 'access-control-request-method': 'POST' } });
    expect(corsHeaders(other)).toEqual([]);

    const token = await mintToken({ secret: JWT_SECRET, sub: crypto.randomUUID(), expiresIn: '1h' });
    for (const [status, init, path] of [
      [401, { headers: { origin: HUB } }, '/v1/firms'],
      [404, { headers: { origin: HUB, authorization: `Bearer ${token}` } }, `/v1/entries/${crypto.randomUUID()}`],
      [
        422,
        { method: 'POST', headers: { origin: HUB, authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' },
        '/v1/firms',
      ],
      [200, { headers: { origin: HUB, authorization: `Bearer ${token}` } }, '/v1/firms'],
    ] as const) {
      const r = await fetch(url(path), init as RequestInit);
      expect(r.status, path).toBe(status);
      expectAllowed(r);
    }
  });
});
