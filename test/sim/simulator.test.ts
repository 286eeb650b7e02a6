/** The simulator's own rules and its HTTP control plane. */
import { describe, expect, it } from 'vitest';
import { packDeposit, writeAsciiFile, type MLineInput } from '../../src/quadra/ascii/index.ts';
import { depositBlobName } from '../../src/quadra/cfe-client.ts';
import { DEMO_DOSSIERS, DEMO_FIRM, defaultFixture, fiscalYears } from '../../src/sim/index.ts';
import { useSimulator } from '../support/simulator.ts';

const sim = useSimulator();
const SIC = DEMO_FIRM.sic;
const today = () => sim.control.now().toISOString().slice(0, 10);

function entry(ref: string, journal: string, amounts: Array<[string, 'D' | 'C', number]>, date = today()): MLineInput[] {
  return amounts.map(([account, sense, amountCents]) => ({
    account,
    sense,
    amountCents,
    journalCode: journal,
    date,
    label: `Ecriture ${ref}`,
    reference: ref,
  }));
}
const zipOf = (lines: MLineInput[]) => packDeposit({ asciiName: 'E.txt', ascii: writeAsciiFile(lines).bytes, documents: [] });

async function depositAndOpen(dossier: string, zip: Uint8Array) {
  await sim.cfe().upload(depositBlobName(dossier, `d${Math.random().toString(36).slice(2, 8)}`), zip);
  return sim.control.openDossier(SIC, dossier);
}

describe('fixture', () => {
  it('derives fiscal years from now', () => {
    expect(fiscalYears(new Date('2025-03-15T00:00:00Z'))).toEqual({
      previous: { code: '2024', start: '2024-01-01', end: '2024-12-31', status: 'closed' },
      current: { code: '2025', start: '2025-01-01', end: '2025-12-31', status: 'open' },
    });
    expect(fiscalYears(new Date('2025-03-15T00:00:00Z'), 7).current).toEqual({
      code: '2024-2025',
      start: '2024-07-01',
      end: '2025-06-30',
      status: 'open',
    });
    expect(fiscalYears(new Date('2024-02-20T00:00:00Z'), 3).previous.end).toBe('2023-02-28');
  });

  it('has the prerequisite edge cases', () => {
    const fx = defaultFixture(new Date('2025-03-15T00:00:00Z'));
    const demo = fx.firms.find((f) => f.sic === SIC)!;
    const ancien = demo.dossiers.find((d) => d.code === DEMO_DOSSIERS.noOpenPeriod)!;
    expect(ancien.periods.every((p) => p.status === 'closed')).toBe(true);
    const pharma = demo.dossiers.find((d) => d.code === DEMO_DOSSIERS.closedJournal)!;
    expect(pharma.journals.filter((j) => !j.open).map((j) => j.code)).toEqual(['NF']);
    for (const d of demo.dossiers) for (const a of d.accounts) expect(a.number.length).toBeLessThanOrEqual(8);
    expect(fx.firms.find((f) => f.sic === '999000')?.hasContainer).toBe(false);
  });
});

