// The CPA reader against what real APIs do and our simulator does not: an empty last page, NbPage 0,
// pages larger than asked, counts and amounts as strings with a decimal comma, a server that never
// stops paging or ignores the modeled filters. Each answer comes from a loopback server over HTTP.
import { afterEach, describe, expect, it } from 'vitest';
import { createCpaClient, type CpaClientOptions } from '../../../src/quadra/cpa-client.ts';
import { startWireServer, type WireHandler, type WireServer } from '../../support/wire-server.ts';
import { FAST_RETRY } from '../../support/simulator.ts';
import { cegidFailure } from './helpers.ts';
import pkg from '../../../package.json' with { type: 'json' };

let server: WireServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function client(handle: WireHandler, opts: Partial<CpaClientOptions> = {}) {
  server = await startWireServer(handle);
  return createCpaClient({ baseUrl: server.url, apiKey: 'wire-key', secret: 'wire-secret', ...FAST_RETRY, ...opts });
}
const entryPages = () => server!.requests.filter((r) => r.path === '/api/v1/comptabilite/ecritures');
const pageOf = (r: { query: URLSearchParams }) => Number(r.query.get('numeroPage'));

function line(n: number, extra: Record<string, unknown> = {}) {
  return {
    NumLigne: `L${n}`,
    JournalCode: 'VE',
    EcritureDate: '15/03/2025',
    CompteNum: '70600000',
    CompAuxNum: '',
    EcritureLib: `Vente ${n}`,
    Debit: 0,
    Credit: 100 + n,
    PieceRef: `F${n}`,
    PieceAlpha: `QS-${n}`,
    DateImport: '2025-03-16T09:00:00Z',
    ...extra,
  };
}
const lines = (from: number, count: number) => Array.from({ length: count }, (_, i) => line(from + i));
const Q = { from: '2025-01-01', to: '2025-12-31' };

describe('CPA token request, as published', () => {
  it("names the application: vendor_name, application_name, application_version (by default the package's version)", async () => {
    const cpa = await client(() => ({ body: { NbElement: 0, NbPage: 0, Data: [] } }), {
      identity: { vendorName: '3f2b8c1e-0000-4000-8000-0000000000aa', applicationName: 'quadra-sync', applicationVersion: '9.9.9' },
    });
    await cpa.listDossiers();
    expect(Object.fromEntries(server!.tokenForms[0]!)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'wire-key',
      client_secret: 'wire-secret',
      vendor_name: '3f2b8c1e-0000-4000-8000-0000000000aa',
      application_name: 'quadra-sync',
      application_version: '9.9.9',
    });
    await server!.stop();
    const dev = await client(() => ({ body: { NbElement: 0, NbPage: 0, Data: [] } }));
    await dev.listDossiers();
    expect(server!.tokenForms[0]?.get('application_version')).toBe(pkg.version);
    expect(server!.tokenForms[0]?.get('vendor_name')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });
});

