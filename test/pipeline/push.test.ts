// Pushing entries: pre-flight errors and warnings, idempotency, replacement, documents, preview,
// and one firm never reaching another's files or entries through any of these routes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAscii } from '../../src/quadra/ascii/index.ts';
import { engine } from '../support/db.ts';
import { depositsOf, entry, purchase, push, send, uniq } from '../support/entries.ts';
import { createWorld, syncReference, type World } from '../support/world.ts';

const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

async function upload(w: World, dossier: string, bytes: Uint8Array, name: string, type = 'application/octet-stream', token = w.token) {
  const form = new FormData();
  form.append('file', new File([bytes as BlobPart], name, { type }));
  const res = await w.t.app.request(`/v1/files/${w.files.get(dossier)}/documents`, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as any };
}

const codes = (r: { errors?: Array<{ code: string }>; warnings?: Array<{ code: string }> }, key: 'errors' | 'warnings') =>
  (r[key] ?? []).map((i) => i.code);

describe(`pushing entries (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  it('refuses each invalid entry with a clear error and stores the valid ones', async () => {
    const ok = purchase();
    const unbalanced = {
      ...purchase(),
      lines: [
        { account: '60700000', debit: 100, credit: 0 },
        { account: 'FMOULIN', debit: 0, credit: 90 },
      ],
    };
    const oneSided = {
      ...purchase(),
      lines: [
        { account: '60700000', debit: 100, credit: 0 },
        { account: 'FMOULIN', debit: 100, credit: 0 },
      ],
    };
    const negative = {
      ...purchase(),
      lines: [
        { account: '60700000', debit: -100, credit: 0 },
        { account: 'FMOULIN', debit: 0, credit: -100 },
      ],
    };
    const fractional = {
      ...purchase(),
      lines: [
        { account: '60700000', debit: 10.5, credit: 0 },
        { account: 'FMOULIN', debit: 0, credit: 10.5 },
      ],
    };
    const closedYear = purchase({ date: '2025-06-30' });
    const unknownJournal = purchase({ journalCode: 'ZZ' });
    const r = await push(w, 'BOULANG', [ok, unbalanced, oneSided, negative, fractional, closedYear, unknownJournal]);
    expect(r.accepted).toBe(1);
    expect(r.refused).toBe(6);
    const [a, b, c, d, e, f, g] = r.entries;
    expect(a!.id).toBeDefined();
    expect(codes(b!, 'errors')).toContain('unbalanced');
    expect(codes(c!, 'errors')).toContain('empty_side');
    // A negative or fractional amount is the error to fix, alone: no "no debit line" / "no credit line" on top.
    expect(codes(d!, 'errors')).toEqual(['invalid_amount', 'invalid_amount']);
    expect(codes(e!, 'errors')).toEqual(['invalid_amount', 'invalid_amount']);
    expect(codes(f!, 'errors')).toEqual(['date_outside_open_period']);
    expect(codes(g!, 'errors')).toEqual(['unknown_journal']);
    const stored = await w.t.services.db.query<{ n: number }>('select count(*)::int as n from entries where file_id = $1', [
      w.files.get('BOULANG'),
    ]);
    expect(stored.rows[0]!.n).toBe(1);
  });

  it('refuses a closed journal, and accounts that would merge once truncated to 8 characters', async () => {
    const closed = purchase({ journalCode: 'NF' });
    const r1 = await push(w, 'PHARMA', [closed]);
    expect(codes(r1.entries[0]!, 'errors')).toContain('journal_closed');

    // 401000001 and 401000002 both become 40100000 — and 40100000 already exists in Quadra.
    const collide = {
      ...purchase(),
      lines: [
        { account: '60700000', debit: 200, credit: 0 },
        { account: '401000001', debit: 0, credit: 100 },
        { account: '401000002', debit: 0, credit: 100 },
      ],
    };
    const r2 = await push(w, 'BOULANG', [collide]);
    const errs = r2.entries[0]!.errors!;
    expect(errs.filter((x) => x.code === 'account_collision')).toHaveLength(2);
    expect(errs[0]!.message).toMatch(/two ledgers would merge/);
  });

  it('accepts with warnings: truncated account (both forms), account unknown to Quadra, folded label', async () => {
    const e = {
      ...purchase({ label: 'Café “Ôlive” — 10 € ✓' }),
      lines: [
        { account: '62600000', debit: 500, credit: 0 },
        { account: 'FNOUVEAU123', debit: 0, credit: 500 },
      ],
    };
    const r = await push(w, 'BOULANG', [e]);
    const res = r.entries[0]!;
    expect(res.errors).toBeUndefined();
    const trunc = res.warnings!.find((x) => x.code === 'account_truncated');
    expect(trunc.details).toEqual({ account: 'FNOUVEAU123', sentAs: 'FNOUVEAU' });
    expect(trunc.message).toContain('Any number exceeding this limit will be truncated when sent.');
    const unknown = res.warnings!.find((x) => x.code === 'account_unknown');
    expect(unknown.message).toContain('without an associated label');
    expect(codes(res, 'warnings')).toContain('label_folded');
  });

  it('a long account sent once, created truncated by Quadra, is not a collision afterwards', async () => {
    const longLine = (amount: number) => ({
      ...purchase(),
      lines: [
        { account: '62600000', debit: amount, credit: 0 },
        { account: 'FTELECOM123', debit: 0, credit: amount },
      ],
    });
    const [first] = (await push(w, 'GARAGE', [longLine(300)])).entries;
    expect(codes(first!, 'warnings')).toEqual(['account_truncated', 'account_unknown']);
    await send(w, 'GARAGE');
    await w.sim.control.openDossier('100200', 'GARAGE'); // Quadra creates FTELECOM without a label
    await syncReference(w.t, w.token, w.firmId);
    const [second] = (await push(w, 'GARAGE', [longLine(400)])).entries;
    expect(second!.errors).toBeUndefined();
    expect(codes(second!, 'warnings')).toEqual(['account_truncated']);
    // A different long account landing on the same 8 characters would merge two ledgers: refused.
    const other = {
      ...purchase(),
      lines: [
        { account: '62600000', debit: 100, credit: 0 },
        { account: 'FTELECOM999', debit: 0, credit: 100 },
      ],
    };
    const [third] = (await push(w, 'GARAGE', [other])).entries;
    expect(codes(third!, 'errors')).toEqual(['account_collision']);
  });

  it('is idempotent: the same key and body give the first answer, a different body is a 409', async () => {
    const key = uniq('idem');
    const body = [purchase({ externalId: uniq('idem-e') })];
    const first = await push(w, 'GARAGE', body, key);
    const again = await push(w, 'GARAGE', body, key);
    expect(again).toEqual(first);
    const other = await w.t.call('POST', `/v1/files/${w.files.get('GARAGE')}/entries`, {
      token: w.token,
      body: { entries: [purchase()] },
      headers: { 'idempotency-key': key },
    });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('idempotency_key_reused');
    const n = await w.t.services.db.query<{ n: number }>('select count(*)::int as n from entries where external_id = $1', [
      body[0]!.externalId,
    ]);
    expect(n.rows[0]!.n).toBe(1);
  });

  it('a push without an Idempotency-Key is refused', async () => {
    const r = await w.t.call('POST', `/v1/files/${w.files.get('GARAGE')}/entries`, { token: w.token, body: { entries: [purchase()] } });
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.error.details)).toContain('idempotency-key');
  });

  it('re-pushing an entry not yet sent replaces it; once sent it is refused', async () => {
    const externalId = uniq('replace');
    const [first] = (await push(w, 'CONSEIL', [purchase({ externalId, amount: 1_200 })])).entries;
    const [second] = (await push(w, 'CONSEIL', [purchase({ externalId, amount: 2_400 })])).entries;
    expect(second!.id).toBe(first!.id);
    const e = await entry(w, first!.id!);
    expect(e.totalCents).toBe(2_400);
    expect(e.lines).toHaveLength(3);
    await send(w, 'CONSEIL');
    const [third] = (await push(w, 'CONSEIL', [purchase({ externalId, amount: 3_600 })])).entries;
    expect(codes(third!, 'errors')).toEqual(['already_sent']);
    expect((await entry(w, first!.id!)).totalCents).toBe(2_400);
  });

  it('stores documents checked by content, and sends them in the deposit zip named on the lines', async () => {
    const pdf = await upload(w, 'GARAGE', PDF, 'facture.pdf', 'image/png');
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({ contentType: 'application/pdf', attachmentName: expect.stringMatching(/^\d{8}\.pdf$/) });
    expect((await upload(w, 'GARAGE', PDF, 'copie.pdf')).status).toBe(200); // same content, same document
    expect((await upload(w, 'GARAGE', PNG, 'photo.png')).body.contentType).toBe('image/png');
    const exe = await upload(w, 'GARAGE', new TextEncoder().encode('MZ\x90\x00 not a pdf'), 'facture.pdf', 'application/pdf');
    expect(exe.status).toBe(415);
    expect(exe.body.error.code).toBe('unsupported_document_type');
    // A document of another file cannot be attached.
    const r = await push(w, 'BOULANG', [purchase({ documentIds: [pdf.body.documentId] })]);
    expect(codes(r.entries[0]!, 'errors')).toEqual(['document_not_found']);

    const [ok] = (await push(w, 'GARAGE', [purchase({ documentIds: [pdf.body.documentId] })])).entries;
    const preview = await w.t.call('POST', `/v1/files/${w.files.get('GARAGE')}/preview`, { token: w.token });
    expect(preview.status).toBe(200);
    const parsed = parseAscii(new Uint8Array(Buffer.from(preview.body.ascii, 'latin1')));
    const mine = parsed.lines.filter((l) => l.attachment === pdf.body.attachmentName);
    expect(mine).toHaveLength(3);
    await send(w, 'GARAGE');
    const imported = await w.sim.control.openDossier('100200', 'GARAGE');
    expect(imported.imported).toBeGreaterThan(0);
    expect(Object.keys(w.sim.control.documents('100200', 'GARAGE'))).toContain(pdf.body.attachmentName);
    expect((await entry(w, ok!.id!)).documents[0].attachmentName).toBe(pdf.body.attachmentName);
  });

  it('previews exactly what the next deposit holds, with its warnings, and changes nothing', async () => {
    const e = {
      ...purchase({ label: 'Un libellé bien plus long que trente caractères' }),
      lines: [
        { account: '60640000', debit: 700, credit: 0 },
        { account: 'FSUPERLONG99', debit: 0, credit: 700 },
      ],
    };
    const [pushed] = (await push(w, 'BOULANG', [e])).entries;
    const before = await depositsOf(w, 'BOULANG');
    const p = await w.t.call('POST', `/v1/files/${w.files.get('BOULANG')}/preview`, { token: w.token });
    expect(p.status).toBe(200);
    expect(p.body.prerequisites.ok).toBe(true);
    expect(
      p.body.ascii
        .split('\r\n')
        .filter(Boolean)
        .every((l: string) => l.length === 231),
    ).toBe(true);
    const lines = parseAscii(new Uint8Array(Buffer.from(p.body.ascii, 'latin1'))).lines;
    expect(lines.map((l) => l.account)).toContain('FSUPERLO');
    const mine = p.body.warnings.filter((x: { entryId: string }) => x.entryId === pushed!.id).map((x: { code: string }) => x.code);
    expect(mine).toEqual(expect.arrayContaining(['account_truncated', 'account_unknown', 'label_truncated']));
    expect(await depositsOf(w, 'BOULANG')).toEqual(before);
    expect((await entry(w, pushed!.id!)).status).toBe('pending');
  });

  it('lists the tabs by cursor', async () => {
    const ids = (
      await push(
        w,
        'CONSEIL',
        Array.from({ length: 5 }, () => purchase()),
      )
    ).entries.map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/v1/files/${w.files.get('CONSEIL')}/entries?status=pending&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await w.t.call('GET', q, { token: w.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i: { id: string }) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await w.t.call('GET', `/v1/files/${w.files.get('CONSEIL')}/entries?cursor=nonsense`, { token: w.token });
    expect(bad.status).toBe(422);
  });

  it("another firm's user reaches none of these routes, and changes nothing", async () => {
    const [e] = (await push(w, 'CONSEIL', [purchase()])).entries;
    const stranger = await w.t.token(crypto.randomUUID());
    const file = w.files.get('CONSEIL');
    const tries = [
      ['POST', `/v1/files/${file}/entries`, { entries: [purchase()] }],
      ['GET', `/v1/files/${file}/entries`],
      ['POST', `/v1/files/${file}/preview`],
      ['POST', `/v1/files/${file}/sync`],
      ['GET', `/v1/entries/${e!.id}`],
      ['PUT', `/v1/entries/${e!.id}`, { ...purchase(), externalId: undefined }],
      ['POST', `/v1/entries/${e!.id}/revalidate`],
    ] as const;
    for (const [method, path, body] of tries) {
      const r = await w.t.call(method, path, { token: stranger, ...(body ? { body } : {}), headers: { 'idempotency-key': uniq('k') } });
      expect(r.status, `${method} ${path}`).toBe(404);
    }
    expect((await upload(w, 'CONSEIL', PDF, 'x.pdf', 'application/pdf', stranger)).status).toBe(404);
    expect((await entry(w, e!.id!)).status).toBe('pending');
  });

  it('bad UUIDs, wrong types and unknown fields are 4xx, never 500', async () => {
    expect((await w.t.call('GET', '/v1/entries/not-a-uuid', { token: w.token })).status).toBe(422);
    const wrong = await w.t.call('POST', `/v1/files/${w.files.get('CONSEIL')}/entries`, {
      token: w.token,
      body: { entries: [{ ...purchase(), lines: 'x', surprise: 1 }] },
      headers: { 'idempotency-key': uniq('k') },
    });
    expect(wrong.status).toBe(422);
    const revalidatePending = await w.t.call('POST', `/v1/entries/${(await push(w, 'CONSEIL', [purchase()])).entries[0]!.id}/revalidate`, {
      token: w.token,
    });
    expect(revalidatePending.status).toBe(409);
  });
  it('holds the deposit when a prerequisite fails in Quadra since the push, and says why once', async () => {
    const [e] = (await push(w, 'CONSEIL', [purchase()])).entries;
    w.sim.control.setPeriodStatus('100200', 'CONSEIL', '2026', 'closed');
    await syncReference(w.t, w.token, w.firmId);
    const held = await send(w, 'CONSEIL');
    void held;
    await send(w, 'CONSEIL'); // a second run does not repeat the attempt
    let got = await entry(w, e!.id!);
    expect(got.status).toBe('pending');
    expect(got.statusMessage).toMatch(/^The deposit is held: /);
    expect(got.attempts.filter((a: { outcome: string }) => a.outcome === 'held')).toHaveLength(1);
    expect(await depositsOf(w, 'CONSEIL').then((d) => d.filter((x) => x.status === 'preparing'))).toHaveLength(0);

    w.sim.control.setPeriodStatus('100200', 'CONSEIL', '2026', 'open');
    await syncReference(w.t, w.token, w.firmId);
    await send(w, 'CONSEIL');
    got = await entry(w, e!.id!);
    expect(got.status).toBe('sent');
  });
});
