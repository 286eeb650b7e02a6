/**
 * End to end over real HTTP and real Azurite: ASCII file -> zip -> CFE upload -> the user opens
 * the dossier -> entries readable through CPA.
 */
import { describe, expect, it } from 'vitest';
import { packDeposit, writeAsciiFile, type MLineInput } from '../../src/quadra/ascii/index.ts';
import { depositBlobName } from '../../src/quadra/cfe-client.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { useSimulator } from '../support/simulator.ts';

const sim = useSimulator();
const SIC = DEMO_FIRM.sic;
const PDF = new TextEncoder().encode('%PDF-1.4 fake invoice');

function today(): string {
  return sim.control.now().toISOString().slice(0, 10);
}
function lastYear(monthDay = '06-15'): string {
  return `${sim.control.now().getUTCFullYear() - 1}-${monthDay}`;
}

/** A purchase: expense + VAT against the supplier, balanced. */
function purchase(
  ref: string,
  date: string,
  opts: { expense?: string; supplier?: string; journal?: string; ht?: number } = {},
): MLineInput[] {
  const ht = opts.ht ?? 10_000;
  const tva = Math.round(ht * 0.2);
  const base = {
    journalCode: opts.journal ?? 'AC',
    date,
    label: `EDF facture ${ref}`,
    pieceNumber: '1042',
    reference: ref,
    attachment: `${ref}.pdf`,
  };
  return [
    { ...base, account: opts.expense ?? '60610000', sense: 'D', amountCents: ht },
    { ...base, account: '44566000', sense: 'D', amountCents: tva },
    { ...base, account: opts.supplier ?? 'FEDF0001', sense: 'C', amountCents: ht + tva },
  ];
}

function deposit(lines: MLineInput[], docs: string[] = []): Uint8Array {
  const { bytes } = writeAsciiFile(lines);
  return packDeposit({ asciiName: 'ECRITURES.txt', ascii: bytes, documents: docs.map((name) => ({ name, bytes: PDF })) });
}

