// The catalogues: French has exactly English's keys and placeholders; the caller's language is
// negotiated as the issue asks; a stored English text reads back in French, and an unknown one as stored.
import { describe, expect, it } from 'vitest';
import { checkEntry, type FileReference } from '../../src/domain/entries/validate.ts';
import { checkPrerequisites, failingChecks } from '../../src/domain/prerequisites.ts';
import { FAILED_CHECK_MESSAGE, resendReferenceHoldMessage, resentWording } from '../../src/domain/entries/lifecycle.ts';
import { en } from '../../src/i18n/en.ts';
import { fr } from '../../src/i18n/fr.ts';
import { localize, localizeBody, msg, negotiate, render, t, text } from '../../src/i18n/index.ts';
import { CegidError } from '../../src/quadra/errors.ts';

const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();

describe('catalogues', () => {
  it('French has exactly the keys of English', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
  });

  it('every French text is written, and a French template uses the same placeholders as the English one', () => {
    for (const [key, e] of Object.entries(en)) {
      const f = (fr as Record<string, unknown>)[key];
      expect(f, key).toBeTruthy();
      if (typeof e === 'string' && typeof f === 'string') expect(placeholders(f), key).toEqual(placeholders(e));
    }
  });

  it("keeps the brief's failed-check sentence word for word in English, and says it in French", () => {
    expect(FAILED_CHECK_MESSAGE).toBe('A problem seems to have occurred during the synchronization of this entry. Please verify.');
    expect(t('fr', 'life.failed_check')).toBe(
      'Un problème semble être survenu lors de la synchronisation de cette écriture. Merci de vérifier.',
    );
  });

  it('writes plurals through Intl for the language', () => {
    expect(render('en', msg('error.too_many_waits', { n: 1 }))).toContain('1 synchronization waiting');
    expect(render('en', msg('error.too_many_waits', { n: 4 }))).toContain('4 synchronizations waiting');
    expect(render('fr', msg('error.too_many_waits', { n: 1 }))).toContain('1 synchronisation en attente');
    expect(render('fr', msg('error.too_many_waits', { n: 4 }))).toContain('4 synchronisations en attente');
  });
});

describe('negotiate', () => {
  it.each([
    [undefined, 'en', 'en'],
    [undefined, 'fr', 'fr'],
    ['fr-FR,fr;q=0.9', 'en', 'fr'],
    ['en-GB,en;q=0.9', 'fr', 'en'],
    ['en;q=1, fr;q=0.1', 'en', 'fr'], // both accepted: French first
    ['fr;q=0.5, en', 'en', 'fr'],
    ['de-DE, en;q=0.5', 'fr', 'en'], // q-values otherwise
    ['de-DE', 'en', 'en'], // nothing we speak: the default
    ['de-DE', 'fr', 'fr'],
    ['fr;q=0, en', 'fr', 'en'], // fr refused
    ['*', 'fr', 'fr'],
    ['frr, enm', 'en', 'en'], // North Frisian and Middle English are neither
    ['frr;q=1, en;q=0.5', 'fr', 'en'],
    ['fr-CA', 'en', 'fr'],
  ] as const)('%s (default %s) -> %s', (header, fallback, lang) => {
    expect(negotiate(header, fallback)).toBe(lang);
  });
});

const ref: FileReference = {
  periods: [{ startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'open' }],
  journals: [{ code: 'AC', isOpen: true }],
  quadraAccounts: new Map([['60700000', 'Achats']]),
  documentIds: new Set(),
};

