// GET /metrics: Prometheus's text format, for the operators' scraper (docs/operations.md). The
// gauges come from the database in one statement, so every replica and function instance answers
// the same; the Node process adds its own counters. Behind METRICS_TOKEN (a bearer token of its
// own, not a user's): unset, the route does not exist in production (404, as ticks without
// CRON_SECRET) and is open elsewhere (a developer's machine). Not in the OpenAPI document: it is
// the operators' endpoint, not the hub's.
import { Hono } from 'hono';
import { operationalGauges } from '../db/repos/metrics.ts';
import { AppError } from '../lib/errors.ts';
import type { Services } from '../services.ts';
import type { AppEnv } from './env.ts';
import { secretMatches } from './jobs.ts';

export function metricsRoutes(s: Services) {
  return new Hono<AppEnv>().get('/metrics', async (c) => {
    const expected = s.config.METRICS_TOKEN;
    if (!expected && s.config.NODE_ENV === 'production') {
      throw new AppError('metrics_not_configured', 'Metrics are not enabled on this deployment (set METRICS_TOKEN)');
    }
    if (expected) {
      const presented = c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1];
      if (!presented) throw new AppError('unauthorized', 'A bearer token (METRICS_TOKEN) is required');
      if (!secretMatches(presented, expected)) throw new AppError('invalid_metrics_token', 'The bearer token is not METRICS_TOKEN');
    }
    // Loaded on the first scrape: a function instance that is never scraped never loads prom-client.
    const [gauges, { renderMetrics }] = await Promise.all([operationalGauges(s.db), import('../lib/metrics.ts')]);
    const { contentType, body } = await renderMetrics(gauges, s.metrics);
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  });
}
