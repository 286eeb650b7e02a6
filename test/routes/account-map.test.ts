// The account map through the API, by role: every member reads it; only an administrator of the
// firm changes it (a member gets 403 forbidden and nothing changes); another firm gets 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { ACCOUNT_MAP_ADMIN_ONLY } from '../../src/pipeline/account-map.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

describe(`account map routes by role (${engine})`, () => {
  let t: TestContext;
  const alice = crypto.randomUUID(); // admin of the firm
  const carol = crypto.randomUUID(); // member of the firm
  const bob = crypto.randomUUID(); // admin of another firm
  const tokens = { alice: '', carol: '', bob: '' };
  let file: string;

  beforeAll(async () => {
    t = await createTestContext();
    const firm = await seedFirmEverywhere(t.services.db, alice, 'SICRA1');
    await seedFirmEverywhere(t.services.db, bob, 'SICRB2');
    file = await asService(t.services.db, async (tx) => {
      await tx.query(`insert into public.firm_members (firm_id, user_id, role) values ($1, $2, 'member')`, [firm, carol]);
      return (await tx.query<{ id: string }>('select id from public.client_files where firm_id = $1', [firm])).rows[0]!.id;
    });
    tokens.alice = await t.token(alice);
    tokens.carol = await t.token(carol);
    tokens.bob = await t.token(bob);
  });
  afterAll(() => t?.close());

  const call = (who: keyof typeof tokens, method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tokens[who], ...(body === undefined ? {} : { body }) });
  const stored = async () =>
    (
      await t.services.db.query<{ hub_account: string; quadra_account: string; updated_at: Date }>(
        'select hub_account, quadra_account, updated_at from public.account_maps where file_id = $1 order by hub_account',
        [file],
      )
    ).rows;

  it('a member reads the map', async () => {
    const r = await call('carol', 'GET', `/v1/files/${file}/account-map`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.items.map((m: { hubAccount: string; quadraAccount: string }) => [m.hubAccount, m.quadraAccount])).toEqual([
      ['6064000000', '60640000'],
    ]);
  });

  it('a member cannot write it: 403 forbidden with the reason, and the map is unchanged', async () => {
    const before = await stored();
    for (const [method, path, body] of [
      ['PUT', `/v1/files/${file}/account-map/4010000001`, { quadraAccount: '40100001' }],
      ['PUT', `/v1/files/${file}/account-map/6064000000`, { quadraAccount: '99999999' }],
      ['DELETE', `/v1/files/${file}/account-map/6064000000`, undefined],
      ['DELETE', `/v1/files/${file}/account-map/NOPE`, undefined], // no hint whether a mapping exists
    ] as const) {
      const r = await call('carol', method, path, body);
      expect(r.status, `${method} ${path}: ${r.text}`).toBe(403);
      expect(r.body.error).toEqual({ code: 'forbidden', message: ACCOUNT_MAP_ADMIN_ONLY });
    }
    expect(await stored()).toEqual(before);
  });

  it('an administrator writes it', async () => {
    const set = await call('alice', 'PUT', `/v1/files/${file}/account-map/4010000001`, { quadraAccount: '40100001' });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toMatchObject({ hubAccount: '4010000001', quadraAccount: '40100001' });
    const moved = await call('alice', 'PUT', `/v1/files/${file}/account-map/6064000000`, { quadraAccount: '60610000' });
    expect(moved.status, moved.text).toBe(200);
    expect((await call('alice', 'DELETE', `/v1/files/${file}/account-map/4010000001`)).status).toBe(204);
    expect((await stored()).map((m) => [m.hub_account, m.quadra_account])).toEqual([['6064000000', '60610000']]);
    // The member sees the administrator's change.
    const r = await call('carol', 'GET', `/v1/files/${file}/account-map`);
    expect(r.body.items.map((m: { quadraAccount: string }) => m.quadraAccount)).toEqual(['60610000']);
  });

  it("another firm's administrator gets 404 on every route, and changes nothing", async () => {
    const before = await stored();
    expect((await call('bob', 'GET', `/v1/files/${file}/account-map`)).status).toBe(404);
    const put = await call('bob', 'PUT', `/v1/files/${file}/account-map/6064000000`, { quadraAccount: '99999999' });
    expect(put.status).toBe(404);
    expect(put.body.error.code).toBe('not_found');
    expect((await call('bob', 'DELETE', `/v1/files/${file}/account-map/6064000000`)).status).toBe(404);
    expect(await stored()).toEqual(before);
  });
});
