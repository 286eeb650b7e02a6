// CORS for the hub frontend, which calls the API from users' browsers on its own origin (and, on
// Supabase, through supabase-js `functions.invoke`). Hono's own middleware answers preflights;
// this wrapper gives an origin outside CORS_ORIGINS no CORS header at all (Hono's would still send
// the allowed methods and exposed headers), so the browser refuses the answer.
import type { MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { AppError } from '../lib/errors.ts';
import { msg } from '../i18n/index.ts';

/** What a hub's browser sends: our own headers, and those supabase-js adds to `functions.invoke`. */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'apikey',
  'x-client-info',
  'x-region',
  'x-supabase-api-version',
];
/** What a page must be able to read: the id to quote in a support request, how long to wait after a 429. */
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'retry-after'];
// Every method a route answers (PATCH: the webhook endpoints); test/routes/cors.test.ts checks
// the OpenAPI document uses no other.
export const CORS_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
/** Ten minutes: a change of CORS_ORIGINS reaches browsers soon; Chromium caps it at two hours anyway. */
export const CORS_MAX_AGE_SECONDS = 600;

export function corsFor(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  const allow = honoCors({
    origin: (o) => (allowed.has(o) ? o : null),
    allowMethods: CORS_METHODS,
    allowHeaders: CORS_ALLOW_HEADERS,
    exposeHeaders: CORS_EXPOSE_HEADERS,
    maxAge: CORS_MAX_AGE_SECONDS,
  });
  return async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && allowed.has(origin)) return allow(c, next);
    // A preflight from elsewhere: refused in words for whoever reads it with curl; the browser only
    // sees the missing headers.
    if (origin !== undefined && c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      throw new AppError('origin_not_allowed', msg('error.origin_not_allowed', { origin }));
    }
    await next();
    // The answer depends on the origin: a shared cache must not hand this one to an allowed page.
    if (allowed.size) c.header('Vary', 'Origin', { append: true });
  };
}
