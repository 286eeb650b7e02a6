// Helpers for the exactly-once tests: crash simulation, the grace period passing, and the final
// proof (every entry posted, imported by Quadra exactly once).
import { expect } from 'vitest';
import { cegidClients } from '../../src/quadra/gateway.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { depositsOf, entry, nextNightRun, push, runSweep, send, twelveHoursLater } from './entries.ts';
import type { World } from './world.ts';

const SIC = DEMO_FIRM.sic;
export const clientsOf = (w: World) =>
  cegidClients(w.t.services.cegid, {
    sicCode: SIC,
    cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
    cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
  });
export const expireLeases = (w: World) =>
  w.t.services.db.query(`update deposits set claimed_until = now() - interval '1 second' where status = 'preparing'`);
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

/**
 * An import slower than the grace period: the upload's answer is lost as Quadra takes it, its lines
 * show only `delayMinutes` later, so after the grace period the sweep deposits the entries again.
 * `refused`: a journal Quadra refuses at that first import (its entries are not in the first copy).
 */
export async function slowFirstCopy(w: World, dossier: string, entries: unknown[], opts: { delayMinutes: number; refused?: string }) {
  const ids = (await push(w, dossier, entries)).entries.map((e) => e.id!);
  const takenAt = w.now();
  w.sim.control.configure({ importDelayMinutes: opts.delayMinutes });
  if (opts.refused) w.sim.control.setJournalOpen(SIC, dossier, opts.refused, false);
  w.sim.control.queueUploads('dropAnswerAndOpen');
  await send(w, dossier);
  w.sim.control.configure({ importDelayMinutes: 0 });
  if (opts.refused) w.sim.control.setJournalOpen(SIC, dossier, opts.refused, true);
  await afterGrace(w); // nothing shows yet: deposited again
  const [first, again] = (await depositsOf(w, dossier)).slice(-2);
  expect(first).toMatchObject({ status: 'replaced' });
  expect(again).toMatchObject({ replaces_id: first!.id, status: 'uploaded' });
  return { ids, first: first!, again: again!, visibleAt: new Date(takenAt.getTime() + opts.delayMinutes * 60_000) };
}

/** An entry's history as `kind:outcome`, oldest first. */
export async function historyOf(w: World, id: string): Promise<string[]> {
  return (await entry(w, id)).attempts.map((a: { kind: string; outcome: string }) => `${a.kind}:${a.outcome}`);
}
