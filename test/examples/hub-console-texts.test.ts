// The console's own words: French has exactly English's keys (nested ones too) and every text
// written; the browser's language is followed; amounts, dates and plurals come from Intl.
import { describe, expect, it } from 'vitest';
import { browserLang, formats, TEXTS } from '../../examples/hub-console/texts.ts';

const shape = (v: unknown): unknown =>
  typeof v === 'function'
    ? `fn/${v.length}`
    : Array.isArray(v)
      ? v.length
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
          )
        : typeof v;

describe("the console's texts", () => {
  it('French has the same keys, lists and functions as English', () => {
    expect(shape(TEXTS.fr)).toEqual(shape(TEXTS.en));
  });

  it('follows the browser: French when it accepts French at all, English otherwise', () => {
    expect(browserLang(['fr-FR', 'fr'])).toBe('fr');
    expect(browserLang(['en-US', 'fr;q=0.5'])).toBe('fr');
    expect(browserLang(['en-GB'])).toBe('en');
    expect(browserLang(['de-DE'])).toBe('en');
  });

  it('writes amounts, dates and plurals with Intl for the language', () => {
    expect(formats('fr').money(60_000)).toBe('600,00\u00a0€');
    expect(formats('en').money(60_000)).toBe('€600.00');
    expect(formats('fr').day('2026-11-02')).toBe('2 nov. 2026');
    expect(formats('en').day('2026-11-02')).toBe('2 Nov 2026');
    expect(TEXTS.en.counts('en', 1, 3)).toBe('1 entry, 3 lines.');
    expect(TEXTS.en.counts('en', 2, 1)).toBe('2 entries, 1 line.');
    expect(TEXTS.fr.counts('fr', 1, 3)).toBe('1 écriture, 3 lignes.');
  });
});
