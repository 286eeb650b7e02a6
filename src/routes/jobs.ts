import { createHash, timingSafeEqual } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../lib/errors.ts';
import type { Services } from '../services.ts';
import { errorResponses, json } from './schemas/common.ts';
import { router } from './env.ts';

const Count = z.object({ completed: z.number().int(), failed: z.number().int() });
const TickSchema = z.object({
  slots: z.array(z.object({ schedule: z.string(), job: z.string(), slots: z.array(z.string()), jobId: z.string().nullable() })),
  queues: z.record(z.string(), Count),
  stoppedBy: z.enum(['idle', 'budget']),
  ms: z.number().int(),
}).openapi('Tick');

/** Constant-time comparison of a presented secret with the configured one (digests: equal lengths). */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  const a = createHash('sha256').update(presented ?? '').digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented !== undefined;
}

/**
 * The tick, for runtimes without long-lived workers (the Supabase Edge Function, called each minute
 * by pg_cron). Accepted only with the dedicated cron secret, never a user's token or a service key.
 */
export function jobRoutes(s: Services) {
  return router().openapi(
    createRoute({
      method: 'post', path: '/v1/jobs/tick', tags: ['jobs'],
      summary: 'Run the due schedules and jobs for a bounded time (called by Postgres cron)',
      description: 'Needs the `x-cron-secret` header (CRON_SECRET). Does pg-boss maintenance, fires the due schedule slots (each exactly once), then runs due jobs of every queue until none is left or TICK_BUDGET_MS has passed.',
      security: [],
      request: { headers: z.object({ 'x-cron-secret': z.string().optional() }) },
      responses: { 200: json(TickSchema, 'What the tick did, per schedule and per queue'), 401: errorResponses[401], 404: errorResponses[404] },
    }),
    async (c) => {
      const expected = s.config.CRON_SECRET;
      // A deployment without ticks has no such route: 404, like any path it does not serve (a 5xx
      // would read as a fault of the service, and page an operator for a setting).
      if (!expected || !s.tick) throw new AppError('tick_not_configured', 'Ticks are not enabled on this deployment (set CRON_SECRET)');
      if (!secretMatches(c.req.header('x-cron-secret'), expected)) throw new AppError('invalid_cron_secret', 'A valid x-cron-secret header is required');
      return c.json(await s.tick(), 200);
    },
  );
}
