// The tab counts kept by triggers (migration entry_counts): after any sequence of set-based
// inserts, status changes, deletes and folds, each file's count per status is exactly what
// counting its entries gives — for the member (under RLS) and for the service alike.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/db/open.ts';
import { compactCounts, countByStatus } from '../../../src/db/repos/entry-counts.ts';
import { asService, asUser, readAsUser } from '../../../src/db/scoped.ts';
import { engine, freshDatabase, type TestDatabase } from '../../support/db.ts';
import { seedFirmEverywhere } from '../../support/seed-all-tables.ts';

const STATUSES = ['pending', 'sent', 'posted', 'failed_check'] as const;
type Status = (typeof STATUSES)[number];

type Command =
  | { op: 'insert'; file: number; status: Status; n: number }
  | { op: 'move'; from: Status; to: Status; n: number }
  | { op: 'delete'; status: Status; n: number }
  | { op: 'fold'; threshold: number }
  // A push: new entries and existing ones replaced in one insert … on conflict do update.
  | { op: 'upsert'; status: Status; fresh: number; existing: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    op: fc.constant('insert' as const),
    file: fc.integer({ min: 0, max: 1 }),
    status: fc.constantFrom(...STATUSES),
    n: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({
    op: fc.constant('move' as const),
    from: fc.constantFrom(...STATUSES),
    to: fc.constantFrom(...STATUSES),
    n: fc.integer({ min: 1, max: 6 }),
  }),
  fc.record({ op: fc.constant('delete' as const), status: fc.constantFrom(...STATUSES), n: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ op: fc.constant('fold' as const), threshold: fc.integer({ min: 0, max: 4 }) }),
  fc.record({
    op: fc.constant('upsert' as const),
    status: fc.constantFrom(...STATUSES),
    fresh: fc.integer({ min: 0, max: 3 }),
    existing: fc.integer({ min: 0, max: 3 }),
  }),
);

