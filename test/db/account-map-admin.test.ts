import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService, asUser } from '../../src/db/scoped.ts';
import { setMapping } from '../../src/pipeline/account-map.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

// The account map decides which Quadra account money is posted to. Members reach
// public.account_maps through Supabase's REST API as well as through ours, so the database itself
// keeps changes to the firm's administrators: members read, admins write, other firms see nothing.
describe(`account_maps: members read, administrators write (${engine})`, () => {
  let t: TestDatabase;
  const alice = crypto.randomUUID(); // admin of firm A
  const carol = crypto.randomUUID(); // member of firm A
  const bob = crypto.randomUUID(); // admin of firm B
  let firmA: string;
  let fileA: string;

  beforeAll(async () => {
    t = await freshDatabase();
    firmA = await seedFirmEverywhere(t.db, alice, 'SICMA1');
    await seedFirmEverywhere(t.db, bob, 'SICMB2');
    fileA = await asService(t.db, async (tx) => {
      await tx.query(`insert into public.firm_members (firm_id, user_id, role) values ($1, $2, 'member')`, [firmA, carol]);
      return (await tx.query<{ id: string }>('select id from public.client_files where firm_id = $1', [firmA])).rows[0]!.id;
    });
  });
  afterAll(() => t.drop());

  const as = (user: string, sql: string, params: unknown[] = []) =>
    asUser(t.db, { sub: user }, (tx) => tx.query(sql, params)).then(
      (r) => `ok:${r.affectedRows}`,
      (e: { code?: string }) => e.code,
    );
  const mapOfA = async () =>
    (
      await t.db.query<{ hub_account: string; quadra_account: string }>(
        'select hub_account, quadra_account from public.account_maps where file_id = $1 order by hub_account',
        [fileA],
      )
    ).rows;

  it('a member reads the map and changes none of it: insert, upsert, update, delete', async () => {
    const before = await mapOfA();
    expect(before).toEqual([{ hub_account: '6064000000', quadra_account: '60640000' }]);
    const seen = await asUser(t.db, { sub: carol }, (tx) =>
      tx.query<{ hub_account: string }>('select hub_account from public.account_maps where file_id = $1', [fileA]),
    );
    expect(seen.rows.map((r) => r.hub_account)).toEqual(['6064000000']);

    expect(
      await as(
        carol,
        `insert into public.account_maps (firm_id, file_id, hub_account, quadra_account) values ($1, $2, '4010000001', '40100001')`,
        [firmA, fileA],
      ),
    ).toBe('42501');
    expect(
      await as(
        carol,
        `insert into public.account_maps (firm_id, file_id, hub_account, quadra_account) values ($1, $2, '6064000000', '99999999')
      on conflict (file_id, hub_account) do update set quadra_account = excluded.quadra_account`,
        [firmA, fileA],
      ),
    ).toBe('42501');
    // Update and delete: RLS leaves the member no row to touch.
    expect(await as(carol, `update public.account_maps set quadra_account = '99999999' where file_id = $1`, [fileA])).toBe('ok:0');
    expect(await as(carol, 'delete from public.account_maps where file_id = $1', [fileA])).toBe('ok:0');
    expect(await mapOfA()).toEqual(before);
  });

  it("the database refuses a member even past the API's own check", async () => {
    // The pipeline asked about another user (as if the route's check were wrong): the write itself is refused.
    const err = await asUser(t.db, { sub: carol }, (tx) => setMapping(tx, alice, fileA, '4010000001', '40100001')).then(
      () => null,
      (e: { code?: string }) => e,
    );
    expect(err?.code).toBe('42501');
    expect(await mapOfA()).toEqual([{ hub_account: '6064000000', quadra_account: '60640000' }]);
  });

  it('an administrator inserts, updates and deletes', async () => {
    expect(
      await as(
        alice,
        `insert into public.account_maps (firm_id, file_id, hub_account, quadra_account) values ($1, $2, '4010000001', '40100001')`,
        [firmA, fileA],
      ),
    ).toBe('ok:1');
    expect(
      await as(alice, `update public.account_maps set quadra_account = '40100009' where file_id = $1 and hub_account = '4010000001'`, [
        fileA,
      ]),
    ).toBe('ok:1');
    expect(await as(alice, `delete from public.account_maps where file_id = $1 and hub_account = '4010000001'`, [fileA])).toBe('ok:1');
    expect(await mapOfA()).toEqual([{ hub_account: '6064000000', quadra_account: '60640000' }]);
  });

  it("another firm's administrator neither sees nor touches it", async () => {
    const seen = await asUser(t.db, { sub: bob }, (tx) => tx.query('select 1 from public.account_maps where file_id = $1', [fileA]));
    expect(seen.rows).toHaveLength(0);
    expect(
      await as(
        bob,
        `insert into public.account_maps (firm_id, file_id, hub_account, quadra_account) values ($1, $2, '4010000002', '40100002')`,
        [firmA, fileA],
      ),
    ).toBe('42501');
    expect(await as(bob, `update public.account_maps set quadra_account = '99999999' where file_id = $1`, [fileA])).toBe('ok:0');
    expect(await as(bob, 'delete from public.account_maps where file_id = $1', [fileA])).toBe('ok:0');
    expect(await mapOfA()).toEqual([{ hub_account: '6064000000', quadra_account: '60640000' }]);
  });
});
