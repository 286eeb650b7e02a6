// Helpers for the exactly-once tests: crash simulation, the grace period passing, and the final
// proof (every entry posted, imported by Quadra exactly once).
import { expect } from 'vitest';
import { cegidClients } from '../../src/quadra/gateway.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { entry, nextNightRun, runSweep, twelveHoursLater } from './entries.ts';
import type { World } from './world.ts';

const SIC = DEMO_FIRM.sic;
export const clientsOf = (w: World) => cegidClients(w.t.services.cegid, {
  sicCode: SIC, cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret }, cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
});
export const expireLeases = (w: World) => w.t.services.db.query(`update deposits set claimed_until = now() - interval '1 second' where status = 'preparing'`);
export const afterGrace = async (w: World) => {
  w.at(new Date(w.now().getTime() + (w.t.services.config.IMPORT_GRACE_MINUTES + 1) * 60_000));
  await runSweep(w);
};

/** Open the file, let every check and night run, until all are posted (bounded). */
export async function bringHome(w: World, dossier: string, ids: string[]) {
  const allPosted = async () => (await Promise.all(ids.map((id) => entry(w, id)))).every((e) => e.status === 'posted');
  await w.sim.control.openDossier(SIC, dossier);
  await afterGrace(w);
  if (!(await allPosted())) await twelveHoursLater(w);
  for (let n = 0; n < 3 && !(await allPosted()); n++) {
    await w.sim.control.openDossier(SIC, dossier);
    await nextNightRun(w);
  }
}

/** Every entry posted, and imported by Quadra exactly once. */
export async function expectExactlyOnce(w: World, dossier: string, ids: string[]) {
  const counts = w.sim.control.importCounts(SIC, dossier);
  for (const id of ids) {
    const e = await entry(w, id);
    expect({ status: e.status, imports: counts[e.quadraReference] }).toEqual({ status: 'posted', imports: 1 });
    expect(e.duplicateInQuadra).toBe(false);
  }
}


export async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