describe('import rules', () => {
  it('closed journal: the whole entry is rejected', async () => {
    const report = await depositAndOpen(
      'PHARMA',
      zipOf(
        entry('NF1', 'NF', [
          ['62510000', 'D', 4500],
          ['42100000', 'C', 4500],
        ]),
      ),
    );
    expect(report.imported).toBe(0);
    expect(report.rejected.map((r) => r.reasonCode)).toEqual(['JournalClosed', 'JournalClosed']);
    sim.control.setJournalOpen(SIC, 'PHARMA', 'NF', true);
    const again = await depositAndOpen(
      'PHARMA',
      zipOf(
        entry('NF1', 'NF', [
          ['62510000', 'D', 4500],
          ['42100000', 'C', 4500],
        ]),
      ),
    );
    expect(again.imported).toBe(2);
  });

  it('unknown journal and no open period are reasons too; one bad line rejects its siblings', async () => {
    const lines = [
      ...entry('X1', 'ZZ', [
        ['51200000', 'D', 100],
        ['70600000', 'C', 100],
      ]),
      ...entry('X2', 'VE', [
        ['CDUPONT', 'D', 1200],
        ['70600000', 'C', 1000],
        ['44571000', 'C', 200],
      ]),
    ];
    const report = await depositAndOpen('BOULANG', zipOf(lines));
    expect(report.imported).toBe(3);
    expect(report.rejected.map((r) => [r.reference, r.reasonCode])).toEqual([
      ['X1', 'JournalUnknown'],
      ['X1', 'JournalUnknown'],
    ]);
    const ancien = await depositAndOpen(
      'ANCIEN',
      zipOf(
        entry('Y1', 'VE', [
          ['51200000', 'D', 100],
          ['70600000', 'C', 100],
        ]),
      ),
    );
    expect(ancien.rejected.map((r) => r.reasonCode)).toEqual(['NoOpenPeriod', 'NoOpenPeriod']);
  });

  it('reopening a period lets its entries in', async () => {
    const year = sim.control.now().getUTCFullYear() - 1;
    const late = entry(
      'L1',
      'OD',
      [
        ['46700000', 'D', 500],
        ['51200000', 'C', 500],
      ],
      `${year}-12-31`,
    );
    expect((await depositAndOpen('CONSEIL', zipOf(late))).imported).toBe(0);
    sim.control.setPeriodStatus(SIC, 'CONSEIL', String(year), 'open');
    expect((await depositAndOpen('CONSEIL', zipOf(late))).imported).toBe(2);
  });

  it('an unbalanced entry is rejected whole', async () => {
    const report = await depositAndOpen(
      'BOULANG',
      zipOf(
        entry('U1', 'OD', [
          ['46700000', 'D', 500],
          ['51200000', 'C', 499],
        ]),
      ),
    );
    expect(report.imported).toBe(0);
    expect(report.rejected.map((r) => r.reasonCode)).toEqual(['Unbalanced', 'Unbalanced']);
  });

  it('unreadable lines and unreadable zips are recorded, not fatal', async () => {
    const good = writeAsciiFile(
      entry('P1', 'BQ', [
        ['51200000', 'D', 700],
        ['70600000', 'C', 700],
      ]),
    ).bytes;
    const bad = new TextEncoder().encode('M51200000BQ000JJMMAA Broken line\r\n');
    const ascii = new Uint8Array([...good, ...bad]);
    const report = await depositAndOpen('BOULANG', packDeposit({ asciiName: 'E.txt', ascii, documents: [] }));
    expect(report.imported).toBe(2);
    expect(report.rejected).toEqual([expect.objectContaining({ lineNumber: 3, reasonCode: 'ParseError' })]);

    const broken = await depositAndOpen('BOULANG', new TextEncoder().encode('not a zip'));
    expect(broken.rejected).toEqual([expect.objectContaining({ lineNumber: 0, reasonCode: 'BadDeposit' })]);
    expect(await sim.control.listBlobs(SIC)).toEqual([]); // taken anyway, as Quadra would
  });

  it('imports deposits oldest first and keeps an import history', async () => {
    await sim.cfe().upload(
      'BOULANG/2.zip',
      zipOf(
        entry('A', 'OD', [
          ['46700000', 'D', 1],
          ['51200000', 'C', 1],
        ]),
      ),
    );
    await new Promise((r) => setTimeout(r, 1100)); // blob Last-Modified has 1 s resolution
    await sim.cfe().upload(
      'BOULANG/1.zip',
      zipOf(
        entry('B', 'OD', [
          ['46700000', 'D', 1],
          ['51200000', 'C', 1],
        ]),
      ),
    );
    const report = await sim.control.openDossier(SIC, 'BOULANG');
    expect(report.deposits.map((d) => d.blobName)).toEqual(['BOULANG/2.zip', 'BOULANG/1.zip']);
    expect(sim.control.imports(SIC, 'BOULANG')).toHaveLength(1);
  });

  it('reset() empties containers and restores the fixture', async () => {
    await sim.cfe().upload('GARAGE/x.zip', new Uint8Array([1, 2, 3]));
    sim.control.addAccount(SIC, 'GARAGE', { number: '99999999', label: 'tmp', kind: 'general' });
    sim.control.setFaults({ latencyMs: 50 });
    await sim.control.reset();
    expect(await sim.control.listBlobs(SIC)).toEqual([]);
    expect(sim.control.accounts(SIC, 'GARAGE').some((a) => a.number === '99999999')).toBe(false);
    const t0 = performance.now();
    await sim.cpa().listDossiers();
    expect(performance.now() - t0).toBeLessThan(500);
  });
});

