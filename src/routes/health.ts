import { createRoute, z } from '@hono/zod-openapi';
import { databaseHealth } from '../db/repos/health.ts';
import type { Services } from '../services.ts';
import { json } from './schemas/common.ts';
import { router } from './env.ts';

const Health = z
  .object({ status: z.enum(['ok', 'degraded']), database: z.enum(['ok', 'unreachable']), engine: z.enum(['pglite', 'postgres']) })
  .openapi('Health');

export function healthRoutes(s: Services) {
  return router().openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['health'],
      summary: 'Liveness and database check',
      responses: { 200: json(Health, 'Service and database are up'), 503: json(Health, 'The database does not answer') },
    }),
    async (c) => {
      const health = await databaseHealth(s.db);
      return health.status === 'ok' ? c.json({ ...health, status: 'ok' as const }, 200) : c.json(health, 503);
    },
  );
}
