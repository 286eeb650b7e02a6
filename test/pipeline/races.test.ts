// Races and crashes found in review, kept as regression tests: an upload whose answer is lost,
// two night runs on one file, a crash between a night's decision and its re-send, and waiting
// entries whose deposit left the container.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextNight } from '../../src/domain/entries/lifecycle.ts';
import { runNightForFile } from '../../src/pipeline/night.ts';
import { uploadDeposit } from '../../src/pipeline/send.ts';
import { asService } from '../../src/db/scoped.ts';
import { CegidError } from '../../src/quadra/errors.ts';
import { cegidClients, type CegidClients } from '../../src/quadra/gateway.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, nextNightRun, purchase, push, runSweep, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;
const realClients = (w: World) =>
  cegidClients(w.t.services.cegid, {
    sicCode: SIC,
    cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
    cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
  });
const linesInQuadra = (w: World, dossier: string, ref: string) =>
  w.sim.control.entries(SIC, dossier).filter((l) => l.reference === ref).length;
const expireLeases = (w: World) =>
  w.t.services.db.query(`update deposits set claimed_until = now() - interval '1 second' where status = 'preparing'`);

/** The claim step of a send, committed, as sendFile's first transaction leaves it. */
async function claim(w: World, dossier: string): Promise<string> {
  const fileId = w.files.get(dossier)!;
  return asService(w.t.services.db, async (tx) => {
    const f = (await tx.query<{ firm_id: string }>('select firm_id from client_files where id = $1', [fileId])).rows[0]!;
    const id = (
      await tx.query<{ id: string }>(
        `insert into deposits (firm_id, file_id, blob_name, status, created_at, claimed_until) values ($1, $2, $3, 'preparing', $4, now() + interval '10 minutes') returning id`,
        [f.firm_id, fileId, `tmp-${crypto.randomUUID()}`, w.now()],
      )
    ).rows[0]!.id;
    await tx.query('update deposits set blob_name = $2 where id = $1', [id, `${dossier}/${id}.zip`]);
    await tx.query(
      `update entries set deposit_id = $2, batch_deposit_id = coalesce(batch_deposit_id, $2) where file_id = $1 and status = 'pending' and deposit_id is null and next_attempt_at is null`,
      [fileId, id],
    );
    return id;
  });
}

describe(`races and crashes (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  it('an upload that landed but whose answer was lost, with the container unreachable after: never deposited twice', async () => {
    const [e] = (await push(w, 'GARAGE', [purchase()])).entries;
    const depId = await claim(w, 'GARAGE');
    const real = realClients(w);
    const flaky: CegidClients = {
      cpa: real.cpa,
      cfe: {
        ...real.cfe,
        upload: async (n, b, m) => {
          await real.cfe.upload(n, b, m);
          throw new CegidError({ service: 'cfe', code: 'Timeout', message: 'answer lost', retryable: true });
        },
        exists: async () => {
          throw new CegidError({ service: 'cfe', code: 'Unavailable', message: 'down', retryable: true });
        },
      },
    };
    await uploadDeposit(w.t.services, depId, { kind: 'send', now: w.now(), clients: flaky });
    await send(w, 'GARAGE'); // the automatic sender: the deposit's lease still runs, nothing new
    expect(await depositsOf(w, 'GARAGE')).toHaveLength(1);
    await expireLeases(w);
    await runSweep(w); // recovery: the blob is there, so it was sent
    expect((await depositsOf(w, 'GARAGE'))[0]).toMatchObject({ id: depId, status: 'uploaded' });
    await w.sim.control.openDossier(SIC, 'GARAGE');
    await twelveHoursLater(w);
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('posted');
    expect(linesInQuadra(w, 'GARAGE', got.quadraReference)).toBe(3);
  });

  it('two night runs on one file at once re-send an entry once', async () => {
    const [e] = (await push(w, 'CONSEIL', [purchase()])).entries;
    await send(w, 'CONSEIL');
    await twelveHoursLater(w);
    w.at(nextNight(w.now()));
    const fileId = w.files.get('CONSEIL')!;
    w.sim.control.setFaults({ latencyMs: 300 });
    const [a, b] = await Promise.all([runNightForFile(w.t.services, fileId, w.now()), runNightForFile(w.t.services, fileId, w.now())]);
    w.sim.control.clearFaults();
    expect([a, b].filter(Boolean)).toHaveLength(1);
    const again = await runNightForFile(w.t.services, fileId, w.now()); // after the first: nothing due any more
    expect(again).toBeUndefined();
    expect((await depositsOf(w, 'CONSEIL')).map((d) => d.status)).toEqual(['replaced', 'uploaded']);
    await w.sim.control.openDossier(SIC, 'CONSEIL');
    const got = await entry(w, e!.id!);
    expect(linesInQuadra(w, 'CONSEIL', got.quadraReference)).toBe(3);
  });

  it("a crash between a night's decision and its re-send: the re-send goes out under its own name, and is posted once the file is opened", async () => {
    const [e] = (await push(w, 'PHARMA', [purchase()])).entries;
    await send(w, 'PHARMA');
    await twelveHoursLater(w);
    await nextNightRun(w); // night 1
    const last = (await depositsOf(w, 'PHARMA')).at(-1)!;
    // As if the process died after the night's transaction, before the upload began.
    await realClients(w).cfe.remove(last.blob_name);
    await w.t.services.db.query(
      `update deposits set status = 'preparing', uploaded_at = null, upload_started_at = null, claimed_until = now() - interval '1 second' where id = $1`,
      [last.id],
    );
    await w.t.services.db.query(`delete from attempts where deposit_id = $1 and outcome = 'sent'`, [last.id]);
    await runSweep(w);
    expect((await w.sim.control.listBlobs(SIC, 'PHARMA/')).map((b) => b.name)).toEqual([last.blob_name]);
    await w.sim.control.openDossier(SIC, 'PHARMA');
    await nextNightRun(w); // night 2
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('posted');
    expect(linesInQuadra(w, 'PHARMA', got.quadraReference)).toBe(3);
  });

  it('waiting entries whose deposit left the container are deposited again, so opening the file brings them', async () => {
    const [e] = (await push(w, 'BOULANG', [purchase()])).entries;
    await send(w, 'BOULANG');
    await twelveHoursLater(w);
    for (let n = 1; n <= 3; n++) await nextNightRun(w);
    expect(await w.sim.control.listBlobs(SIC, 'BOULANG/')).toHaveLength(1);
    // The deposit disappears from the container without reaching Quadra (removed by hand).
    const [blob] = await w.sim.control.listBlobs(SIC, 'BOULANG/');
    await realClients(w).cfe.remove(blob!.name);
    await nextNightRun(w); // gone: treated as taken, given the grace period, then deposited again
    const blobs = await w.sim.control.listBlobs(SIC, 'BOULANG/');
    expect(blobs).toHaveLength(1);
    expect(blobs[0]!.name).not.toBe(blob!.name);
    await w.sim.control.openDossier(SIC, 'BOULANG');
    await nextNightRun(w);
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('posted');
    expect(linesInQuadra(w, 'BOULANG', got.quadraReference)).toBe(3);
  });
});
