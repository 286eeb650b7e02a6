import pg from 'pg';
import type { Database, Queryable, Tx } from './database.ts';

/** The JWT claims of the caller, as Supabase's API hands them to Postgres. */
export interface Claims {
  sub: string;
  role?: string;
  [k: string]: unknown;
}

/**
 * A user-scoped transaction: role authenticated and request.jwt.claims set, exactly as
 * Supabase's API does, so row-level security decides what the statements can see and change.
 */
export function asUser<T>(db: Database, claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(fn, { setup: userSetup(claims) });
}

/**
 * A user-scoped read of exactly one statement, under the same role, claims and row-level
 * security as asUser, in a read-only transaction — on Postgres in a single round trip. For the
 * screens the hub polls; a second statement is a programming error (use asUser).
 */
export function readAsUser<T>(db: Database, claims: Claims, fn: (q: Queryable) => Promise<T>): Promise<T> {
  const setup = userSetup(claims);
  let used = false;
  return fn({
    query: (sql, params) => {
      if (used) throw new Error('readAsUser runs one statement; use asUser for more');
      used = true;
      return db.read(sql, params ?? [], { setup });
    },
  });
}

// Sent with BEGIN in one round trip (no parameters there: the claims go as an escaped literal).
// SET LOCAL, not set_config(): the same transaction-scoped settings without a result row to read.
// A verified token's claims are one frozen object reused while the token is remembered
// (src/lib/auth.ts), so its statement is written once.
const setups = new WeakMap<Claims, string>();
function userSetup(claims: Claims): string {
  let setup = setups.get(claims);
  if (setup === undefined) {
    setup = `set local role authenticated; set local request.jwt.claims = ${pg.escapeLiteral(JSON.stringify({ ...claims, role: 'authenticated' }))}`;
    if (Object.isFrozen(claims)) setups.set(claims, setup);
  }
  return setup;
}

const SERVICE_SETUP = `set local role service_role; set local request.jwt.claims = '{"role":"service_role"}'`;

/** A service transaction (jobs, the sync pipeline): role service_role, which bypasses RLS. */
export function asService<T>(db: Database, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(fn, { setup: SERVICE_SETUP });
}

/**
 * A read of exactly one statement as the service (role service_role: every firm's rows), in a
 * read-only transaction — on Postgres in a single round trip. For GET /metrics, scraped from every
 * replica; a second statement is a programming error (use asService).
 */
export function readAsService<T>(db: Database, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let used = false;
  return fn({
    query: (sql, params) => {
      if (used) throw new Error('readAsService runs one statement; use asService for more');
      used = true;
      return db.read(sql, params ?? [], { setup: SERVICE_SETUP });
    },
  });
}

/**
 * One statement as the service, committed — on Postgres in a single round trip (Database.write),
 * where asService takes three. For the dispatcher's batch, run many times a second; a second
 * statement is a programming error (use asService). The statement must be safe to run twice.
 */
export function writeAsService<T>(db: Database, fn: (q: Queryable) => Promise<T>): Promise<T> {
  let used = false;
  return fn({
    query: (sql, params) => {
      if (used) throw new Error('writeAsService runs one statement; use asService for more');
      used = true;
      return db.write(sql, params ?? [], { setup: SERVICE_SETUP });
    },
  });
}
