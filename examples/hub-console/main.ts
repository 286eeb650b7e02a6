// `npm run console`: the hub console alone, pointed at a running API. On a Supabase project
// (SUPABASE_URL and SUPABASE_ANON_KEY set) the page signs its user in with the project's auth and
// calls the Edge Function through supabase-js; otherwise it calls API_URL (default the local Node
// service) with TOKEN. Either way the API must list this page's origin in CORS_ORIGINS.
import { startConsole, type ConsoleApi } from './server.ts';

const env = process.env;
const port = Number(env.CONSOLE_PORT ?? 3001);
const api: ConsoleApi =
  env.SUPABASE_URL && env.SUPABASE_ANON_KEY
    ? { kind: 'supabase', url: env.SUPABASE_URL, anonKey: env.SUPABASE_ANON_KEY }
    : { kind: 'http', baseUrl: env.API_URL ?? 'http://127.0.0.1:3000', ...(env.TOKEN ? { token: env.TOKEN } : {}) };
const running = await startConsole({ port, api });
console.log(`Hub console on ${running.url} → ${api.kind === 'http' ? api.baseUrl : `${api.url} (functions/v1/quadra-sync)`}
Allow its origin on the API: CORS_ORIGINS=${running.url}`);
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.once(sig, () => {
    void running.stop().then(() => process.exit(0));
  });
