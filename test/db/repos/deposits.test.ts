// The deposit state machine: every legal transition walked, every illegal one refused with a
// named error, on the engine under test; and no deposit or attempt SQL outside its repositories, no
// entry update in the pipeline.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.ts';
import * as attempts from '../../../src/db/repos/attempts.ts';
import * as deposits from '../../../src/db/repos/deposits.ts';
import { resentWording } from '../../../src/domain/entries/lifecycle.ts';
import { asService } from '../../../src/db/scoped.ts';
import { Constants } from '../../../src/db/types.gen.ts';
import { engine, freshDatabase, type TestDatabase } from '../../support/db.ts';
import { seedFirmEverywhere } from '../../support/seed-all-tables.ts';

const STATES = Constants.public.Enums.deposit_status;
const now = new Date('2026-11-02T09:00:00Z');
const verifyAt = new Date('2026-11-02T21:00:00Z');

/** Each transition, fired with valid arguments, and the state it leads to. */
const FIRE: Record<deposits.Transition, { to: deposits.DepositStatus | 'same'; run: (tx: Database, id: string) => Promise<unknown> }> = {
  uploadStarted: { to: 'preparing', run: (tx, id) => deposits.uploadStarted(tx, id, { now, sizeBytes: 10, leaseSeconds: 60 }) },
  uploaded: {
    to: 'uploaded',
    run: (tx, id) => deposits.uploaded(tx, id, { now, etag: '"e"', sizeBytes: 10, verifyAt, message: 'Sent', resend: null }),
  },
  unconfirmed: {
    to: 'unconfirmed',
    run: (tx, id) => deposits.unconfirmed(tx, id, { now, verifyAt, absentSeen: true, message: 'Sent', resend: null }),
  },
  released: { to: 'failed', run: (tx, id) => deposits.released(tx, id, { now, errorCode: 'x', message: 'Not sent' }) },
  withdrawing: { to: 'replacing', run: (tx, id) => deposits.withdrawing(tx, id) },
  replaced: { to: 'replaced', run: (tx, id) => deposits.replaced(tx, id) },
  withdrawn: { to: 'replaced', run: (tx, id) => deposits.withdrawn(tx, id, { now, keep: [], dueAt: verifyAt, message: 'Withdrawn' }) },
  verified: { to: 'same', run: (tx, id) => deposits.verified(tx, id, now) },
  seenAbsent: { to: 'unconfirmed', run: (tx, id) => deposits.seenAbsent(tx, id, now) },
  takeOver: { to: 'preparing', run: (tx, id) => deposits.takeOver(tx, id, 60) },
};

