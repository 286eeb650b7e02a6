// The entries tabs as the hub polls them: counts per status in one request, every tab's pages by
// cursor agreeing with those counts, and another firm reaching none of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/db.ts';
import { push, purchase, send } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

const STATUSES = ['pending', 'sent', 'posted', 'failed_check'] as const;

async function allPages(w: World, path: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 100; i++) {
    const page = await w.t.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, {
      token: w.token,
    });
    expect(page.status).toBe(200);
    ids.push(...page.body.items.map((x: { id: string }) => x.id));
    cursor = page.body.nextCursor;
    if (!cursor) return ids;
  }
  throw new Error('more pages than entries');
}

describe(`entries tabs and their counts (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  it('counts each tab of a file in one request, and the tabs page through exactly those entries', async () => {
    const file = w.files.get('BOULANG')!;
    const empty = await w.t.call('GET', `/v1/files/${file}/entries/counts`, { token: w.token });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ counts: { pending: 0, sent: 0, posted: 0, failed_check: 0 }, total: 0 });
    const emptyTab = await w.t.call('GET', `/v1/files/${file}/entries?status=pending`, { token: w.token });
    expect(emptyTab.body).toMatchObject({ items: [], nextCursor: null, file: { waitingOpenSince: null } });

    const sent = (
      await push(
        w,
        'BOULANG',
        Array.from({ length: 3 }, () => purchase()),
      )
    ).entries.map((e) => e.id);
    await send(w, 'BOULANG');
    const pending = (
      await push(
        w,
        'BOULANG',
        Array.from({ length: 7 }, () => purchase()),
      )
    ).entries.map((e) => e.id);
    await push(w, 'GARAGE', [purchase(), purchase()]); // another file of the same firm: not counted here

    const r = await w.t.call('GET', `/v1/files/${file}/entries/counts`, { token: w.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ counts: { pending: 7, sent: 3, posted: 0, failed_check: 0 }, total: 10 });

    expect(new Set(await allPages(w, `/v1/files/${file}/entries?status=pending`, 3))).toEqual(new Set(pending));
    expect(new Set(await allPages(w, `/v1/files/${file}/entries?status=sent`, 2))).toEqual(new Set(sent));
    expect(await allPages(w, `/v1/files/${file}/entries?status=posted`, 2)).toEqual([]);
    const every = await allPages(w, `/v1/files/${file}/entries`, 4);
    expect(every).toHaveLength(10);
    expect(new Set(every)).toEqual(new Set([...sent, ...pending]));
    // Oldest first: the batch sent first comes before the later push.
    expect(new Set(every.slice(0, 3))).toEqual(new Set(sent));
    for (const st of STATUSES) {
      const tab = await allPages(w, `/v1/files/${file}/entries?status=${st}`, 50);
      expect(tab.length, st).toBe(r.body.counts[st]);
    }
  });

  it('is in the OpenAPI document', async () => {
    const doc = await w.t.call('GET', '/openapi.json');
    expect(doc.body.paths['/v1/files/{fileId}/entries/counts'].get.responses['200']).toBeDefined();
  });

  it("another firm's user gets 404 for the counts and the tabs; an unknown file is 404, a bad id 422", async () => {
    const file = w.files.get('BOULANG')!;
    const otherUser = crypto.randomUUID();
    const other = await w.t.token(otherUser);
    const firm = await w.t.call('POST', '/v1/firms', { token: other, body: { name: 'Autre cabinet', sicCode: '555000' } });
    expect(firm.status).toBe(201);
    for (const path of [`/v1/files/${file}/entries/counts`, `/v1/files/${file}/entries`, `/v1/files/${file}/entries?status=pending`]) {
      const r = await w.t.call('GET', path, { token: other });
      expect(r.status, path).toBe(404);
      expect(r.body.error.code).toBe('not_found');
    }
    expect((await w.t.call('GET', `/v1/files/${crypto.randomUUID()}/entries/counts`, { token: w.token })).status).toBe(404);
    expect((await w.t.call('GET', '/v1/files/not-a-uuid/entries/counts', { token: w.token })).status).toBe(422);
    expect((await w.t.call('GET', `/v1/files/${file}/entries/counts`)).status).toBe(401);
  });

  it('the one-statement reads: an entry with lines, documents and timeline; the file list with prerequisites; neither reaches another firm', async () => {
    const input = purchase();
    const [pushed] = (await push(w, 'GARAGE', [input])).entries;
    await send(w, 'GARAGE');
    const entry = await w.t.call('GET', `/v1/entries/${pushed!.id}`, { token: w.token });
    expect(entry.status).toBe(200);
    expect(entry.body.lines.map((l: { lineNo: number; account: string }) => [l.lineNo, l.account])).toEqual(
      input.lines.map((l, i) => [i + 1, l.account]),
    );
    expect(entry.body.documents).toEqual([]);
    expect(entry.body.attempts.length).toBeGreaterThan(0);
    for (const a of entry.body.attempts) expect(new Date(a.at).toISOString()).toBe(a.at);
    expect(entry.body.attempts.map((a: { kind: string }) => a.kind)).toContain('send');

    const list = await w.t.call('GET', `/v1/firms/${w.firmId}/files`, { token: w.token });
    expect(list.status).toBe(200);
    expect(list.body.files.map((f: { dossierCode: string }) => f.dossierCode)).toEqual(expect.arrayContaining(['BOULANG', 'GARAGE']));
    for (const f of list.body.files) expect(f.prerequisites).toHaveProperty('ok');

    const other = await w.t.token(crypto.randomUUID());
    const firm = await w.t.call('POST', '/v1/firms', { token: other, body: { name: 'Cabinet sans dossier', sicCode: '555111' } });
    // A firm of one's own with no files yet: an empty list, not a 404.
    expect((await w.t.call('GET', `/v1/firms/${firm.body.id}/files`, { token: other })).body).toEqual({ files: [] });
    expect((await w.t.call('GET', `/v1/entries/${pushed!.id}`, { token: other })).status).toBe(404);
    expect((await w.t.call('GET', `/v1/firms/${w.firmId}/files`, { token: other })).status).toBe(404);
  });
});
