// The caller's language (Accept-Language, French first when both are accepted, the deployment's
// DEFAULT_LANGUAGE otherwise), and every text of the answer written in it: refusals are written
// from their catalogue key (src/app.ts), stored texts (status messages, attempt notes, warnings,
// prerequisites, Cegid remedies) are read back here. Codes, ids and data never change.
import type { MiddlewareHandler } from 'hono';
import { type Lang, localizeBody, negotiate } from '../i18n/index.ts';
import type { AppEnv } from './env.ts';

export function language(fallback: Lang): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const lang = negotiate(c.req.header('accept-language'), fallback);
    c.set('lang', lang);
    await next();
    c.header('content-language', lang);
    c.header('vary', 'Accept-Language', { append: true });
    if (lang === 'en' || !/\bjson\b/.test(c.res.headers.get('content-type') ?? '') || !c.req.path.startsWith('/v1/')) return;
    const raw = await c.res.clone().text();
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return; // not JSON after all (an empty body): as it is
    }
    const headers = new Headers(c.res.headers);
    headers.delete('content-length');
    c.res = new Response(JSON.stringify(localizeBody(body, lang)), { status: c.res.status, headers });
  };
}
