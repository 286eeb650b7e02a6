// The one-statement service write (writeAsService → Database.write): committed under the service
// role, one statement only, and — on Postgres, where BEGIN, the role, the statement and COMMIT are
// one message with the values written as literals — the same values a parameterised statement
// stores; a failed one leaves no connection inside a transaction or under the service's role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeAsService } from '../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';

describe(`one-statement service writes (${engine})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
    await t.db.exec(
      'create table public.zz_write (id int primary key, at timestamptz, tags text[], who text); grant all on public.zz_write to service_role',
    );
  });
  afterAll(() => t?.drop());

  it('commits, as service_role, the values a parameterised statement would store', async () => {
    const at = new Date('2026-12-02T10:11:12.345Z');
    const tags = ['a,b', 'say "hi"', 'back\\slash', null, "it's", '{braces}'];
    const r = await writeAsService(t.db, (q) =>
      q.query<{ who: string }>(
        'insert into public.zz_write (id, at, tags, who) values ($1, $2::timestamptz, $3::text[], current_user) returning who',
        [1, at.toISOString(), tags],
      ),
    );
    expect(r.rows).toEqual([{ who: 'service_role' }]);
    const row = (await t.db.query<{ at: Date; tags: (string | null)[] }>('select at, tags from public.zz_write where id = 1')).rows[0]!;
    expect(row.at.toISOString()).toBe(at.toISOString());
    expect(row.tags).toEqual(tags);
  });

  it('runs one statement: a second is refused before it is sent', async () => {
    await expect(
      writeAsService(t.db, async (q) => {
        await q.query('select 1');
        await q.query('select 2');
      }),
    ).rejects.toThrow(/one statement/);
  });

  it('a failed write changes nothing, and every connection serves the next caller as itself, outside any transaction', async () => {
    for (let i = 0; i < 6; i++) {
      const err = await writeAsService(t.db, (q) => q.query('insert into public.zz_write (id) values ($1)', [1])).catch((e) => e);
      expect(err.code).toBe('23505'); // unique_violation: the row of the first test
    }
    // A connection left inside the failed transaction would refuse this (25P02); one left as the service answers service_role.
    const after = await Promise.all(
      Array.from({ length: 5 }, () => t.db.query<{ who: string }>('select current_user as who, pg_sleep(0.01)')),
    );
    for (const a of after) expect(a.rows[0]!.who).toBe('postgres');
    expect((await t.db.query<{ n: number }>('select count(*)::int as n from public.zz_write')).rows[0]!.n).toBe(1);
  });
});
