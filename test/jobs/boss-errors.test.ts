// What the job queue's own errors say in the log. pg-boss reports a failed poll as a plain object
// spread from the driver's error (`{ ...err, message, stack, queue, worker }`), which a log line once
// printed as `[object Object]`. Here the queue really loses its database (Postgres: connections
// refused and cut; PGlite: the engine closed under it) and the lines are read back.
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { startBoss } from '../../src/jobs/boss.ts';
import { logError } from '../../src/lib/log-error.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';

/**
 * The test database reached directly, never through a pooler (DATABASE_POOLER_URL): the outage is
 * staged on the server itself, and a pooler would only queue the queue's reconnections.
 */
function direct(url: string | undefined, dbName = 'postgres'): string | undefined {
  if (!url || !process.env.DATABASE_URL) return undefined;
  const u = new URL(process.env.DATABASE_URL);
  u.pathname = `/${dbName}`;
  return u.toString();
}

describe(`the job queue's errors in the log (${engine})`, () => {
  let database: TestDatabase | undefined;
  const nameOf = (d: TestDatabase) => new URL(d.url!).pathname.slice(1);
  afterAll(async () => {
    if (database?.url) {
      const admin = new pg.Client({ connectionString: direct(database.url) });
      await admin.connect();
      await admin.query(`alter database "${nameOf(database)}" allow_connections true`).catch(() => {});
      await admin.end();
    }
    await database?.drop().catch(() => {});
  });

  it('say what failed and why, never [object Object]', async () => {
    database = await freshDatabase();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const log = createLogger('info', sink, { batchMs: 0 });
    const boss = await startBoss(database.db, {
      url: database.url ? direct(database.url, nameOf(database)) : undefined,
      log,
      schedule: false,
      supervise: false,
      max: 2,
    });
    await boss.createQueue('probe');
    await boss.work('probe', { pollingIntervalSeconds: 0.5 }, async () => {});

    if (database.url) {
      const name = nameOf(database);
      const admin = new pg.Client({ connectionString: direct(database.url) });
      await admin.connect();
      await admin.query(`alter database "${name}" allow_connections false`);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      await admin.end();
    } else {
      await database.db.close();
    }
    const errors = () => lines.filter((l) => l.includes('job queue error'));
    for (let i = 0; i < 100 && errors().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await boss.stop({ graceful: false }).catch(() => {});

    expect(errors().length, lines.join('')).toBeGreaterThan(0);
    for (const line of errors()) {
      expect(line).not.toContain('[object Object]');
      const { err } = JSON.parse(line) as { err: { name: string; message: string } };
      expect(err.message.length, line).toBeGreaterThan(10);
      expect(err.message).not.toMatch(/^an error with no message/);
    }
  });

  it("reads pg-boss's spread shape, an AggregateError without a message, codes and causes", async () => {
    // A real refused connection from the driver (nothing listens on port 9 of loopback).
    const client = new pg.Client({ host: '127.0.0.1', port: 9, user: 'x', database: 'x', connectionTimeoutMillis: 2_000 });
    const refused = await client.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    const spread = {
      ...(refused as object),
      message: (refused as Error).message,
      stack: (refused as Error).stack,
      queue: 'deliver-events',
      worker: 'w1',
    };
    expect(logError(spread)).toMatchObject({
      name: 'Error',
      message: expect.stringMatching(/ECONNREFUSED/),
      code: 'ECONNREFUSED',
      queue: 'deliver-events',
    });
    const aggregate = new AggregateError(
      [
        Object.assign(new Error('connect ECONNREFUSED ::1:5432'), { code: 'ECONNREFUSED' }),
        new Error('connect ECONNREFUSED 127.0.0.1:5432'),
      ],
      '',
    );
    expect(logError(aggregate).message).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
    expect(logError(new Error('query failed', { cause: new Error('socket hang up') })).message).toBe(
      'query failed (cause: socket hang up)',
    );
    expect(logError({ code: '57P01' }).message).toBe('error code 57P01');
    expect(logError({ params: ['secret-value'] })).toEqual({ name: 'Error', message: 'an error with no message (fields: params)' });
    expect(JSON.stringify(logError({ message: 'x', params: ['secret-value'] }))).not.toContain('secret-value');
  });
});
