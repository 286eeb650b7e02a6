// Never lost, never twice: duplicates in Quadra flagged, crashes between upload and commit,
// jobs run twice or concurrently, Cegid failing mid-send; and the analysts' views.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { sendFile } from '../../src/pipeline/send.ts';
import { cegidClients } from '../../src/quadra/gateway.ts';
import { verifyDeposit } from '../../src/pipeline/check.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, nextNightRun, purchase, push, runSweep, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;
const cfeClient = (w: World) =>
  cegidClients(w.t.services.cegid, {
    sicCode: SIC,
    cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
    cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
  }).cfe;

describe(`never lost, never twice (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  it('an entry Quadra holds twice is posted and flagged, in the entry and its history', async () => {
    const [e] = (await push(w, 'BOULANG', [purchase()])).entries;
    await send(w, 'BOULANG');
    const [dep] = await depositsOf(w, 'BOULANG');
    // Someone deposits the same file a second time by hand, outside this service.
    const blob = await w.sim.control.listBlobs(SIC, 'BOULANG/');
    const cfe = (await import('../../src/quadra/gateway.ts')).cegidClients(w.t.services.cegid, {
      sicCode: SIC,
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    }).cfe;
    const { buildDepositZip } = await import('../../src/pipeline/deposit-builder.ts');
    const zip = await asService(w.t.services.db, (tx) => buildDepositZip(tx, dep!.id, dep!.seq, 'space'));
    await cfe.upload('BOULANG/manual-copy.zip', zip.zip);
    expect(blob).toHaveLength(1);
    await w.sim.control.openDossier(SIC, 'BOULANG');
    await twelveHoursLater(w);
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('posted');
    expect(got.duplicateInQuadra).toBe(true);
    expect(got.attempts.at(-1)).toMatchObject({ kind: 'verify', outcome: 'duplicate', errorCode: 'found_twice' });
  });

  it('two sends at once make one deposit', async () => {
    await push(w, 'GARAGE', [purchase(), purchase()]);
    const results = await Promise.all([sendFile(w.t.services, w.files.get('GARAGE')!), sendFile(w.t.services, w.files.get('GARAGE')!)]);
    const deps = await depositsOf(w, 'GARAGE');
    expect(deps).toHaveLength(1);
    expect(results.reduce((n, r) => n + r.entries, 0)).toBe(2);
    expect(await w.sim.control.listBlobs(SIC, 'GARAGE/')).toHaveLength(1);
  });

  it('a verification run twice, or concurrently, records its outcome once', async () => {
    const [dep] = await depositsOf(w, 'GARAGE');
    await w.sim.control.openDossier(SIC, 'GARAGE');
    w.at(new Date(w.now().getTime() + 13 * 3_600_000));
    await Promise.all([verifyDeposit(w.t.services, dep!.id), verifyDeposit(w.t.services, dep!.id)]);
    await verifyDeposit(w.t.services, dep!.id);
    const attempts = await w.t.services.db.query<{ n: number }>(
      `select count(*)::int as n from attempts a join entries e on e.id = a.entry_id where e.deposit_id = $1 and a.kind = 'verify'`,
      [dep!.id],
    );
    expect(attempts.rows[0]!.n).toBe(2); // one per entry
  });

  it('a crash after the upload and before the commit: recovery records the send, no second deposit', async () => {
    const [e] = (await push(w, 'CONSEIL', [purchase()])).entries;
    await send(w, 'CONSEIL');
    const [dep] = await depositsOf(w, 'CONSEIL');
    // The state a crash leaves: claim committed, upload started and done, commit lost, lease run out.
    await w.t.services.db.query(
      `update deposits set status = 'preparing', uploaded_at = null, verify_at = null, claimed_until = now() - interval '1 minute' where id = $1`,
      [dep!.id],
    );
    await w.t.services.db.query(`update entries set status = 'pending', sent_at = null where id = $1`, [e!.id]);
    await w.t.services.db.query(`delete from attempts where entry_id = $1`, [e!.id]);
    w.at(new Date(w.now().getTime() + 10 * 60_000));
    await runSweep(w);
    const deps = await depositsOf(w, 'CONSEIL');
    expect(deps).toHaveLength(1);
    expect(deps[0]!.status).toBe('uploaded');
    expect(await w.sim.control.listBlobs(SIC, 'CONSEIL/')).toHaveLength(1);
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('sent');
    expect(got.attempts).toHaveLength(1);
    expect(got.attempts[0]).toMatchObject({ kind: 'send', outcome: 'sent', errorCode: null });
  });

  it('a crash before the upload started: uploaded now under its own name, once', async () => {
    const [e] = (await push(w, 'PHARMA', [purchase()])).entries;
    await send(w, 'PHARMA');
    const [dep] = await depositsOf(w, 'PHARMA');
    await w.t.services.db.query(
      `update deposits set status = 'preparing', uploaded_at = null, verify_at = null, upload_started_at = null, claimed_until = now() - interval '1 minute' where id = $1`,
      [dep!.id],
    );
    await w.t.services.db.query(`update entries set status = 'pending', sent_at = null where id = $1`, [e!.id]);
    await w.t.services.db.query(`delete from attempts where entry_id = $1`, [e!.id]);
    await cfeClient(w).remove(dep!.blob_name);
    await send(w, 'PHARMA'); // a send for the file settles the stuck deposit before anything else
    const deps = await depositsOf(w, 'PHARMA');
    expect(deps).toHaveLength(1);
    expect((await w.sim.control.listBlobs(SIC, 'PHARMA/')).map((b) => b.name)).toEqual([dep!.blob_name]);
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('sent');
    expect(got.attempts).toEqual([expect.objectContaining({ kind: 'send', outcome: 'sent', errorCode: null })]);
  });

  it('a crash after the upload started, blob not in the container: unconfirmed, not sent again until Quadra settles it', async () => {
    const [e] = (await push(w, 'PHARMA', [purchase()])).entries;
    await send(w, 'PHARMA');
    const dep = (await depositsOf(w, 'PHARMA')).at(-1)!;
    await w.t.services.db.query(
      `update deposits set status = 'preparing', uploaded_at = null, verify_at = null, claimed_until = now() - interval '1 minute' where id = $1`,
      [dep.id],
    );
    await w.t.services.db.query(`update entries set status = 'pending', sent_at = null where id = $1`, [e!.id]);
    await cfeClient(w).remove(dep.blob_name); // taken by Quadra meanwhile, or never landed: nobody can tell
    await runSweep(w);
    expect((await depositsOf(w, 'PHARMA')).at(-1)).toMatchObject({ id: dep.id, status: 'unconfirmed' });
    expect(await w.sim.control.listBlobs(SIC, 'PHARMA/')).toHaveLength(1); // only the previous test's
    const got = await entry(w, e!.id!);
    expect(got.status).toBe('sent');
    expect(got.attempts.at(-1)).toMatchObject({ outcome: 'sent', errorCode: 'upload_unconfirmed' });
  });

  it('a deposit being uploaded by another run is left alone, not taken for a crashed one', async () => {
    const [e] = (await push(w, 'PHARMA', [purchase()])).entries;
    // Another run's claim: a live lease, upload under way.
    const file = w.files.get('PHARMA')!;
    const dep = (
      await w.t.services.db.query<{ id: string }>(
        `insert into deposits (firm_id, file_id, blob_name, status, claimed_until, upload_started_at)
       select firm_id, id, 'PHARMA/in-flight.zip', 'preparing', now() + interval '5 minutes', now() from client_files where id = $1 returning id`,
        [file],
      )
    ).rows[0]!;
    await w.t.services.db.query('update entries set deposit_id = $2, batch_deposit_id = $2 where id = $1', [e!.id, dep.id]);
    await runSweep(w);
    await send(w, 'PHARMA');
    expect((await w.t.services.db.query<{ status: string }>('select status from deposits where id = $1', [dep.id])).rows[0]!.status).toBe(
      'preparing',
    );
    expect((await entry(w, e!.id!)).status).toBe('pending');
    await w.t.services.db.query('update entries set deposit_id = null, batch_deposit_id = null where id = $1', [e!.id]);
    await w.t.services.db.query(`delete from deposits where id = $1`, [dep.id]);
  });

  it('Cegid failing during a send: the entries stay pending with the reason; the next send succeeds', async () => {
    const [e] = (await push(w, 'BOULANG', [purchase()])).entries;
    w.sim.control.setFaults({ failNext: { count: 10, status: 503, service: 'cfe' } });
    const out = await send(w, 'BOULANG').then(() => sendFile(w.t.services, w.files.get('BOULANG')!));
    void out;
    w.sim.control.clearFaults();
    let got = await entry(w, e!.id!);
    expect(got.status).toBe('pending');
    expect(got.statusMessage).toMatch(/^Not sent: /);
    expect(got.attempts.some((a: { outcome: string }) => a.outcome === 'error')).toBe(true);
    await send(w, 'BOULANG');
    got = await entry(w, e!.id!);
    expect(got.status).toBe('sent');
    const live = (await depositsOf(w, 'BOULANG')).filter((d) => d.status === 'uploaded');
    expect(live).toHaveLength(1);
  });

  it('analysts see the right counts per firm, file and state', async () => {
    const rows = await w.t.services.db.transaction(async (tx) => {
      await tx.query("select set_config('role', 'quadra_analyst', true)");
      return (
        await tx.query<{ dossier_code: string; pending: number; sent: number; posted: number; failed_check: number; duplicates: number }>(
          'select dossier_code, pending::int, sent::int, posted::int, failed_check::int, duplicates::int from analytics.sync_status_by_file order by dossier_code',
        )
      ).rows;
    });
    const truth = await w.t.services.db.query<{ dossier_code: string; status: string; n: number }>(
      `select f.dossier_code, e.status, count(*)::int as n from entries e join client_files f on f.id = e.file_id group by 1, 2`,
    );
    for (const r of rows) {
      for (const status of ['pending', 'sent', 'posted', 'failed_check'] as const) {
        const expected = truth.rows.find((t) => t.dossier_code === r.dossier_code && t.status === status)?.n ?? 0;
        expect(r[status], `${r.dossier_code} ${status}`).toBe(expected);
      }
    }
    const boulang = rows.find((r) => r.dossier_code === 'BOULANG')!;
    expect(boulang.posted).toBe(1);
    expect(boulang.duplicates).toBe(1);
    expect(boulang.sent).toBe(1);
  });

  it('a copy that reaches Quadra after the entry was posted is flagged by the nightly audit', async () => {
    const [e] = (await push(w, 'PHARMA', [purchase()])).entries;
    await send(w, 'PHARMA');
    const dep = (await depositsOf(w, 'PHARMA')).at(-1)!;
    const { buildDepositZip } = await import('../../src/pipeline/deposit-builder.ts');
    const zip = await asService(w.t.services.db, (tx) => buildDepositZip(tx, dep.id, dep.seq, 'space'));
    await w.sim.control.openDossier(SIC, 'PHARMA');
    await twelveHoursLater(w);
    expect(await entry(w, e!.id!)).toMatchObject({ status: 'posted', duplicateInQuadra: false });
    await cfeClient(w).upload('PHARMA/late-copy.zip', zip.zip); // deposited again by hand, days later
    await w.sim.control.openDossier(SIC, 'PHARMA');
    await nextNightRun(w);
    const got = await entry(w, e!.id!);
    expect(got.duplicateInQuadra).toBe(true);
    expect(got.attempts.at(-1)).toMatchObject({ kind: 'verify', outcome: 'duplicate', errorCode: 'found_twice' });
    await nextNightRun(w); // flagged once, not every night
    expect((await entry(w, e!.id!)).attempts.filter((a: { outcome: string }) => a.outcome === 'duplicate')).toHaveLength(1);
  });
});
