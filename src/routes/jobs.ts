import { createHash, timingSafeEqual } from 'node:crypto';
import { cpuUsage } from 'node:process';
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { TICK_BUDGET_MAX_MS } from '../config.ts';
import { WORK_STOPS } from '../jobs/contract.ts';
import { AppError } from '../lib/errors.ts';
import type { Services } from '../services.ts';
import { errorResponses, json } from './schemas/common.ts';
import { router } from './env.ts';
import { msg } from '../i18n/index.ts';

const Count = z.object({ completed: z.number().int(), failed: z.number().int() });
const Stopped = z.enum(WORK_STOPS);
const WorkSchema = z
  .object({
    queues: z.record(z.string(), Count),
    jobs: z.number().int(),
    stoppedBy: Stopped,
    cpuMs: z.number().int(),
    wallMs: z.number().int(),
  })
  .openapi('Work');
const WorkRequest = z
  .object({
    budgetMs: z
      .number()
      .int()
      .min(0)
      .max(TICK_BUDGET_MAX_MS)
      .optional()
      .openapi({ description: 'Wall budget of this worker in ms (the tick sends what it has left); capped at TICK_BUDGET_MS' }),
  })
  .strict()
  .openapi('WorkRequest');
const TickSchema = z
  .object({
    slots: z.array(z.object({ schedule: z.string(), job: z.string(), slots: z.array(z.string()), jobId: z.string().nullable() })),
    queues: z.record(z.string(), Count),
    stoppedBy: Stopped,
    ms: z.number().int(),
    cpuMs: z.number().int(),
    workers: z.array(z.union([WorkSchema, z.object({ error: z.string() })])),
  })
  .openapi('Tick');

/** Constant-time comparison of a presented secret with the configured one (digests: equal lengths). */
export function secretMatches(presented: string | undefined, expected: string): boolean {
  const a = createHash('sha256')
    .update(presented ?? '')
    .digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && presented !== undefined;
}

/**
 * Where the tick reaches its worker route: TICK_WORKER_URL, else beside the tick itself (the
 * request that carried the cron secret), under the app's base path.
 */
export function workerUrl(s: Services, tickUrl: string): string {
  if (s.config.TICK_WORKER_URL) return s.config.TICK_WORKER_URL;
  const u = new URL(tickUrl);
  return `${u.origin}${s.basePath ?? ''}/v1/jobs/work`;
}

const cronHeaders = z.object({ 'x-cron-secret': z.string().optional() });

/**
 * The tick and its workers, for runtimes without long-lived workers (the Supabase Edge Function,
 * called each minute by pg_cron). Accepted only with the dedicated cron secret, never a user's
 * token or a service key.
 */
export function jobRoutes(s: Services) {
  const guard = (presented: string | undefined) => {
    const expected = s.config.CRON_SECRET;
    // A deployment without ticks has no such route: 404, like any path it does not serve (a 5xx
    // would read as a fault of the service, and page an operator for a setting).
    if (!expected || !s.tick) throw new AppError('tick_not_configured', msg('error.tick_not_configured'));
    if (!secretMatches(presented, expected)) throw new AppError('invalid_cron_secret', msg('error.invalid_cron_secret'));
  };
  // Before the body is validated: a caller without the secret learns nothing of the schema.
  const cronOnly: MiddlewareHandler = async (c, next) => {
    guard(c.req.header('x-cron-secret'));
    await next();
  };
  return router()
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/jobs/tick',
        tags: ['jobs'],
        summary: 'Run the due schedules and jobs for a bounded time (called by Postgres cron)',
        description:
          'Needs the `x-cron-secret` header (CRON_SECRET). Does pg-boss maintenance, fires the due schedule slots (each exactly once), ' +
          'calls POST /v1/jobs/work TICK_WORKERS - 1 times, and works due jobs itself (the user lane first) until none is left, ' +
          'TICK_BUDGET_MS has passed or TICK_CPU_BUDGET_MS of CPU is spent. A worker (its own included) that stops on its CPU budget ' +
          'is followed by another while the wall budget has room. Every worker holds one of TICK_WORKERS slots (none free: busy, nothing run), ' +
          'so overlapping ticks never run more at once. Reports every worker request.',
        security: [],
        middleware: [cronOnly] as const,
        request: { headers: cronHeaders },
        responses: {
          200: json(TickSchema, 'What the tick and its workers did, per schedule and per queue'),
          401: errorResponses[401],
          404: errorResponses[404],
        },
      }),
      async (c) => {
        const startedAt = Date.now();
        const cpuAt = cpuUsage();
        return c.json(await s.tick!({ workerUrl: workerUrl(s, c.req.url), startedAt, cpuAt }), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/v1/jobs/work',
        tags: ['jobs'],
        summary: "Work due jobs for a bounded time (one worker of the tick's fan-out)",
        description:
          'Needs the `x-cron-secret` header (CRON_SECRET). Works due jobs (the user lane first), TICK_JOB_CONCURRENCY at a time, ' +
          'until none is left, its wall budget (budgetMs, at most TICK_BUDGET_MS) has passed or TICK_CPU_BUDGET_MS of CPU is spent; fires no slot.',
        security: [],
        middleware: [cronOnly] as const,
        request: { headers: cronHeaders, body: { content: { 'application/json': { schema: WorkRequest } }, required: false } },
        responses: {
          200: json(WorkSchema, 'What this worker did'),
          401: errorResponses[401],
          404: errorResponses[404],
          422: errorResponses[422],
        },
      }),
      async (c) => {
        const startedAt = Date.now();
        const cpuAt = cpuUsage();
        if (!s.work) throw new AppError('tick_not_configured', msg('error.tick_not_configured'));
        const { budgetMs } = c.req.valid('json') ?? {};
        // Never past the deployment's own wall budget, whatever the caller asks.
        const budget = Math.min(budgetMs ?? s.config.TICK_BUDGET_MS, s.config.TICK_BUDGET_MS);
        return c.json(await s.work({ startedAt, cpuAt, budgetMs: budget }), 200);
      },
    );
}
