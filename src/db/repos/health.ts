import type { Queryable } from '../database.ts';

/** One round trip to the database. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('select 1');
}
