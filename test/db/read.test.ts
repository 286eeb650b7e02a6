// The user-scoped read (readAsUser → Database.read): one statement, under the caller's role and
// claims, read-only, and — on Postgres, where it is one message with the values written as
// literals — the same answer a parameterised statement gives.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineParams, literal } from '../../src/db/literal.ts';
import { asUser, readAsUser } from '../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

describe(`user-scoped reads (${engine})`, () => {
  let t: TestDatabase;
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  let firmA: string;

  beforeAll(async () => {
    t = await freshDatabase();
    firmA = await seedFirmEverywhere(t.db, alice, 'SICA1');
    await seedFirmEverywhere(t.db, bob, 'SICB2');
  });
  afterAll(() => t.drop());

  it("runs under the caller's role and claims, and leaves nothing of them on the connection", async () => {
    const r = await readAsUser(t.db, { sub: alice }, (q) =>
      q.query<{ who: string; uid: string }>('select current_user as who, auth.uid()::text as uid'),
    );
    expect(r.rows[0]).toEqual({ who: 'authenticated', uid: alice });
    // Every pooled connection afterwards is back to the service's own role, without claims.
    const after = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.db.query<{ who: string; claims: string | null }>(
          "select current_user as who, nullif(current_setting('request.jwt.claims', true), '') as claims",
        ),
      ),
    );
    for (const a of after) expect(a.rows[0]).toEqual({ who: 'postgres', claims: null });
  });

  it("sees only the caller's firms", async () => {
    const r = await readAsUser(t.db, { sub: alice }, (q) => q.query<{ id: string }>('select id from public.firms'));
    expect(r.rows.map((x) => x.id)).toEqual([firmA]);
  });

  it('is read-only: a write through it is refused and changes nothing', async () => {
    const before = (await t.db.query<{ name: string }>('select name from public.firms where id = $1', [firmA])).rows[0]!.name;
    const err = await readAsUser(t.db, { sub: alice }, (q) =>
      q.query('update public.firms set name = $2 where id = $1', [firmA, 'changed']),
    ).catch((e) => e);
    expect(err.code).toBe('25006'); // read_only_sql_transaction
    expect((await t.db.query<{ name: string }>('select name from public.firms where id = $1', [firmA])).rows[0]!.name).toBe(before);
  });

  it('after a failed read every connection serves the next caller normally', async () => {
    for (let i = 0; i < 8; i++) {
      const err = await readAsUser(t.db, { sub: alice }, (q) => q.query('select 1 / ($1::int - $1::int)', [i])).catch((e) => e);
      expect(err.code).toBe('22012'); // division_by_zero
    }
    const ok = await Promise.all(
      Array.from({ length: 5 }, () =>
        readAsUser(t.db, { sub: bob }, (q) => q.query<{ n: number }>('select count(*)::int as n from public.firms')),
      ),
    );
    for (const r of ok) expect(r.rows[0]!.n).toBe(1);
    // Outside any transaction again (an aborted one would refuse every statement).
    for (const r of await Promise.all(Array.from({ length: 5 }, () => t.db.query<{ n: number }>('select 1 as n'))))
      expect(r.rows[0]!.n).toBe(1);
  });

  it('takes exactly one statement', async () => {
    await expect(
      readAsUser(t.db, { sub: alice }, async (q) => {
        await q.query('select 1');
        await q.query('select 2');
      }),
    ).rejects.toThrow(/one statement/);
  });

  it('a literal-written statement answers what the parameterised one answers, for any text, number, boolean and array', async () => {
    // What breaks hand-written quoting (quotes, backslashes, array syntax, $n, comments) among any characters but NUL.
    const text = fc
      .string({
        unit: fc.oneof(
          fc.constantFrom("'", '\\', '"', '$1', '{', '}', ',', ' ', 'NULL', '--', '/*', '*/', ';', '\r', '\n'),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
        ),
        maxLength: 20,
      })
      .filter((s) => !s.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.array(fc.option(text, { nil: null }), { maxLength: 5 }),
        fc.boolean(),
        async (s, n, x, arr, b) => {
          const sql = `select $1::text as s, $2::int as n, $3::float8 as x, $4::text[] as arr, $5::boolean as b, '$1 -- ''x''' as lit /* $2 /* $3 */ $4 */ -- $5`;
          const params = [s, n, x, arr, b];
          const viaParams = (await t.db.query(sql, params)).rows[0];
          const viaLiterals = (await t.db.query(inlineParams(sql, params))).rows[0];
          expect(viaLiterals).toEqual(viaParams);
          expect(await readAsUser(t.db, { sub: alice }, (q) => q.query(sql, params)).then((r) => r.rows[0])).toEqual(viaParams);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses what it cannot write safely', () => {
    expect(() => inlineParams('select $2', [1])).toThrow(/no value/);
    expect(() => inlineParams('select $$x$$', [])).toThrow(/dollar/);
    expect(() => inlineParams("select E'\\n' || $1", ['a'])).toThrow(/escape/);
    expect(() => inlineParams('select 1; select $1', ['a'])).toThrow(/one statement/);
    expect(() => inlineParams('select 1 /* a /* b */', [])).toThrow(/unterminated/);
    expect(() => literal(Buffer.from('x'))).toThrow();
    expect(() => literal(new Date())).toThrow(/parameter/);
    expect(() => literal(10n)).toThrow();
    expect(() => literal(Number.NaN)).toThrow();
    expect(() => literal({ a: 1 })).toThrow();
    expect(() => literal('a\u0000b')).toThrow(expect.objectContaining({ code: '22021' }));
    expect(inlineParams("select 'it''s $1', $1", ["o'clock"])).toBe("select 'it''s $1', 'o''clock'");
  });

  it('a value cannot escape a comment: block comments nest, line comments end at \\r too', async () => {
    const hostile = '*/ , current_user as injected --';
    const nested = await t.db.query(inlineParams('select 1 as x /* a /* b */ $1 */', [hostile]));
    expect(Object.keys(nested.rows[0]!)).toEqual(['x']);
    const cr = await t.db.query(inlineParams('select 1 as x -- $1\r, 2 as y', [hostile]));
    expect(Object.keys(cr.rows[0]!)).toEqual(['x', 'y']);
  });

  it('a statement ending in a comment, or refused, leaves every connection as it was', async () => {
    const r = await readAsUser(t.db, { sub: alice }, (q) => q.query<{ answer: number }>('select 42 as answer -- the answer', []));
    expect(r.rows).toEqual([{ answer: 42 }]);
    // Refused on both engines (by the literal writer on Postgres, by the extended protocol in process).
    await expect(readAsUser(t.db, { sub: alice }, (q) => q.query('select 1; select 2', []))).rejects.toThrow(
      /one statement|multiple commands/,
    );
    const nul = await readAsUser(t.db, { sub: alice }, (q) => q.query('select $1::text', ['a\u0000b'])).catch((e) => e);
    expect(nul.code).toBe('22021'); // as a parameter's NUL is: a 422 for the caller, not a lost connection
    const after = await Promise.all(
      Array.from({ length: 5 }, () =>
        t.db.query<{ who: string; claims: string | null; ro: string }>(
          "select current_user as who, nullif(current_setting('request.jwt.claims', true), '') as claims, current_setting('transaction_read_only') as ro",
        ),
      ),
    );
    for (const a of after) expect(a.rows[0]).toEqual({ who: 'postgres', claims: null, ro: 'off' });
  });

  it('asUser and readAsUser see the same rows', async () => {
    const sql = 'select id::text from public.client_files order by id';
    const a = await asUser(t.db, { sub: alice }, (tx) => tx.query(sql));
    const b = await readAsUser(t.db, { sub: alice }, (q) => q.query(sql));
    expect(b.rows).toEqual(a.rows);
    expect(b.rows.length).toBeGreaterThan(0);
  });

  it.skipIf(engine !== 'postgres')(
    'a pooled connection the server closed (a restart) is replaced at the next read or transaction, not failed',
    async () => {
      for (let round = 0; round < 3; round++) {
        // Every pooled connection busy once, then idle in the pool...
        await Promise.all(
          Array.from({ length: 5 }, () =>
            t.db.transaction(async (tx) => {
              await tx.query('select pg_sleep(0.02)');
            }),
          ),
        );
        // Closed by the server while this process cannot notice (the event loop is blocked by a
        // synchronous psql): the pool still holds them as idle when the next callers arrive.
        execFileSync('psql', [
          t.url!,
          '-qAtc',
          `select count(pg_terminate_backend(pid)) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and application_name = 'quadra-sync'; select pg_sleep(0.3)`,
        ]);
        // ...and closed by the server: the next callers still get their answers.
        const out = await Promise.all([
          ...Array.from({ length: 5 }, () =>
            readAsUser(t.db, { sub: alice }, (q) => q.query<{ id: string }>('select id from public.firms')),
          ),
          ...Array.from({ length: 5 }, () => asUser(t.db, { sub: alice }, (tx) => tx.query<{ id: string }>('select id from public.firms'))),
        ]);
        for (const r of out) expect(r.rows.map((x) => x.id)).toEqual([firmA]);
      }
    },
  );
});