describe('CPA reader: paging as real APIs answer', () => {
  it('asks the published way: POST, numeroDossier, maxPage, numeroPage from 1; dates dd/mm/yyyy', async () => {
    const cpa = await client(() => ({ body: { NbElement: 1, NbPage: 1, Data: lines(1, 1) } }), { entriesPageSize: 250 });
    await cpa.listEntries('BOULANG', { ...Q, journal: 'VE' });
    const [r] = entryPages();
    expect(r?.method).toBe('POST');
    expect(Object.fromEntries(r!.query)).toEqual({
      numeroDossier: 'BOULANG',
      maxPage: '250',
      numeroPage: '1',
      dateDebut: '01/01/2025',
      dateFin: '31/12/2025',
      codeJournal: 'VE',
    });
  });

  it('an empty Data on the last page: what came before is kept, and paging stops there', async () => {
    const cpa = await client((r) => {
      const p = pageOf(r);
      return { body: { NbElement: 4, NbPage: 3, Data: p <= 2 ? lines(p * 10, 2) : [] } };
    });
    expect((await cpa.listEntries('D', Q)).map((l) => l.lineId)).toEqual(['L10', 'L11', 'L20', 'L21']);
    expect(entryPages().map(pageOf)).toEqual([1, 2, 3]);
  });

  it('an empty page before the announced last one ends the list (no endless asking), and a list short of its NbElement is a BadResponse, not a shorter answer', async () => {
    const cpa = await client((r) => ({ body: { NbElement: 50, NbPage: 9, Data: pageOf(r) === 1 ? lines(1, 2) : [] } }));
    await expect(cpa.listEntries('D', Q)).rejects.toMatchObject({ code: 'BadResponse', message: expect.stringMatching(/2 of the 50/) });
    expect(entryPages().map(pageOf)).toEqual([1, 2]);
    // Without a count the empty page is the end.
    const uncounted = await client((r) => ({ body: { NbPage: 9, Data: pageOf(r) === 1 ? lines(1, 2) : [] } }));
    expect(await uncounted.listEntries('D', Q)).toHaveLength(2);
  });

  it('the announced last page reached with fewer records than NbElement: a BadResponse (a check must never read Quadra short)', async () => {
    const cpa = await client((r) => ({ body: { NbElement: 5, NbPage: 2, Data: lines(pageOf(r) * 10, 2) } }));
    await expect(cpa.listEntries('D', Q)).rejects.toMatchObject({ code: 'BadResponse', message: expect.stringMatching(/4 of the 5/) });
  });

  it('NbPage 0: an empty list after one request', async () => {
    const cpa = await client(() => ({ body: { NbElement: 0, NbPage: 0, Data: [] } }));
    expect(await cpa.listEntries('D', Q)).toEqual([]);
    expect(entryPages()).toHaveLength(1);
  });

  it('a page larger than asked is taken whole, and NbPage still ends the list', async () => {
    const cpa = await client(() => ({ body: { NbElement: 7, NbPage: 1, Data: lines(1, 7) } }), { entriesPageSize: 2 });
    expect(await cpa.listEntries('D', Q)).toHaveLength(7);
    expect(entryPages()).toHaveLength(1);
    expect(entryPages()[0]?.query.get('maxPage')).toBe('2');
  });

  it('counts and amounts as strings with a decimal comma', async () => {
    const data = [line(1, { Debit: '1234,50', Credit: '0,00' }), line(2, { Debit: '0', Credit: '1 234,50' })];
    const cpa = await client(() => ({ body: { NbElement: '2', NbPage: '1', Data: data } }));
    const got = await cpa.listEntries('D', Q);
    expect(got.map((l) => [l.sense, l.amountCents])).toEqual([
      ['D', 123450],
      ['C', 123450],
    ]);
  });

  it('amounts as JSON numbers with decimals, to the exact cent', async () => {
    const data = [line(1, { Debit: 0.07, Credit: 0 }), line(2, { Debit: 0, Credit: 1.15 }), line(3, { Debit: 99999999.99, Credit: 0 })];
    const cpa = await client(() => ({ body: { NbElement: 3, NbPage: 1, Data: data } }));
    expect((await cpa.listEntries('D', Q)).map((l) => l.amountCents)).toEqual([7, 115, 9_999_999_999]);
  });

  it('a server that never stops paging is cut off by the guard, with BadResponse', async () => {
    const cpa = await client((r) => ({ body: { NbElement: 1e9, NbPage: 1e7, Data: lines(pageOf(r), 1) } }), { maxPages: 5 });
    const err = await cegidFailure(cpa.listEntries('D', Q));
    expect(err).toMatchObject({ code: 'BadResponse', retryable: false });
    expect(err.message).toMatch(/did not terminate/);
    expect(entryPages()).toHaveLength(5);
  });

  it('lines outside the asked range or journal are dropped (the date and journal filters are modeled)', async () => {
    const data = [line(1), line(2, { EcritureDate: '31/12/2024' }), line(3, { JournalCode: 'AC' })];
    const cpa = await client(() => ({ body: { NbElement: 3, NbPage: 1, Data: data } }));
    expect((await cpa.listEntries('D', { ...Q, journal: 'VE' })).map((l) => l.lineId)).toEqual(['L1']);
  });

  it('a record that does not read is a BadResponse naming its wire field, not retried', async () => {
    const cpa = await client(() => ({ body: { NbElement: 1, NbPage: 1, Data: [line(1, { EcritureDate: '2025/03/15' })] } }));
    const err = await cegidFailure(cpa.listEntries('D', Q));
    expect(err).toMatchObject({ code: 'BadResponse', retryable: false });
    expect(err.message).toContain('record 0: EcritureDate: expected a date dd/mm/yyyy');
    expect(entryPages()).toHaveLength(1);
  });
});
