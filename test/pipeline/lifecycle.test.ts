// The entry lifecycle of sync-rules.md §5, end to end: push → deposit through CFE → (user opens
// the dossier, or not) → verification 12 hours later → three nights → posted / failed_check /
// file waiting. Real simulator over HTTP, real Azurite, real pg-boss, the test's clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAILED_CHECK_MESSAGE,
  nextNight,
  resendReferenceHoldMessage,
  SEND_REFERENCE_HOLD_MESSAGE,
} from '../../src/domain/entries/lifecycle.ts';
import { nightlyJob, verifyDepositJob } from '../../src/jobs/definitions.ts';
import { runNow } from '../../src/jobs/index.ts';
import { DEMO_FIRM, defaultFixture } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, nextNightRun, purchase, push, runSweep, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, syncReference, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;
const outcomes = (e: { attempts: Array<{ kind: string; outcome: string }> }) => e.attempts.map((a) => `${a.kind}:${a.outcome}`);

describe(`entry lifecycle (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  it('posted on the first check: sent, the dossier opened, found 12 hours later', async () => {
    const pushed = await push(w, 'BOULANG', [purchase(), purchase({ journalCode: 'NF', kind: 'expense_report', label: 'Repas client' })]);
    expect(pushed.accepted).toBe(2);
    const ids = pushed.entries.map((e) => e.id!);

    await send(w, 'BOULANG');
    const [dep] = await depositsOf(w, 'BOULANG');
    expect(dep).toMatchObject({ status: 'uploaded' });
    expect(dep!.verify_at!.getTime() - w.now().getTime()).toBe(12 * 3_600_000);
    expect((await entry(w, ids[0]!)).status).toBe('sent');
    expect(await w.sim.control.listBlobs(SIC)).toHaveLength(1);

    const report = await w.sim.control.openDossier(SIC, 'BOULANG');
    expect(report.imported).toBeGreaterThan(0);
    await twelveHoursLater(w);

    for (const id of ids) {
      const e = await entry(w, id);
      expect(e.status).toBe('posted');
      expect(e.duplicateInQuadra).toBe(false);
      expect(outcomes(e)).toEqual(['send:sent', 'verify:posted']);
    }
  });

  it('posted on night 2: not opened at first, re-sent on night 1 replacing the deposit, then opened', async () => {
    const [p] = (await push(w, 'GARAGE', [purchase({ supplier: 'FEDF0001' })])).entries;
    await send(w, 'GARAGE');
    const [first] = await depositsOf(w, 'GARAGE');

    await twelveHoursLater(w);
    let e = await entry(w, p!.id!);
    expect(e.status).toBe('pending');
    expect(e.statusMessage).toMatch(/new attempt is made on each of the next 3 nights/);

    await nextNightRun(w); // night 1: still missing → withdraw the old deposit, send a new one
    const deps = await depositsOf(w, 'GARAGE');
    expect(deps.map((d) => d.status)).toEqual(['replaced', 'uploaded']);
    expect(deps[1]!.replaces_id).toBe(first!.id);
    const blobs = await w.sim.control.listBlobs(SIC, 'GARAGE/');
    expect(blobs.map((b) => b.name)).toEqual([deps[1]!.blob_name]); // the old one is gone: Quadra gets it once
    e = await entry(w, p!.id!);
    expect(e.status).toBe('sent');
    expect(e.nightsTried).toBe(1);

    await w.sim.control.openDossier(SIC, 'GARAGE');
    await nextNightRun(w); // night 2: found
    e = await entry(w, p!.id!);
    expect(e.status).toBe('posted');
    expect(outcomes(e)).toEqual(['send:sent', 'verify:not_found', 'verify:not_found', 'resend:replaced', 'resend:sent', 'verify:posted']);
    // The withdrawal carries its night, like the night's verification and re-send beside it.
    expect(e.attempts.filter((a: { kind: string }) => a.kind === 'resend').map((a: { night: number | null }) => a.night)).toEqual([1, 1]);
    expect(w.sim.control.entries(SIC, 'GARAGE').filter((l) => l.reference === e.quadraReference)).toHaveLength(3); // its 3 lines, once
  });

  it("a night's re-send gets its own check 12 hours after it: opened after the re-send, posted by that check", async () => {
    const [p] = (await push(w, 'BOULANG', [purchase({ label: 'Farine décembre' })])).entries;
    await send(w, 'BOULANG');
    await twelveHoursLater(w); // not opened: pending, due at the next night
    expect((await entry(w, p!.id!)).status).toBe('pending');

    // The night alone (no sweep after it: the sweep's early check would post it before the 12 hours).
    const resentAt = w.at(nextNight(w.now()));
    await runNow(nightlyJob, {}, w.t.services);
    let e = await entry(w, p!.id!);
    expect(e.status).toBe('sent');
    expect(e.nightsTried).toBe(1);
    const resendId = e.attempts.at(-1).depositId as string;
    expect(outcomes(e).at(-1)).toBe('resend:sent');
    const resend = (await depositsOf(w, 'BOULANG')).find((d) => d.id === resendId)!;
    expect(resend.replaces_id).not.toBeNull();
    // Its own check: exactly VERIFY_AFTER_HOURS (12) after the re-send, and its job queued for then.
    expect(w.t.services.config.VERIFY_AFTER_HOURS).toBe(12);
    expect(resend.verify_at!.getTime() - resentAt.getTime()).toBe(12 * 3_600_000);
    const job = await w.t.services.db.query<{ start_after: Date }>(
      `select start_after from pgboss.job where name = $1 and data->>'depositId' = $2`,
      [verifyDepositJob.name, resendId],
    );
    expect(job.rows.map((r) => r.start_after.getTime())).toEqual([resend.verify_at!.getTime()]);

    expect((await w.sim.control.openDossier(SIC, 'BOULANG')).imported).toBeGreaterThan(0);
    w.at(new Date(resend.verify_at!.getTime() - 60_000)); // a minute early: the check does nothing yet
    await runNow(verifyDepositJob, { depositId: resendId }, w.t.services);
    expect((await entry(w, p!.id!)).status).toBe('sent');

    w.at(resend.verify_at!);
    await runNow(verifyDepositJob, { depositId: resendId }, w.t.services);
    e = await entry(w, p!.id!);
    expect(e.status).toBe('posted');
    expect(outcomes(e)).toEqual(['send:sent', 'verify:not_found', 'verify:not_found', 'resend:replaced', 'resend:sent', 'verify:posted']);
    // Recorded by the re-send's check, at its hour: the verification, the posting, the deposit checked.
    expect(new Date(e.attempts.at(-1).at).getTime()).toBe(resend.verify_at!.getTime());
    expect(new Date(e.postedAt).getTime()).toBe(resend.verify_at!.getTime());
    const checked = await w.t.services.db.query<{ status: string; verified_at: Date }>(
      'select status, verified_at from public.deposits where id = $1',
      [resendId],
    );
    expect(checked.rows[0]!.status).toBe('imported');
    expect(checked.rows[0]!.verified_at.getTime()).toBe(resend.verify_at!.getTime());
  });

  it('failed check after night 3 while an entry of the same batch was posted', async () => {
    const good = purchase();
    const bad = purchase({ journalCode: 'OD', label: 'Écriture rejetée' });
    const pushed = await push(w, 'CONSEIL', [good, bad]);
    const [goodId, badId] = pushed.entries.map((e) => e.id!);
    w.sim.control.setJournalOpen(SIC, 'CONSEIL', 'OD', false); // Quadra will refuse the OD entry on import
    await send(w, 'CONSEIL');
    await w.sim.control.openDossier(SIC, 'CONSEIL');
    await twelveHoursLater(w);
    expect((await entry(w, goodId!)).status).toBe('posted');
    expect((await entry(w, badId!)).status).toBe('pending');

    for (const night of [1, 2]) {
      await nextNightRun(w);
      expect((await entry(w, badId!)).nightsTried).toBe(night);
      await w.sim.control.openDossier(SIC, 'CONSEIL'); // imported again, refused again
    }
    await nextNightRun(w); // night 3: decide
    const e = await entry(w, badId!);
    expect(e.status).toBe('failed_check');
    expect(e.statusMessage).toBe(FAILED_CHECK_MESSAGE);
    expect(outcomes(e).at(-1)).toBe('decide:failed_check');
    // Nothing of it waits in the container: a late opening can never post it behind the user's back.
    expect(await w.sim.control.listBlobs(SIC, 'CONSEIL/')).toHaveLength(0);

    // The user fixes it (another journal) and validates it again: pending, with a new reference.
    w.sim.control.setJournalOpen(SIC, 'CONSEIL', 'OD', true);
    const fixed = await w.t.call('PUT', `/v1/entries/${badId}`, {
      token: w.token,
      body: { ...bad, externalId: undefined, journalCode: 'AC' },
    });
    expect(fixed.status).toBe(200);
    expect(fixed.body.status).toBe('failed_check');
    const again = await w.t.call('POST', `/v1/entries/${badId}/revalidate`, { token: w.token });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'pending', nightsTried: 0, statusMessage: null });
    expect(again.body.quadraReference).not.toBe(e.quadraReference);
    await send(w, 'CONSEIL');
    await w.sim.control.openDossier(SIC, 'CONSEIL');
    await twelveHoursLater(w);
    const posted = await entry(w, badId!);
    expect(posted.status).toBe('posted');
    expect(outcomes(posted)).toContain('revalidate:revalidated');

    // Later, the failed version reaches Quadra after all (deposited by hand): the nightly audit flags it.
    const { packDeposit, writeAsciiFile } = await import('../../src/quadra/ascii/index.ts');
    const old = writeAsciiFile(
      bad.lines.map((l) => ({
        account: l.account,
        journalCode: 'OD',
        date: bad.date,
        sense: l.debit > 0 ? ('D' as const) : ('C' as const),
        amountCents: l.debit || l.credit,
        label: bad.label,
        reference: e.quadraReference,
      })),
    );
    const { cegidClients } = await import('../../src/quadra/gateway.ts');
    await cegidClients(w.t.services.cegid, {
      sicCode: SIC,
      cpa: { apiKey: DEMO_FIRM.cpa.key, secret: DEMO_FIRM.cpa.secret },
      cfe: { apiKey: DEMO_FIRM.cfe.key, secret: DEMO_FIRM.cfe.secret },
    }).cfe.upload('CONSEIL/by-hand.zip', packDeposit({ asciiName: 'old.txt', ascii: old.bytes, documents: [] }));
    await w.sim.control.openDossier(SIC, 'CONSEIL');
    await nextNightRun(w);
    const flagged = await entry(w, badId!);
    expect(flagged.status).toBe('posted');
    expect(flagged.duplicateInQuadra).toBe(true);
    expect(flagged.attempts.at(-1)).toMatchObject({ kind: 'verify', outcome: 'duplicate', errorCode: 'earlier_version_in_quadra' });
  });

  it('posted minutes after the dossier is opened (early check), and the 12-hour check adds nothing', async () => {
    const [p] = (await push(w, 'PHARMA', [purchase()])).entries;
    await send(w, 'PHARMA');
    const sentAt = w.now().getTime();
    w.at(new Date(sentAt + 20 * 60_000));
    await runSweep(w); // not opened yet: still sent
    expect((await entry(w, p!.id!)).status).toBe('sent');
    await w.sim.control.openDossier(SIC, 'PHARMA');
    w.at(new Date(sentAt + 35 * 60_000));
    await runSweep(w); // the blob has left the container: Quadra took it
    w.at(new Date(sentAt + 50 * 60_000));
    await runSweep(w); // a few minutes later its entries show
    let e = await entry(w, p!.id!);
    expect(e.status).toBe('posted');
    expect(new Date(e.postedAt).getTime() - sentAt).toBeLessThan(3_600_000);
    w.at(new Date(sentAt + 12 * 3_600_000 + 60_000));
    await runSweep(w);
    e = await entry(w, p!.id!);
    expect(outcomes(e)).toEqual(['send:sent', 'verify:posted']);
  });

  it('no key, secret or container signature appears in any log line of the whole flow', async () => {
    const logs = w.t.logLines.join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [DEMO_FIRM.cpa.key, DEMO_FIRM.cpa.secret, DEMO_FIRM.cfe.key, DEMO_FIRM.cfe.secret, 'sig=', w.token]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe(`a file never opened (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  it('after three nights with nothing posted the file waits to be opened; its entries keep waiting and are posted once it is', async () => {
    const pushed = await push(w, 'BOULANG', [purchase(), purchase()]);
    const ids = pushed.entries.map((e) => e.id!);
    await send(w, 'BOULANG');
    await twelveHoursLater(w);
    for (let night = 1; night <= 3; night++) await nextNightRun(w);

    const files = await w.t.call('GET', `/v1/firms/${w.firmId}/files`, { token: w.token });
    const file = files.body.files.find((f: { dossierCode: string }) => f.dossierCode === 'BOULANG');
    expect(file.waitingOpenSince).not.toBeNull();
    const tab = await w.t.call('GET', `/v1/files/${w.files.get('BOULANG')}/entries`, { token: w.token });
    expect(tab.body.file.message).toMatch(/open the file in Quadra/);
    for (const id of ids) {
      const e = await entry(w, id);
      expect(e.status).not.toBe('failed_check');
      expect(outcomes(e).at(-1)).toBe('decide:file_waiting');
    }
    // The deposit still waits in the container, exactly once.
    expect(await w.sim.control.listBlobs(SIC, 'BOULANG/')).toHaveLength(1);

    await w.sim.control.openDossier(SIC, 'BOULANG');
    await nextNightRun(w); // verification continues
    for (const id of ids) expect((await entry(w, id)).status).toBe('posted');
    const after = await w.t.call('GET', `/v1/files/${w.files.get('BOULANG')}/entries?status=posted`, { token: w.token });
    expect(after.body.file.waitingOpenSince).toBeNull();
    expect(after.body.items).toHaveLength(2);
  });
});

