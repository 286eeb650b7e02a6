// Reading stored English back in French stays cheap whatever was stored: long texts and texts of many
// sentences are shown as stored instead of being matched run by run against every template
// (src/i18n/localize.ts, MAX_TEXT and MAX_SENTENCES).
import { describe, expect, it } from 'vitest';
import { text } from '../../src/i18n/index.ts';
import { localize } from '../../src/i18n/localize.ts';

describe('localize: stored texts read back in French', () => {
  it('a stored service text comes back in French', () => {
    const stored = text('issue.label_truncated', { label: 'Moulins de Savoie SARL' });
    expect(localize(stored, 'fr')).toBe('Le libellé sera coupé à ses 30 premiers caractères dans Quadra : « Moulins de Savoie SARL »');
    expect(localize(stored, 'en')).toBe(stored);
  });

  it('a long text, or one of many sentences, is shown as stored instead of matched run by run (26 KB once took 6 s)', () => {
    const one = text('issue.account_unknown', { account: 'FNEWCO' });
    expect(localize(one, 'fr')).toMatch(/^Le compte FNEWCO n’existe pas dans Quadra/);
    // Two messages joined: each read back on its own, never one message whose parameter swallowed the other.
    expect(localize(`${one} ${one}`, 'fr')).toBe(`${localize(one, 'fr')} ${localize(one, 'fr')}`);
    // Past the bounds nothing is matched: this would otherwise come back in French.
    const many = Array(5).fill(one).join(' ');
    expect(localize(many, 'fr')).toBe(many);
    const long = text('issue.label_truncated', { label: 'x'.repeat(2_100) });
    expect(localize(long, 'fr')).toBe(long);
  });
});
