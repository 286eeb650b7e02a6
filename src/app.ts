import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { AppError, errorBody, fromDatabaseError } from './lib/errors.ts';
import { accountMapRoutes } from './routes/account-map.ts';
import { accountLabelRoutes } from './routes/account-labels.ts';
import { connectionRoutes } from './routes/connection.ts';
import { corsFor } from './routes/cors.ts';
import { router } from './routes/env.ts';
import { docsRoutes } from './routes/docs.ts';
import { documentRoutes } from './routes/documents.ts';
import { entryRoutes } from './routes/entries.ts';
import { fileSyncRoutes } from './routes/file-sync.ts';
import { fileRoutes } from './routes/files.ts';
import { firmRoutes } from './routes/firms.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { metricsRoutes } from './routes/metrics.ts';
import { referenceRoutes } from './routes/reference.ts';
import { registerEventCatalogue } from './routes/schemas/events.ts';
import { refuseNul } from './routes/text-guard.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { language } from './routes/language.ts';
import { msg, render } from './i18n/index.ts';
import type { Services } from './services.ts';
import { logError } from './lib/log-error.ts';

export function createApp(s: Services) {
  const app = router();

  app.use('*', requestId());
  // Requests by route pattern and status (the Node service's own metrics, src/lib/metrics.ts).
  if (s.metrics) app.use('*', s.metrics.http);
  app.use('*', language(s.config.DEFAULT_LANGUAGE));
  // Before authentication and the body limits: a preflight carries no token, and every answer,
  // errors included (they pass back through here), carries the CORS headers.
  app.use('*', corsFor(s.config.CORS_ORIGINS ?? []));
  app.use('*', async (c, next) => {
    const log = s.log.child({ requestId: c.get('requestId') });
    c.set('log', log);
    const started = performance.now();
    await next();
    // Path only: query strings and bodies can carry data that has no place in logs.
    log.info({ method: c.req.method, path: c.req.path, status: c.res.status, ms: Math.round(performance.now() - started) }, 'request');
  });

  const jsonLimit = bodyLimit({
    maxSize: s.config.JSON_BODY_LIMIT,
    onError: () => {
      throw new AppError('payload_too_large', msg('error.payload_too_large', { limit: s.config.JSON_BODY_LIMIT }));
    },
  });
  // Documents are multipart uploads with their own, larger limit (plus room for the form itself).
  const documentLimit = bodyLimit({
    maxSize: s.config.DOCUMENT_MAX_BYTES + 64 * 1024,
    onError: () => {
      throw new AppError('document_too_large', msg('error.document_too_large', { limit: s.config.DOCUMENT_MAX_BYTES }));
    },
  });
  // Reads carry no body: skipping them spares building the full web Request for every GET.
  app.use('/v1/*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD'
      ? next()
      : c.req.path.endsWith('/documents')
        ? documentLimit(c, next)
        : jsonLimit(c, next),
  );
  app.use('/v1/*', async (c, next) => {
    if (c.req.path === '/v1/jobs/tick' || c.req.path === '/v1/jobs/work') return next(); // their own secret (src/routes/jobs.ts)
    const header = c.req.header('authorization');
    const token = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
    if (!token) throw new AppError('unauthorized', msg('error.unauthorized'));
    c.set('user', await s.verifyToken(token));
    await next();
  });
  app.use('/v1/*', refuseNul);

  app.route('/', healthRoutes(s));
  app.route('/', firmRoutes(s));
  app.route('/', connectionRoutes(s));
  app.route('/', referenceRoutes(s));
  app.route('/', fileRoutes(s));
  app.route('/', entryRoutes(s));
  app.route('/', documentRoutes(s));
  app.route('/', fileSyncRoutes(s));
  app.route('/', accountMapRoutes(s));
  app.route('/', accountLabelRoutes(s));
  app.route('/', jobRoutes(s));
  app.route('/', webhookRoutes(s));

  registerEventCatalogue(app.openAPIRegistry);
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Quadra Sync API',
      version: '1.0.0',
      description: 'Connects an accounting firm to Cegid Quadra: reference data, entries, deposits, verification.',
    },
    security: [{ bearer: [] }],
  });
  app.route('/', docsRoutes());
  app.route('/', metricsRoutes(s));

  app.notFound((c) =>
    c.json(errorBody('not_found', render(c.get('lang') ?? 'en', msg('error.no_route', { method: c.req.method, path: c.req.path }))), 404),
  );
  app.onError((err, c) => {
    const lang = c.get('lang') ?? s.config.DEFAULT_LANGUAGE;
    const known = err instanceof AppError ? err : fromDatabaseError(err);
    if (known) {
      return c.json(errorBody(known.code, known.messageIn(lang), known.details), known.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 400 ? 'invalid_json' : status === 413 ? 'payload_too_large' : ('http_error' as const);
      const message = status === 400 ? render(lang, msg('error.invalid_json')) : err.message;
      return c.json(errorBody(code, message), status);
    }
    (c.get('log') ?? s.log).error({ err: logError(err, { stack: true }) }, 'unhandled error');
    return c.json(errorBody('internal_error', render(lang, msg('error.internal'))), 500);
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
