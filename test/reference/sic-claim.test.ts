// Who may claim a firm: registering claims nothing; the SIC code goes to the firm whose Cegid keys
// Cegid accepts for it; nobody learns from an answer that another firm exists, except a firm that
// just proved the same code (and is then told, with nothing saved).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser } from '../../src/db/scoped.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { useSimulator } from '../support/simulator.ts';
import { connectionBody } from './helpers.ts';

const sim = useSimulator();
const WRONG = {
  ...DEMO_FIRM,
  cpa: { key: 'cpa-stranger-key', secret: 'cpa-stranger-secret' },
  cfe: { key: 'cfe-stranger-key', secret: 'cfe-stranger-secret' },
};

describe(`who may claim a SIC code (${engine})`, () => {
  let t: TestContext;
  const users = { stranger: crypto.randomUUID(), real: crypto.randomUUID(), twin: crypto.randomUUID() };
  const tokens: Record<keyof typeof users, string> = { stranger: '', real: '', twin: '' };
  const firms: Record<keyof typeof users, string> = { stranger: '', real: '', twin: '' };
  const verified = async (id: string) =>
    (await t.services.db.query<{ v: Date | null }>('select sic_verified_at as v from public.firms where id = $1', [id])).rows[0]!.v !==
    null;

  beforeAll(async () => {
    t = await createTestContext({
      cegid: { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, timeoutMs: 5_000, maxAttempts: 2, retryBaseMs: 10 },
    });
    for (const k of Object.keys(users) as Array<keyof typeof users>) tokens[k] = await t.token(users[k]);
  });
  afterAll(() => t?.close());

  it('anyone may register any SIC code, first or not, and no answer says it is taken', async () => {
    for (const k of ['stranger', 'real', 'twin'] as const) {
      const r = await t.call('POST', '/v1/firms', { token: tokens[k], body: { name: `Cabinet ${k}`, sicCode: DEMO_FIRM.sic } });
      expect(r.status, r.text).toBe(201);
      firms[k] = r.body.id;
    }
    expect(await verified(firms.stranger)).toBe(false);
  });

  it('keys Cegid refuses claim nothing', async () => {
    const r = await t.call('PUT', `/v1/firms/${firms.stranger}/connection`, { token: tokens.stranger, body: connectionBody(WRONG) });
    expect(r.status, r.text).toBe(200);
    expect(r.body.status).toBe('failed');
    expect(await verified(firms.stranger)).toBe(false);
  });

  it('the first firm whose keys Cegid accepts claims the code, although it registered after the stranger', async () => {
    const r = await t.call('PUT', `/v1/firms/${firms.real}/connection`, { token: tokens.real, body: connectionBody(DEMO_FIRM) });
    expect(r.status, r.text).toBe(200);
    expect(r.body.status).toBe('connected');
    expect(await verified(firms.real)).toBe(true);
    // The stranger still learns nothing: registering again works, its own check still just fails.
    expect((await t.call('POST', '/v1/firms', { token: tokens.stranger, body: { name: 'Again', sicCode: DEMO_FIRM.sic } })).status).toBe(
      201,
    );
    const again = await t.call('PUT', `/v1/firms/${firms.stranger}/connection`, { token: tokens.stranger, body: connectionBody(WRONG) });
    expect(again.body.status).toBe('failed');
    expect(again.text).not.toContain('already');
  });

  it('a second firm proving the same code is told so, at connection time, and nothing of it is saved', async () => {
    const r = await t.call('PUT', `/v1/firms/${firms.twin}/connection`, { token: tokens.twin, body: connectionBody(DEMO_FIRM) });
    expect(r.status, r.text).toBe(409);
    expect(r.body.error.code).toBe('sic_code_already_connected');
    expect(r.body.error.message).toContain('Cegid accepted these keys');
    expect(r.text).not.toContain(firms.real);
    expect((await t.call('GET', `/v1/firms/${firms.twin}/connection`, { token: tokens.twin })).status).toBe(404);
    expect(await verified(firms.twin)).toBe(false);
  });

  it('users cannot set a claim or change a SIC code themselves; they may rename their firm', async () => {
    const as = (sql: string) =>
      asUser(t.services.db, { sub: users.twin }, (tx) => tx.query(sql, [firms.twin])).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(await as('update public.firms set sic_verified_at = now() where id = $1')).toBe('42501');
    expect(await as(`update public.firms set sic_code = 'OTHER1' where id = $1`)).toBe('42501');
    expect(await as(`update public.firms set name = 'Renamed' where id = $1`)).toBe('ok');
  });

  it('keys Cegid later refuses release the claim, and the other registration may then prove the code', async () => {
    const lost = await t.call('PUT', `/v1/firms/${firms.real}/connection`, { token: tokens.real, body: connectionBody(WRONG) });
    expect(lost.body.status).toBe('failed');
    expect(await verified(firms.real)).toBe(false);
    const r = await t.call('PUT', `/v1/firms/${firms.twin}/connection`, { token: tokens.twin, body: connectionBody(DEMO_FIRM) });
    expect(r.status, r.text).toBe(200);
    expect(r.body.status).toBe('connected');
    expect(await verified(firms.twin)).toBe(true);
  });
  // The jobs use a firm's keys when its connection says connected. An admin reaches that row
  // through Supabase's REST API too: without a guard, a registration that never proved the code
  // (or lost it) could mark itself connected and send for a SIC code another registration holds.
  it('an admin cannot mark a connection connected without the firm proving its SIC code', async () => {
    expect(await verified(firms.real)).toBe(false);
    const as = (sql: string, firm: string) =>
      asUser(t.services.db, { sub: users.real }, (tx) => tx.query(sql, [firm])).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      );
    expect(await as(`update public.connections set status = 'connected' where firm_id = $1`, firms.real)).toBe('42501');
    expect((await t.call('GET', `/v1/firms/${firms.real}/connection`, { token: tokens.real })).body.status).toBe('failed');
    // A brand-new registration cannot insert one either.
    const fresh = await t.call('POST', '/v1/firms', { token: tokens.real, body: { name: 'Third', sicCode: DEMO_FIRM.sic } });
    expect(
      await as(
        `insert into public.connections (firm_id, status, cpa_key_hint, cfe_key_hint, secrets_ciphertext, secrets_key_id)
      values ($1, 'connected', 'x', 'y', 'a.b', 'k')`,
        fresh.body.id,
      ),
    ).toBe('42501');
    // Other changes of its own row stay the admin's (saving a failed check goes this way).
    expect(await as(`update public.connections set checked_at = now() where firm_id = $1`, firms.real)).toBe('ok');
  });
});
