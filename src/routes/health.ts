import { createRoute, z } from '@hono/zod-openapi';
import { pingDatabase } from '../db/repos/health.ts';
import type { Services } from '../services.ts';
import { json } from './schemas/common.ts';
import { router } from './env.ts';

const Health = z.object({ status: z.enum(['ok', 'degraded']), database: z.enum(['ok', 'unreachable']), engine: z.enum(['pglite', 'postgres']) }).openapi('Health');

export function healthRoutes(s: Services) {
  return router().openapi(
    createRoute({
      method: 'get', path: '/health', tags: ['health'], summary: 'Liveness and database check',
      responses: { 200: json(Health, 'Service and database are up'), 503: json(Health, 'The database does not answer') },
    }),
    async (c) => {
      try {
        await Promise.race([
          pingDatabase(s.db),
          new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
        ]);
        return c.json({ status: 'ok' as const, database: 'ok' as const, engine: s.db.kind }, 200);
      } catch {
        return c.json({ status: 'degraded' as const, database: 'unreachable' as const, engine: s.db.kind }, 503);
      }
    },
  );
}
