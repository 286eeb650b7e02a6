// The Postgres engine and the interface both engines share. The embedded engine is in
// src/db/pglite.ts and the choice between them in src/db/open.ts, so that the Edge Function (which
// only ever runs on Postgres) imports this module without PGlite in its graph.
import pg from 'pg';
import { isConnectionLost } from '../lib/errors.ts';
import { inlineParams } from './literal.ts';

export type Row = Record<string, unknown>;
export interface QueryResult<T> {
  rows: T[];
  affectedRows: number;
}

/** What a repository needs: one statement at a time, inside or outside a transaction. */
export interface Queryable {
  query<T = Row>(sql: string, params?: unknown[]): Promise<QueryResult<T>>;
}

/** A transaction: statements, and multi-statement scripts (migrations). */
export interface Tx extends Queryable {
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /**
   * `setup`: a statement without parameters that opens the transaction with BEGIN (on Postgres in
   * the same round trip), such as the caller's role and claims.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>, opts?: { setup?: string }): Promise<T>;
  /**
   * One statement in a read-only transaction that `setup` opens. On Postgres BEGIN, the setup,
   * the statement and COMMIT travel as one message: one round trip, where a transaction takes
   * three (a read of the hub's screens is mostly the cost of its round trips).
   */
  read<T = Row>(sql: string, params: unknown[], opts: { setup: string }): Promise<QueryResult<T>>;
  /**
   * One statement in a transaction that `setup` opens, committed: on Postgres BEGIN, the setup, the
   * statement and COMMIT as one message, one round trip where a transaction takes three (the
   * dispatcher's batch: src/db/repos/webhook-dispatch.ts). The values are written as literals
   * (src/db/literal.ts: no Date, pass ISO strings). A message whose connection was lost is sent once
   * more, as every transaction's first message is: the statement must be safe to run twice.
   */
  write<T = Row>(sql: string, params: unknown[], opts: { setup: string }): Promise<QueryResult<T>>;
  /** Several statements in one string (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
  /**
   * The embedded engine itself, for pg-boss's pglite backend (src/db/pglite.ts). Typed loosely so
   * that this module, which the Edge Function imports, names nothing of PGlite.
   */
  readonly pglite?: unknown;
}

// Both engines return the same JS types: int8 as number (cents stay far below 2^53), dates as
// 'YYYY-MM-DD' strings (an accounting date has no time zone), timestamps as Date.
export const INT8 = 20;
export const DATE = 1082;
export const NUMERIC = 1700;
export const parseInt8 = (v: string) => Number(v);
export const keepString = (v: string) => v;

export function openPostgres(url: string, max: number): Database {
  const types = {
    getTypeParser: ((oid: number, format?: string) => {
      if (oid === INT8) return parseInt8;
      if (oid === DATE || oid === NUMERIC) return keepString;
      return pg.types.getTypeParser(oid, format as 'text');
    }) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString: url, max, types, application_name: 'quadra-sync' });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const wrap = (q: { query: (sql: string, params?: unknown[]) => Promise<pg.QueryResult> }): Tx => ({
    async query<T>(sql: string, params?: unknown[]) {
      const r = await q.query(sql, params as unknown[]);
      return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
    },
    // No parameters: the simple protocol, which takes several statements.
    exec: async (sql) => {
      await q.query(sql);
    },
  });
  // The first message on a pooled connection. One the server closed meanwhile (a restart, a
  // terminated session) is dropped and the message sent once more on a fresh one (`resend`: a
  // BEGIN or a read-only message, of which nothing can have committed; a write's one message
  // carries its COMMIT, so it is never resent). After any other error the connection is rolled back and returned (dropped if it cannot be).
  async function firstMessage(text: string, resend = true): Promise<{ client: pg.PoolClient; result: unknown }> {
    for (let attempt = 1; ; attempt++) {
      const client = await pool.connect();
      try {
        return { client, result: await client.query(text) };
      } catch (err) {
        if (isConnectionLost(err)) {
          client.release(err as Error);
          if (attempt === 1 && resend) continue;
          throw err;
        }
        let broken: Error | undefined;
        await client.query('rollback').catch((e: Error) => {
          broken = e;
        });
        client.release(broken);
        throw err;
      }
    }
  }
  async function oneMessage<T>(begin: string, sql: string, params: unknown[], setup: string, resend: boolean): Promise<QueryResult<T>> {
    const { client, result } = await firstMessage(`${begin}; ${setup};\n${inlineParams(sql, params)}\n; commit`, resend);
    const rs = result as pg.QueryResult[];
    // Anything but a committed end would hand the next caller this one's role and claims.
    if (!Array.isArray(rs) || rs.at(-1)?.command !== 'COMMIT') {
      const err = new NotCommitted();
      client.release(err);
      throw err;
    }
    client.release();
    const r = rs[rs.length - 2]!; // the statement's own result, before COMMIT's
    return { rows: r.rows as T[], affectedRows: r.rowCount ?? 0 };
  }
  return {
    kind: 'postgres',
    ...wrap(pool),
    async transaction(fn, opts) {
      const { client } = await firstMessage(opts?.setup ? `begin; ${opts.setup}` : 'begin');
      let broken: Error | undefined;
      try {
        const out = await fn(wrap(client));
        await client.query('commit');
        return out;
      } catch (err) {
        // A connection that cannot even roll back is not handed to the next caller.
        await client.query('rollback').catch((e: Error) => {
          broken = e;
        });
        throw err;
      } finally {
        client.release(broken);
      }
    },
    // The newline ends any line comment the statement closes with, so COMMIT always runs
    // (inlineParams refuses a second statement). The simple protocol runs them in order and stops
    // at the first error; a read changes nothing, so it may be sent again.
    read: <T>(sql: string, params: unknown[], opts: { setup: string }) => oneMessage<T>('begin read only', sql, params, opts.setup, true),
    // Never sent twice: a message whose connection was lost may have committed (its COMMIT travels
    // with it), so the caller learns of the failure and its leases settle what it did.
    write: <T>(sql: string, params: unknown[], opts: { setup: string }) => oneMessage<T>('begin', sql, params, opts.setup, false),
    close: () => pool.end(),
  };
}

/** A one-message statement that did not end committed: its connection is dropped, never reused. */
class NotCommitted extends Error {
  constructor() {
    super('a one-message statement did not end with its COMMIT');
    this.name = 'NotCommitted';
  }
}
