// The engine chosen from the settings: Postgres when a URL is given, embedded PGlite otherwise.
// The Node service, the scripts and the tests open their database here; the Edge Function opens
// Postgres directly (src/edge.ts), so PGlite stays out of its graph.
import { openPostgres, type Database } from './database.ts';
import { openPglite } from './pglite.ts';

export async function openDatabase(opts: { url?: string; dataDir?: string; poolMax?: number }): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolMax ?? 10) : openPglite(opts.dataDir);
}
