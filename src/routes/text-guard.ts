import type { MiddlewareHandler } from 'hono';
import { AppError } from '../lib/errors.ts';
import { findNul, LONE_SURROGATE, NUL, type TextIssue } from '../lib/text.ts';
import type { AppEnv } from './env.ts';
import { msg, text } from '../i18n/index.ts';

/**
 * Refuses a NUL in any query parameter or anywhere in a JSON body (values and field names), for
 * every route at once, with the same 422 shape as a schema failure. Runs before the route's own
 * validation; a body that is not JSON is left to it (it answers invalid_json).
 */
export const refuseNul: MiddlewareHandler<AppEnv> = async (c, next) => {
  const issues: TextIssue[] = [];
  // Without a query string there is nothing to parse (most of the hub's reads).
  for (const [name, values] of c.req.url.includes('?') ? Object.entries(c.req.queries()) : []) {
    if (name.includes(NUL) || values.some((v) => v.includes(NUL))) {
      issues.push({
        path: name.replaceAll(NUL, '\\u0000'),
        code: 'nul_character',
        message: 'Text cannot contain the NUL character (\\u0000)',
      });
    } else if (LONE_SURROGATE.test(name) || values.some((v) => LONE_SURROGATE.test(v))) {
      issues.push({
        path: name.replace(new RegExp(LONE_SURROGATE.source, 'g'), '?'),
        code: 'unpaired_surrogate',
        message: text('error.surrogate_half'),
      });
    }
  }
  const target = issues.length ? 'query' : 'json';
  if (/\bjson\b/i.test(c.req.header('content-type') ?? '')) {
    const body = await c.req.json().catch(() => undefined);
    issues.push(...findNul(body));
  }
  if (issues.length) {
    throw new AppError('validation_error', msg('error.validation', { issues: issues.map((i) => `${i.path}: ${i.message}`).join('; ') }), {
      issues,
      target,
    });
  }
  await next();
};
