// The API answers in the caller's language: refusals, the warnings stored with an entry and the
// remedies of a file's prerequisites are written in French or English by Accept-Language; codes,
// ids and data are the same in both; the default applies when no language we speak is asked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../support/db.ts';
import { push, purchase } from '../support/entries.ts';
import { createWorld, type World } from '../support/world.ts';

describe(`the API's language (${engine})`, () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ start: '2026-11-02T09:00:00Z' });
  });
  afterAll(() => w?.close());

  const fr = { 'accept-language': 'fr-FR,fr;q=0.9,en;q=0.8' };
  const en = { 'accept-language': 'en-GB,en;q=0.9' };

  it('writes a refusal in the language asked for, with the same code, and says which language it used', async () => {
    const missing = '/v1/files/00000000-0000-4000-8000-000000000000/entries';
    const inFrench = await w.t.call('GET', missing, { token: w.token, headers: fr });
    const inEnglish = await w.t.call('GET', missing, { token: w.token, headers: en });
    expect(inFrench.status).toBe(404);
    expect(inEnglish.status).toBe(404);
    expect(inFrench.body.error.code).toBe(inEnglish.body.error.code);
    expect(inEnglish.body.error.message).toBe('File not found');
    expect(inFrench.body.error.message).toBe('Dossier introuvable');
    const raw = await w.t.app.request(missing, { headers: { authorization: `Bearer ${w.token}`, ...fr } });
    expect(raw.headers.get('content-language')).toBe('fr');
    expect(raw.headers.get('vary')).toContain('Accept-Language');
  });

  it('falls back on the default (English outside production) when no language we speak is asked for', async () => {
    const r = await w.t.call('GET', '/v1/files/00000000-0000-4000-8000-000000000000/entries', {
      token: w.token,
      headers: { 'accept-language': 'de-DE' },
    });
    expect(r.body.error.message).toBe('File not found');
  });

  it("reads an entry's stored warnings back in the caller's language, codes unchanged", async () => {
    const out = await push(w, 'BOULANG', [purchase({ supplier: 'F123456789' })]);
    const id = out.entries[0]!.id!;
    const inEnglish = await w.t.call('GET', `/v1/entries/${id}`, { token: w.token, headers: en });
    const inFrench = await w.t.call('GET', `/v1/entries/${id}`, { token: w.token, headers: fr });
    const codes = (b: { warnings: Array<{ code: string }> }) => b.warnings.map((x) => x.code);
    expect(codes(inFrench.body)).toEqual(codes(inEnglish.body));
    const truncated = (b: { warnings: Array<{ code: string; message: string }> }) =>
      b.warnings.find((x) => x.code === 'account_truncated')!;
    expect(truncated(inEnglish.body).message).toContain(
      'The account number (PCG or subsidiary) is limited to 8 characters in Cegid Quadra. Any number exceeding this limit will be truncated when sent.',
    );
    expect(truncated(inFrench.body).message).toContain('Le compte F123456789 sera envoyé en F1234567');
    expect(truncated(inFrench.body).message).toContain('compte auxiliaire');
  });

  it("writes the file's prerequisites and their remedies in French", async () => {
    const r = await w.t.call('GET', `/v1/files/${w.files.get('BOULANG')}/prerequisites`, { token: w.token, headers: fr });
    expect(r.status).toBe(200);
    const open = r.body.checks.find((c: { name: string }) => c.name === 'open_period');
    expect(open.message).toMatch(/^Exercice ouvert : du \d{1,2} [a-zéû.]+ \d{4} au \d{1,2} [a-zéû.]+ \d{4}\.$/);
  });
});
