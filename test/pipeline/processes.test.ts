// Exactly once across processes and outages: two service instances on one database, and the
// database going away in the middle of a send and in the middle of a verification (on Postgres its
// connections are terminated for real; on the embedded engine the service's statements fail).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.ts';
import { verifyDeposit } from '../../src/pipeline/check.ts';
import { runNightly, sendAllPending, sweep } from '../../src/pipeline/scheduled.ts';
import { sendFile } from '../../src/pipeline/send.ts';
import type { Services } from '../../src/services.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { afterGrace, bringHome, expectExactlyOnce, expireLeases } from '../support/delivery.ts';
import { depositsOf, entry, purchase, push, runSweep } from '../support/entries.ts';
import { withOutage } from '../support/outage.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;

describe(`two processes and database outages (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  }, 180_000);
  afterAll(() => w?.close());

  it('two service processes on the same database send, sweep and run the night once', async () => {
    const one = w.t.services;
    // A second process: its own pool on Postgres; the embedded engine is one process by nature.
    const otherDb = w.t.database.url ? await openDatabase({ url: w.t.database.url, poolMax: 3 }) : one.db;
    const two: Services = { ...one, db: otherDb };
    try {
      const a = (await push(w, 'BOULANG', [purchase(), purchase()])).entries.map((e) => e.id!);
      const b = (await push(w, 'GARAGE', [purchase(), purchase()])).entries.map((e) => e.id!);
      w.sim.control.queueUploads('dropAnswer', 'dropAnswerAndOpen');
      await Promise.all([sendAllPending(one, w.now()), sendAllPending(two, w.now())]);
      expect((await depositsOf(w, 'BOULANG')).length + (await depositsOf(w, 'GARAGE')).length).toBe(2);
      w.at(new Date(w.now().getTime() + 61 * 60_000));
      await Promise.all([sweep(one, w.now()), sweep(two, w.now())]);
      w.at(new Date(w.now().getTime() + 12 * 3_600_000));
      await Promise.all([sweep(one, w.now()), sweep(two, w.now())]);
      w.at(new Date(w.now().getTime() + 14 * 3_600_000));
      await Promise.all([runNightly(one, w.now()), runNightly(two, w.now())]);
      await Promise.all([afterGrace(w), sweep(two, w.now())]);
      await bringHome(w, 'BOULANG', a);
      await bringHome(w, 'GARAGE', b);
      await expectExactlyOnce(w, 'BOULANG', a);
      await expectExactlyOnce(w, 'GARAGE', b);
    } finally {
      if (otherDb !== one.db) await otherDb.close();
    }
  });

  it('the database goes away between the upload and its commit: recovered from the container, sent once', async () => {
    const ids = (await push(w, 'CONSEIL', [purchase(), purchase()])).entries.map((e) => e.id!);
    const outage = withOutage(w.t.services.db, w.t.database.url);
    const s: Services = { ...w.t.services, db: outage.db };
    const before = w.sim.blobs.landed().length;
    outage.downWhen(() => w.sim.blobs.landed().length > before);
    await expect(sendFile(s, w.files.get('CONSEIL')!, w.now())).rejects.toThrow(/Connection terminated/);
    await outage.up();
    expect(outage.failures).toBeGreaterThan(0);
    expect((await depositsOf(w, 'CONSEIL')).at(-1)!.status).toBe('preparing');
    await expireLeases(w);
    await runSweep(w);
    expect((await depositsOf(w, 'CONSEIL')).at(-1)!.status).toBe('uploaded');
    await bringHome(w, 'CONSEIL', ids);
    await expectExactlyOnce(w, 'CONSEIL', ids);
  });

  it('the database goes away during a verification, after Quadra was read: the check runs again and records once', async () => {
    // This test runs the check itself: the queue's worker must not run it first.
    await w.boss.offWork('verify-deposit');
    const ids = (await push(w, 'PHARMA', [purchase()])).entries.map((e) => e.id!);
    await sendFile(w.t.services, w.files.get('PHARMA')!, w.now());
    const dep = (await depositsOf(w, 'PHARMA')).at(-1)!;
    await w.sim.control.openDossier(SIC, 'PHARMA');
    w.at(new Date(w.now().getTime() + 12 * 3_600_000 + 60_000));
    const outage = withOutage(w.t.services.db, w.t.database.url);
    const reads = () => w.sim.control.requests({ service: 'cpa', pathContains: '/ecritures' }).length;
    const before = reads();
    outage.downWhen(() => reads() > before);
    await expect(verifyDeposit({ ...w.t.services, db: outage.db }, dep.id, w.now())).rejects.toThrow(/Connection terminated/);
    await outage.up();
    expect((await entry(w, ids[0]!)).status).toBe('sent'); // nothing of the failed check was kept
    expect(await verifyDeposit(w.t.services, dep.id, w.now())).toEqual({ posted: 1, missing: 0 }); // the job's retry
    const timeline = (await entry(w, ids[0]!)).attempts.map((a: { kind: string; outcome: string }) => `${a.kind}:${a.outcome}`);
    expect(timeline.filter((x: string) => x === 'verify:posted')).toHaveLength(1);
    await expectExactlyOnce(w, 'PHARMA', ids);
  });
});
