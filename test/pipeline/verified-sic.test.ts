// No deposit for a firm whose SIC code's claim is not verified. The claim (firms.sic_verified_at)
// can be gone while the connection still says `connected`: keys Cegid later refused released it,
// and the save of that refusal failed. Every job then leaves Quadra alone for that firm — send,
// recovery of a crashed deposit, verification, the night's re-send, the nightly refresh — and the
// entries waiting to go say why; the hub is told the same (the connection asks for the keys again,
// a manual refresh is refused). Connecting again brings everything home, each entry imported once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notConnected } from '../../src/db/repos/connections.ts';
import * as deposits from '../../src/db/repos/deposits.ts';
import { asService } from '../../src/db/scoped.ts';
import { autoSendJob, referenceNightlyJob, verifyDepositJob } from '../../src/jobs/definitions.ts';
import { runNow } from '../../src/jobs/index.ts';
import { firmCredentials } from '../../src/pipeline/firm-clients.ts';
import { RECONNECT_REQUIRED_MESSAGE } from '../../src/routes/connection.ts';
import type { SendOutcome } from '../../src/pipeline/send.ts';
import { depositBlobName } from '../../src/quadra/cfe-client.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { bringHome, expectExactlyOnce, expireLeases } from '../support/delivery.ts';
import { depositsOf, entry, nextNightRun, purchase, push, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;
const NOT_CONNECTED = notConnected().message;

describe(`no deposit without a verified SIC code (${engine})`, () => {
  let w: World;
  let sentFirst: string; // BOULANG, sent while the claim held
  let dueTonight: string; // PHARMA, sent, not found 12 h later: due for the night's re-send
  let waiting: string; // BOULANG, pushed after the claim was lost

  const blobs = async (dossier: string) => (await w.sim.control.listBlobs(SIC, `${dossier}/`)).map((b) => b.name).sort();

  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
    dueTonight = (await push(w, 'PHARMA', [purchase()])).entries[0]!.id!;
    await send(w, 'PHARMA');
    await twelveHoursLater(w); // PHARMA was not opened: back to pending, due at the next night
    sentFirst = (await push(w, 'BOULANG', [purchase()])).entries[0]!.id!;
    await send(w, 'BOULANG');
    expect((await entry(w, sentFirst)).status).toBe('sent');
    expect((await entry(w, dueTonight)).status).toBe('pending');
    // The claim released; the connection row still says connected (the save of the refusal failed).
    await w.t.services.db.query('update public.firms set sic_verified_at = null where id = $1', [w.firmId]);
  });
  afterAll(() => w?.close());

  it('the jobs\' one gate to its keys refuses, and the hub is told the keys must be entered again, not "connected"', async () => {
    await expect(firmCredentials(w.t.services, w.firmId)).rejects.toMatchObject({ code: 'not_connected' });
    const stored = await w.t.services.db.query('select status from public.connections where firm_id = $1', [w.firmId]);
    expect(stored.rows).toEqual([{ status: 'connected' }]); // the row still says connected
    const conn = await w.t.call('GET', `/v1/firms/${w.firmId}/connection`, { token: w.token });
    expect(conn.status).toBe(200);
    expect(conn.body).toMatchObject({
      status: 'reconnect_required',
      message: RECONNECT_REQUIRED_MESSAGE,
      checks: [
        { name: 'cpa', ok: true },
        { name: 'cfe', ok: true },
      ], // the last check, as it was
    });
    // The added value is documented.
    const doc = (await w.t.call('GET', '/openapi.json')).body;
    expect(doc.components.schemas.Connection.properties.status.enum).toEqual(['connected', 'failed', 'reconnect_required']);
  });

  it('a manual reference sync is refused up front as not connected; no run is created', async () => {
    const runs = async () =>
      (await w.t.services.db.query('select id, status from public.reference_syncs where firm_id = $1 order by id', [w.firmId])).rows;
    const before = await runs();
    const r = await w.t.call('POST', `/v1/firms/${w.firmId}/reference-sync`, { token: w.token });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'not_connected', message: NOT_CONNECTED });
    expect(await runs()).toEqual(before);
  });

  it('sending claims and uploads nothing; the entries stay pending and say why, once', async () => {
    waiting = (await push(w, 'BOULANG', [purchase()])).entries[0]!.id!;
    const depositsBefore = await depositsOf(w, 'BOULANG');
    const blobsBefore = await blobs('BOULANG');
    const out = (await send(w, 'BOULANG')) as SendOutcome;
    expect(out).toMatchObject({ entries: 0, held: [{ code: 'not_connected', message: NOT_CONNECTED }] });
    await send(w, 'BOULANG');
    await runNow(autoSendJob, {}, w.t.services);
    expect(await depositsOf(w, 'BOULANG')).toEqual(depositsBefore);
    expect(await blobs('BOULANG')).toEqual(blobsBefore);
    const e = await entry(w, waiting);
    expect(e.status).toBe('pending');
    expect(e.statusMessage).toBe(`The deposit is held: ${NOT_CONNECTED}`);
    expect(e.attempts).toEqual([expect.objectContaining({ kind: 'send', outcome: 'held', errorCode: 'not_connected' })]);
  });

  it('a deposit a crash left before its upload is released, not uploaded', async () => {
    const file = w.files.get('BOULANG')!;
    const id = crypto.randomUUID();
    // The state a crash leaves: entries claimed, upload not started, lease run out.
    await asService(w.t.services.db, (tx) =>
      deposits.claim(tx, {
        id,
        firmId: w.firmId,
        fileId: file,
        blobName: depositBlobName('BOULANG', id),
        now: w.now(),
        leaseSeconds: 60,
        entries: { ids: [waiting] },
      }),
    );
    await expireLeases(w);
    const blobsBefore = await blobs('BOULANG');
    await send(w, 'BOULANG'); // a send settles the file's crashed deposit first
    const dep = await w.t.services.db.query('select status, error_code, upload_started_at from public.deposits where id = $1', [id]);
    expect(dep.rows).toEqual([{ status: 'failed', error_code: 'not_connected', upload_started_at: null }]); // released
    expect(await blobs('BOULANG')).toEqual(blobsBefore);
    const e = await entry(w, waiting);
    expect(e.status).toBe('pending');
    expect(e.statusMessage).toBe(`Not sent: ${NOT_CONNECTED}`);
    expect(e.attempts.at(-1)).toMatchObject({ kind: 'send', outcome: 'error', errorCode: 'not_connected', detail: NOT_CONNECTED });
  });

  it('verification does not read Quadra for the firm: the sent entry stays sent, its history says why', async () => {
    await w.sim.control.openDossier(SIC, 'BOULANG'); // Quadra takes the first deposit
    w.at(new Date(w.now().getTime() + 12 * 3_600_000 + 60_000));
    const [dep] = await depositsOf(w, 'BOULANG');
    await expect(runNow(verifyDepositJob, { depositId: dep!.id }, w.t.services)).rejects.toMatchObject({ code: 'not_connected' });
    const e = await entry(w, sentFirst);
    expect(e.status).toBe('sent');
    expect(e.attempts.at(-1)).toMatchObject({ kind: 'verify', outcome: 'error', errorCode: 'not_connected', detail: NOT_CONNECTED });
  });

  it('the night re-sends nothing and decides nothing; the nightly refresh queues no run for the firm', async () => {
    const depositsBefore = await depositsOf(w, 'PHARMA');
    const blobsBefore = await blobs('PHARMA');
    await nextNightRun(w);
    expect(await depositsOf(w, 'PHARMA')).toEqual(depositsBefore);
    expect(await blobs('PHARMA')).toEqual(blobsBefore);
    const e = await entry(w, dueTonight);
    expect(e.status).toBe('pending');
    expect(e.nightsTried).toBe(0);
    await runNow(referenceNightlyJob, {}, w.t.services);
    const runs = await w.t.services.db.query(`select 1 from public.reference_syncs where firm_id = $1 and trigger = 'nightly'`, [w.firmId]);
    expect(runs.rows).toHaveLength(0);
  });

  it('connecting again proves the code: everything is sent, checked and posted, each entry imported once', async () => {
    const conn = await w.t.call('PUT', `/v1/firms/${w.firmId}/connection`, {
      token: w.token,
      body: {
        cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
        cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
      },
    });
    expect(conn.body.status).toBe('connected');
    expect(conn.body).not.toHaveProperty('message');
    expect((await w.t.call('GET', `/v1/firms/${w.firmId}/connection`, { token: w.token })).body).toEqual(conn.body);
    expect((await w.t.call('POST', `/v1/firms/${w.firmId}/reference-sync`, { token: w.token })).status).toBe(202);
    await send(w, 'BOULANG');
    expect((await entry(w, waiting)).status).toBe('sent');
    await bringHome(w, 'BOULANG', [sentFirst, waiting]);
    await bringHome(w, 'PHARMA', [dueTonight]);
    await expectExactlyOnce(w, 'BOULANG', [sentFirst, waiting]);
    await expectExactlyOnce(w, 'PHARMA', [dueTonight]);
  });
});
