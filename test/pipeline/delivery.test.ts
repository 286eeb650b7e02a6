// The delivery rule under every interleaving the simulator can stage: answers lost after the blob
// landed, dossiers opened at chosen moments, uploads that never landed, crashes at each step of a
// send and of a night, the night and the sweep at once. Each ends with every entry posted and
// imported by Quadra exactly once (the simulator counts imports per reference).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as deposits from '../../src/db/repos/deposits.ts';
import { asService } from '../../src/db/scoped.ts';
import { nextNight } from '../../src/domain/entries/lifecycle.ts';
import { nightlyJob, sweepJob } from '../../src/jobs/definitions.ts';
import { runNow } from '../../src/jobs/index.ts';
import { buildDepositZip } from '../../src/pipeline/deposit-builder.ts';
import { runNightForFile } from '../../src/pipeline/night.ts';
import { uploadDeposit } from '../../src/pipeline/send.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import {
  afterGrace,
  bringHome,
  clientsOf,
  expectExactlyOnce,
  expireLeases,
  historyOf,
  slowFirstCopy,
  waitUntil,
} from '../support/delivery.ts';
import { depositsOf, entry, nextNightRun, purchase, push, runSweep, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;

const pushTwo = async (w: World, dossier: string) => (await push(w, dossier, [purchase(), purchase()])).entries.map((e) => e.id!);

describe(`exactly once into Quadra (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  }, 180_000);
  afterAll(() => w?.close());

  it('a 503 before the body was taken is retried at once: one deposit, one import', async () => {
    const ids = await pushTwo(w, 'PHARMA');
    w.sim.control.queueUploads('refuse503');
    await send(w, 'PHARMA');
    expect((await depositsOf(w, 'PHARMA')).at(-1)!.status).toBe('uploaded');
    await bringHome(w, 'PHARMA', ids);
    await expectExactlyOnce(w, 'PHARMA', ids);
  });

  it('answer lost after the blob landed, dossier opened before anyone looked: settled from Quadra after the grace period', async () => {
    const ids = await pushTwo(w, 'BOULANG');
    w.sim.control.queueUploads('dropAnswerAndOpen');
    await send(w, 'BOULANG');
    const dep = (await depositsOf(w, 'BOULANG')).at(-1)!;
    expect(dep.status).toBe('unconfirmed');
    await runSweep(w); // within the grace period: absence proves nothing, nothing is re-sent
    expect((await depositsOf(w, 'BOULANG')).at(-1)!.id).toBe(dep.id);
    await afterGrace(w); // read from Quadra: found
    expect((await depositsOf(w, 'BOULANG')).at(-1)).toMatchObject({ id: dep.id, status: 'imported' });
    await expectExactlyOnce(w, 'BOULANG', ids);
    await twelveHoursLater(w);
    await expectExactlyOnce(w, 'BOULANG', ids);
  });

  it('answer lost after the blob landed, dossier never opened: the blob in the container proves it landed', async () => {
    const ids = await pushTwo(w, 'GARAGE');
    w.sim.control.queueUploads('dropAnswer');
    await send(w, 'GARAGE');
    const dep = (await depositsOf(w, 'GARAGE')).at(-1)!;
    expect(dep.status).toBe('uploaded');
    await twelveHoursLater(w);
    for (let n = 0; n < 3; n++) await nextNightRun(w);
    expect(w.sim.control.importCounts(SIC, 'GARAGE')).toEqual({});
    await bringHome(w, 'GARAGE', ids);
    await expectExactlyOnce(w, 'GARAGE', ids);
  });

  it('an upload that never landed and whose answer was lost: deposited again at the next sweep after the grace period, not the next night', async () => {
    const ids = await pushTwo(w, 'CONSEIL');
    w.sim.control.queueUploads('hold');
    const sending = send(w, 'CONSEIL');
    await waitUntil(() => w.sim.control.heldUploads() === 1);
    await w.sim.control.releaseUploads({ drop: true }); // connection lost before anything was stored
    await sending;
    const first = (await depositsOf(w, 'CONSEIL')).at(-1)!;
    expect(first.status).toBe('unconfirmed');
    await afterGrace(w);
    const [old, again] = (await depositsOf(w, 'CONSEIL')).slice(-2);
    expect(old).toMatchObject({ id: first.id, status: 'replaced' });
    expect(again).toMatchObject({ replaces_id: first.id, status: 'uploaded' });
    expect(again!.verify_at).not.toBeNull(); // its own check
    await bringHome(w, 'CONSEIL', ids);
    await expectExactlyOnce(w, 'CONSEIL', ids);
  });

  it('an import slower than the grace period: the re-deposit still waiting is withdrawn when the first copy shows, nothing is imported twice or lost', async () => {
    // The first import refuses one entry (its journal closed then), and shows the other 3 grace periods late.
    const grace = w.t.services.config.IMPORT_GRACE_MINUTES;
    const { ids, again, visibleAt } = await slowFirstCopy(w, 'BOULANG', [purchase(), purchase({ journalCode: 'OD' })], {
      delayMinutes: grace * 3,
      refused: 'OD',
    });
    const [shown, refused] = ids as [string, string];
    w.at(new Date(visibleAt.getTime() + 60_000));
    await runSweep(w); // the re-deposit waits in the container: the sweep looks for the first copy in Quadra
    expect((await depositsOf(w, 'BOULANG')).find((d) => d.id === again.id)).toMatchObject({ status: 'replaced' });
    expect(await w.sim.control.listBlobs(SIC, again.blob_name)).toEqual([]);
    expect(await entry(w, shown)).toMatchObject({ status: 'posted', duplicateInQuadra: false });
    expect(await historyOf(w, shown)).toEqual(['send:sent', 'resend:replaced', 'resend:sent', 'resend:replaced', 'verify:posted']);
    // The entry the first copy lacked goes back, looked for at the next night and sent again then.
    expect(await entry(w, refused)).toMatchObject({ status: 'pending' });
    expect(await historyOf(w, refused)).toEqual(['send:sent', 'resend:replaced', 'resend:sent', 'resend:replaced', 'verify:not_found']);
    await w.sim.control.openDossier(SIC, 'BOULANG'); // nothing left in the container to import again
    expect(w.sim.control.importCounts(SIC, 'BOULANG')[(await entry(w, shown)).quadraReference]).toBe(1);
    await bringHome(w, 'BOULANG', ids);
    await expectExactlyOnce(w, 'BOULANG', ids);
  });

  for (const step of ['claimed', 'upload started', 'blob landed', 'blob landed and taken by Quadra'] as const) {
    it(`a crash after "${step}": recovered once`, async () => {
      const ids = await pushTwo(w, 'CONSEIL');
      const s = w.t.services;
      const file = (
        await asService(s.db, (tx) =>
          tx.query<{ firm_id: string }>('select firm_id from client_files where id = $1', [w.files.get('CONSEIL')]),
        )
      ).rows[0]!;
      const id = crypto.randomUUID();
      const blobName = `CONSEIL/${id}.zip`;
      await asService(s.db, (tx) =>
        deposits.claim(tx, {
          id,
          firmId: file.firm_id,
          fileId: w.files.get('CONSEIL')!,
          blobName,
          now: w.now(),
          leaseSeconds: 60,
          entries: { ids },
        }),
      );
      if (step !== 'claimed') {
        const zip = await asService(s.db, async (tx) => buildDepositZip(tx, id, (await deposits.get(tx, id))!.seq, 'space'));
        await asService(s.db, (tx) => deposits.uploadStarted(tx, id, { now: w.now(), sizeBytes: zip.zip.length, leaseSeconds: 60 }));
        if (step !== 'upload started') await clientsOf(w).cfe.upload(blobName, zip.zip);
        if (step === 'blob landed and taken by Quadra') await w.sim.control.openDossier(SIC, 'CONSEIL');
      }
      await expireLeases(w);
      await runSweep(w);
      await afterGrace(w);
      await bringHome(w, 'CONSEIL', ids);
      await expectExactlyOnce(w, 'CONSEIL', ids);
    });
  }

  it('a run that took a deposit over and fails before its own upload does not give back entries another run is uploading', async () => {
    const ids = await pushTwo(w, 'BOULANG');
    const s = w.t.services;
    const fileId = w.files.get('BOULANG')!;
    const file = (await asService(s.db, (tx) => tx.query<{ firm_id: string }>('select firm_id from client_files where id = $1', [fileId])))
      .rows[0]!;
    const id = crypto.randomUUID();
    const blobName = `BOULANG/${id}.zip`;
    await asService(s.db, (tx) =>
      deposits.claim(tx, { id, firmId: file.firm_id, fileId, blobName, now: w.now(), leaseSeconds: 60, entries: { ids } }),
    );
    // Run A outran its lease before starting its upload; run B took the deposit over...
    await expireLeases(w);
    await asService(s.db, (tx) => deposits.takeOver(tx, id, 60));
    // ...then A marked its upload started and its blob landed...
    const zip = await asService(s.db, async (tx) => buildDepositZip(tx, id, (await deposits.get(tx, id))!.seq, 'space'));
    await asService(s.db, (tx) => deposits.uploadStarted(tx, id, { now: w.now(), sizeBytes: zip.zip.length, leaseSeconds: 60 }));
    await clientsOf(w).cfe.upload(blobName, zip.zip);
    // ...while B cannot reach the firm's container before its own upload.
    w.sim.control.setFaults({ failNext: { count: 50, status: 503, service: 'cfe', pathContains: '/container', retryAfterSec: 0 } });
    await uploadDeposit(s, id, { kind: 'send', now: w.now() });
    w.sim.control.clearFaults();
    expect((await asService(s.db, (tx) => deposits.get(tx, id)))!.status).toBe('preparing'); // not released: A's copy is in the container
    await send(w, 'BOULANG');
    await expireLeases(w);
    await runSweep(w);
    await bringHome(w, 'BOULANG', ids);
    await expectExactlyOnce(w, 'BOULANG', ids);
  });

  it('a crash in a night between the withdrawal and the re-send: the next run settles it, once', async () => {
    const ids = await pushTwo(w, 'GARAGE');
    await send(w, 'GARAGE');
    await twelveHoursLater(w); // not opened: missing, due tonight
    w.at(nextNight(w.now()));
    const dep = (await depositsOf(w, 'GARAGE')).at(-1)!;
    // The night withdrew the deposit, then died before recording it and re-sending.
    await asService(w.t.services.db, (tx) => deposits.withdrawing(tx, dep.id));
    await clientsOf(w).cfe.remove(dep.blob_name);
    await runNightForFile(w.t.services, w.files.get('GARAGE')!, w.now());
    await afterGrace(w);
    await bringHome(w, 'GARAGE', ids);
    await expectExactlyOnce(w, 'GARAGE', ids);
  });

  it('a night whose lease ran out while it worked decides nothing; the night that took the file over decides once', async () => {
    const ids = await pushTwo(w, 'GARAGE');
    await send(w, 'GARAGE');
    await twelveHoursLater(w); // not opened: missing, due tonight
    w.at(nextNight(w.now()));
    const s = w.t.services;
    const fileId = w.files.get('GARAGE')!;
    const at = w.now();
    w.sim.control.setFaults({ latencyMs: 1000 }); // the first night is slow at Cegid...
    const first = runNightForFile(s, fileId, at);
    await waitUntil(
      async () =>
        (await s.db.query('select 1 from client_files where id = $1 and night_lease_owner is not null', [fileId])).rows.length === 1,
    );
    // ...so slow that its lease runs out, and another run takes the file over while it still works.
    await s.db.query(`update client_files set night_lease_until = now() - interval '1 second' where id = $1`, [fileId]);
    const second = runNightForFile(s, fileId, at);
    await Promise.allSettled([first, second]);
    w.sim.control.clearFaults();
    for (const id of ids) {
      const decided = (
        await s.db.query<{ n: number }>(
          `select count(*)::int as n from attempts where entry_id = $1 and kind = 'verify' and outcome = 'not_found' and at = $2`,
          [id, at],
        )
      ).rows[0]!.n;
      expect(decided).toBe(1);
    }
    await afterGrace(w);
    await bringHome(w, 'GARAGE', ids);
    await expectExactlyOnce(w, 'GARAGE', ids);
  });

  it('the night and the sweep at once, with the file opened in between', async () => {
    const ids = await pushTwo(w, 'BOULANG');
    await send(w, 'BOULANG');
    await twelveHoursLater(w);
    w.at(nextNight(w.now()));
    w.sim.control.setFaults({ latencyMs: 100 });
    await Promise.all([
      runNow(nightlyJob, {}, w.t.services),
      runNow(sweepJob, {}, w.t.services),
      w.sim.control.openDossier(SIC, 'BOULANG'),
    ]);
    w.sim.control.clearFaults();
    await Promise.all([afterGrace(w), runNow(sweepJob, {}, w.t.services)]);
    await bringHome(w, 'BOULANG', ids);
    await expectExactlyOnce(w, 'BOULANG', ids);
  });
});
