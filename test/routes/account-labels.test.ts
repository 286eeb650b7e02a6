// Account labels through C records, end to end on the simulator: the file's opt-in (admins only),
// the accounts a file lacks (JSON, CSV, the event), the preview, the deposit, Quadra's import and
// the next reference sync; due dates on third-party lines. Another firm sees none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asService } from '../../src/db/scoped.ts';
import { decodeCp1252 } from '../../src/format/encoding.ts';
import { C_FIELDS, M_FIELDS, sliceField } from '../../src/quadra/ascii/fields.ts';
import { DEMO_FIRM } from '../../src/sim/index.ts';
import { engine } from '../support/db.ts';
import { entry, push, send, twelveHoursLater, uniq } from '../support/entries.ts';
import { createWorld, syncReference, type World } from '../support/world.ts';

const supplierInvoice = (account: string, accountLabel: string | undefined, extra: Record<string, unknown> = {}) => ({
  externalId: uniq('lbl'),
  kind: 'purchase',
  journalCode: 'AC',
  date: '2026-11-02',
  label: 'Farine novembre',
  lines: [
    { account: '60610000', debit: 12_000, credit: 0 },
    { account, ...(accountLabel ? { accountLabel } : {}), debit: 0, credit: 12_000 },
  ],
  ...extra,
});