describe(`tab counts kept by triggers (${engine})`, () => {
  let t: TestDatabase;
  const alice = crypto.randomUUID();
  let firm: string;
  let files: string[];

  beforeAll(async () => {
    t = await freshDatabase();
    firm = await seedFirmEverywhere(t.db, alice, 'SICC1');
    const second = await t.db.query<{ id: string }>(
      `insert into client_files (firm_id, dossier_code, name) values ($1, 'D2', 'Second') returning id`,
      [firm],
    );
    files = [
      (await t.db.query<{ id: string }>(`select id from client_files where firm_id = $1 and dossier_code = 'D1'`, [firm])).rows[0]!.id,
      second.rows[0]!.id,
    ];
  });
  afterAll(() => t.drop());

  const actual = async (fileId: string) => {
    const r = await t.db.query<{ status: Status; n: number }>(
      'select status, count(*)::int as n from entries where file_id = $1 group by status',
      [fileId],
    );
    return Object.fromEntries(STATUSES.map((s) => [s, r.rows.find((x) => x.status === s)?.n ?? 0]));
  };

  const apply = (c: Command) =>
    asService(t.db, async (tx) => {
      if (c.op === 'insert') {
        await tx.query(
          `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label, status)
         select $1, $2, 'p-' || gen_random_uuid(), 'purchase', 'AC', '2026-03-01', 'Achat', $3::entry_status from generate_series(1, $4)`,
          [firm, files[c.file], c.status, c.n],
        );
      } else if (c.op === 'move') {
        await tx.query(
          `update entries set status = $2::entry_status where id in (select id from entries where firm_id = $1 and status = $3::entry_status and deposit_id is null limit $4)`,
          [firm, c.to, c.from, c.n],
        );
      } else if (c.op === 'delete') {
        await tx.query(
          `delete from entries where id in (select id from entries where firm_id = $1 and status = $2::entry_status and deposit_id is null limit $3)`,
          [firm, c.status, c.n],
        );
      } else if (c.op === 'upsert') {
        await tx.query(
          `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label, status)
         select $1::uuid, file_id, external_id, 'purchase'::entry_kind, 'AC', '2026-03-01'::date, 'Achat', $2::entry_status
           from (select file_id, external_id from entries where firm_id = $1 and deposit_id is null order by random() limit $3) old
         union all
         select $1::uuid, $4::uuid, 'u-' || gen_random_uuid(), 'purchase'::entry_kind, 'AC', '2026-03-01'::date, 'Achat', $2::entry_status from generate_series(1, $5)
         on conflict (firm_id, external_id) do update set status = excluded.status`,
          [firm, c.status, c.existing, files[0], c.fresh],
        );
      } else {
        await compactCounts(tx, c.threshold);
      }
    });

  it('any sequence of writes and folds leaves every count exact, under RLS and as the service', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 12 }), async (commands) => {
        for (const c of commands) await apply(c);
        for (const fileId of files) {
          const expected = await actual(fileId);
          expect(await readAsUser(t.db, { sub: alice }, (q) => countByStatus(q, fileId))).toEqual(expected);
          expect(await asService(t.db, (tx) => countByStatus(tx, fileId))).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a fold leaves at most one row per file and status, and no count of zero', async () => {
    await asService(t.db, (tx) => compactCounts(tx, 0));
    const r = await t.db.query<{ file_id: string; status: string; rows: number; zero: number }>(
      'select file_id, status, count(*)::int as rows, count(*) filter (where n = 0)::int as zero from entry_count_deltas group by 1, 2',
    );
    for (const row of r.rows) expect(row).toMatchObject({ rows: 1, zero: 0 });
  });

  it('another firm sees no count of this one, and members cannot write counts', async () => {
    const bob = crypto.randomUUID();
    await seedFirmEverywhere(t.db, bob, 'SICC2');
    expect(await readAsUser(t.db, { sub: bob }, (q) => countByStatus(q, files[0]!))).toBeUndefined();
    const err = await asUser(t.db, { sub: alice }, (tx) =>
      tx.query(`insert into entry_count_deltas (firm_id, file_id, status, n) values ($1, $2, 'posted', 1000)`, [firm, files[0]]),
    ).catch((e) => e);
    expect(err.code).toBe('42501');
  });

  it.skipIf(engine !== 'postgres')('writers of one file never wait on each other for the counts, and a fold waits on nobody', async () => {
    const other = await openDatabase({ url: t.url!, poolMax: 2 });
    try {
      let release!: () => void;
      const held = new Promise<void>((r) => {
        release = r;
      });
      // One transaction adds entries to the file and stays open...
      const first = asService(t.db, async (tx) => {
        await tx.query(
          `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label) values ($1, $2, 'hold-' || gen_random_uuid(), 'purchase', 'AC', '2026-03-01', 'x')`,
          [firm, files[0]],
        );
        await held;
      });
      // ...while another adds to, and moves entries of, the same file, and a fold runs: none waits.
      const within = (p: Promise<unknown>) =>
        Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('blocked'), 5_000))]);
      expect(
        await within(
          asService(other, (tx) =>
            tx.query(
              `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label) values ($1, $2, 'free-' || gen_random_uuid(), 'purchase', 'AC', '2026-03-01', 'x')`,
              [firm, files[0]],
            ),
          ),
        ),
      ).toBe('done');
      expect(
        await within(
          asService(other, (tx) =>
            tx.query(
              `update entries set status = 'sent' where id in (select id from entries where file_id = $1 and external_id like 'free-%' limit 1)`,
              [files[0]],
            ),
          ),
        ),
      ).toBe('done');
      expect(await within(asService(other, (tx) => compactCounts(tx, 0)))).toBe('done');
      release();
      await first;
      // A file locked as a push, a send or a night locks it (FOR UPDATE): a status change of its
      // entries and a fold go through meanwhile (the counts take no lock on the file).
      let unlock!: () => void;
      const locked = new Promise<void>((r) => {
        unlock = r;
      });
      const holder = asService(t.db, async (tx) => {
        await tx.query('select id from client_files where id = $1 for update', [files[0]]);
        await locked;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(
        await within(
          asService(other, (tx) =>
            tx.query(
              `update entries set status = 'posted' where id in (select id from entries where file_id = $1 and status = 'sent' limit 1)`,
              [files[0]],
            ),
          ),
        ),
      ).toBe('done');
      expect(await within(asService(other, (tx) => compactCounts(tx, 0)))).toBe('done');
      unlock();
      await holder;
      expect(await asService(t.db, (tx) => countByStatus(tx, files[0]!))).toEqual(await actual(files[0]!));
    } finally {
      await other.close();
    }
  });

  it('TRUNCATE empties the counts with the entries', async () => {
    const scratch = await freshDatabase();
    try {
      const f = await seedFirmEverywhere(scratch.db, crypto.randomUUID(), 'SICT1');
      expect((await scratch.db.query('select 1 from entry_count_deltas where firm_id = $1', [f])).rows.length).toBeGreaterThan(0);
      await scratch.db.exec('truncate entries cascade');
      expect((await scratch.db.query('select 1 from entry_count_deltas')).rows).toEqual([]);
    } finally {
      await scratch.drop();
    }
  });

  it('a file deleted with its entries (and a firm with its files) takes its counts along', async () => {
    const carol = crypto.randomUUID();
    const other = await seedFirmEverywhere(t.db, carol, 'SICC3');
    const file = (
      await t.db.query<{ id: string }>(`insert into client_files (firm_id, dossier_code, name) values ($1, 'DX', 'Gone') returning id`, [
        other,
      ])
    ).rows[0]!.id;
    await t.db.query(
      `insert into entries (firm_id, file_id, external_id, kind, journal_code, entry_date, label) select $1, $2, 'g-' || g, 'purchase', 'AC', '2026-03-01', 'x' from generate_series(1, 3) g`,
      [other, file],
    );
    await t.db.query('delete from client_files where id = $1', [file]);
    await t.db.query('delete from firms where id = $1', [other]);
    expect((await t.db.query('select 1 from entries where firm_id = $1', [other])).rows).toEqual([]);
    // What the deletes left of the counts goes at the next fold.
    await asService(t.db, (tx) => compactCounts(tx, 1_000));
    expect((await t.db.query('select 1 from entry_count_deltas where firm_id = $1', [other])).rows).toEqual([]);
    expect((await t.db.query('select 1 from entries where firm_id = $1', [other])).rows).toEqual([]);
  });
});
