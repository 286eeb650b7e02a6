// Quadra Sync as a Supabase Edge Function: the whole API (the same Hono app as the Node service)
// under /quadra-sync, and the tick Postgres cron calls each minute. See README "Deploy to Supabase".
import { createEdgeFunction } from '../../../src/edge.ts';

// Nothing is loaded or connected here beyond the pool's settings: see src/edge.ts.
const fn = createEdgeFunction(Deno.env.toObject());

// Supabase's runtime picks the port; locally (tests, `deno run`) QUADRA_SYNC_PORT chooses it (0: any free port).
const port = Deno.env.get('QUADRA_SYNC_PORT');
Deno.serve(
  port === undefined
    ? {}
    : {
        port: Number(port),
        hostname: '127.0.0.1',
        onListen: ({ port: p }) => console.log(`quadra-sync listening on http://127.0.0.1:${p}`),
      },
  (req) => fn.fetch(req),
);