describe('stored English read back in French', () => {
  it('reads back every warning and error of a checked entry', () => {
    const check = checkEntry(
      {
        externalId: 'X',
        kind: 'purchase',
        journalCode: 'ZZ',
        date: '2025-05-01',
        label: 'Crème brûlée ✓ Ω',
        lines: [
          { account: '6070000012', debit: 100, credit: 0 },
          { account: 'FMOULIN', debit: 0, credit: 90 },
        ],
      },
      ref,
      new Map(),
    );
    const all = [...check.errors, ...check.warnings];
    expect(all.map((i) => i.code).sort()).toEqual(
      ['account_truncated', 'account_unknown', 'date_outside_open_period', 'label_folded', 'unbalanced', 'unknown_journal'].sort(),
    );
    for (const i of all) {
      const french = localize(i.message, 'fr');
      expect(french, i.code).not.toBe(i.message);
      expect(localize(i.message, 'en')).toBe(i.message);
    }
    const truncated = all.find((i) => i.code === 'account_truncated')!;
    expect(localize(truncated.message, 'fr')).toBe(
      'Le compte 6070000012 sera envoyé en 60700000, compte Quadra « Achats ». Dans Cegid Quadra, un numéro de compte (PCG ou compte auxiliaire) est limité à 8 caractères : au-delà, il est tronqué à l’envoi.',
    );
  });

  it('reads back a hold built from failing prerequisites (finding + remedy joined)', () => {
    const result = checkPrerequisites({ periods: [], accounts: [], journals: [], today: '2026-12-07' });
    const [hold] = failingChecks(result);
    const french = localize(hold!.message, 'fr');
    expect(french).toContain('Ce dossier n’a aucun exercice dans Quadra.');
    expect(french).toContain('Pour ouvrir un exercice dans Quadra');
  });

  it('reads back nested messages and parameters reworked in French', () => {
    expect(localize(text('life.not_sent', { reason: text('life.build_failed') }), 'fr')).toBe(
      `Non envoyée : ${t('fr', 'life.build_failed')}`,
    );
    expect(localize(resendReferenceHoldMessage(3), 'fr')).toContain('retenue la troisième nuit');
    expect(localize(resentWording(3).onNight.replace('{night}', '2'), 'fr')).toContain('Renvoyée la nuit 2 sur 3.');
    const missing = checkPrerequisites({
      periods: [{ startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'open' }],
      accounts: [{ number: '401000', kind: 'general' }],
      journals: [{ code: 'AC', isOpen: true }],
      today: '2026-12-07',
    }).checks.find((c) => c.name === 'chart_of_accounts')!;
    expect(localize(missing.message!, 'fr')).toBe(
      'Le plan comptable n’a aucun compte général en classe 5 (financiers), classe 6 (charges), classe 7 (produits).',
    );
  });

  it("reads back Cegid's remedies, which name Quadra's and Cegid Life's menus", () => {
    const user = new CegidError({ service: 'cfe', code: 'ContainerNotFoundInSicSettings', message: 'x', status: 404 }).toUserError();
    expect(user.message).toContain('Tools > API Keys > Cegid File Exchange');
    const french = localize(user.message, 'fr');
    expect(french).toContain('Outils > Clés API > Cegid File Exchange');
    expect(french.startsWith('Cegid File Exchange (CFE) : Aucun conteneur')).toBe(true);
    const cpa = new CegidError({ service: 'cpa', code: 'Unauthorized', message: 'x', status: 401 }).toUserError();
    expect(localize(cpa.message, 'fr').startsWith('Cegid CPA (données Quadra) : Cegid a refusé la clé API')).toBe(true);
  });

  it('shows a text no template knows as it was stored', () => {
    expect(localize('Written by hand before the catalogues.', 'fr')).toBe('Written by hand before the catalogues.');
  });

  it('localizes the text fields of an answer and leaves codes and data alone', () => {
    const body = {
      items: [{ code: 'failed_check', statusMessage: FAILED_CHECK_MESSAGE, label: FAILED_CHECK_MESSAGE }],
      held: [{ externalId: 'X', reason: text('life.send_hold') }],
    };
    expect(localizeBody(body, 'fr')).toEqual({
      items: [{ code: 'failed_check', statusMessage: t('fr', 'life.failed_check'), label: FAILED_CHECK_MESSAGE }],
      held: [{ externalId: 'X', reason: t('fr', 'life.send_hold') }],
    });
    expect(localizeBody(body, 'en')).toBe(body);
  });
});