describe(`deposit state machine (${engine})`, () => {
  let t: TestDatabase;
  let firmId: string;
  let fileId: string;
  let entryId: string;
  beforeAll(async () => {
    t = await freshDatabase();
    firmId = await seedFirmEverywhere(t.db, crypto.randomUUID(), '100777');
    const e = (await t.db.query<{ id: string; file_id: string }>('select id, file_id from entries where firm_id = $1', [firmId])).rows[0]!;
    entryId = e.id;
    fileId = e.file_id;
    await t.db.query(`update entries set deposit_id = null, batch_deposit_id = null, status = 'pending' where id = $1`, [entryId]);
  }, 120_000);
  afterAll(() => t?.drop());

  /** A deposit put straight into `status`, with what the transition's guard needs. */
  async function depositIn(status: deposits.DepositStatus, t0: deposits.Transition): Promise<string> {
    const r = await t.db.query<{ id: string }>(
      `insert into deposits (firm_id, file_id, blob_name, status, upload_started_at, claimed_until)
       values ($1, $2, $3, $4, $5, now() - interval '1 second') returning id`,
      [firmId, fileId, `D1/${crypto.randomUUID()}.zip`, status, t0 === 'uploadStarted' ? null : now],
    );
    return r.rows[0]!.id;
  }
  const statusOf = async (id: string) =>
    (await t.db.query<{ status: string }>('select status from deposits where id = $1', [id])).rows[0]!.status;

  for (const transition of Object.keys(FIRE) as deposits.Transition[]) {
    it(`${transition}: allowed from ${deposits.ALLOWED[transition].join(', ')} and refused from every other state`, async () => {
      for (const from of STATES) {
        const id = await depositIn(from, transition);
        const fired = asService(t.db, (tx) => FIRE[transition].run(tx as unknown as Database, id));
        if (deposits.ALLOWED[transition].includes(from)) {
          await fired;
          const to = FIRE[transition].to;
          expect(await statusOf(id)).toBe(to === 'same' ? from : to);
        } else {
          await expect(fired).rejects.toMatchObject({ name: 'DepositTransitionRefused', transition, found: from });
          expect(await statusOf(id)).toBe(from);
        }
      }
    });
  }

  it('guards beyond the state: a second upload start, a live lease, a second check are refused', async () => {
    const a = await depositIn('preparing', 'uploadStarted');
    await asService(t.db, (tx) => deposits.uploadStarted(tx, a, { now, sizeBytes: 1, leaseSeconds: 60 }));
    await expect(asService(t.db, (tx) => deposits.uploadStarted(tx, a, { now, sizeBytes: 1, leaseSeconds: 60 }))).rejects.toMatchObject({
      found: 'condition',
    });
    await expect(asService(t.db, (tx) => deposits.takeOver(tx, a, 60))).rejects.toMatchObject({ found: 'condition' }); // its lease is live
    const b = await depositIn('uploaded', 'verified');
    await asService(t.db, (tx) => deposits.verified(tx, b, now));
    await expect(asService(t.db, (tx) => deposits.verified(tx, b, now))).rejects.toBeInstanceOf(deposits.DepositTransitionRefused);
    const c = await depositIn('preparing', 'uploadStarted'); // never started: cannot be unconfirmed
    await expect(
      asService(t.db, (tx) => deposits.unconfirmed(tx, c, { now, verifyAt, absentSeen: false, message: 'm', resend: null })),
    ).rejects.toMatchObject({ found: 'condition' });
    await expect(asService(t.db, (tx) => deposits.withdrawing(tx, crypto.randomUUID()))).rejects.toMatchObject({ found: 'missing' });
    const d = await depositIn('preparing', 'released'); // its upload started (by another run)
    await expect(
      asService(t.db, (tx) => deposits.released(tx, d, { now, errorCode: 'x', message: 'm', beforeUpload: true })),
    ).rejects.toMatchObject({ found: 'condition' });
    expect(await statusOf(d)).toBe('preparing');
  });

  it('imported (set-based) moves only uploaded, replacing and unconfirmed deposits', async () => {
    const ids = await Promise.all(STATES.map((s) => depositIn(s, 'uploaded')));
    const moved = await asService(t.db, (tx) => deposits.imported(tx, ids, now));
    expect(new Set(moved)).toEqual(new Set(ids.filter((_, i) => deposits.IMPORTABLE.includes(STATES[i]!))));
    for (const [i, id] of ids.entries()) expect(await statusOf(id)).toBe(deposits.IMPORTABLE.includes(STATES[i]!) ? 'imported' : STATES[i]);
  });

  it('imported narrowed by `from` leaves a deposit being withdrawn to its withdrawer', async () => {
    const ids = await Promise.all((['uploaded', 'replacing', 'unconfirmed'] as const).map((s) => depositIn(s, 'uploaded')));
    expect(new Set(await asService(t.db, (tx) => deposits.imported(tx, ids, now, ['uploaded', 'unconfirmed'])))).toEqual(
      new Set([ids[0], ids[2]]),
    );
    expect(await statusOf(ids[1]!)).toBe('replacing');
  });

  it('withdrawn gives back the entries Quadra does not show, due at the next night, and keeps the ones it shows', async () => {
    const entry = async () =>
      (
        await t.db.query<{
          status: string;
          deposit_id: string | null;
          batch_deposit_id: string | null;
          next_attempt_at: Date | null;
          status_message: string | null;
        }>('select status, deposit_id, batch_deposit_id, next_attempt_at, status_message from entries where id = $1', [entryId])
      ).rows[0]!;
    const sentIn = async () => {
      await t.db.query(
        `update entries set deposit_id = null, batch_deposit_id = null, status = 'pending', next_attempt_at = null where id = $1`,
        [entryId],
      );
      const id = crypto.randomUUID();
      await asService(t.db, async (tx) => {
        await deposits.claim(tx, { id, firmId, fileId, blobName: `D1/${id}.zip`, now, leaseSeconds: 60, entries: { ids: [entryId] } });
        await deposits.uploadStarted(tx, id, { now, sizeBytes: 5, leaseSeconds: 60 });
        await deposits.uploaded(tx, id, { now, etag: null, sizeBytes: 5, verifyAt, message: 'Sent', resend: null });
        await deposits.withdrawing(tx, id);
      });
      return id;
    };
    const kept = await sentIn();
    expect(await asService(t.db, (tx) => deposits.withdrawn(tx, kept, { now, keep: [entryId], dueAt: verifyAt, message: 'Back' }))).toEqual(
      [],
    );
    expect(await statusOf(kept)).toBe('replaced');
    expect(await entry()).toMatchObject({ status: 'sent', deposit_id: kept });
    const given = await sentIn();
    expect(await asService(t.db, (tx) => deposits.withdrawn(tx, given, { now, keep: [], dueAt: verifyAt, message: 'Back' }))).toEqual([
      entryId,
    ]);
    expect(await entry()).toEqual({
      status: 'pending',
      deposit_id: null,
      batch_deposit_id: null,
      next_attempt_at: verifyAt,
      status_message: 'Back',
    });
    await expect(
      asService(t.db, (tx) => deposits.withdrawn(tx, given, { now, keep: [], dueAt: verifyAt, message: 'Back' })),
    ).rejects.toMatchObject({ found: 'replaced' });
  });

  it('walks a send whose answer was lost: claim → upload started → unconfirmed → seen absent → replaced, then its replacement → uploaded → imported → verified', async () => {
    const entryStatus = async () =>
      (await t.db.query<{ status: string; deposit_id: string | null }>('select status, deposit_id from entries where id = $1', [entryId]))
        .rows[0]!;
    const first = crypto.randomUUID();
    await asService(t.db, async (tx) => {
      expect(
        await deposits.claim(tx, {
          id: first,
          firmId,
          fileId,
          blobName: `D1/${first}.zip`,
          now,
          leaseSeconds: 60,
          entries: { ids: [entryId] },
        }),
      ).toMatchObject({ id: first, entries: 1 });
      await deposits.uploadStarted(tx, first, { now, sizeBytes: 5, leaseSeconds: 60 });
      await deposits.unconfirmed(tx, first, { now, verifyAt, absentSeen: false, message: 'Sent', resend: null });
    });
    expect(await entryStatus()).toEqual({ status: 'sent', deposit_id: first });
    const seen = await asService(t.db, (tx) => deposits.seenAbsent(tx, first, now));
    expect(seen.absent_since).toEqual(now);
    const second = crypto.randomUUID();
    await asService(t.db, async (tx) => {
      await deposits.replaced(tx, first);
      await deposits.claim(tx, {
        id: second,
        firmId,
        fileId,
        blobName: `D1/${second}.zip`,
        now,
        leaseSeconds: 60,
        entries: { ids: [entryId] },
        replacesId: first,
      });
      await deposits.uploadStarted(tx, second, { now, sizeBytes: 5, leaseSeconds: 60 });
      await deposits.uploaded(tx, second, { now, etag: null, sizeBytes: 5, verifyAt, message: 'Sent', resend: resentWording(3) });
      await attempts.record(tx, { depositId: second }, { kind: 'resend', outcome: 'sent', at: now });
    });
    expect(await entryStatus()).toEqual({ status: 'sent', deposit_id: second });
    expect(await asService(t.db, (tx) => deposits.imported(tx, [second], now))).toEqual([second]);
    await asService(t.db, (tx) => deposits.verified(tx, second, now));
    const row = await asService(t.db, (tx) => deposits.get(tx, second));
    expect(row).toMatchObject({ status: 'imported', replaces_id: first, verify_at: verifyAt, verified_at: now });
    expect((await asService(t.db, (tx) => attempts.timeline(tx, entryId))).at(-1)).toMatchObject({
      kind: 'resend',
      outcome: 'sent',
      deposit_id: second,
    });
  });

  it('claim never takes an entry a live deposit still holds (a night or a settle whose lease ran out claiming again)', async () => {
    await t.db.query(`update entries set deposit_id = null, status = 'pending' where id = $1`, [entryId]);
    const first = crypto.randomUUID();
    await asService(t.db, (tx) =>
      deposits.claim(tx, { id: first, firmId, fileId, blobName: `D1/${first}.zip`, now, leaseSeconds: 60, entries: { ids: [entryId] } }),
    );
    for (const live of ['preparing', 'uploaded', 'unconfirmed', 'replacing'] as const) {
      await t.db.query('update deposits set status = $2 where id = $1', [first, live]);
      const second = crypto.randomUUID();
      expect(
        await asService(t.db, (tx) =>
          deposits.claim(tx, {
            id: second,
            firmId,
            fileId,
            blobName: `D1/${second}.zip`,
            now,
            leaseSeconds: 60,
            entries: { ids: [entryId] },
          }),
        ),
      ).toBeUndefined();
      expect((await t.db.query('select deposit_id from entries where id = $1', [entryId])).rows[0]).toEqual({ deposit_id: first });
    }
    // Once it can no longer be in the container (replaced, failed) or Quadra took it, the entry may go again.
    await t.db.query(`update deposits set status = 'replaced' where id = $1`, [first]);
    const third = crypto.randomUUID();
    expect(
      await asService(t.db, (tx) =>
        deposits.claim(tx, {
          id: third,
          firmId,
          fileId,
          blobName: `D1/${third}.zip`,
          now,
          leaseSeconds: 60,
          entries: { ids: [entryId] },
          replacesId: first,
        }),
      ),
    ).toMatchObject({ id: third, entries: 1 });
    await asService(t.db, (tx) => deposits.released(tx, third, { now, errorCode: 'x', message: 'm' }));
  });

  it('released gives the entries back; a claim with nothing to claim creates nothing', async () => {
    await t.db.query(`update entries set deposit_id = null, status = 'pending' where id = $1`, [entryId]);
    const id = crypto.randomUUID();
    await asService(t.db, async (tx) => {
      await deposits.claim(tx, { id, firmId, fileId, blobName: `D1/${id}.zip`, now, leaseSeconds: 60, entries: { ids: [entryId] } });
      await deposits.released(tx, id, { now, errorCode: 'RateLimited', message: 'Not sent: busy' });
    });
    expect((await t.db.query('select status, deposit_id, status_message from entries where id = $1', [entryId])).rows[0]).toEqual({
      status: 'pending',
      deposit_id: null,
      status_message: 'Not sent: busy',
    });
    const none = crypto.randomUUID();
    expect(
      await asService(t.db, (tx) =>
        deposits.claim(tx, { id: none, firmId, fileId, blobName: `D1/${none}.zip`, now, leaseSeconds: 60, entries: { ids: [] } }),
      ),
    ).toBeUndefined();
    expect(await asService(t.db, (tx) => deposits.get(tx, none))).toBeUndefined();
  });
});

