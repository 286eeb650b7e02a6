import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { foldText } from '../../src/format/quadra-format.ts';
import { CP1252_BYTE, decodeCp1252, encodeCp1252 } from '../../src/format/encoding.ts';

/** Every character has a printable Windows-1252 byte. */
function writable(text: string): boolean {
  return [...text].every((ch) => ch.length === 1 && CP1252_BYTE[ch.charCodeAt(0)]! >= 0x20);
}

const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({
    unit: fc.constantFrom(
      'é',
      'e\u0301',
      'Œ',
      '€',
      '’',
      '«',
      '—',
      'ł',
      'ß',
      '😀',
      '👨‍👩‍👧',
      '🇫🇷',
      '❤️',
      '日',
      'Ж',
      '\t',
      '\r\n',
      '\u0000',
      '\u200b',
      '\u202f',
      '\u00a0',
      'q\u0303',
      '\u0301',
      'ﬁ',
      'Ａ',
      'ǅ',
      '\ud83d',
      'a',
      ' ',
      '?',
    ),
    maxLength: 30,
  }),
);

describe('foldText', () => {
  it('keeps French text whole: every character is in Windows-1252', () => {
    expect(foldText('Café Crème — Œuvre «test» €')).toEqual({ text: 'Café Crème — Œuvre «test» €', folded: [] });
    expect(foldText('L’été à Noël : 1 000,50 € ; ça coûte… œufs, Ÿ, ß, ½, ±, ™, •, “x”, ‹y›')).toEqual({
      text: 'L’été à Noël : 1 000,50 € ; ça coûte… œufs, Ÿ, ß, ½, ±, ™, •, “x”, ‹y›',
      folded: [],
    });
    expect(encodeCp1252('Café Crème — Œuvre «test» €')).toEqual(
      new Uint8Array(iconv.encode('Café Crème — Œuvre «test» €', 'windows-1252')),
    );
  });

  it('composes decomposed accents first (NFC), without calling it a change', () => {
    expect(foldText('Cre\u0300me bru\u0302le\u0301e')).toEqual({ text: 'Crème brûlée', folded: [] });
  });

  it('transliterates letters Windows-1252 lacks', () => {
    expect(foldText('Łódź, Dąbrowski, Čapek, Øresund, Ħal, ı')).toEqual({
      text: 'Lódz, Dabrowski, Capek, Øresund, Hal, i',
      folded: ['Ł', 'ź', 'ą', 'Č', 'Ħ', 'ı'],
    });
    expect(foldText('ﬁn Ｆ① ǅ №5 ‐−′').text).toBe("fin F1 Dž No5 --'");
  });

  it('turns spaces and line breaks into a space, removes other control and invisible characters', () => {
    expect(foldText('a\tb\r\nc\nd\u0000e\u200bf\u202fg\u2028h\u00a0i')).toEqual({
      text: 'a b c def g h\u00a0i',
      folded: ['\t', '\r\n', '\n', '\u0000', '\u200b', '\u202f', '\u2028'],
    });
  });

  it('writes one ? per unrepresentable grapheme (emoji, flags, ZWJ sequences, CJK, Cyrillic)', () => {
    expect(foldText('ok 😀 👨‍👩‍👧 🇫🇷 ❤️ 日本 Жук')).toEqual({
      text: 'ok ? ? ? ? ?? ???',
      folded: ['😀', '👨‍👩‍👧', '🇫🇷', '❤️', '日', '本', 'Ж', 'у', 'к'],
    });
    expect(foldText('\ud83d lone').text).toBe('? lone');
  });

  it('drops combining marks that have no precomposed form', () => {
    expect(foldText('q\u0303 x\u20dd')).toEqual({ text: 'q x', folded: ['q\u0303', 'x\u20dd'] });
  });

  it('property: output is printable Windows-1252, idempotent, and folded is empty exactly when only NFC changed', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { text: out, folded } = foldText(text);
        expect(writable(out)).toBe(true);
        expect(iconv.decode(iconv.encode(out, 'windows-1252'), 'windows-1252')).toBe(out);
        expect(foldText(out)).toEqual({ text: out, folded: [] });
        expect(folded.length === 0).toBe(out === text.normalize('NFC'));
        expect(new Set(folded).size).toBe(folded.length);
      }),
      { numRuns: 2000 },
    );
  });

  it('property: printable ASCII is untouched', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }), (text) => {
        expect(foldText(text)).toEqual({ text, folded: [] });
      }),
    );
  });
});

// The code page is written out in src/format/encoding.ts (iconv-lite's tables of every code page
// weighed 0.53 MB in the Edge Function's bundle): it must be iconv-lite's Windows-1252, byte for byte.
describe('the Windows-1252 table is iconv-lite’s', () => {
  it('decodes every byte as iconv-lite does, alone and in one buffer', () => {
    const all = Uint8Array.from({ length: 256 }, (_, b) => b);
    expect(decodeCp1252(all)).toBe(iconv.decode(Buffer.from(all), 'windows-1252'));
    for (let b = 0; b < 256; b++)
      expect(decodeCp1252(Uint8Array.of(0x41, b)), `byte ${b}`).toBe(iconv.decode(Buffer.of(0x41, b), 'windows-1252'));
    // Longer than one slice of the decoder's String.fromCharCode.
    const long = Uint8Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? 0x80 : 0x41 + (i % 26)));
    expect(decodeCp1252(long)).toBe(iconv.decode(Buffer.from(long), 'windows-1252'));
  });

  it('gives every UTF-16 code unit the byte iconv-lite decodes to it, printable characters only', () => {
    // The table as it was built from iconv-lite: each byte from 0x20 but DEL and the five undefined
    // ones (decoded as U+FFFD), indexed by the character iconv-lite decodes it to.
    const decoded = iconv.decode(Buffer.from(Uint8Array.from({ length: 256 }, (_, b) => b)), 'windows-1252');
    const fromIconv = new Int16Array(0x10000).fill(-1);
    for (let b = 0x20; b < 256; b++) if (b !== 0x7f && decoded.charCodeAt(b) !== 0xfffd) fromIconv[decoded.charCodeAt(b)] = b;
    expect(Array.from(CP1252_BYTE.entries()).filter(([code, byte]) => fromIconv[code] !== byte)).toEqual([]);
    expect(CP1252_BYTE['€'.charCodeAt(0)]).toBe(0x80);
  });
});
