import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

// An entry's lines balance (debits = credits) after every statement that inserts, updates or
// deletes lines, whoever writes them (migration 20261207000400_trigger_costs.sql reads the check
// entry by entry; an update that changes neither amounts nor entry, as the deposit's fixing of the
// accounts lines are sent as, is not checked at all). Each statement is its own transaction here.
describe(`entry lines stay balanced (${engine})`, () => {
  let t: TestDatabase;
  let firm: string;
  let file: string;
  let n = 0;

  beforeAll(async () => {
    t = await freshDatabase();
    firm = await seedFirmEverywhere(t.db, crypto.randomUUID(), 'SICBAL1');
    file = (await t.db.query<{ id: string }>('select id from public.client_files where firm_id = $1', [firm])).rows[0]!.id;
  });
  afterAll(() => t.drop());

  /** A new entry with balanced lines of `amounts` (debit, credit). */
  async function entry(amounts: Array<[number, number]>): Promise<string> {
    return asService(t.db, async (tx) => {
      const id = (
        await tx.query<{ id: string }>(
          `insert into public.entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label)
           values ($1, $2, $3, 'purchase', 'AC', '2026-03-02', 'Achat') returning id`,
          [firm, file, `bal-${++n}`],
        )
      ).rows[0]!.id;
      await tx.query(
        `insert into public.entry_lines (entry_id, line_no, firm_id, account, debit_cents, credit_cents)
         select $1, x.i, $2, '60610000', x.d, x.c from unnest($3::int[], $4::bigint[], $5::bigint[]) as x(i, d, c)`,
        [id, firm, amounts.map((_, i) => i + 1), amounts.map((a) => a[0]), amounts.map((a) => a[1])],
      );
      return id;
    });
  }
  const run = (sql: string, params: unknown[]) =>
    asService(t.db, (tx) => tx.query(sql, params)).then(
      (r) => `ok:${r.affectedRows}`,
      (e: { code?: string; constraint?: string }) => `${e.code}:${e.constraint}`,
    );
  const sums = async (id: string) =>
    (
      await t.db.query<{ d: number; c: number }>(
        'select sum(debit_cents)::int as d, sum(credit_cents)::int as c from public.entry_lines where entry_id = $1',
        [id],
      )
    ).rows[0];

  it('refuses an insert that leaves an entry unbalanced, among balanced ones', async () => {
    const ok = await entry([
      [100, 0],
      [0, 100],
    ]);
    expect(await sums(ok)).toEqual({ d: 100, c: 100 });
    await expect(
      entry([
        [100, 0],
        [0, 90],
      ]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'entry_lines_balanced' });
  });

  it('refuses an update of amounts that unbalances, accepts one that keeps the balance', async () => {
    const id = await entry([
      [100, 0],
      [0, 60],
      [0, 40],
    ]);
    expect(await run('update public.entry_lines set credit_cents = 50 where entry_id = $1 and line_no = 2', [id])).toBe(
      '23514:entry_lines_balanced',
    );
    // Both credit lines in one statement: balanced once the statement's rows are all written.
    expect(
      await run(
        'update public.entry_lines set credit_cents = case line_no when 2 then 30 else 70 end where entry_id = $1 and line_no > 1',
        [id],
      ),
    ).toBe('ok:2');
    expect(await sums(id)).toEqual({ d: 100, c: 100 });
  });

  it('refuses moving a line to another entry when that entry ends unbalanced', async () => {
    const a = await entry([
      [100, 0],
      [0, 100],
    ]);
    const b = await entry([
      [50, 0],
      [0, 50],
    ]);
    expect(await run('update public.entry_lines set entry_id = $2, line_no = 9 where entry_id = $1 and line_no = 1', [a, b])).toBe(
      '23514:entry_lines_balanced',
    );
  });

  it('refuses moving a line out of an entry that it leaves unbalanced, even when the entry it joins balances', async () => {
    const a = await entry([
      [100, 0],
      [0, 60],
      [0, 40],
    ]);
    const b = await entry([
      [100, 0],
      [0, 100],
    ]);
    // A's 40 credit goes to B while B's credit drops to 60: B balances (100 / 100), A is left 100 / 60.
    expect(
      await run(
        `update public.entry_lines set entry_id = case when entry_id = $1 then $2::uuid else entry_id end,
                line_no = case when entry_id = $1 then 9 else line_no end,
                credit_cents = case when entry_id = $2 and line_no = 2 then 60 else credit_cents end
          where (entry_id = $1 and line_no = 3) or (entry_id = $2 and line_no = 2)`,
        [a, b],
      ),
    ).toBe('23514:entry_lines_balanced');
  });

  it('refuses a delete that unbalances, accepts removing every line', async () => {
    const id = await entry([
      [100, 0],
      [0, 100],
    ]);
    expect(await run('delete from public.entry_lines where entry_id = $1 and line_no = 1', [id])).toBe('23514:entry_lines_balanced');
    expect(await run('delete from public.entry_lines where entry_id = $1', [id])).toBe('ok:2');
  });

  it('lets the account a line was sent as be set without a check to pass', async () => {
    const id = await entry([
      [100, 0],
      [0, 100],
    ]);
    expect(await run(`update public.entry_lines set quadra_account = '60610000' where entry_id = $1`, [id])).toBe('ok:2');
  });
});
