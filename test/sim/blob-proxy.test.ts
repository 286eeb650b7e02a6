// The simulator's upload faults and import counts, driven over HTTP as an out-of-process test
// (or the soak) drives them.
import { describe, expect, it } from 'vitest';
import { packDeposit, writeAsciiFile } from '../../src/quadra/ascii/index.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { cegidFailure } from '../quadra/clients/helpers.ts';
import { useSimulator } from '../support/simulator.ts';

const sim = useSimulator();
const SIC = DEMO_FIRM.sic;
const post = (path: string, body?: unknown) =>
  fetch(`${sim.url}/_control${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? '' : JSON.stringify(body),
  });
/** A one-entry deposit (a balanced purchase) under reference `ref`. */
function buildAsciiSample(ref: string): Uint8Array {
  const base = { journalCode: 'AC', date: '2026-11-05', label: `Achat ${ref}`, pieceNumber: '1', reference: ref, attachment: '' };
  const { bytes } = writeAsciiFile([
    { ...base, account: '60610000', sense: 'D', amountCents: 1_000 },
    { ...base, account: '40100000', sense: 'C', amountCents: 1_000 },
  ]);
  return packDeposit({ asciiName: 'ECRITURES.txt', ascii: bytes, documents: [] });
}
const get = async (path: string) => (await fetch(`${sim.url}/_control${path}`)).json();

describe('simulator: upload faults and import counts over /_control', () => {
  it('an answer dropped after the blob landed: the client sees a failure, the blob is there, opening imports it once', async () => {
    expect((await post('/uploads', { actions: ['dropAnswer'] })).status).toBe(200);
    await cegidFailure(sim.cfe().upload('BOULANG/lost.zip', buildAsciiSample('Q000000901')));
    expect((await sim.control.listBlobs(SIC, 'BOULANG/')).map((b) => b.name)).toEqual(['BOULANG/lost.zip']);
    await post(`/dossiers/${SIC}/BOULANG/open`);
    expect(await get(`/dossiers/${SIC}/BOULANG/import-counts`)).toEqual({ Q000000901: 1 });
  });

  it('a removal queued to "open first": Quadra takes the blob as the removal arrives, the removal finds nothing, imported once', async () => {
    await sim.cfe().upload('BOULANG/raced.zip', buildAsciiSample('Q000000904'));
    expect((await post('/removals', { actions: ['openFirst'] })).status).toBe(200);
    expect(await sim.cfe().remove('BOULANG/raced.zip')).toBe('absent');
    expect(await sim.control.listBlobs(SIC, 'BOULANG/raced')).toEqual([]);
    expect((await get(`/dossiers/${SIC}/BOULANG/import-counts`)).Q000000904).toBe(1);
    // The next removal is a plain one again.
    await sim.cfe().upload('BOULANG/plain.zip', buildAsciiSample('Q000000905'));
    expect(await sim.cfe().remove('BOULANG/plain.zip')).toBe('deleted');
  });

  it('a held upload waits until released; released with drop, nothing is stored', async () => {
    await post('/uploads', { actions: ['hold'] });
    const up = sim
      .cfe()
      .upload('BOULANG/held.zip', buildAsciiSample('Q000000902'))
      .catch((e: unknown) => e);
    for (let i = 0; i < 200 && (await get('/uploads')).held === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await get('/uploads')).toEqual({ held: 1 });
    await post('/uploads/release', { drop: true });
    expect(await up).toBeInstanceOf(Error);
    expect(await sim.control.listBlobs(SIC, 'BOULANG/')).toEqual([]);
  });

  it('an import that takes business time: lines show through CPA only once it has passed', async () => {
    const t0 = new Date('2026-11-02T10:00:00Z');
    sim.control.setNow(t0);
    await post('/settings', { importDelayMinutes: 30 });
    await sim.cfe().upload('BOULANG/slow.zip', buildAsciiSample('Q000000903'));
    await post(`/dossiers/${SIC}/BOULANG/open`);
    const read = () => sim.cpa().listEntries('BOULANG', { from: '2026-11-01', to: '2026-11-30' });
    expect(await read()).toEqual([]);
    sim.control.setNow(new Date(t0.getTime() + 31 * 60_000));
    expect((await read()).map((l) => l.reference)).toContain('Q000000903');
    sim.control.setNow(null);
  });
});