describe(`a night holds what the file's reference data no longer accepts (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
    // A dossier with 2026 open and 2027 already opened (its previous year, 2025, closed).
    const spec = defaultFixture(w.now())
      .firms.find((f) => f.sic === SIC)!
      .dossiers.find((d) => d.code === 'BOULANG')!;
    const periods = [...spec.periods, { code: '2027', start: '2027-01-01', end: '2027-12-31', status: 'open' as const }];
    expect(periods.map((p) => `${p.code}:${p.status}`)).toEqual(['2025:closed', '2026:open', '2027:open']);
    w.sim.control.addDossier(SIC, { ...structuredClone(spec), periods, code: 'CLOTURE', name: 'Clôture SARL' });
    w.files = await syncReference(w.t, w.token, w.firmId);
  }, 180_000);
  afterAll(() => w?.close());
  const closing = async (status: 'open' | 'closed') => {
    w.sim.control.setPeriodStatus(SIC, 'CLOTURE', '2027', status);
    w.files = await syncReference(w.t, w.token, w.firmId);
  };
  const quadraLines = (ref: string) => w.sim.control.entries(SIC, 'CLOTURE').filter((l) => l.reference === ref);

  it('an entry whose period closed since its first send is held, not re-sent, while its sibling is; its nights still count, so it ends failed_check and goes out once corrected', async () => {
    const pushed = await push(w, 'CLOTURE', [purchase({ date: '2027-01-04' }), purchase()]);
    expect(pushed.accepted).toBe(2);
    const [lateId, okId] = pushed.entries.map((e) => e.id!);
    await send(w, 'CLOTURE'); // not opened in Quadra
    await closing('closed'); // the firm closes 2027 again in Quadra; the reference data is refreshed
    await twelveHoursLater(w);

    await nextNightRun(w); // night 1: both missing; the sibling is re-sent, the closed period's entry held
    let late = await entry(w, lateId!);
    expect(late).toMatchObject({ status: 'pending', nightsTried: 1, statusMessage: resendReferenceHoldMessage(3) });
    expect(late.attempts.at(-1)).toMatchObject({
      kind: 'resend',
      outcome: 'held',
      errorCode: 'reference_changed',
      detail: resendReferenceHoldMessage(3),
    });
    expect(await entry(w, okId!)).toMatchObject({ status: 'sent', nightsTried: 1 });
    const deps = await depositsOf(w, 'CLOTURE');
    expect(deps.map((d) => d.status)).toEqual(['replaced', 'uploaded']);
    const inResend = await w.t.services.db.query<{ id: string }>('select id from public.entries where deposit_id = $1', [deps[1]!.id]);
    expect(inResend.rows.map((r) => r.id)).toEqual([okId]);

    await w.sim.control.openDossier(SIC, 'CLOTURE');
    await twelveHoursLater(w); // the re-send's check
    expect((await entry(w, okId!)).status).toBe('posted');
    expect(quadraLines(late.quadraReference)).toHaveLength(0);

    await nextNightRun(w); // night 2: still closed: held again, its second night counted
    late = await entry(w, lateId!);
    expect(late).toMatchObject({ status: 'pending', nightsTried: 2, statusMessage: resendReferenceHoldMessage(3) });
    expect(outcomes(late).filter((o) => o === 'resend:held')).toHaveLength(2);

    await nextNightRun(w); // night 3: still closed: the brief's rule decides, nothing is held for ever
    late = await entry(w, lateId!);
    expect(late.status).toBe('failed_check');
    expect(outcomes(late)).toContain('decide:failed_check');
    expect(quadraLines(late.quadraReference)).toHaveLength(0);

    await closing('open'); // the firm reopens the period; the user validates the entry again
    const again = await w.t.call('POST', `/v1/entries/${lateId}/revalidate`, { token: w.token });
    expect(again.status).toBe(200);
    await send(w, 'CLOTURE');
    await w.sim.control.openDossier(SIC, 'CLOTURE');
    await twelveHoursLater(w);
    late = await entry(w, lateId!);
    expect(late.status).toBe('posted');
    expect(quadraLines(late.quadraReference)).toHaveLength(3);
  });

  it('a first send holds an entry whose period closed since its push, with the reason, and sends its sibling; reopened, it goes at the next send', async () => {
    const pushed = await push(w, 'CLOTURE', [purchase({ date: '2027-02-01' }), purchase()]);
    const [heldId, okId] = pushed.entries.map((e) => e.id!);
    await closing('closed');
    await send(w, 'CLOTURE');
    const held = await entry(w, heldId!);
    expect(held).toMatchObject({ status: 'pending', statusMessage: SEND_REFERENCE_HOLD_MESSAGE });
    expect(await entry(w, okId!)).toMatchObject({ status: 'sent' });
    const inDeposit = await w.t.services.db.query<{ id: string }>(
      'select id from public.entries where id = $1 and deposit_id is not null',
      [heldId],
    );
    expect(inDeposit.rows).toEqual([]);
    await closing('open');
    await send(w, 'CLOTURE');
    const out = await entry(w, heldId!);
    expect(out.status).toBe('sent');
    expect(out.statusMessage).not.toBe(SEND_REFERENCE_HOLD_MESSAGE);
    await w.sim.control.openDossier(SIC, 'CLOTURE');
    await twelveHoursLater(w);
    for (const id of [heldId!, okId!]) expect((await entry(w, id)).status).toBe('posted');
  });
});
