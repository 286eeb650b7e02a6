import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createFreshPostgres } from '../../src/db/fresh.ts';
import { migrate } from '../../src/db/migrate.ts';

/** The engine under test: real Postgres when DATABASE_URL is set, embedded PGlite otherwise. */
export const engine: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase { db: Database; url?: string; drop(): Promise<void> }

/** A fresh, migrated database for one test file: its own Postgres database, or an in-memory PGlite. */
export async function freshDatabase(): Promise<TestDatabase> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const db = await openDatabase({});
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const fresh = await createFreshPostgres(admin, `qs_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`);
  const db = await openDatabase({ url: fresh.url, poolMax: 5 });
  await migrate(db);
  return { db, url: fresh.url, async drop() { await db.close(); await fresh.drop(); } };
}
