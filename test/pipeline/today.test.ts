// One "today": at 00:30 in Paris on 1 January (still 31 December in UTC) the file list, the
// preview, the send and a night's re-send all judge the file with the firm's date. The dossier has
// closed 2026 and opened 2027: with the UTC date the send and the re-send would be held while the
// file shows ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '../../src/domain/calendar.ts';
import { asService } from '../../src/db/scoped.ts';
import { nightlyJob } from '../../src/jobs/definitions.ts';
import { runNow } from '../../src/jobs/index.ts';
import { loadFilePrerequisites } from '../../src/pipeline/prerequisites.ts';
import { DEMO_FIRM, defaultFixture } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, purchase, push, send, twelveHoursLater } from '../support/entries.ts';
import { createWorld, syncReference, type World } from '../support/world.ts';

describe(`one today, at 00:30 Paris on 1 January (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-12-31T23:30:00Z' });
    // A dossier whose fiscal year 2026 is closed and 2027 open, as on 1 January.
    const spec = defaultFixture(new Date('2027-01-15T12:00:00Z'))
      .firms.find((f) => f.sic === DEMO_FIRM.sic)!
      .dossiers.find((d) => d.code === 'BOULANG')!;
    expect(spec.periods.map((p) => [p.start.slice(0, 4), p.status])).toEqual([
      ['2026', 'closed'],
      ['2027', 'open'],
    ]);
    w.sim.control.addDossier(DEMO_FIRM.sic, { ...structuredClone(spec), code: 'NOUVELAN', name: 'Nouvel An SARL' });
    w.files = await syncReference(w.t, w.token, w.firmId);
  }, 180_000);
  afterAll(() => w?.close());

  it('the file list, the preview and the send agree: ready, and sent', async () => {
    const fileId = w.files.get('NOUVELAN')!;
    const files = await w.t.call('GET', `/v1/firms/${w.firmId}/files`, { token: w.token });
    const listed = files.body.files.find((f: { id: string }) => f.id === fileId);
    expect(listed.prerequisites.ok).toBe(true);

    const pushed = await push(w, 'NOUVELAN', [purchase({ date: '2027-01-01' })]);
    expect(pushed.accepted).toBe(1);
    const preview = await w.t.call('POST', `/v1/files/${fileId}/preview`, { token: w.token });
    expect(preview.body.prerequisites.ok).toBe(true);
    expect(preview.body.entryCount).toBe(1);

    await send(w, 'NOUVELAN');
    const e = await entry(w, pushed.entries[0]!.id!);
    expect(e.status).toBe('sent');
    expect(e.attempts.map((a: { outcome: string }) => a.outcome)).toEqual(['sent']);
    expect(await depositsOf(w, 'NOUVELAN')).toHaveLength(1);
  });

  it('POST /sync?wait=true answers once the send job has finished: the entry is already sent', async () => {
    const fileId = w.files.get('NOUVELAN')!;
    const pushed = await push(w, 'NOUVELAN', [purchase({ date: '2027-01-01' })]);
    const r = await w.t.call('POST', `/v1/files/${fileId}/sync?wait=true`, { token: w.token });
    expect(r.status, r.text).toBe(202);
    expect(r.body).toMatchObject({ queued: true, finished: true });
    expect((await entry(w, pushed.entries[0]!.id!)).status).toBe('sent');
    const bad = await w.t.call('POST', `/v1/files/${fileId}/sync?wait=soon`, { token: w.token });
    expect(bad.status).toBe(422);
  });
});

describe(`one today for a night's re-send, at 00:30 Paris on 1 January (${engine})`, () => {
  let w: World;
  const SPEC = defaultFixture(new Date('2027-01-15T12:00:00Z'))
    .firms.find((f) => f.sic === DEMO_FIRM.sic)!
    .dossiers.find((d) => d.code === 'BOULANG')!;
  beforeAll(async () => {
    // The night runs at 00:30 Paris (in winter 23:30 UTC, the day before). On 31 December, 10:00
    // Paris, the dossier has 2026 and 2027 open; the firm closes 2026 that evening.
    w = await createWorld({ start: '2026-12-31T09:00:00Z', config: { NIGHTLY_CRON: '30 0 * * *' } });
    const periods = SPEC.periods.map((p) => ({ ...p, status: 'open' as const }));
    expect(periods.map((p) => p.code)).toEqual(['2026', '2027']);
    w.sim.control.addDossier(DEMO_FIRM.sic, { ...structuredClone(SPEC), periods, code: 'FINANNEE', name: "Fin d'Année SARL" });
    w.files = await syncReference(w.t, w.token, w.firmId);
  }, 180_000);
  afterAll(() => w?.close());

  it("the night re-sends with the firm's date: its prerequisites pass on 1 January where 31 December would hold it", async () => {
    const fileId = w.files.get('FINANNEE')!;
    const pushed = await push(w, 'FINANNEE', [purchase({ date: '2027-01-01' })]);
    const id = pushed.entries[0]!.id!;
    await send(w, 'FINANNEE'); // not opened in Quadra
    // The firm closes 2026 in Quadra; the reference data is refreshed.
    w.sim.control.setPeriodStatus(DEMO_FIRM.sic, 'FINANNEE', '2026', 'closed');
    w.files = await syncReference(w.t, w.token, w.firmId);

    await twelveHoursLater(w); // 22:01 Paris: not found, due at the next night
    expect((await entry(w, id)).status).toBe('pending');
    const due = await w.t.services.db.query<{ next_attempt_at: Date }>('select next_attempt_at from public.entries where id = $1', [id]);
    expect(due.rows[0]!.next_attempt_at.toISOString()).toBe('2026-12-31T23:30:00.000Z');

    const night = w.at('2026-12-31T23:30:00Z');
    expect(today(w.t.services.config.SCHEDULE_TZ, night)).toBe('2027-01-01');
    expect(night.toISOString().slice(0, 10)).toBe('2026-12-31');
    // The same file judged on each date: the UTC one would hold the re-send (2026 is closed).
    const judged = (day: string) => asService(w.t.services.db, (tx) => loadFilePrerequisites(tx, fileId, day));
    expect((await judged('2027-01-01')).ok).toBe(true);
    expect((await judged('2026-12-31')).checks.find((c) => c.name === 'open_period')!.ok).toBe(false);

    await runNow(nightlyJob, {}, w.t.services);
    const e = await entry(w, id);
    expect(e.status).toBe('sent');
    expect(e.nightsTried).toBe(1);
    expect(e.attempts.map((a: { kind: string; outcome: string }) => `${a.kind}:${a.outcome}`)).toEqual([
      'send:sent',
      'verify:not_found',
      'verify:not_found',
      'resend:replaced',
      'resend:sent',
    ]);
    expect((await depositsOf(w, 'FINANNEE')).map((d) => d.status)).toEqual(['replaced', 'uploaded']);
  });
});
