// What checks, nights and the audit decide for entries, each outcome one set-based statement: its
// guards (a posted or failed entry is never moved back), what it returns, on the engine under test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as outcomes from '../../../src/db/repos/entry-outcomes.ts';
import { asService } from '../../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../../support/db.ts';
import { seedFirmEverywhere } from '../../support/seed-all-tables.ts';

const now = new Date('2026-11-02T09:00:00Z');
const night = new Date('2026-11-03T01:00:00Z');

interface Row {
  status: string;
  deposit_id: string | null;
  next_attempt_at: Date | null;
  nights_tried: number;
  status_message: string | null;
  duplicate_in_quadra: boolean;
  posted_at: Date | null;
}

describe(`entry outcomes (${engine})`, () => {
  let t: TestDatabase;
  let firmId: string;
  let fileId: string;
  let depositId: string;
  beforeAll(async () => {
    t = await freshDatabase();
    firmId = await seedFirmEverywhere(t.db, crypto.randomUUID(), '100778');
    const e = (
      await t.db.query<{ file_id: string; deposit_id: string }>('select file_id, deposit_id from entries where firm_id = $1', [firmId])
    ).rows[0]!;
    fileId = e.file_id;
    depositId = e.deposit_id;
  }, 120_000);
  afterAll(() => t?.drop());

  /** An entry of the seeded file in `status`, held by the seeded deposit unless pending. */
  async function entryIn(
    status: 'pending' | 'sent' | 'posted' | 'failed_check',
    over: { nextAttemptAt?: Date | null; journal?: string } = {},
  ): Promise<string> {
    return (
      await t.db.query<{ id: string }>(
        `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label, status, deposit_id, next_attempt_at)
       values ($1, $2, $3, 'purchase', $4, '2026-03-01', 'Achat', $5, $6, $7) returning id`,
        [
          firmId,
          fileId,
          crypto.randomUUID(),
          over.journal ?? 'AC',
          status,
          status === 'pending' ? null : depositId,
          over.nextAttemptAt ?? null,
        ],
      )
    ).rows[0]!.id;
  }
  const row = async (id: string) =>
    (
      await t.db.query<Row>(
        'select status, deposit_id, next_attempt_at, nights_tried, status_message, duplicate_in_quadra, posted_at from entries where id = $1',
        [id],
      )
    ).rows[0]!;
  const run = <T>(fn: (tx: Parameters<typeof outcomes.posted>[0]) => Promise<T>) => asService(t.db, fn);

  it('posted moves pending and sent entries only, flags the duplicates, and returns what it moved', async () => {
    const [pending, sent, dup, done] = [
      await entryIn('pending'),
      await entryIn('sent'),
      await entryIn('sent'),
      await entryIn('failed_check'),
    ];
    const moved = await run((tx) => outcomes.posted(tx, { ids: [pending, sent, dup, done], duplicates: [dup], now }));
    expect(new Set(moved.map((m) => m.id))).toEqual(new Set([pending, sent, dup]));
    expect(moved.find((m) => m.id === sent)!.deposit_id).toBe(depositId);
    expect(await row(dup)).toMatchObject({ status: 'posted', duplicate_in_quadra: true, posted_at: now, next_attempt_at: null });
    expect(await row(sent)).toMatchObject({ status: 'posted', duplicate_in_quadra: false });
    expect((await row(done)).status).toBe('failed_check');
    expect(await run((tx) => outcomes.posted(tx, { ids: [sent], duplicates: [], now }))).toEqual([]); // a second check moves nothing
  });

  it('requeued sends back only what is still sent, due at the next night', async () => {
    const [sent, posted] = [await entryIn('sent'), await entryIn('posted')];
    await run((tx) => outcomes.requeued(tx, { ids: [sent, posted], dueAt: night, message: 'Not found', now }));
    expect(await row(sent)).toMatchObject({
      status: 'pending',
      next_attempt_at: night,
      status_message: 'Not found',
      deposit_id: depositId,
    });
    expect((await row(posted)).status).toBe('posted');
  });

  it("the night's decisions: deferred, held, failed_check, file waiting (and opened), re-sent on a night, due unless scheduled", async () => {
    const ids = await Promise.all([0, 1, 2, 3, 4, 5].map(() => entryIn('sent')));
    const [deferred, held, failed, waiting, resent, unscheduled] = ids as [string, string, string, string, string, string];
    const later = new Date(now.getTime() + 3_600_000);
    await run(async (tx) => {
      await outcomes.deferred(tx, { ids: [deferred], until: later, now });
      await outcomes.resendHeld(tx, { ids: [held], until: night, message: 'Held', now });
      await outcomes.failedCheck(tx, { ids: [failed], nights: 3, message: 'Failed', now });
      await outcomes.fileWaiting(tx, { fileId, ids: [waiting], nights: 3, until: night, message: 'Waiting', now });
      await outcomes.resentOnNight(tx, { ids: [resent], night: 2, until: night, now });
    });
    expect(await row(deferred)).toMatchObject({ status: 'sent', next_attempt_at: later });
    expect(await row(held)).toMatchObject({ next_attempt_at: night, status_message: 'Held' });
    expect(await row(failed)).toMatchObject({
      status: 'failed_check',
      nights_tried: 3,
      next_attempt_at: null,
      deposit_id: null,
      status_message: 'Failed',
    });
    expect(await row(waiting)).toMatchObject({ status: 'sent', nights_tried: 3, next_attempt_at: night, status_message: 'Waiting' });
    expect(await row(resent)).toMatchObject({ nights_tried: 2, next_attempt_at: night });
    const waitingSince = async () =>
      (await t.db.query<{ w: Date | null }>('select waiting_open_since as w from client_files where id = $1', [fileId])).rows[0]!.w;
    expect(await waitingSince()).toEqual(now);
    await run((tx) => outcomes.fileOpened(tx, { fileId, now }));
    expect(await waitingSince()).toBeNull();
    await run((tx) => outcomes.dueUnlessScheduled(tx, { ids: [unscheduled, resent], until: later, now }));
    expect((await row(unscheduled)).next_attempt_at).toEqual(later);
    expect((await row(resent)).next_attempt_at).toEqual(night); // already scheduled: kept
  });

  it("resendable: the candidates and the withdrawn deposits' other unposted entries, but for those failed", async () => {
    const [candidate, sibling, failed, posted] = [
      await entryIn('pending'),
      await entryIn('sent'),
      await entryIn('sent'),
      await entryIn('posted'),
    ];
    const picked = await run((tx) =>
      outcomes.resendable(tx, { fileId, withdrawn: [depositId], candidates: [candidate], except: [failed] }),
    );
    expect(picked).toContain(candidate);
    expect(picked).toContain(sibling);
    expect(picked).not.toContain(failed);
    expect(picked).not.toContain(posted);
  });

  it('flaggedDuplicate flags once; held says why once, by reference only where the journal is closed', async () => {
    const posted = await entryIn('posted');
    expect(await run((tx) => outcomes.flaggedDuplicate(tx, { ids: [posted], now }))).toEqual([posted]);
    expect(await run((tx) => outcomes.flaggedDuplicate(tx, { ids: [posted], now }))).toEqual([]);
    expect((await row(posted)).duplicate_in_quadra).toBe(true);
    await t.db.query(`update entries set status_message = 'Sent' where file_id = $1 and status = 'pending'`, [fileId]);
    const [open, closed] = [await entryIn('pending'), await entryIn('pending', { journal: 'ZZ' })];
    const byReference = await run((tx) => outcomes.held(tx, { fileId, message: 'Held by reference', now, byReference: true }));
    expect(byReference).toContain(closed);
    expect(byReference).not.toContain(open);
    const all = await run((tx) => outcomes.held(tx, { fileId, message: 'Held by reference', now }));
    expect(all).toContain(open);
    expect(all).not.toContain(closed); // its message already says so
    expect(await run((tx) => outcomes.held(tx, { fileId, message: 'Held by reference', now }))).toEqual([]);
  });
});
