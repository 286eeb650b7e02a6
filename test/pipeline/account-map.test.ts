// Accounts the way firms number them: a 10-digit hub account landing alone on Quadra's 8-digit
// account is sent, warned; two hub accounts that would merge are refused until the file's account
// map separates them; the map is applied by push, preview and send, and never rewrites a deposit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { buildDepositZip } from '../../src/pipeline/deposit-builder.ts';
import { parseAscii, unpackDeposit } from '../../src/quadra/ascii/index.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, push, send, twelveHoursLater, uniq } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const SIC = DEMO_FIRM.sic;

const purchaseOn = (debitAccount: string, creditAccount: string, amount = 12_000) => ({
  externalId: uniq('map'),
  kind: 'purchase',
  journalCode: 'AC',
  date: '2026-11-02',
  label: 'Fournitures bureau',
  lines: [
    { account: debitAccount, debit: amount, credit: 0 },
    { account: creditAccount, debit: 0, credit: amount },
  ],
});

describe(`the account map (${engine})`, () => {
  let w: World;
  let file: string;
  const call = (method: string, path: string, body?: unknown, token = w.token) =>
    w.t.call(method, path, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
    file = w.files.get('BOULANG')!;
  });
  afterAll(() => w?.close());

  it("a 10-digit account landing alone on Quadra's account is accepted, warned with both forms and Quadra's label", async () => {
    const [r] = (await push(w, 'BOULANG', [purchaseOn('6064000000', 'FMOULIN')])).entries;
    expect(r!.errors).toBeUndefined();
    const warned = r!.warnings!.filter((x) => x.code.startsWith('account_'));
    expect(warned).toEqual([
      expect.objectContaining({
        code: 'account_truncated',
        details: { account: '6064000000', sentAs: '60640000', quadraLabel: 'Fournitures administratives' },
      }),
    ]);
    expect(warned[0].message).toContain('6064000000');
    expect(warned[0].message).toContain('60640000');
    expect(warned[0].message).toContain('Fournitures administratives');
  });

  it('two hub accounts that would merge are refused, naming the map in words and the exact request in details', async () => {
    const [r] = (
      await push(w, 'BOULANG', [
        {
          ...purchaseOn('60700000', '4010000001'),
          lines: [
            { account: '60700000', debit: 300, credit: 0 },
            { account: '4010000001', debit: 0, credit: 100 },
            { account: '4010000002', debit: 0, credit: 200 },
          ],
        },
      ])
    ).entries;
    const coll = r!.errors!.filter((x) => x.code === 'account_collision');
    expect(coll.map((x) => x.details.account)).toEqual(['4010000001', '4010000002']);
    expect(coll[0].details.remedy).toEqual({
      method: 'PUT',
      path: `/v1/files/${file}/account-map/4010000001`,
      body: { quadraAccount: '<8 characters at most>' },
    });
    // The person reads what to do in accounting terms; the request is for developers, in details.
    expect(coll[0].message).toContain("map it, in this file's account map, to a Quadra account of 8 characters at most");
    expect(coll[0].message).not.toContain('/v1/');
    // The same with the second account pending from an earlier push: refused too.
    const [alone] = (await push(w, 'BOULANG', [purchaseOn('60700000', '4010000003')])).entries;
    expect(alone!.errors).toBeUndefined();
    const [second] = (await push(w, 'BOULANG', [purchaseOn('60700000', '4010000004')])).entries;
    expect(second!.errors!.map((x) => x.code)).toEqual(['account_collision']);
    expect(second!.errors![0].details.collidesWith).toEqual(['4010000003']);
  });

  it('the same two after a mapping: accepted, previewed, sent under the mapped accounts byte for byte, posted', async () => {
    const set1 = await call('PUT', `/v1/files/${file}/account-map/4010000001`, { quadraAccount: '40100001' });
    expect(set1.status).toBe(200);
    expect(set1.body).toMatchObject({ hubAccount: '4010000001', quadraAccount: '40100001', quadraLabel: null });
    expect(set1.body.warnings.map((x: { code: string }) => x.code)).toEqual(['account_unknown']); // created in Quadra without a label
    const set2 = await call('PUT', `/v1/files/${file}/account-map/4010000002`, { quadraAccount: '40100002' });
    expect(set2.status).toBe(200);
    const list = await call('GET', `/v1/files/${file}/account-map`);
    expect(list.body.items.map((m: { hubAccount: string; quadraAccount: string }) => [m.hubAccount, m.quadraAccount])).toEqual([
      ['4010000001', '40100001'],
      ['4010000002', '40100002'],
    ]);

    const body = {
      ...purchaseOn('60700000', '4010000001'),
      lines: [
        { account: '60700000', debit: 300, credit: 0 },
        { account: '4010000001', debit: 0, credit: 100 },
        { account: '4010000002', debit: 0, credit: 200 },
      ],
    };
    const [r] = (await push(w, 'BOULANG', [body])).entries;
    expect(r!.errors).toBeUndefined();
    expect(r!.warnings!.filter((x) => x.code === 'account_mapped').map((x) => x.details)).toEqual([
      { account: '4010000001', sentAs: '40100001' },
      { account: '4010000002', sentAs: '40100002' },
    ]);

    const preview = await call('POST', `/v1/files/${file}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.mappedAccounts).toEqual([
      { hubAccount: '4010000001', quadraAccount: '40100001', quadraLabel: null, entries: 1 },
      { hubAccount: '4010000002', quadraAccount: '40100002', quadraLabel: null, entries: 1 },
    ]);
    const previewBytes = Buffer.from(preview.body.ascii, 'latin1');
    const mine = parseAscii(new Uint8Array(previewBytes)).lines.filter((l) => l.amountCents === 100 || l.amountCents === 200);
    expect(mine.map((l) => l.account)).toEqual(['40100001', '40100002']);

    await send(w, 'BOULANG');
    const [dep] = (await depositsOf(w, 'BOULANG')).slice(-1);
    const zipOf = () => asService(w.t.services.db, (tx) => buildDepositZip(tx, dep!.id, dep!.seq, 'space'));
    const sent = unpackDeposit((await zipOf()).zip);
    expect(Buffer.from(sent.ascii).equals(previewBytes)).toBe(true); // exactly what the preview showed

    // A later change of the map does not rewrite what was sent: a rebuilt copy is the same bytes.
    const moved = await call('PUT', `/v1/files/${file}/account-map/4010000001`, { quadraAccount: '40100009' });
    expect(moved.status).toBe(200);
    expect(moved.body.warnings.map((x: { code: string }) => x.code)).toContain('sent_entries_unchanged');
    expect(Buffer.from(unpackDeposit((await zipOf()).zip).ascii).equals(previewBytes)).toBe(true);

    // Quadra holds the lines under the mapped accounts, and verification finds them there.
    await w.sim.control.openDossier(SIC, 'BOULANG');
    const inQuadra = w.sim.control
      .entries(SIC, 'BOULANG')
      .filter((l) => l.amountCents === 100 || l.amountCents === 200)
      .map((l) => l.account)
      .sort();
    expect(inQuadra).toEqual(expect.arrayContaining(['40100001', '40100002']));
    await twelveHoursLater(w);
    expect((await entry(w, r!.id!)).status).toBe('posted');
  });

  it("a change of the map that would merge pending entries' accounts is refused; unknown mappings are 404", async () => {
    // 4010000003 is pending, cut to 40100000; mapping another account there by hand is fine (on purpose),
    // but removing the mapping of 4010000002 while an entry using it waits would merge it with 4010000003.
    const [p] = (await push(w, 'BOULANG', [purchaseOn('60700000', '4010000002')])).entries;
    expect(p!.errors).toBeUndefined();
    const removed = await call('DELETE', `/v1/files/${file}/account-map/4010000002`);
    expect(removed.status).toBe(409);
    expect(removed.body.error.code).toBe('account_map_collision');
    expect(removed.body.error.details.collisions[0]).toMatchObject({
      account: '4010000002',
      truncated: '40100000',
      collidesWith: ['4010000003'],
    });
    expect((await call('GET', `/v1/files/${file}/account-map`)).body.items).toHaveLength(2);
    expect((await call('DELETE', `/v1/files/${file}/account-map/NOPE`)).body.error.code).toBe('mapping_not_found');
    const tooLong = await call('PUT', `/v1/files/${file}/account-map/4010000005`, { quadraAccount: '401000005' });
    expect(tooLong.status).toBe(422);
  });

  it("another firm's user gets 404 on every route, and changes nothing", async () => {
    const stranger = await w.t.token(crypto.randomUUID());
    const before = (await call('GET', `/v1/files/${file}/account-map`)).body;
    expect((await call('GET', `/v1/files/${file}/account-map`, undefined, stranger)).status).toBe(404);
    expect((await call('PUT', `/v1/files/${file}/account-map/4010000001`, { quadraAccount: '40100007' }, stranger)).status).toBe(404);
    expect((await call('DELETE', `/v1/files/${file}/account-map/4010000001`, undefined, stranger)).status).toBe(404);
    expect((await call('GET', `/v1/files/${file}/account-map`)).body).toEqual(before);
  });

  it('the preview says each fact once per entry, in one text', async () => {
    const long = 'Un libellé bien plus long que trente caractères, vraiment';
    const e = (account: string) => ({
      ...purchaseOn('6064000000', account),
      label: long,
      lines: [
        { account: '6064000000', debit: 500, credit: 0 },
        { account: '44566000', debit: 100, credit: 0 },
        { account, debit: 0, credit: 600 },
      ],
    });
    const [a, b] = (await push(w, 'PHARMA', [e('FOCP'), e('FOCP')])).entries;
    const p = await call('POST', `/v1/files/${w.files.get('PHARMA')}/preview`);
    for (const id of [a!.id, b!.id]) {
      const mine = p.body.warnings.filter((x: { entryId: string }) => x.entryId === id);
      expect(mine.map((x: { code: string }) => x.code).sort()).toEqual(['account_truncated', 'label_truncated']);
    }
    const texts = new Set(
      p.body.warnings.filter((x: { code: string }) => x.code === 'label_truncated').map((x: { message: string }) => x.message),
    );
    expect(texts.size).toBe(1);
  });
});
