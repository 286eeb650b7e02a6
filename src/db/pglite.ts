// The embedded engine (PGlite), behind the same Database interface as Postgres (src/db/database.ts).
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { DATE, INT8, keepString, NUMERIC, parseInt8, type Database, type Tx } from './database.ts';

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ?? 'memory://', {
    parsers: { [INT8]: parseInt8, [DATE]: keepString, [NUMERIC]: keepString },
  });
  const wrap = (q: Pick<PGlite, 'query' | 'exec'>): Tx => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await q.query<T>(sql, params);
      return { rows: r.rows, affectedRows: r.affectedRows ?? 0 };
    },
    exec: async (sql) => {
      await q.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    pglite: db,
    ...wrap(db),
    transaction: (fn, opts) =>
      db.transaction(async (tx) => {
        if (opts?.setup) await tx.exec(opts.setup);
        return fn(wrap(tx));
      }),
    // In process there is no round trip to save: the same transaction, read-only as on Postgres.
    read: (sql, params, opts) =>
      db.transaction(async (tx) => {
        await tx.exec(`set transaction read only; ${opts.setup}`);
        return wrap(tx).query(sql, params);
      }),
    write: (sql, params, opts) =>
      db.transaction(async (tx) => {
        await tx.exec(opts.setup);
        return wrap(tx).query(sql, params);
      }),
    close: () => db.close(),
  };
}
