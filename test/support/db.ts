import type { Database } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/open.ts';
import { createFreshPostgres } from '../../src/db/fresh.ts';
import { migrate } from '../../src/db/migrate.ts';

/** The engine under test: real Postgres when DATABASE_URL is set, embedded PGlite otherwise. */
export const engine: 'postgres' | 'pglite' = process.env.DATABASE_URL ? 'postgres' : 'pglite';

export interface TestDatabase {
  db: Database;
  url?: string;
  drop(): Promise<void>;
}

/**
 * DATABASE_POOLER_URL (with DATABASE_URL): a PgBouncer in transaction mode in front of that server,
 * as Supabase's pooler (port 6543) stands in front of a project's database. The fresh database is
 * still created and migrated directly; everything the test then does (the service's pool, pg-boss,
 * the Edge Function) goes through the pooler: no session state survives a transaction there.
 */
const pooler = process.env.DATABASE_POOLER_URL;

/** The same database reached through the pooler: its host, port and user, the database's name. */
export function throughPooler(url: string): string {
  if (!pooler) return url;
  const direct = new URL(url);
  const via = new URL(pooler);
  via.pathname = direct.pathname;
  return via.toString();
}

/** A fresh, migrated database for one test file: its own Postgres database, or an in-memory PGlite. */
export async function freshDatabase(): Promise<TestDatabase> {
  const admin = process.env.DATABASE_URL;
  if (!admin) {
    const db = await openDatabase({});
    await migrate(db);
    return { db, drop: () => db.close() };
  }
  const fresh = await createFreshPostgres(admin, `qs_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`);
  if (pooler) {
    const direct = await openDatabase({ url: fresh.url, poolMax: 1 });
    await migrate(direct).finally(() => direct.close());
    const url = throughPooler(fresh.url);
    const db = await openDatabase({ url, poolMax: 5 });
    return {
      db,
      url,
      async drop() {
        await db.close();
        await fresh.drop();
      },
    };
  }
  const db = await openDatabase({ url: fresh.url, poolMax: 5 });
  await migrate(db);
  return {
    db,
    url: fresh.url,
    async drop() {
      await db.close();
      await fresh.drop();
    },
  };
}
