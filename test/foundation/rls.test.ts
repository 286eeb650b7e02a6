import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, readAsUser } from '../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { guardedTables, seedFirmEverywhere } from '../support/seed-all-tables.ts';

describe(`row-level security on every table (${engine})`, () => {
  let t: TestDatabase;
  const alice = crypto.randomUUID();
  const bob = crypto.randomUUID();
  let firmA: string;
  let firmB: string;

  beforeAll(async () => {
    t = await freshDatabase();
    firmA = await seedFirmEverywhere(t.db, alice, 'SICA1');
    firmB = await seedFirmEverywhere(t.db, bob, 'SICB2');
  });
  afterAll(() => t.drop());

  it('every public table has RLS enabled', async () => {
    const r = await t.db.query<{ relname: string; relrowsecurity: boolean }>(
      `select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'`,
    );
    expect(r.rows.length).toBe(Object.keys(guardedTables).length);
    for (const row of r.rows) expect(row.relrowsecurity, row.relname).toBe(true);
  });

  const firmColumn = (table: string) => (table === 'firms' ? 'id' : 'firm_id');

  for (const [table, column] of Object.entries(guardedTables)) {
    it(`${table}: a member of firm A cannot read, change or delete firm B's rows`, async () => {
      const fc = firmColumn(table);
      // Through a transaction and through the one-round-trip read alike.
      for (const scoped of [asUser, readAsUser]) {
        const seen = await scoped(t.db, { sub: alice }, (tx) => tx.query<{ f: string }>(`select ${fc}::text as f from public.${table}`));
        expect(seen.rows.length, scoped.name).toBeGreaterThan(0);
        expect(
          seen.rows.every((r) => r.f === firmA),
          scoped.name,
        ).toBe(true);
      }
      // Either RLS hides B's rows (nothing changes) or users may not write this table at all.
      for (const sql of [
        `update public.${table} set ${column} = ${column} where ${fc} = $1`,
        `delete from public.${table} where ${fc} = $1`,
      ]) {
        const outcome = await asUser(t.db, { sub: alice }, (tx) => tx.query(sql, [firmB])).then(
          (r) => r.affectedRows,
          (e: { code?: string }) => e.code,
        );
        expect([0, '42501'], sql).toContain(outcome);
      }
      // Firm B's rows are all still there, unchanged.
      const still = await t.db.query<{ n: number }>(`select count(*)::int as n from public.${table} where ${fc} = $1`, [firmB]);
      expect(still.rows[0]!.n).toBeGreaterThan(0);
    });

    it(`${table}: a member of firm A cannot insert a row into firm B`, async () => {
      const fc = firmColumn(table);
      // Copy one of B's own rows (as the service would see it), aimed at B, through Alice's session.
      const sample = (await t.db.query<Record<string, unknown>>(`select * from public.${table} where ${fc} = $1 limit 1`, [firmB]))
        .rows[0]!;
      const cols = Object.keys(sample).filter((k) => !['id', 'seq', 'created_at', 'previous_refs'].includes(k) || table === 'firm_members');
      const values = cols.map((k) =>
        k === 'external_id' ||
        k === 'dossier_code' ||
        k === 'key' ||
        k === 'number' ||
        k === 'code' ||
        k === 'blob_name' ||
        k === 'quadra_ref' ||
        k === 'sic_code' ||
        k === 'attachment_name'
          ? `${String(sample[k]).slice(0, 6)}X`
          : sample[k],
      );
      const err = await asUser(t.db, { sub: alice }, (tx) =>
        tx.query(
          `insert into public.${table} (${cols.join(', ')}) values (${cols.map((_, i) => `$${i + 1}`).join(', ')})`,
          values.map((v) =>
            v !== null && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array) ? JSON.stringify(v) : v,
          ),
        ),
      ).then(
        () => null,
        (e: { code?: string }) => e,
      );
      expect(err, `insert into ${table} must be refused`).not.toBeNull();
      expect(err!.code).toBe('42501');
    });
  }

  it('a user with no firm sees nothing anywhere', async () => {
    await asUser(t.db, { sub: crypto.randomUUID() }, async (tx) => {
      for (const table of Object.keys(guardedTables)) {
        const r = await tx.query(`select 1 from public.${table}`);
        expect(r.rows.length, table).toBe(0);
      }
    });
  });

  it("a child row cannot point at another firm's parent, even with that parent's id", async () => {
    const bEntry = (await t.db.query<{ id: string }>('select id from entries where firm_id = $1', [firmB])).rows[0]!.id;
    const err = await asUser(t.db, { sub: alice }, (tx) =>
      tx.query(`insert into entry_lines (entry_id, line_no, firm_id, account, debit_cents) values ($1, 9, $2, '1', 0)`, [bEntry, firmA]),
    ).then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(err?.code).toBeDefined();
  });

  it('analysts read the views and nothing else', async () => {
    const asAnalyst = (sql: string) =>
      t.db.transaction(async (tx) => {
        await tx.query("select set_config('role', 'quadra_analyst', true)");
        return (await tx.query<{ firm_id: string; total: number }>(sql)).rows;
      });
    const rows = await asAnalyst('select firm_id, total from analytics.sync_status_by_firm order by firm_id');
    expect(rows.map((x) => x.firm_id).sort()).toEqual([firmA, firmB].sort());
    expect(rows.every((x) => Number(x.total) === 1)).toBe(true);
    await expect(asAnalyst('select 1 from public.entries')).rejects.toThrow(/permission denied/);
    await expect(asAnalyst("update analytics.sync_status_by_firm set firm_name = 'x'")).rejects.toThrow();
  });

  describe("a firm's own members cannot rewrite the sync state (as through Supabase's REST API)", () => {
    const asAlice = <T>(sql: string, params: unknown[] = []) => asUser(t.db, { sub: alice }, (tx) => tx.query<T>(sql, params));
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => null,
        (e: { code?: string }) => e.code,
      );

    it('cannot mark an entry posted or sent, nor attach it to a deposit', async () => {
      expect(await refused(asAlice(`update entries set status = 'posted' where firm_id = $1`, [firmA]))).toBe('42501');
      expect(await refused(asAlice(`update entries set posted_at = now() where firm_id = $1`, [firmA]))).toBe('42501');
      expect(await refused(asAlice(`update entries set nights_tried = 3 where firm_id = $1`, [firmA]))).toBe('42501');
    });
    it('cannot erase or forge the attempt history', async () => {
      expect(await refused(asAlice(`delete from attempts where firm_id = $1`, [firmA]))).toBe('42501');
      expect(await refused(asAlice(`update attempts set outcome = 'posted' where firm_id = $1`, [firmA]))).toBe('42501');
      const entry = (await t.db.query<{ id: string }>('select id from entries where firm_id = $1', [firmA])).rows[0]!.id;
      expect(
        await refused(
          asAlice(`insert into attempts (firm_id, entry_id, kind, outcome) values ($1, $2, 'verify', 'posted')`, [firmA, entry]),
        ),
      ).toBe('42501');
    });
    it("cannot write deposits or Quadra's reference data", async () => {
      expect(await refused(asAlice(`update deposits set status = 'imported' where firm_id = $1`, [firmA]))).toBe('42501');
      expect(
        await refused(
          asAlice(
            `insert into accounts (firm_id, file_id, number, kind) select firm_id, id, 'X1', 'general' from client_files where firm_id = $1`,
            [firmA],
          ),
        ),
      ).toBe('42501');
      expect(await refused(asAlice(`update journals set is_open = false where firm_id = $1`, [firmA]))).toBe('42501');
    });
    it('cannot change the lines of an entry already in a deposit', async () => {
      expect(await refused(asAlice(`update entry_lines set label = 'x' where firm_id = $1`, [firmA]))).toBe('42501');
    });
  });
});
