import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

// The account a line was sent as (entry_lines.quadra_account) is fixed by the service when the
// entry first goes into a deposit, and the deposit writes it in preference to the account map.
// A user reaching the table through Supabase's REST API must not pre-set it: that would send a
// line to an account the map (and its collision check) never saw.
describe(`entry_lines.quadra_account is the service's to set (${engine})`, () => {
  let t: TestDatabase;
  const alice = crypto.randomUUID();
  let firm: string;
  let entry: string;

  beforeAll(async () => {
    t = await freshDatabase();
    firm = await seedFirmEverywhere(t.db, alice, 'SICQA1');
    entry = await asService(t.db, async (tx) => {
      const file = (await tx.query<{ id: string }>('select id from public.client_files where firm_id = $1', [firm])).rows[0]!.id;
      const id = (
        await tx.query<{ id: string }>(
          `insert into public.entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label, quadra_ref)
         values ($1, $2, 'ext-unsent', 'purchase', 'AC', '2026-03-02', 'Achat', 'TQA2') returning id`,
          [firm, file],
        )
      ).rows[0]!.id;
      await tx.query(
        `insert into public.entry_lines (entry_id, line_no, firm_id, account, debit_cents, credit_cents)
        values ($1, 1, $2, '6064000000', 100, 0), ($1, 2, $2, '40100000', 0, 100)`,
        [id, firm],
      );
      return id;
    });
  });
  afterAll(() => t.drop());

  const asAlice = (sql: string, params: unknown[]) =>
    asUser(t.db, { sub: alice }, (tx) => tx.query(sql, params)).then(
      (r) => `ok:${r.affectedRows}`,
      (e: { code?: string }) => e.code,
    );

  it('a user cannot set it on a line of an unsent entry', async () => {
    expect(await asAlice(`update public.entry_lines set quadra_account = '99999999' where entry_id = $1 and line_no = 1`, [entry])).toBe(
      '42501',
    );
    expect(
      await asAlice(
        `insert into public.entry_lines (entry_id, line_no, firm_id, account, quadra_account, debit_cents, credit_cents)
       values ($1, 3, $2, '60610000', '99999999', 50, 0), ($1, 4, $2, '40100000', null, 0, 50)`,
        [entry, firm],
      ),
    ).toBe('42501');
    const r = await t.db.query<{ n: number }>(
      'select count(*)::int as n from public.entry_lines where entry_id = $1 and quadra_account is not null',
      [entry],
    );
    expect(r.rows[0]!.n).toBe(0);
  });

  it('a user still edits the rest of an unsent line, and the service still fixes the sent account', async () => {
    expect(await asAlice(`update public.entry_lines set label = 'Corrigé' where entry_id = $1 and line_no = 1`, [entry])).toBe('ok:1');
    const fixed = await asService(t.db, (tx) =>
      tx.query(`update public.entry_lines set quadra_account = '60640000' where entry_id = $1 and line_no = 1`, [entry]),
    );
    expect(fixed.affectedRows).toBe(1);
    // A line that already carries one (a revalidated entry) keeps being editable as long as it stays.
    expect(await asAlice(`update public.entry_lines set label = 'Encore' where entry_id = $1 and line_no = 1`, [entry])).toBe('ok:1');
    expect(await asAlice(`update public.entry_lines set quadra_account = null where entry_id = $1 and line_no = 1`, [entry])).toBe('42501');
  });
});