describe('one home for deposit, attempt and entry-outcome SQL', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const f of readdirSync(dir)) {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk('src');

  it('no file under src/ but the two repositories reads or writes the deposits or attempts tables; their reads file only reads', () => {
    const home = new Set(['src/db/repos/deposits.ts', 'src/db/repos/attempts.ts', 'src/db/types.gen.ts']);
    // Readers only: the deposits' reads, and the operators' gauges (one statement counting across every table).
    const readers = ['src/db/repos/deposit-reads.ts', 'src/db/repos/metrics.ts'];
    const sql = /\b(from|join|into|update)\s+(public\.)?(deposits|attempts)\b/i;
    const write = /\b(into|update)\s+(public\.)?(deposits|attempts)\b|\bdelete\s+from\s+(public\.)?(deposits|attempts)\b/i;
    expect(files.filter((f) => !home.has(f) && !readers.includes(f) && sql.test(readFileSync(f, 'utf8')))).toEqual([]);
    for (const reads of readers) {
      expect(sql.test(readFileSync(reads, 'utf8')), reads).toBe(true);
      expect(write.test(readFileSync(reads, 'utf8')), reads).toBe(false);
    }
  });

  it('no file under src/pipeline/ updates entries: posting, deciding and re-queuing live in src/db/repos/entry-outcomes.ts', () => {
    const pipeline = files.filter((f) => f.startsWith(join('src', 'pipeline')));
    expect(pipeline.length).toBeGreaterThan(10);
    const sql = /\bupdate\s+(public\.)?entries\b/i;
    expect(pipeline.filter((f) => sql.test(readFileSync(f, 'utf8')))).toEqual([]);
    // The pattern itself finds what it must (the repository holds such statements).
    expect(sql.test(readFileSync(join('src', 'db', 'repos', 'entry-outcomes.ts'), 'utf8'))).toBe(true);
  });
});
