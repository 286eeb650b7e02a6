// PUT/GET /v1/firms/{firmId}/connection against the simulator over real HTTP: the four codes are
// checked live, saved encrypted whatever the verdict, and a slow Cegid gets a 503 in bounded time
// without touching what was stored.
import type { PgBoss } from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { DEMO_FIRM, NO_CONTAINER_FIRM, NO_PORTAL_FIRM } from '../../src/sim/index.ts';
import { createTestContext, type TestContext } from '../support/context.ts';
import { engine } from '../support/db.ts';
import { startTestJobs } from '../support/jobs.ts';
import { useSimulator } from '../support/simulator.ts';
import { connectionBody, expectNoSecrets, recordResponses, waitForRun } from './helpers.ts';

const sim = useSimulator();
const WRONG = { ...DEMO_FIRM, cpa: { key: DEMO_FIRM.cpa.key, secret: 'not-the-cpa-secret' } };
const OTHER_KEYS = {
  ...DEMO_FIRM,
  cpa: { key: 'cpa-other-key-9999', secret: 'cpa-other-secret' },
  cfe: { key: 'cfe-other-key-8888', secret: 'cfe-other-secret' },
};

describe(`connection (${engine})`, () => {
  let t: TestContext;
  let boss: PgBoss;
  let responses: string[];
  const alice = crypto.randomUUID();
  const carol = crypto.randomUUID(); // member of Alice's firm, not admin
  let aliceToken: string;
  let carolToken: string;
  let firmId: string;

  const storedRow = async () =>
    (await t.services.db.query<Record<string, unknown>>('select * from public.connections where firm_id = $1', [firmId])).rows[0];

  beforeAll(async () => {
    t = await createTestContext({
      cegid: { cpaBaseUrl: sim.cpaBaseUrl, cfeBaseUrl: sim.cfeBaseUrl, timeoutMs: 3_000, maxAttempts: 2, retryBaseMs: 10 },
    });
    responses = recordResponses(t);
    boss = await startTestJobs(t);
    aliceToken = await t.token(alice);
    carolToken = await t.token(carol);
    const firm = await t.call('POST', '/v1/firms', {
      token: aliceToken,
      body: { name: 'Cabinet Lefèvre Expertise', sicCode: DEMO_FIRM.sic },
    });
    firmId = firm.body.id;
    await asService(t.services.db, (tx) =>
      tx.query(`insert into public.firm_members (firm_id, user_id, role) values ($1, $2, 'member')`, [firmId, carol]),
    );
  });
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true } as Parameters<PgBoss['stop']>[0]).catch(() => {});
    await t?.close();
  });

  it('before any connection: GET is a 404 and a sync is refused', async () => {
    const r = await t.call('GET', `/v1/firms/${firmId}/connection`, { token: aliceToken });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('not_found');
    const s = await t.call('POST', `/v1/firms/${firmId}/reference-sync`, { token: aliceToken });
    expect(s.status).toBe(409);
    expect(s.body.error.code).toBe('not_connected');
  });

  it('good keys: connected, both checks ok, masked keys, secrets sealed, a reference sync queued', async () => {
    const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: aliceToken, body: connectionBody(DEMO_FIRM) });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({
      status: 'connected',
      checks: [
        { name: 'cpa', ok: true },
        { name: 'cfe', ok: true },
      ],
      cpaKeyHint: `…${DEMO_FIRM.cpa.key.slice(-4)}`,
      cfeKeyHint: `…${DEMO_FIRM.cfe.key.slice(-4)}`,
      checkedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const got = await t.call('GET', `/v1/firms/${firmId}/connection`, { token: aliceToken });
    expect(got.body).toEqual(r.body);

    // At rest: only ciphertext, which opens to the four codes.
    const row = (await storedRow())!;
    expect(JSON.stringify(row)).not.toContain(DEMO_FIRM.cpa.secret);
    expect(JSON.stringify(row)).not.toContain(DEMO_FIRM.cfe.secret);
    const opened = JSON.parse(
      await t.services.secrets.open({ keyId: row.secrets_key_id as string, ciphertext: row.secrets_ciphertext as string }),
    );
    expect(opened).toEqual(connectionBody(DEMO_FIRM));

    const runs = await t.call('GET', `/v1/firms/${firmId}/reference-sync`, { token: aliceToken });
    expect(runs.body.runs).toHaveLength(1);
    expect(runs.body.runs[0].trigger).toBe('connection');
    const run = await waitForRun(t, aliceToken, firmId, runs.body.runs[0].id);
    expect(run.status).toBe('succeeded');
  });

  it('a member who is not admin may read the connection but not change it', async () => {
    expect((await t.call('GET', `/v1/firms/${firmId}/connection`, { token: carolToken })).status).toBe(200);
    const before = await storedRow();
    const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: carolToken, body: connectionBody(OTHER_KEYS) });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('forbidden');
    expect(await storedRow()).toEqual(before);
  });

  it("a wrong CPA secret: failed, with the CPA check's code and remedy, saved for a retry, syncs refused", async () => {
    const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: aliceToken, body: connectionBody(WRONG) });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('failed');
    const [cpa, cfe] = r.body.checks;
    expect(cpa).toMatchObject({ name: 'cpa', ok: false, code: 'Unauthorized' });
    expect(cpa.message).toContain('Check the CPA API key and its secret');
    expect(cfe).toEqual({ name: 'cfe', ok: true });
    expect((await t.call('GET', `/v1/firms/${firmId}/connection`, { token: aliceToken })).body).toEqual(r.body);
    const row = (await storedRow())!;
    const opened = JSON.parse(
      await t.services.secrets.open({ keyId: row.secrets_key_id as string, ciphertext: row.secrets_ciphertext as string }),
    );
    expect(opened.cpa.secret).toBe(WRONG.cpa.secret);
    const s = await t.call('POST', `/v1/firms/${firmId}/reference-sync`, { token: aliceToken });
    expect(s.status).toBe(409);
    expect(s.body.error.code).toBe('not_connected');
  });

  it("a firm without an exchange container: the CFE check says ContainerNotFoundInSicSettings with the brief's remedy", async () => {
    const bob = await t.token(crypto.randomUUID());
    const firm = await t.call('POST', '/v1/firms', {
      token: bob,
      body: { name: 'Cabinet Sans Conteneur', sicCode: NO_CONTAINER_FIRM.sic },
    });
    const r = await t.call('PUT', `/v1/firms/${firm.body.id}/connection`, { token: bob, body: connectionBody(NO_CONTAINER_FIRM) });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('failed');
    expect(r.body.checks[0]).toEqual({ name: 'cpa', ok: true });
    const cfe = r.body.checks[1];
    expect(cfe).toMatchObject({ name: 'cfe', ok: false, code: 'ContainerNotFoundInSicSettings' });
    expect(cfe.message).toContain('Regenerate the CFE API key in Cegid Life');
    expect(cfe.message).toContain(
      'the CFE key in Cegid Life (Administration > User Management > API Keys) matches the one entered in the Cegid Quadra settings (Tools > API Keys > Cegid File Exchange)',
    );
    // Failed connections queue no sync.
    expect((await t.call('GET', `/v1/firms/${firm.body.id}/reference-sync`, { token: bob })).body.runs).toEqual([]);
  });

  it('a Cegid account without Collaborative Portal access: the CPA check says to contact the sales representative', async () => {
    const dan = await t.token(crypto.randomUUID());
    const firm = await t.call('POST', '/v1/firms', { token: dan, body: { name: 'Cabinet Sans Portail', sicCode: NO_PORTAL_FIRM.sic } });
    const r = await t.call('PUT', `/v1/firms/${firm.body.id}/connection`, { token: dan, body: connectionBody(NO_PORTAL_FIRM) });
    expect(r.body.status).toBe('failed');
    expect(r.body.checks[0]).toMatchObject({ name: 'cpa', ok: false, code: 'Forbidden' });
    expect(r.body.checks[0].message).toContain('Contact your Cegid sales representative');
  });

  it("a slow Cegid: 503 within the route's deadline, the stored connection untouched", async () => {
    // Good keys stored first, so "untouched" means something.
    expect(
      (await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: aliceToken, body: connectionBody(DEMO_FIRM) })).body.status,
    ).toBe('connected');
    const before = await storedRow();
    const settings = t.services.cegid;
    t.services.cegid = { ...settings, timeoutMs: 300 };
    sim.control.setFaults({ latencyMs: 5_000 });
    try {
      const started = performance.now();
      const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: aliceToken, body: connectionBody(OTHER_KEYS) });
      const elapsed = performance.now() - started;
      expect(r.status).toBe(503);
      expect(r.body.error.code).toBe('cegid_unavailable');
      expect(r.body.error.message).toMatch(/Nothing was changed: try again in a few minutes/);
      expect(elapsed).toBeLessThan(2 * 300 + 700); // the deadline (2 x timeout) plus the database write budget
      expect(await storedRow()).toEqual(before);
    } finally {
      t.services.cegid = settings;
      sim.control.clearFaults();
    }
  });

  it('Cegid unavailable (5xx on every try): 503, nothing stored changes', async () => {
    const before = await storedRow();
    sim.control.setFaults({ failNext: { count: 50, status: 503, service: 'cfe' } });
    const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: aliceToken, body: connectionBody(OTHER_KEYS) });
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('cegid_unavailable');
    expect(r.body.error.details.checks[1]).toMatchObject({ name: 'cfe', ok: false, code: 'Unavailable' });
    expect(await storedRow()).toEqual(before);
  });

  it('validates the body strictly (422 with field paths)', async () => {
    const cases: Array<[unknown, string]> = [
      [{ ...connectionBody(DEMO_FIRM), extra: 1 }, ''],
      [{ cpa: connectionBody(DEMO_FIRM).cpa }, 'cfe'],
      [{ ...connectionBody(DEMO_FIRM), cpa: { apiKey: 'short', secret: DEMO_FIRM.cpa.secret } }, 'cpa.apiKey'],
      [{ ...connectionBody(DEMO_FIRM), cfe: { ...connectionBody(DEMO_FIRM).cfe, sasUrl: 'x' } }, 'cfe'],
    ];
    for (const [body, path] of cases) {
      const r = await t.call('PUT', `/v1/firms/${firmId}/connection`, { token: aliceToken, body });
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.code).toBe('validation_error');
      expect(r.body.error.details.issues.map((i: { path: string }) => i.path)).toContain(path);
    }
  });

  it('never returns nor logs a secret, a full key, a token or a SAS signature', () => {
    expect(responses.length).toBeGreaterThan(10);
    expectNoSecrets([...responses, ...t.logLines], [DEMO_FIRM, WRONG, OTHER_KEYS, NO_CONTAINER_FIRM, NO_PORTAL_FIRM]);
  });
});
