// The number of nights is configuration (NIGHTLY_ATTEMPTS): with 3 (the brief's) and with 5, an
// entry Quadra keeps refusing is re-sent on every night but the last, each message saying "of N",
// and decided on night N: failed_check with the brief's message (an entry of its batch was posted).
// Past the third night the database accepts the count (the check constraint no longer holds 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILED_CHECK_MESSAGE } from '../../src/domain/entries/lifecycle.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { entry, nextNightRun, purchase, push, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;

describe.each([3, 5])(`NIGHTLY_ATTEMPTS=%i (${engine})`, (nights) => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z', config: { NIGHTLY_ATTEMPTS: nights } });
  });
  afterAll(() => w?.close());

  it(`re-sends on nights 1 to ${nights - 1}, then decides failed_check on night ${nights}`, async () => {
    const pushed = await push(w, 'CONSEIL', [purchase(), purchase({ journalCode: 'OD', label: 'Écriture rejetée' })]);
    const [goodId, badId] = pushed.entries.map((e) => e.id!);
    w.sim.control.setJournalOpen(SIC, 'CONSEIL', 'OD', false); // Quadra refuses the OD entry on import
    await send(w, 'CONSEIL');
    await w.sim.control.openDossier(SIC, 'CONSEIL');
    await twelveHoursLater(w);
    expect((await entry(w, goodId!)).status).toBe('posted');
    const first = await entry(w, badId!);
    expect(first.status).toBe('pending');
    expect(first.statusMessage).toContain(`on each of the next ${nights} nights`);

    for (let night = 1; night < nights; night++) {
      await nextNightRun(w);
      const e = await entry(w, badId!);
      expect(e).toMatchObject({ status: 'sent', nightsTried: night });
      expect(e.statusMessage).toBe(
        `Sent again on night ${night} of ${nights}. Open the file in Quadra to trigger the retrieval of entries.`,
      );
      expect(
        e.attempts.filter((a: { detail: string | null }) => a.detail === `Not found in Quadra on night ${night} of ${nights}: sent again`),
      ).toHaveLength(1);
      await w.sim.control.openDossier(SIC, 'CONSEIL'); // imported again, refused again
    }
    await nextNightRun(w); // the last night decides
    const e = await entry(w, badId!);
    expect(e).toMatchObject({ status: 'failed_check', statusMessage: FAILED_CHECK_MESSAGE, nightsTried: nights });
    expect(e.attempts.at(-1)).toMatchObject({ kind: 'decide', outcome: 'failed_check', night: nights });
    // One send, then one re-send on each night but the last (Quadra took every deposit: nothing to withdraw).
    expect(
      e.attempts
        .filter((a: { kind: string }) => a.kind === 'resend' || a.kind === 'send')
        .map((a: { kind: string; outcome: string }) => `${a.kind}:${a.outcome}`),
    ).toEqual(['send:sent', ...Array.from({ length: nights - 1 }, () => 'resend:sent')]);
  });
});
