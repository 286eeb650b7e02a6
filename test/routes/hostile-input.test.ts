// Bad input never makes a 500: NUL and control characters in every text field, cursors that
// decode to extreme dates or NUL, and the database errors a value can still cause.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromDatabaseError } from '../../src/lib/errors.ts';
import { engine } from '../support/db.ts';
import { purchase, push, uniq } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const NUL = '\u0000';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64url');

describe(`hostile input (${engine})`, () => {
  let w: World;
  let fileId: string;
  let entryId: string;
  beforeAll(async () => {
    w = await createWorld();
    fileId = w.files.get('BOULANG')!;
    const pushed = await push(w, 'BOULANG', [purchase()]);
    entryId = pushed.entries[0]!.id!;
  });
  afterAll(() => w?.close());

  const pushWith = (mutate: (e: any) => void, key = uniq('k')) => {
    const e = purchase();
    mutate(e);
    return w.t.call('POST', `/v1/files/${fileId}/entries`, { token: w.token, body: { entries: [e] }, headers: { 'idempotency-key': key } });
  };
  const issuePaths = (r: { body: any }) => (r.body?.error?.details?.issues ?? []).map((i: { path: string }) => i.path);

  it.each([
    [
      'externalId',
      (e: any) => {
        e.externalId = `a${NUL}b`;
      },
      'entries.0.externalId',
    ],
    [
      'journalCode',
      (e: any) => {
        e.journalCode = NUL;
      },
      'entries.0.journalCode',
    ],
    [
      'pieceRef',
      (e: any) => {
        e.pieceRef = `F${NUL}`;
      },
      'entries.0.pieceRef',
    ],
    [
      'label',
      (e: any) => {
        e.label = `Farine${NUL}`;
      },
      'entries.0.label',
    ],
    [
      'line label',
      (e: any) => {
        e.lines[1].label = NUL;
      },
      'entries.0.lines.1.label',
    ],
    [
      'account',
      (e: any) => {
        e.lines[0].account = `6070${NUL}0000`;
      },
      'entries.0.lines.0.account',
    ],
    [
      'a field name',
      (e: any) => {
        e[`x${NUL}`] = 1;
      },
      'entries.0.x\\u0000',
    ],
  ])('a push with NUL in %s is refused with 422 naming the field', async (_what, mutate, path) => {
    const r = await pushWith(mutate);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('validation_error');
    expect(issuePaths(r)).toContain(path);
  });

  it.each([
    [
      'externalId',
      (e: any) => {
        e.externalId = 'a\ud800';
      },
      'entries.0.externalId',
    ],
    [
      'label',
      (e: any) => {
        e.label = 'Farine\udc00';
      },
      'entries.0.label',
    ],
    [
      'account (beside a 10-digit account)',
      (e: any) => {
        e.lines[0].account = '60700000\ud800';
        e.lines[1].account = '4010000000';
      },
      'entries.0.lines.0.account',
    ],
  ])('a push with half a surrogate pair in %s is refused with 422 naming the field, nothing stored', async (_what, mutate, path) => {
    const key = uniq('k');
    const r = await pushWith(mutate, key);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('validation_error');
    expect(issuePaths(r)).toContain(path);
    expect(r.body.error.details.issues[0].code).toBe('unpaired_surrogate');
    const again = await w.t.call('POST', `/v1/files/${fileId}/entries`, {
      token: w.token,
      body: { entries: [purchase()] },
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(202); // the key was not spent on the refused body
  });

  it('a well-formed pair (an emoji) is still accepted in a label', async () => {
    const r = await pushWith((e) => {
      e.label = 'Farine 🍞';
    });
    expect(r.status).toBe(202);
  });

  it('PUT /v1/entries/{id}, POST /v1/firms and the connection refuse NUL, naming the field, and change nothing', async () => {
    const before = (await w.t.call('GET', `/v1/entries/${entryId}`, { token: w.token })).body;
    const { externalId: _x, ...update } = purchase({ label: `L${NUL}` });
    const put = await w.t.call('PUT', `/v1/entries/${entryId}`, { token: w.token, body: update });
    expect(put.status).toBe(422);
    expect(issuePaths(put)).toContain('label');
    expect((await w.t.call('GET', `/v1/entries/${entryId}`, { token: w.token })).body).toEqual(before);

    const firm = await w.t.call('POST', '/v1/firms', { token: w.token, body: { name: `Cabinet${NUL}`, sicCode: '4242' } });
    expect(firm.status).toBe(422);
    expect(issuePaths(firm)).toContain('name');

    const conn = await w.t.call('PUT', `/v1/firms/${w.firmId}/connection`, {
      token: w.token,
      body: {
        cpa: { apiKey: `cpa-demo-key${NUL}`, secret: 'cpa-demo-secret' },
        cfe: { apiKey: 'cfe-demo-key', secret: 'cfe-demo-secret' },
      },
    });
    expect(conn.status).toBe(422);
    expect(issuePaths(conn)).toContain('cpa.apiKey');
    expect((await w.t.call('GET', `/v1/firms/${w.firmId}/connection`, { token: w.token })).body.status).toBe('connected');
  });

  it('refuses control characters in identifiers but keeps them in labels (folded when written, with a warning)', async () => {
    const tab = await pushWith((e) => {
      e.externalId = `a\tb`;
    });
    expect(tab.status).toBe(422);
    expect(issuePaths(tab)).toContain('entries.0.externalId');
    const firm = await w.t.call('POST', '/v1/firms', { token: w.token, body: { name: 'Cabinet\nMartin', sicCode: '4243' } });
    expect(firm.status).toBe(422);
    const label = await pushWith((e) => {
      e.label = 'Farine\tnovembre\r\n';
    });
    expect(label.status).toBe(202);
    expect(label.body.accepted).toBe(1);
  });

  it('refuses a NUL in a query parameter', async () => {
    const r = await w.t.call('GET', `/v1/files/${fileId}/entries?status=${encodeURIComponent(NUL)}`, { token: w.token });
    expect(r.status).toBe(422);
    expect(issuePaths(r)).toContain('status');
  });

  it('a document whose name holds control characters is stored under a folded name', async () => {
    const form = new FormData();
    form.set('file', new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31])], `fac${NUL}ture\n.pdf`, { type: 'application/pdf' }));
    const res = await w.t.app.request(`/v1/files/${fileId}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${w.token}` },
      body: form,
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { fileName: string }).fileName).toBe('fac_ture_.pdf');
  });

  it.each([
    ['an extreme date', b64(`+275760-09-13T00:00:00.000Z|${crypto.randomUUID()}`)],
    ['year zero', b64(`0000-01-01T00:00:00.000000Z|${crypto.randomUUID()}`)],
    ['February 31st', b64(`2026-02-31T00:00:00.000000Z|${crypto.randomUUID()}`)],
    ['a NUL', b64(`2026-11-02T09:00:00.000000Z|${NUL}`)],
    ['a fake uuid', b64(`2026-11-02T09:00:00.000000Z|${'-'.repeat(36)}`)],
  ])('an entries cursor holding %s is invalid_cursor', async (_what, cursor) => {
    const r = await w.t.call('GET', `/v1/files/${fileId}/entries?cursor=${cursor}`, { token: w.token });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('invalid_cursor');
  });

  it.each([
    ['a NUL', b64(NUL)],
    ['a NUL inside', b64(`6070${NUL}`)],
    ['a line break', b64('6070\n')],
  ])('an accounts cursor holding %s is invalid_cursor', async (_what, cursor) => {
    const r = await w.t.call('GET', `/v1/files/${fileId}/accounts?cursor=${cursor}`, { token: w.token });
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('invalid_cursor');
  });

  it('a missing Idempotency-Key says what the header is for and how to form it', async () => {
    const r = await w.t.call('POST', `/v1/files/${fileId}/entries`, { token: w.token, body: { entries: [purchase()] } });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toMatch(/Idempotency-Key header is required: it makes a push safe to retry/);
    expect(r.body.error.message).not.toMatch(/received undefined/);
  });

  it('20 concurrent pushes with one key and one body get byte-for-byte the same answer, and store one result', async () => {
    const key = uniq('same');
    // Several entries with warnings and details: the answer has nested objects whose key order a
    // jsonb round trip would change.
    const body = {
      entries: [
        purchase({ supplier: 'FMOULIN00' }),
        purchase({ label: 'Étiquette très longue pour être coupée à vingt caractères' }),
        purchase({ journalCode: 'ZZ' }),
      ],
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        w.t.call('POST', `/v1/files/${fileId}/entries`, { token: w.token, body, headers: { 'idempotency-key': key } }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    const later = await w.t.call('POST', `/v1/files/${fileId}/entries`, { token: w.token, body, headers: { 'idempotency-key': key } });
    expect(later.text).toBe(answers[0]!.text);
    const stored = await w.t.services.db.query<{ n: number }>('select count(*)::int as n from public.entries where external_id = any($1)', [
      body.entries.map((e) => e.externalId),
    ]);
    expect(stored.rows[0]!.n).toBe(answers[0]!.body.accepted);
  });

  it("maps the database's data exceptions to 4xx, and leaves other errors to the 500 handler", async () => {
    for (const sql of [
      `select E'a\\\\x00'::text::jsonb`,
      `select '+275760-09-13'::timestamptz`,
      `select 99999999999::int`,
      `select 'x'::uuid`,
      `select chr(0)`,
    ]) {
      const err = await w.t.services.db.query(sql).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, sql).toBeDefined();
      const mapped = fromDatabaseError(err);
      expect(mapped?.status, `${sql}: ${(err as { code?: string }).code}`).toBeGreaterThanOrEqual(400);
      expect(mapped!.status).toBeLessThan(500);
    }
    for (const code of ['22021', '22P05', '22007', '22008', '22009', '22003', '22001'])
      expect(fromDatabaseError({ code })?.status).toBe(422);
    expect(fromDatabaseError({ code: '54000' })?.code).toBe('value_too_large');
    expect(fromDatabaseError({ code: '57014' })).toBeUndefined();
    expect(fromDatabaseError(new Error('boom'))).toBeUndefined();
  });
});
