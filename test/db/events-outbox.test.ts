// The outbox is written by the changed tables' own triggers, in the change's transaction: each kind
// of change the hub hears of records its event (and a delivery per endpoint that wants it), a
// rolled-back change records nothing, and a firm with no enabled endpoint pays nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Tx } from '../../src/db/database.ts';
import { asService } from '../../src/db/scoped.ts';
import { EVENT_TYPES } from '../../src/domain/events.ts';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';
import { seedFirmEverywhere } from '../support/seed-all-tables.ts';

describe(`the events outbox (${engine})`, () => {
  let t: TestDatabase;
  let firm: string;
  let quiet: string;
  let ids: { file: string; entry: string; deposit: string; run: string };
  beforeAll(async () => {
    t = await freshDatabase();
    firm = await seedFirmEverywhere(t.db, crypto.randomUUID(), 'SICOB1');
    quiet = await seedFirmEverywhere(t.db, crypto.randomUUID(), 'SICOB2');
    await t.db.query('update public.webhook_endpoints set enabled = false where firm_id = $1', [quiet]);
    const one = async (sql: string) => (await t.db.query<{ id: string }>(sql, [firm])).rows[0]!.id;
    ids = {
      file: await one('select id from public.client_files where firm_id = $1'),
      entry: await one('select id from public.entries where firm_id = $1'),
      deposit: await one('select id from public.deposits where firm_id = $1'),
      run: await one('select id from public.reference_syncs where firm_id = $1'),
    };
  });
  beforeEach(async () => {
    await t.db.query('delete from public.webhook_deliveries');
    await t.db.query('delete from public.events');
  });
  afterAll(() => t?.drop());

  const run = <T>(fn: (tx: Tx) => Promise<T>) => asService(t.db, fn);
  const events = async (firmId = firm) =>
    (
      await t.db.query<{ type: string; object_id: string; data: Record<string, any>; id: number }>(
        'select id, type, object_id, data from public.events where firm_id = $1 and type <> $2 order by id',
        [firmId, 'webhook.ping'],
      )
    ).rows;
  const types = async () => (await events()).map((e) => e.type);

  it("an entry's status changes: sent, posted, back to pending, failed_check — with externalId, status and message", async () => {
    for (const [status, message] of [
      ['sent', null],
      ['posted', null],
      ['pending', 'Not found in Quadra yet: sent again tonight.'],
      ['failed_check', 'Not found after three nights.'],
    ] as const) {
      await run((tx) => tx.query('update public.entries set status = $2, status_message = $3 where id = $1', [ids.entry, status, message]));
    }
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['entry.sent', 'entry.posted', 'entry.pending', 'entry.failed_check']);
    expect(got[2]!.data).toMatchObject({
      entryId: ids.entry,
      externalId: 'ext-1',
      status: 'pending',
      previousStatus: 'posted',
      message: 'Not found in Quadra yet: sent again tonight.',
    });
    expect(got.every((e) => e.object_id === ids.entry)).toBe(true);
    expect(got.map((e) => e.id)).toEqual([...got.map((e) => e.id)].sort((a, b) => a - b));
    // One delivery per enabled endpoint that wants the type.
    const d = await t.db.query<{ n: number }>('select count(*)::int as n from public.webhook_deliveries where firm_id = $1', [firm]);
    expect(d.rows[0]!.n).toBe(4);
  });

  it('a hold says why (its message), and a flag as a duplicate in Quadra', async () => {
    await run((tx) => tx.query(`update public.entries set status = 'pending', status_message = null where id = $1`, [ids.entry]));
    await t.db.query('delete from public.events');
    await run((tx) =>
      tx.query('update public.entries set status_message = $2 where id = $1', [ids.entry, 'The deposit is held: no open period.']),
    );
    await run((tx) => tx.query(`update public.entries set status = 'posted', duplicate_in_quadra = true where id = $1`, [ids.entry]));
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['entry.held', 'entry.posted', 'entry.duplicate_flagged']);
    expect(got[0]!.data.message).toBe('The deposit is held: no open period.');
  });

  it('a file starts and ends waiting to be opened', async () => {
    await run((tx) => tx.query('update public.client_files set waiting_open_since = now() where id = $1', [ids.file]));
    await run((tx) => tx.query('update public.client_files set waiting_open_since = null where id = $1', [ids.file]));
    expect(await types()).toEqual(['file.waiting_started', 'file.waiting_ended']);
  });

  it("a file's prerequisites start failing (a send held for one) and pass again (a send went out)", async () => {
    await run((tx) =>
      tx.query(
        `insert into public.attempts (firm_id, entry_id, kind, outcome, error_code, detail) values ($1, $2, 'send', 'held', 'open_period', 'No open period covers today.')`,
        [firm, ids.entry],
      ),
    );
    // Held again for the same reason: no second event.
    await run((tx) =>
      tx.query(
        `insert into public.attempts (firm_id, entry_id, kind, outcome, error_code, detail) values ($1, $2, 'send', 'held', 'open_period', 'No open period covers today.')`,
        [firm, ids.entry],
      ),
    );
    await run((tx) =>
      tx.query(`insert into public.attempts (firm_id, entry_id, deposit_id, kind, outcome) values ($1, $2, $3, 'send', 'sent')`, [
        firm,
        ids.entry,
        ids.deposit,
      ]),
    );
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['file.prerequisites_failing', 'file.prerequisites_ok']);
    expect(got[0]!.data).toMatchObject({ fileId: ids.file, message: 'No open period covers today.' });
  });

  it("the connection's status, as the hub sees it: failed, connected, reconnect_required", async () => {
    await run((tx) => tx.query(`update public.firms set sic_verified_at = now() where id = $1`, [firm]));
    await t.db.query('delete from public.events');
    await run((tx) => tx.query(`update public.connections set status = 'failed' where firm_id = $1`, [firm]));
    await run((tx) => tx.query(`update public.connections set status = 'connected' where firm_id = $1`, [firm]));
    await run((tx) => tx.query(`update public.connections set checked_at = now() where firm_id = $1`, [firm])); // no change of status
    await run((tx) => tx.query(`update public.firms set sic_verified_at = null where id = $1`, [firm]));
    const got = await events();
    expect(got.map((e) => [e.type, e.data.status])).toEqual([
      ['connection.status_changed', 'failed'],
      ['connection.status_changed', 'connected'],
      ['connection.status_changed', 'reconnect_required'],
    ]);
  });

  it('a reference sync finished or failed, with the files it created', async () => {
    await run((tx) =>
      tx.query(`update public.reference_syncs set status = 'running', started_at = now() - interval '1 minute' where id = $1`, [ids.run]),
    );
    const created = (
      await run((tx) =>
        tx.query<{ id: string }>(`insert into public.client_files (firm_id, dossier_code, name) values ($1, 'D9', 'New') returning id`, [
          firm,
        ]),
      )
    ).rows[0]!.id;
    await run((tx) =>
      tx.query(
        `update public.reference_syncs set status = 'succeeded', finished_at = now(), counts = '{"files":{"added":1}}' where id = $1`,
        [ids.run],
      ),
    );
    await run((tx) =>
      tx.query(
        `update public.reference_syncs set status = 'failed', error_code = 'cegid_unavailable', error_message = 'Cegid did not answer.' where id = $1`,
        [ids.run],
      ),
    );
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['reference_sync.succeeded', 'reference_sync.failed']);
    expect(got[0]!.data.createdFileIds).toContain(created);
    expect(got[1]!.data).toMatchObject({ errorCode: 'cegid_unavailable', message: 'Cegid did not answer.' });
  });

  it("a deposit sent, and verified with its entries' counts", async () => {
    await run((tx) => tx.query(`update public.deposits set status = 'preparing' where id = $1`, [ids.deposit]));
    await run((tx) =>
      tx.query(`update public.deposits set status = 'uploaded', uploaded_at = now(), entry_count = 1 where id = $1`, [ids.deposit]),
    );
    await run((tx) => tx.query(`update public.entries set status = 'posted' where id = $1`, [ids.entry]));
    await t.db.query(`delete from public.events where type like 'entry.%'`);
    await run((tx) => tx.query('update public.deposits set verified_at = now() where id = $1', [ids.deposit]));
    const got = await events();
    expect(got.map((e) => e.type)).toEqual(['deposit.sent', 'deposit.verified']);
    expect(got[1]!.data).toMatchObject({ depositId: ids.deposit, entryCount: 1, counts: { posted: 1, pending: 0, failedCheck: 0 } });
  });

  it('a rolled-back change emits nothing', async () => {
    await expect(
      run(async (tx) => {
        await tx.query(`update public.entries set status = 'sent' where id = $1`, [ids.entry]);
        await tx.query('update public.client_files set waiting_open_since = now() where id = $1', [ids.file]);
        throw new Error('the change fails after its statements ran');
      }),
    ).rejects.toThrow(/fails after/);
    expect(await events()).toEqual([]);
    expect((await t.db.query('select 1 from public.webhook_deliveries')).rows).toEqual([]);
  });

  it('a firm with no enabled endpoint records nothing', async () => {
    await run((tx) => tx.query(`update public.entries set status = 'sent' where firm_id = $1`, [quiet]));
    expect(await events(quiet)).toEqual([]);
  });

  it('an endpoint asking for some types gets deliveries of those only', async () => {
    await t.db.query(`update public.webhook_endpoints set event_types = '{entry.posted}' where firm_id = $1`, [firm]);
    await run((tx) => tx.query(`update public.entries set status = 'pending' where id = $1`, [ids.entry]));
    await run((tx) => tx.query(`update public.entries set status = 'posted' where id = $1`, [ids.entry]));
    const d = await t.db.query<{ type: string }>(
      'select e.type from public.webhook_deliveries d join public.events e on e.id = d.event_id where d.firm_id = $1',
      [firm],
    );
    expect(d.rows.map((x) => x.type)).toEqual(['entry.posted']);
    await t.db.query('update public.webhook_endpoints set event_types = null where firm_id = $1', [firm]);
  });

  it('every type the triggers write is in the closed list', async () => {
    const src = (
      await t.db.query<{ src: string }>(
        `select string_agg(prosrc, ' ') as src from pg_proc where proname like '%events%' or proname = 'attempts_prerequisites'`,
      )
    ).rows[0]!.src;
    const written = new Set([...src.matchAll(/'((?:entry|file|connection|reference_sync|deposit|webhook)\.[a-z_]+)'/g)].map((m) => m[1]!));
    for (const w of written) expect(EVENT_TYPES as readonly string[]).toContain(w);
  });
});
