import { describe, expect, it } from 'vitest';
import { checkCegidKeys } from '../../../src/quadra/connection-check.ts';
import { createCpaClient } from '../../../src/quadra/cpa-client.ts';
import { DEMO_FIRM, NO_CONTAINER_FIRM, NO_PORTAL_FIRM } from '../../../src/sim/index.ts';
import { FAST_RETRY, useSimulator } from '../../support/simulator.ts';
import { cegidFailure } from './helpers.ts';

const sim = useSimulator();
const SIC = DEMO_FIRM.sic;
const tokenCalls = () => sim.control.requests({ service: 'cpa', pathContains: '/token' }).length;

describe('CPA client: tokens', () => {
  it('gets a token once and reuses it across calls', async () => {
    const cpa = sim.cpa();
    const dossiers = await cpa.listDossiers();
    expect(dossiers.map((d) => d.code)).toEqual(['ANCIEN', 'BOULANG', 'CONSEIL', 'GARAGE', 'PHARMA']);
    await cpa.listJournals('BOULANG');
    await cpa.listPeriods('BOULANG');
    expect(tokenCalls()).toBe(1);
  });

  it('refreshes the token 60 s before expiry, not earlier', async () => {
    let now = Date.parse('2025-06-01T08:00:00Z');
    const cpa = sim.cpa({ now: () => now });
    await cpa.listDossiers();
    now += (36_000 - 61) * 1000; // token still has 61 s left
    await cpa.listDossiers();
    expect(tokenCalls()).toBe(1);
    now += 2_000; // 59 s left: inside the margin
    await cpa.listDossiers();
    expect(tokenCalls()).toBe(2);
  });

  it('on a 401 refreshes once and retries (forced expiry on the Cegid side)', async () => {
    const cpa = sim.cpa();
    await cpa.listDossiers();
    sim.control.setFaults({ expireTokens: true });
    const dossiers = await cpa.listDossiers();
    expect(dossiers.length).toBe(5);
    expect(tokenCalls()).toBe(2);
    const statuses = sim.control.requests({ pathContains: '/dossiers' }).map((r) => r.status);
    expect(statuses).toEqual([200, 401, 200]);
  });

  it('refreshes only once: a second 401 is final', async () => {
    // Tokens live 1 ms and every request waits 5 ms before it is checked: each token is dead on
    // arrival, whatever the machine's speed.
    sim.control.configure({ tokenTtlSec: 0.001 });
    sim.control.setFaults({ latencyMs: 5 });
    const cpa = sim.cpa();
    const err = await cegidFailure(cpa.listDossiers());
    expect(err).toMatchObject({ service: 'cpa', status: 401, code: 'Unauthorized', retryable: false });
    expect(tokenCalls()).toBe(2);
    expect(sim.control.requests({ pathContains: '/dossiers' }).length).toBe(2);
  });

  it('wrong secret -> Unauthorized with the "secret shown once" remedy, no retry', async () => {
    const cpa = sim.cpa({ secret: 'wrong-secret-123' });
    const err = await cegidFailure(cpa.checkToken(), ['wrong-secret-123']);
    expect(err).toMatchObject({ status: 401, code: 'Unauthorized', retryable: false });
    expect(err.remedy).toMatch(/shown only once/);
    expect(err.remedy).toMatch(/regenerate/i);
    expect(tokenCalls()).toBe(1);
  });

  it("a token request without the application's identity is refused: VendorIdentityRejected, the keys are not blamed", async () => {
    const cpa = sim.cpa({ identity: { vendorName: '', applicationName: 'quadra-sync', applicationVersion: '1.0.0' } });
    const err = await cegidFailure(cpa.checkToken());
    expect(err).toMatchObject({ status: 400, code: 'VendorIdentityRejected', retryable: false });
    expect(err.message).toContain('missing vendor_name');
    expect(err.remedy).toMatch(/Nothing is wrong with the keys you entered/);
    expect(err.remedy).toContain('CEGID_VENDOR_NAME');
    expect(tokenCalls()).toBe(1);
  });

  it('the connection check turns that refusal into its remedy, for both services', async () => {
    const checks = await checkCegidKeys(
      {
        cpaBaseUrl: sim.cpaBaseUrl,
        cfeBaseUrl: sim.cfeBaseUrl,
        ...FAST_RETRY,
        identity: { vendorName: '00000000-0000-4000-8000-000000000001', applicationName: '', applicationVersion: '1.0.0' },
      },
      {
        sicCode: SIC,
        cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
        cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
      },
    );
    for (const name of ['cpa', 'cfe'] as const) {
      const check = checks.find((c) => c.name === name);
      expect(check).toMatchObject({ ok: false, code: 'VendorIdentityRejected' });
      expect(check?.transient).toBeUndefined();
      expect(check?.message).toMatch(/vendor identification.*Nothing is wrong with the keys you entered/);
    }
  });

  it('checkToken calls the published health check, then reads the dossiers', async () => {
    await sim.cpa().checkToken();
    expect(sim.control.requests({ service: 'cpa' }).map((r) => `${r.method} ${r.path.split('?')[0]} ${r.status}`)).toEqual([
      'POST /cpa/token 200',
      'GET /cpa/api/v1/security/getHealthCheck 200',
      'POST /cpa/api/v1/dossiers 200',
    ]);
  });

  it('a CFE key is not a CPA key', async () => {
    const cpa = sim.cpa({ apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret });
    const err = await cegidFailure(cpa.checkToken());
    expect(err.code).toBe('Unauthorized');
  });

  it('no Collaborative Portal access -> 403 Forbidden, "contact your Cegid sales representative"', async () => {
    const cpa = sim.cpa({ apiKey: NO_PORTAL_FIRM.cpa.key, secret: NO_PORTAL_FIRM.cpa.secret });
    const err = await cegidFailure(cpa.checkToken());
    expect(err).toMatchObject({ status: 403, code: 'Forbidden', retryable: false });
    expect(err.remedy).toContain('Cegid Collaborative Portal');
    expect(err.remedy).toContain('Contact your Cegid sales representative');
    expect(err.toUserError().code).toBe('Forbidden');
  });

  it('checkToken reports expiry and dossier count', async () => {
    const before = Date.now();
    const r = await sim.cpa().checkToken();
    expect(r.dossierCount).toBe(5);
    expect(r.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 36_000_000 - 1000);
  });

  it('a token only reads its own firm', async () => {
    const other = sim.cpa({ apiKey: NO_CONTAINER_FIRM.cpa.key, secret: NO_CONTAINER_FIRM.cpa.secret });
    expect((await other.listDossiers()).map((d) => d.code)).toEqual(['MAISON']);
    const err = await cegidFailure(other.listJournals('BOULANG'));
    expect(err).toMatchObject({ status: 404, code: 'NotFound' });
  });
});

