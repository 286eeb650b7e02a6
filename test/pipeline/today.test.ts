// One "today": at 00:30 in Paris on 1 January (still 31 December in UTC) the file list, the
// preview and the send all judge the file with the firm's date. The dossier has closed 2026 and
// opened 2027: with the UTC date the send would be held while the file shows ready.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_FIRM, defaultFixture } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, purchase, push, send } from '../support/entries.ts';
import { createWorld, syncReference, type World } from '../support/world.ts';

describe(`one today, at 00:30 Paris on 1 January (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-12-31T23:30:00Z' });
    // A dossier whose fiscal year 2026 is closed and 2027 open, as on 1 January.
    const spec = defaultFixture(new Date('2027-01-15T12:00:00Z')).firms.find((f) => f.sic === DEMO_FIRM.sic)!.dossiers.find((d) => d.code === 'BOULANG')!;
    expect(spec.periods.map((p) => [p.start.slice(0, 4), p.status])).toEqual([['2026', 'closed'], ['2027', 'open']]);
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
