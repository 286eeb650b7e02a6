// A re-deposit waiting in the container while the first copy's slow import shows up: withdrawn
// whoever finds it (the sweep, the 12-hour check, the night), left as a duplicate when Quadra took it
// first (before the look, or as the removal arrived), completed by the sweep after a run stopped
// half-way, and done once when runs overlap.
// The sweep's own case is in delivery.test.ts ("an import slower than the grace period").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as deposits from '../../src/db/repos/deposits.ts';
import { takeNightLease } from '../../src/db/repos/entries.ts';
import { asService } from '../../src/db/scoped.ts';
import { nextNight } from '../../src/domain/entries/lifecycle.ts';
import { nightlyJob, verifyDepositJob } from '../../src/jobs/definitions.ts';
import { runNow } from '../../src/jobs/index.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { bringHome, clientsOf, expectExactlyOnce, historyOf, slowFirstCopy } from '../support/delivery.ts';
import { depositsOf, entry, nextNightRun, purchase, runSweep, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;
const HOUR = 60;

describe(`a slow first copy and the re-deposit still waiting (${engine})`, () => {
  let w: World;
  let grace: number;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
    grace = w.t.services.config.IMPORT_GRACE_MINUTES;
    // The tests run each check themselves: the queue's worker must not run one first.
    await w.boss.offWork('verify-deposit');
  }, 180_000);
  afterAll(() => w?.close());

  const statusOf = async (dossier: string, id: string) => (await depositsOf(w, dossier)).find((d) => d.id === id)!.status;
  const importsOf = async (dossier: string, id: string) =>
    w.sim.control.importCounts(SIC, dossier)[(await entry(w, id)).quadraReference] ?? 0;

  it('found by the 12-hour check: the re-deposit is withdrawn, the entry the first copy lacked goes back', async () => {
    const { ids, again } = await slowFirstCopy(w, 'GARAGE', [purchase(), purchase({ journalCode: 'OD' })], {
      delayMinutes: 12 * HOUR,
      refused: 'OD',
    });
    const [shown, refused] = ids as [string, string];
    await twelveHoursLater(w); // no sweep ran in between: the check is the first to look
    expect(await statusOf('GARAGE', again.id)).toBe('replaced');
    expect(await entry(w, shown)).toMatchObject({ status: 'posted', duplicateInQuadra: false });
    expect(await entry(w, refused)).toMatchObject({ status: 'pending' });
    expect((await historyOf(w, refused)).slice(-2)).toEqual(['resend:replaced', 'verify:not_found']);
    await w.sim.control.openDossier(SIC, 'GARAGE');
    expect(await importsOf('GARAGE', shown)).toBe(1);
    await bringHome(w, 'GARAGE', ids);
    await expectExactlyOnce(w, 'GARAGE', ids);
  });

  it('found by the night: the re-deposit is withdrawn first, and what the first copy lacked is sent again that night', async () => {
    // Shows after the re-deposit's own check (which finds nothing), before the next night.
    const { ids, again, visibleAt } = await slowFirstCopy(w, 'CONSEIL', [purchase(), purchase({ journalCode: 'OD' })], {
      delayMinutes: 12 * HOUR + 2 * grace,
      refused: 'OD',
    });
    const [shown, refused] = ids as [string, string];
    await twelveHoursLater(w);
    expect(await statusOf('CONSEIL', again.id)).toBe('uploaded');
    expect((await entry(w, shown)).status).toBe('pending'); // missing at the check: due at the next night
    w.at(nextNight(visibleAt));
    await runNow(nightlyJob, {}, w.t.services);
    expect(await statusOf('CONSEIL', again.id)).toBe('replaced');
    expect(await entry(w, shown)).toMatchObject({ status: 'posted', duplicateInQuadra: false });
    const resent = (await depositsOf(w, 'CONSEIL')).at(-1)!;
    expect(resent).toMatchObject({ status: 'uploaded' });
    expect(await entry(w, refused)).toMatchObject({ status: 'sent' });
    expect((await historyOf(w, refused)).slice(-4)).toEqual(['resend:replaced', 'verify:not_found', 'verify:not_found', 'resend:sent']);
    await bringHome(w, 'CONSEIL', ids);
    await expectExactlyOnce(w, 'CONSEIL', ids);
  });

  it('Quadra took the re-deposit before it could be withdrawn: imported twice, posted and flagged', async () => {
    const { ids, again, visibleAt } = await slowFirstCopy(w, 'BOULANG', [purchase(), purchase()], { delayMinutes: 3 * grace });
    w.at(new Date(visibleAt.getTime() + 60_000));
    await w.sim.control.openDossier(SIC, 'BOULANG'); // the re-deposit is taken, before any run looked
    await twelveHoursLater(w); // its check finds each entry twice; the removal finds the blob gone
    expect(await statusOf('BOULANG', again.id)).toBe('imported');
    for (const id of ids) {
      expect(await entry(w, id)).toMatchObject({ status: 'posted', duplicateInQuadra: true });
      expect(await importsOf('BOULANG', id)).toBe(2);
      const last = (await entry(w, id)).attempts.at(-1);
      expect(last).toMatchObject({ kind: 'verify', outcome: 'duplicate', errorCode: 'found_twice' });
      expect(await historyOf(w, id)).not.toContain('verify:posted');
    }
  });

  it("Quadra takes the re-deposit the moment it is being removed: one of the two removals wins, here Quadra's; the copies are flagged", async () => {
    const { ids, again, visibleAt } = await slowFirstCopy(w, 'GARAGE', [purchase(), purchase()], { delayMinutes: 3 * grace });
    w.at(new Date(visibleAt.getTime() + 60_000));
    w.sim.control.queueRemovals('openFirst');
    await runSweep(w); // finds the first copy, marks the re-deposit, removes it: the dossier opens first
    expect(await statusOf('GARAGE', again.id)).toBe('imported');
    for (const id of ids) {
      expect(await entry(w, id)).toMatchObject({ status: 'posted' });
      expect(await importsOf('GARAGE', id)).toBe(2);
    }
    await nextNightRun(w); // the audit finds the second copy
    for (const id of ids) {
      expect(await entry(w, id)).toMatchObject({ status: 'posted', duplicateInQuadra: true });
      expect((await entry(w, id)).attempts.at(-1)).toMatchObject({ kind: 'verify', outcome: 'duplicate', errorCode: 'found_twice' });
    }
  });

  for (const point of ['before the removal', 'after the removal'] as const) {
    it(`a run that stops ${point}: the sweep completes the withdrawal once the file's lease runs out`, async () => {
      const { ids, again, visibleAt } = await slowFirstCopy(w, 'PHARMA', [purchase(), purchase()], { delayMinutes: 3 * grace });
      w.at(new Date(visibleAt.getTime() + 60_000));
      const s = w.t.services;
      const fileId = w.files.get('PHARMA')!;
      // The withdrawing run: the file's lease, the mark, perhaps the removal; then it dies.
      await asService(s.db, async (tx) => {
        expect(await takeNightLease(tx, fileId, crypto.randomUUID(), 600)).toBe(true);
        await deposits.withdrawing(tx, again.id);
      });
      if (point === 'after the removal') expect(await clientsOf(w).cfe.remove(again.blob_name)).toBe('deleted');
      await runSweep(w); // its lease still runs: nothing is decided for it
      expect(await statusOf('PHARMA', again.id)).toBe('replacing');
      for (const id of ids) expect((await entry(w, id)).status).toBe('sent');
      await s.db.query(`update client_files set night_lease_until = now() - interval '1 second' where id = $1`, [fileId]);
      await runSweep(w);
      // Removed now: withdrawn. Already gone: read as a take (it may have been Quadra's), as any absence.
      expect(await statusOf('PHARMA', again.id)).toBe(point === 'before the removal' ? 'replaced' : 'imported');
      for (const id of ids) expect(await entry(w, id)).toMatchObject({ status: 'posted', duplicateInQuadra: false });
      await w.sim.control.openDossier(SIC, 'PHARMA');
      await bringHome(w, 'PHARMA', ids);
      await expectExactlyOnce(w, 'PHARMA', ids);
    });
  }

  it('two sweeps and the check at once when the first copy shows: withdrawn once, recorded once', async () => {
    const { ids, again } = await slowFirstCopy(w, 'BOULANG', [purchase(), purchase()], { delayMinutes: 3 * grace });
    w.at(new Date(w.now().getTime() + 12 * 3_600_000 + 60_000)); // the first copy shows and the re-deposit's check is due
    w.sim.control.setFaults({ latencyMs: 50 });
    await Promise.all([runSweep(w), runSweep(w), runNow(verifyDepositJob, { depositId: again.id }, w.t.services)]);
    w.sim.control.clearFaults();
    expect(await statusOf('BOULANG', again.id)).toBe('replaced');
    for (const id of ids) {
      const history = await historyOf(w, id);
      expect(history.filter((h) => h === 'resend:replaced')).toHaveLength(2); // the first upload's, and this withdrawal's
      expect(history.filter((h) => h === 'verify:posted')).toHaveLength(1);
    }
    await bringHome(w, 'BOULANG', ids);
    await expectExactlyOnce(w, 'BOULANG', ids);
  });
});
