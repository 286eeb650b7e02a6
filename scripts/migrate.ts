// `npm run migrate`: applies supabase/migrations (after the platform shim, skipped on Supabase) to
// DATABASE_URL, or to the embedded database in DATA_DIR. The service also does this at start-up.
import { join } from 'node:path';
import { loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/open.ts';
import { migrate } from '../src/db/migrate.ts';

const config = loadConfig();
const db = await openDatabase({ url: config.DATABASE_URL, dataDir: join(config.DATA_DIR, 'pglite') });
const applied = await migrate(db);
console.log(applied.length ? `applied: ${applied.join(', ')}` : 'up to date');
await db.close();