describe('CPA client: retries', () => {
  it('retries 503 and succeeds', async () => {
    sim.control.setFaults({ failNext: { count: 2, status: 503, service: 'cpa', pathContains: '/journaux' } });
    const journals = await sim.cpa().listJournals('BOULANG');
    expect(journals.map((j) => j.code)).toEqual(['AC', 'BQ', 'NF', 'OD', 'VE']);
    expect(sim.control.requests({ pathContains: '/journaux' }).map((r) => r.status)).toEqual([503, 503, 200]);
  });

  it('honours Retry-After on 429 (waits at least the header)', async () => {
    sim.control.setFaults({ failNext: { count: 1, status: 429, retryAfterSec: 1, service: 'cpa', pathContains: '/exercices' } });
    const cpa = sim.cpa();
    await cpa.listDossiers(); // token outside the measurement
    const t0 = performance.now();
    const periods = await cpa.listPeriods('BOULANG');
    const waited = performance.now() - t0;
    expect(periods).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(sim.control.requests({ pathContains: '/exercices' }).map((r) => r.status)).toEqual([429, 200]);
  });

  it('gives up at once when Retry-After exceeds the cap, retryable with the wait', async () => {
    sim.control.setFaults({ failNext: { count: 1, status: 429, retryAfterSec: 120, service: 'cpa', pathContains: '/exercices' } });
    const err = await cegidFailure(sim.cpa({ retryAfterCapMs: 5_000 }).listPeriods('BOULANG'));
    expect(err).toMatchObject({ status: 429, code: 'RateLimited', retryable: true, retryAfterMs: 120_000 });
    expect(sim.control.requests({ pathContains: '/exercices' })).toHaveLength(1);
  });

  it('stops after maxAttempts with a retryable Unavailable', async () => {
    sim.control.setFaults({ failNext: { count: 10, status: 500, service: 'cpa', pathContains: '/comptes' } });
    const err = await cegidFailure(sim.cpa({ maxAttempts: 3 }).listAccounts('BOULANG'));
    expect(err).toMatchObject({ status: 500, code: 'Unavailable', retryable: true });
    expect(err.remedy).toMatch(/retry automatically; nothing was changed/);
    expect(sim.control.requests({ pathContains: '/comptes' })).toHaveLength(3);
  });

  it('retries a failing token endpoint too', async () => {
    sim.control.setFaults({ failNext: { count: 1, status: 502, service: 'cpa', pathContains: '/token' } });
    await sim.cpa().listDossiers();
    expect(sim.control.requests({ pathContains: '/token' }).map((r) => r.status)).toEqual([502, 200]);
  });

  it('does not retry a 400', async () => {
    const err = await cegidFailure(sim.cpa().listEntries('BOULANG', { from: 'yesterday', to: '2025-01-31' }));
    expect(err).toMatchObject({ status: 400, code: 'BadRequest', retryable: false });
    expect(sim.control.requests({ pathContains: '/ecritures' })).toHaveLength(1);
  });

  it('does not retry a 404', async () => {
    const err = await cegidFailure(sim.cpa().listAccounts('NOPE'));
    expect(err).toMatchObject({ status: 404, code: 'NotFound', retryable: false });
    expect(sim.control.requests({ pathContains: 'numeroDossier=NOPE' })).toHaveLength(1);
  });

  it('times out -> CegidError Timeout (latency above the timeout), retried then given up', async () => {
    const cpa = sim.cpa({ timeoutMs: 150, maxAttempts: 2 });
    await cpa.listDossiers();
    sim.control.setFaults({ latencyMs: 600 });
    const t0 = performance.now();
    const err = await cegidFailure(cpa.listDossiers());
    expect(err).toMatchObject({ code: 'Timeout', retryable: true });
    expect(err.status).toBeUndefined();
    expect(err.remedy).toMatch(/did not answer/);
    expect(performance.now() - t0).toBeLessThan(1_000);
    // The simulator still finishes the abandoned requests: let them land inside this test, not in
    // the next one's request log.
    await new Promise((r) => setTimeout(r, 800));
  });

  it('network failure -> Unavailable, retryable', async () => {
    const cpa = createCpaClient({ baseUrl: 'http://127.0.0.1:9/cpa', apiKey: 'k-0000', secret: 's-0000', ...FAST_RETRY, maxAttempts: 2 });
    const err = await cegidFailure(cpa.listDossiers(), ['k-0000', 's-0000']);
    expect(err).toMatchObject({ code: 'Unavailable', retryable: true });
  });
});

