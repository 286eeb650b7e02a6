// The simulator's CPA answers over raw HTTP, as the published wire has them: POST lists paged by
// numeroPage / maxPage in the NbElement / NbPage / Data envelope, FEC names and dd/mm/yyyy dates.
import { describe, expect, it } from 'vitest';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { useSimulator } from '../support/simulator.ts';

const sim = useSimulator();

async function token(): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEMO_FIRM.cpa.key,
    client_secret: DEMO_FIRM.cpa.secret,
    vendor_name: '00000000-0000-4000-8000-000000000001',
    application_name: 'quadra-sync',
    application_version: '1.0.0',
  });
  const r = await fetch(`${sim.cpaBaseUrl}/token`, { method: 'POST', body: form });
  return ((await r.json()) as { access_token: string }).access_token;
}

async function list(path: string, query: Record<string, string>, method = 'POST') {
  const r = await fetch(`${sim.cpaBaseUrl}${path}?${new URLSearchParams(query)}`, {
    method,
    headers: { authorization: `Bearer ${await token()}` },
  });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

describe('simulator: the CPA wire', () => {
  it('pages by numeroPage and maxPage, announcing NbElement and NbPage', async () => {
    const first = await list('/api/v1/dossiers', { maxPage: '2', numeroPage: '1' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ NbElement: 5, NbPage: 3 });
    expect(first.body.Data).toEqual([
      expect.objectContaining({ NumeroDossier: 'ANCIEN', RaisonSociale: expect.any(String) }),
      expect.objectContaining({ NumeroDossier: 'BOULANG' }),
    ]);
    const last = await list('/api/v1/dossiers', { maxPage: '2', numeroPage: '3' });
    expect((last.body.Data as unknown[]).length).toBe(1);
    const past = await list('/api/v1/dossiers', { maxPage: '2', numeroPage: '4' });
    expect(past.body.Data).toEqual([]);
  });

  it('caps maxPage at its own page size, answers NbPage 0 for an empty list, and FEC lines with dd/mm/yyyy dates', async () => {
    sim.control.configure({ pageSize: 3 });
    const accounts = await list('/api/v1/comptabilite/comptes', { numeroDossier: 'BOULANG', maxPage: '1000', numeroPage: '1' });
    expect((accounts.body.Data as unknown[]).length).toBe(3);
    const year = sim.control.now().getUTCFullYear() - 1;
    const q = { numeroDossier: 'BOULANG', maxPage: '50', numeroPage: '1' };
    const none = await list('/api/v1/comptabilite/ecritures', { ...q, dateDebut: `01/12/${year}`, dateFin: `31/12/${year}` });
    expect(none.body).toEqual({ NbElement: 0, NbPage: 0, Data: [] });
    const lines = await list('/api/v1/comptabilite/ecritures', { ...q, dateDebut: `01/01/${year}`, dateFin: `31/12/${year}` });
    const supplier = (lines.body.Data as Array<Record<string, unknown>>).find((l) => l.CompAuxNum === 'FMOULIN');
    expect(supplier).toMatchObject({
      CompteNum: '40100000',
      JournalCode: 'AC',
      Debit: 0,
      EcritureDate: expect.stringMatching(/^\d{2}\/\d{2}\/\d{4}$/),
    });
  });

  it('refuses what the wire does not allow (400): no dossier, no page, a zero page size, an impossible date; a list is not a GET', async () => {
    expect((await list('/api/v1/comptabilite/journaux', { maxPage: '10', numeroPage: '1' })).status).toBe(400);
    expect((await list('/api/v1/comptabilite/journaux', { numeroDossier: 'BOULANG', maxPage: '10' })).status).toBe(400);
    expect((await list('/api/v1/comptabilite/journaux', { numeroDossier: 'BOULANG', maxPage: '0', numeroPage: '1' })).status).toBe(400);
    const entries = { numeroDossier: 'BOULANG', maxPage: '10', numeroPage: '1', dateDebut: '2025-13-01', dateFin: '31/12/2025' };
    expect((await list('/api/v1/comptabilite/ecritures', entries)).status).toBe(400);
    expect((await list('/api/v1/comptabilite/journaux', { numeroDossier: 'BOULANG', maxPage: '10', numeroPage: '1' }, 'GET')).status).toBe(
      404,
    );
    expect((await list('/api/v1/security/getHealthCheck', {}, 'GET')).status).toBe(200);
  });
});
