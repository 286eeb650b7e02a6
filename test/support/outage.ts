// A database outage for the pipeline under test: while down, every statement and transaction
// fails as a lost connection does; on Postgres the service's own connections are also terminated
// for real (pg_terminate_backend), so the pool must reconnect afterwards. On PGlite (in memory,
// nothing to restart without losing it) only the wrapper fails.
import pg from 'pg';
import type { Database } from '../../src/db/database.ts';

export interface Outage {
  db: Database;
  /** Goes down at the first transaction that starts once `when()` is true. */
  downWhen(when: () => boolean): void;
  /** Back up; on Postgres, once every pooled connection the outage closed has been replaced. */
  up(): Promise<void>;
  readonly failures: number;
}

export function withOutage(real: Database, url?: string): Outage {
  let down = false;
  let trigger: (() => boolean) | null = null;
  let failures = 0;
  const check = async () => {
    if (!down && trigger?.()) {
      trigger = null;
      down = true;
      if (url) {
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and application_name = 'quadra-sync'`,
        );
        await admin.end();
      }
    }
    if (down) {
      failures++;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
    }
  };
  const db: Database = {
    kind: real.kind,
    ...(real.pglite ? { pglite: real.pglite } : {}),
    async query(sql, params) {
      await check();
      return real.query(sql, params);
    },
    async transaction(fn, opts) {
      await check();
      return real.transaction(fn, opts);
    },
    async read(sql, params, opts) {
      await check();
      return real.read(sql, params, opts);
    },
    async write(sql, params, opts) {
      await check();
      return real.write(sql, params, opts);
    },
    async exec(sql) {
      await check();
      return real.exec(sql);
    },
    close: () => real.close(),
  };
  return {
    db,
    downWhen: (w) => {
      trigger = w;
    },
    async up() {
      down = false;
      trigger = null;
      // Transactions replace a closed connection at their BEGIN; enough at once to take every pooled
      // connection, so the test's own direct statements afterwards meet none.
      if (url) await Promise.all(Array.from({ length: 20 }, () => real.transaction(async () => {})));
    },
    get failures() {
      return failures;
    },
  };
}