describe('deposit -> open dossier -> entries via CPA', () => {
  it('imports a deposit, creates unknown accounts without label, rejects closed-period entries whole', async () => {
    const cfe = sim.cfe();
    const cpa = sim.cpa();
    const lines = [
      ...purchase('QS000001', today()),
      // 62560000 (Missions) is not in the dossier's chart: Quadra creates it bare.
      ...purchase('QS000002', today(), { expense: '62560000', supplier: 'FSNCF001' }),
      // Previous fiscal year is closed: the whole entry is refused.
      ...purchase('QS000003', lastYear()),
    ];
    const name = depositBlobName('BOULANG', 'batch-1');
    await cfe.upload(name, deposit(lines, ['QS000001.pdf', 'QS000002.pdf', 'QS000003.pdf']));
    expect(await cfe.exists(name)).toBe(true);
    expect((await sim.control.listBlobs(SIC)).map((b) => b.name)).toEqual([name]);

    // Nothing is visible until the user opens the dossier.
    expect(await cpa.listEntries('BOULANG', { from: today(), to: today() })).toEqual([]);

    const report = await sim.control.openDossier(SIC, 'BOULANG');
    expect(report.imported).toBe(6);
    expect(report.rejected).toHaveLength(3);
    expect(report.createdAccounts.sort()).toEqual(['62560000', 'FSNCF001']);
    expect(report.deposits).toEqual([
      { blobName: name, imported: 6, rejected: 3, documents: ['QS000001.pdf', 'QS000002.pdf', 'QS000003.pdf'] },
    ]);

    // Quadra took the deposit: it is gone from the container, remove() finds nothing.
    expect(await sim.control.listBlobs(SIC)).toEqual([]);
    expect(await cfe.exists(name)).toBe(false);
    expect(await cfe.remove(name)).toBe('absent');

    const got = await cpa.listEntries('BOULANG', { from: today(), to: today() });
    expect(got).toHaveLength(6);
    const e1 = got.filter((l) => l.reference === 'QS000001');
    expect(e1.map((l) => [l.account, l.sense, l.amountCents])).toEqual([
      ['60610000', 'D', 10_000],
      ['44566000', 'D', 2_000],
      ['FEDF0001', 'C', 12_000],
    ]);
    for (const l of got) {
      expect(l.account.length).toBeLessThanOrEqual(8);
      expect(l.journalCode).toBe('AC');
      expect(l.date).toBe(today());
      expect(l.lineId).toMatch(/^\d+$/);
      expect(new Date(l.importedAt).getTime()).not.toBeNaN();
    }
    expect(e1[0]).toMatchObject({ label: 'EDF facture QS000001', pieceNumber: '1042', attachment: 'QS000001.pdf' });
    expect(new Set(got.map((l) => l.lineId)).size).toBe(6);

    const accounts = await cpa.listAccounts('BOULANG');
    expect(accounts.find((a) => a.number === '62560000')).toEqual({ kind: 'general', number: '62560000', label: '', collective: null });
    expect(accounts.find((a) => a.number === 'FSNCF001')?.label).toBe('');

    const rejected = sim.control.rejected(SIC, 'BOULANG');
    expect(rejected).toHaveLength(3);
    expect(rejected.every((r) => r.reference === 'QS000003' && r.reasonCode === 'NoOpenPeriod')).toBe(true);
    expect(rejected[0]!.reason).toMatch(/closed/);
    expect(await cpa.listEntries('BOULANG', { from: lastYear('06-01'), to: lastYear('06-30') })).toEqual([]);
    expect(Object.keys(sim.control.documents(SIC, 'BOULANG')).sort()).toEqual(['QS000001.pdf', 'QS000002.pdf', 'QS000003.pdf']);
  });

  it('imported lines carry the test clock as importedAt', async () => {
    sim.control.setNow('2030-03-10T09:30:00.000Z');
    try {
      await sim.control.reset(); // fixture years follow the clock
      await sim.cfe().upload(depositBlobName('CONSEIL', 'd'), deposit(purchase('QS000010', '2030-03-09')));
      await sim.control.openDossier(SIC, 'CONSEIL');
      const got = await sim.cpa().listEntries('CONSEIL', { from: '2030-03-01', to: '2030-03-31' });
      expect(got).toHaveLength(3);
      expect(got.every((l) => l.importedAt === '2030-03-10T09:30:00.000Z')).toBe(true);
    } finally {
      sim.control.setNow(null);
    }
  });

  it('a deposit for a dossier nobody opens stays in the container', async () => {
    const cfe = sim.cfe();
    await cfe.upload(depositBlobName('GARAGE', 'g1'), deposit(purchase('QS000020', today())));
    await cfe.upload(depositBlobName('BOULANG', 'b1'), deposit(purchase('QS000021', today())));
    sim.control.setFaults({ neverOpen: ['GARAGE'] });

    const skipped = await sim.control.openDossier(SIC, 'GARAGE');
    expect(skipped).toMatchObject({ skipped: 'neverOpen', imported: 0 });
    await sim.control.openDossier(SIC, 'BOULANG'); // opening another dossier does not touch GARAGE's deposit

    expect((await sim.control.listBlobs(SIC)).map((b) => b.name)).toEqual(['GARAGE/g1.zip']);
    expect(await cfe.exists('GARAGE/g1.zip')).toBe(true);
    expect(await sim.cpa().listEntries('GARAGE', { from: today(), to: today() })).toEqual([]);
  });

  it('remove() withdraws a not yet imported deposit: nothing reaches Quadra', async () => {
    const cfe = sim.cfe();
    const name = depositBlobName('BOULANG', 'to-withdraw');
    await cfe.upload(name, deposit(purchase('QS000030', today())));
    expect(await cfe.remove(name)).toBe('deleted');
    const report = await sim.control.openDossier(SIC, 'BOULANG');
    expect(report.imported).toBe(0);
    expect(await sim.cpa().listEntries('BOULANG', { from: today(), to: today() })).toEqual([]);
  });

  it('a re-send under the same name replaces the earlier deposit (no duplicate)', async () => {
    const cfe = sim.cfe();
    const name = depositBlobName('BOULANG', 'batch-7');
    await cfe.upload(name, deposit(purchase('QS000040', today())));
    await cfe.upload(name, deposit([...purchase('QS000040', today()), ...purchase('QS000041', today())]));
    const report = await sim.control.openDossier(SIC, 'BOULANG');
    expect(report.imported).toBe(6);
    const refs = (await sim.cpa().listEntries('BOULANG', { from: today(), to: today() })).map((l) => l.reference);
    expect(refs.filter((r) => r === 'QS000040')).toHaveLength(3);
  });

  it('entries appear after importDelayMs', async () => {
    sim.control.configure({ importDelayMs: 400 });
    await sim.cfe().upload(depositBlobName('BOULANG', 'late'), deposit(purchase('QS000050', today())));
    await sim.control.openDossier(SIC, 'BOULANG');
    const cpa = sim.cpa();
    expect(await cpa.listEntries('BOULANG', { from: today(), to: today() })).toEqual([]);
    expect(sim.control.entries(SIC, 'BOULANG').filter((l) => l.reference === 'QS000050')).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 450));
    expect(await cpa.listEntries('BOULANG', { from: today(), to: today() })).toHaveLength(3);
  });
});