describe(`account labels and due dates (${engine})`, () => {
  let w: World;
  let file: string;
  let carol: string;
  const call = (method: string, path: string, body?: unknown, token = w.token) =>
    w.t.call(method, path, { token, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z', config: { WEBHOOK_ALLOW_PRIVATE: true } });
    file = w.files.get('BOULANG')!;
    const carolId = crypto.randomUUID();
    await asService(w.t.services.db, (tx) =>
      tx.query(`insert into public.firm_members (firm_id, user_id, role) values ($1, $2, 'member')`, [w.firmId, carolId]),
    );
    carol = await w.t.token(carolId);
  });
  afterAll(() => w?.close());

  it('only an administrator turns the C records on; a member gets 403, another firm 404, a bad body 422', async () => {
    const stranger = await w.t.token(crypto.randomUUID());
    expect((await call('PATCH', `/v1/files/${file}`, { sendAccountLabels: true }, carol)).body.error.code).toBe('forbidden');
    expect((await call('PATCH', `/v1/files/${file}`, { sendAccountLabels: true }, stranger)).status).toBe(404);
    expect((await call('PATCH', `/v1/files/${file}`, { sendAccountLabels: 'yes' })).status).toBe(422);
    expect((await call('PATCH', `/v1/files/${file}`, { other: true })).status).toBe(422);
    const off = await call('GET', `/v1/files/${file}/accounts-to-create`);
    expect(off.body.sendAccountLabels).toBe(false);
    const on = await call('PATCH', `/v1/files/${file}`, { sendAccountLabels: true });
    expect(on.status).toBe(200);
    expect(on.body).toEqual({ id: file, sendAccountLabels: true });
  });

  let first: string;
  let second: string;
  it('a push with accountLabel and dueDate: the warning names the label sent; a due date before the entry is refused', async () => {
    const hook = await call('POST', `/v1/firms/${w.firmId}/webhooks`, {
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['file.accounts_to_create'],
    });
    expect(hook.status).toBe(201);
    const answer = await push(w, 'BOULANG', [
      supplierInvoice('FMOULIN2', 'Moulins de Savoie — Chambéry', { dueDate: '2026-12-02' }),
      supplierInvoice('FMOULIN2', undefined, { dueDate: '2026-11-01' }),
    ]);
    const [a, bad] = answer.entries;
    expect(bad!.errors!.map((e: { code: string }) => e.code)).toEqual(['due_date_before_entry_date']);
    first = a!.id!;
    // A later push with another label: the first pushed stays the one sent.
    const [b] = (await push(w, 'BOULANG', [supplierInvoice('FMOULIN2', 'Minoterie Savoyarde')])).entries;
    second = b!.id!;
    expect(b!.warnings!.find((x: { code: string }) => x.code === 'account_label_not_sent').details).toEqual({
      account: 'FMOULIN2',
      labelSent: 'Moulins de Savoie — Chambéry',
      label: 'Minoterie Savoyarde',
    });
    expect(b!.warnings!.find((x: { code: string }) => x.code === 'account_unknown').details.labelSent).toBe('Moulins de Savoie — Chambéry');
    const unknown = a!.warnings!.find((x: { code: string }) => x.code === 'account_unknown');
    expect(unknown.details).toEqual({ account: 'FMOULIN2', labelSent: 'Moulins de Savoie — Chambéry' });
    expect(unknown.message).toContain('created there with the label "Moulins de Savoie — Chambéry"');

    // One event for the push, naming the account once; a second push using it again adds nothing.
    const events = async () =>
      (
        await asService(w.t.services.db, (tx) =>
          tx.query<{ data: Record<string, unknown> }>(
            "select data from public.events where firm_id = $1 and type = 'file.accounts_to_create' order by id",
            [w.firmId],
          ),
        )
      ).rows.map((r) => r.data);
    expect(await events()).toEqual([
      expect.objectContaining({
        fileId: file,
        dossierCode: 'BOULANG',
        count: 1,
        accounts: [{ account: 'FMOULIN2', label: 'Moulins de Savoie — Chambéry' }],
      }),
    ]);
    await push(w, 'BOULANG', [supplierInvoice('60610000', undefined)]);
    expect(await events()).toHaveLength(1);
  });

  it('lists the accounts the file lacks, as JSON and as a CSV for a French spreadsheet; another firm gets 404', async () => {
    const list = await call('GET', `/v1/files/${file}/accounts-to-create`);
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      fileId: file,
      sendAccountLabels: true,
      accounts: [
        {
          account: 'FMOULIN2',
          label: 'Moulins de Savoie — Chambéry',
          labels: ['Moulins de Savoie — Chambéry', 'Minoterie Savoyarde'],
          kind: 'supplier',
          type: 'F',
          collective: '40100000',
          entries: 2,
          firstDate: '2026-11-02',
        },
      ],
    });
    const csv = await w.t.app.request(`/v1/files/${file}/accounts-to-create?format=csv`, {
      headers: { authorization: `Bearer ${w.token}` },
    });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // the BOM Excel needs to read UTF-8
    expect(new TextDecoder().decode(bytes.slice(3)).split('\r\n')).toEqual([
      'Compte;Libellé envoyé;Libellés du hub;Type;Compte collectif;Écritures;Première date',
      'FMOULIN2;Moulins de Savoie — Chambéry;Moulins de Savoie — Chambéry | Minoterie Savoyarde;Fournisseur;40100000;2;02/11/2026',
      '',
    ]);
    expect((await call('GET', `/v1/files/${file}/accounts-to-create?format=xml`)).status).toBe(422);
    const stranger = await w.t.token(crypto.randomUUID());
    expect((await call('GET', `/v1/files/${file}/accounts-to-create`, undefined, stranger)).status).toBe(404);
  });

  it('the preview starts with the C record and writes the due date on the supplier line only', async () => {
    const p = await call('POST', `/v1/files/${file}/preview`);
    expect(p.status).toBe(200);
    expect(p.body.accountRecords).toEqual([
      { account: 'FMOULIN2', label: 'Moulins de Savoie — Chambéry', kind: 'supplier', type: 'F', collective: '40100000' },
    ]);
    const lines = p.body.ascii.split('\r\n').filter(Boolean);
    expect(lines.filter((l: string) => l.startsWith('C'))).toHaveLength(1);
    const c = lines[0];
    expect(sliceField(c, C_FIELDS.account)).toBe('FMOULIN2');
    expect(sliceField(c, C_FIELDS.label).trimEnd()).toBe('Moulins de Savoie — Chambéry');
    expect(sliceField(c, C_FIELDS.collective)).toBe('40100000');
    expect(sliceField(c, C_FIELDS.updateFlag) + sliceField(c, C_FIELDS.accountType)).toBe('2F');
    const due = lines.filter((l: string) => l.startsWith('M')).map((l: string) => [l.slice(1, 9).trim(), sliceField(l, M_FIELDS.dueDate)]);
    expect(due).toContainEqual(['FMOULIN2', '021226']);
    expect(due.filter(([a]: string[]) => a === '60610000').every(([, d]: string[]) => d === '000000')).toBe(true);
    expect(p.body.dueDates).toEqual([{ entryId: first, externalId: expect.any(String), dueDate: '2026-12-02', thirdPartyLines: 1 }]);
    expect(
      p.body.warnings.find((x: { entryId: string; code: string }) => x.entryId === first && x.code === 'account_unknown').details,
    ).toEqual({
      account: 'FMOULIN2',
      labelSent: 'Moulins de Savoie — Chambéry',
    });
  });

  it('Quadra creates the account with its label; the next sync has it; a later deposit never sends it again; entries are posted', async () => {
    await send(w, 'BOULANG');
    await w.sim.control.openDossier(DEMO_FIRM.sic, 'BOULANG');
    expect(w.sim.control.accounts(DEMO_FIRM.sic, 'BOULANG').find((a) => a.number === 'FMOULIN2')).toMatchObject({
      label: 'Moulins de Savoie — Chambéry',
      kind: 'supplier',
      collective: '40100000',
    });
    await syncReference(w.t, w.token, w.firmId);
    const accounts = await call('GET', `/v1/files/${file}/accounts?kind=supplier`);
    expect(accounts.body.items).toContainEqual({
      number: 'FMOULIN2',
      label: 'Moulins de Savoie — Chambéry',
      kind: 'supplier',
      collective: '40100000',
    });
    expect((await call('GET', `/v1/files/${file}/accounts-to-create`)).body.accounts).toEqual([]);

    await push(w, 'BOULANG', [supplierInvoice('FMOULIN2', 'Un autre nom')]);
    const p = await call('POST', `/v1/files/${file}/preview`);
    expect(p.body.accountRecords).toEqual([]);
    expect(p.body.ascii.split('\r\n').some((l: string) => l.startsWith('C'))).toBe(false);

    await twelveHoursLater(w);
    expect((await entry(w, first)).status).toBe('posted');
    expect((await entry(w, second)).status).toBe('posted');
    expect(decodeCp1252(new Uint8Array(0))).toBe('');
  });

  it('an account an earlier deposit carried gets no C record again, even before Quadra is opened and synced (its label is never overwritten)', async () => {
    expect((await call('PATCH', `/v1/files/${file}`, { sendAccountLabels: true })).status).toBe(200);
    await push(w, 'BOULANG', [supplierInvoice('FSTALE', 'Premier nom')]);
    await send(w, 'BOULANG');
    // Quadra has not been opened: the synced chart still lacks FSTALE, but the first deposit created it.
    const again = await push(w, 'BOULANG', [supplierInvoice('FSTALE', 'Second nom')]);
    const unknown = again.entries[0]!.warnings!.find((x: { code: string }) => x.code === 'account_unknown');
    expect(unknown?.details).toEqual({ account: 'FSTALE' });
    const p = await call('POST', `/v1/files/${file}/preview`);
    expect(p.body.accountRecords.map((r: { account: string }) => r.account)).not.toContain('FSTALE');
    expect(p.body.ascii.split('\r\n').some((l: string) => l.startsWith('CFSTALE'))).toBe(false);
    await send(w, 'BOULANG');
    await w.sim.control.openDossier(DEMO_FIRM.sic, 'BOULANG');
    expect(w.sim.control.accounts(DEMO_FIRM.sic, 'BOULANG').find((a) => a.number === 'FSTALE')).toMatchObject({ label: 'Premier nom' });
  });

  it('with the C records off, nothing but M lines goes out', async () => {
    expect((await call('PATCH', `/v1/files/${file}`, { sendAccountLabels: false })).body.sendAccountLabels).toBe(false);
    await push(w, 'BOULANG', [supplierInvoice('FMOULIN3', 'Moulins du Léman')]);
    const p = await call('POST', `/v1/files/${file}/preview`);
    expect(p.body.accountRecords).toEqual([]);
    expect(
      p.body.ascii
        .split('\r\n')
        .filter(Boolean)
        .every((l: string) => l.startsWith('M')),
    ).toBe(true);
    const list = await call('GET', `/v1/files/${file}/accounts-to-create`);
    expect(list.body.accounts.map((a: { account: string }) => a.account)).toEqual(['FMOULIN3']);
  });
});