describe('HTTP control plane', () => {
  const post = (path: string, body?: unknown) =>
    fetch(`${sim.url}/_control${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? '' : JSON.stringify(body),
    });

  it('opens a dossier, shows rejected lines and blobs, injects faults', async () => {
    await sim.cfe().upload(
      'BOULANG/h.zip',
      zipOf(
        entry('H1', 'OD', [
          ['46700000', 'D', 5],
          ['51200000', 'C', 4],
        ]),
      ),
    );
    const blobs = (await (await fetch(`${sim.url}/_control/firms/${SIC}/blobs`)).json()) as Array<{ name: string }>;
    expect(blobs.map((b) => b.name)).toEqual(['BOULANG/h.zip']);

    const open = await post(`/dossiers/${SIC}/BOULANG/open`);
    expect(open.status).toBe(200);
    expect(await open.json()).toMatchObject({ imported: 0, dossier: 'BOULANG' });
    const rejected = (await (await fetch(`${sim.url}/_control/dossiers/${SIC}/BOULANG/rejected`)).json()) as Array<{ reasonCode: string }>;
    expect(rejected.map((r) => r.reasonCode)).toEqual(['Unbalanced', 'Unbalanced']);

    expect((await post('/faults', { failNext: { count: 1, status: 503, service: 'cpa' } })).status).toBe(200);
    const r = await fetch(`${sim.cpaBaseUrl}/api/v1/dossiers`, { method: 'POST' });
    expect(r.status).toBe(503);
    expect(await r.json()).toEqual({ code: 'ServiceUnavailable', message: 'injected fault' });
    expect((await post('/faults', { failNext: { count: 1, status: 418 } })).status).toBe(400);
  });

  it('adds a firm and its dossier over HTTP', async () => {
    const res = await post('/firms', {
      sic: '777000',
      name: 'Cabinet HTTP',
      cpa: { key: 'cpa-http-key', secret: 'cpa-http-secret' },
      cfe: { key: 'cfe-http-key', secret: 'cfe-http-secret' },
      dossiers: [{ code: 'NEW', name: 'Nouveau', periods: [], journals: [{ code: 'VE', label: 'Ventes', open: true }], accounts: [] }],
    });
    expect(res.status).toBe(201);
    const cpa = sim.cpa({ apiKey: 'cpa-http-key', secret: 'cpa-http-secret' });
    expect((await cpa.listDossiers()).map((d) => d.code)).toEqual(['NEW']);
    const cfe = sim.cfe({ sicCode: '777000', apiKey: 'cfe-http-key', secret: 'cfe-http-secret' });
    expect((await cfe.resolveContainer()).containerName).toBe('cfe-777000');
  });

  it('answers Cegid-style errors on the service routes', async () => {
    const noAuth = await fetch(`${sim.cpaBaseUrl}/api/v1/dossiers?maxPage=10&numeroPage=1`, { method: 'POST' });
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toMatchObject({ code: 'Unauthorized' });
    const badGrant = await fetch(`${sim.cpaBaseUrl}/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'password' }) });
    expect(badGrant.status).toBe(400);
    const unknown = await fetch(`${sim.url}/nope`);
    expect(await unknown.json()).toEqual({ code: 'NotFound', message: 'No such route' });
  });

  it('refuses a token request that does not name the calling application, as Quadra On Demand publishes', async () => {
    const form = {
      grant_type: 'client_credentials',
      client_id: DEMO_FIRM.cpa.key,
      client_secret: DEMO_FIRM.cpa.secret,
      vendor_name: '00000000-0000-4000-8000-000000000001',
      application_name: 'quadra-sync',
      application_version: '1.0.0',
    };
    const token = (body: Record<string, string>) => fetch(`${sim.cpaBaseUrl}/token`, { method: 'POST', body: new URLSearchParams(body) });
    expect((await token(form)).status).toBe(200);
    for (const field of ['vendor_name', 'application_name', 'application_version']) {
      const { [field]: _gone, ...rest } = form as Record<string, string>;
      const r = await token(rest);
      expect(r.status, field).toBe(400);
      expect(await r.json()).toEqual({ error: 'invalid_request', error_description: `missing ${field}` });
      expect((await token({ ...form, [field]: ' ' })).status, `${field} blank`).toBe(400);
    }
  });

  it('logs requests without headers or bodies', async () => {
    await sim.cpa().listDossiers();
    const log = sim.control.requests();
    expect(log.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'POST /cpa/token 200',
      'POST /cpa/api/v1/dossiers?maxPage=1000&numeroPage=1 200',
    ]);
    expect(JSON.stringify(log)).not.toContain(DEMO_FIRM.cpa.secret);
  });
});