describe('CPA client: data', () => {
  it('follows pagination', async () => {
    sim.control.configure({ pageSize: 4 });
    const accounts = await sim.cpa().listAccounts('BOULANG');
    const expected = sim.control.accounts(SIC, 'BOULANG');
    expect(accounts).toHaveLength(expected.length);
    expect(new Set(accounts.map((a) => a.number)).size).toBe(expected.length);
    const pages = sim.control.requests({ pathContains: '/comptes' });
    expect(pages).toHaveLength(Math.ceil(expected.length / 4));
    expect(pages.map((p) => new URL(p.path, sim.url).searchParams.get('numeroPage'))).toEqual(pages.map((_, i) => String(i + 1)));
    expect(pages.every((p) => p.method === 'POST' && p.path.includes('numeroDossier=BOULANG'))).toBe(true);
  });

  it('reads accounts, journals and periods as Quadra has them', async () => {
    const cpa = sim.cpa();
    const accounts = await cpa.listAccounts('BOULANG');
    expect(accounts).toContainEqual({ kind: 'general', number: '51200000', label: 'Banque', collective: null });
    expect(accounts).toContainEqual({ kind: 'supplier', number: 'FEDF0001', label: 'EDF', collective: '40100000' });
    expect(accounts).toContainEqual({ kind: 'customer', number: 'CDUPONT', label: 'Dupont Traiteur', collective: '41100000' });
    expect(accounts.every((a) => a.number.length <= 8)).toBe(true);

    const journals = await cpa.listJournals('PHARMA');
    expect(journals.find((j) => j.code === 'NF')).toEqual({ code: 'NF', label: 'Notes de frais', open: false });

    const year = sim.control.now().getUTCFullYear();
    expect(await cpa.listPeriods('BOULANG')).toEqual([
      { code: String(year - 1), start: `${year - 1}-01-01`, end: `${year - 1}-12-31`, status: 'closed' },
      { code: String(year), start: `${year}-01-01`, end: `${year}-12-31`, status: 'open' },
    ]);
    expect((await cpa.listPeriods('ANCIEN')).every((p) => p.status === 'closed')).toBe(true);
  });

  it('reads entries in a date range, across pages', async () => {
    sim.control.configure({ entriesPageSize: 2 });
    const year = sim.control.now().getUTCFullYear() - 1;
    const lines = await sim.cpa().listEntries('BOULANG', { from: `${year}-01-01`, to: `${year}-12-31` });
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => l.account).sort()).toEqual(['44566000', '60700000', 'FMOULIN']);
    expect(new Set(lines.map((l) => l.lineId)).size).toBe(3);
    expect(sim.control.requests({ pathContains: '/ecritures' })).toHaveLength(2);
    expect(await sim.cpa().listEntries('BOULANG', { from: `${year}-12-01`, to: `${year}-12-31` })).toEqual([]);
  });

  it('a body of the wrong shape -> BadResponse, not retried', async () => {
    sim.control.setFaults({ malformNext: { count: 1, service: 'cpa', pathContains: '/dossiers' } });
    const err = await cegidFailure(sim.cpa().listDossiers());
    expect(err).toMatchObject({ code: 'BadResponse', retryable: false });
    expect(sim.control.requests({ pathContains: '/dossiers' })).toHaveLength(1);
  });

  it('paths are configurable (the real contract can be dropped in)', async () => {
    const cpa = sim.cpa({
      baseUrl: sim.url,
      paths: { token: '/cpa/token', dossiers: '/cpa/api/v1/dossiers', journals: '/cpa/api/v1/comptabilite/journaux' },
    });
    expect((await cpa.listDossiers()).length).toBe(5);
    expect((await cpa.listJournals('GARAGE')).length).toBe(5);
  });
});
