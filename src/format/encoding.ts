/** Quadra reads single-byte Windows-1252: one character is one byte, so a column never shifts. */
export const CODEPAGE = 'windows-1252';

/**
 * Windows-1252 is Latin-1 except bytes 0x80-0x9F: their characters, U+FFFD for the five it leaves
 * undefined (as iconv-lite decodes them; test/format/encoding.test.ts compares every byte with it).
 * Written out rather than taken from iconv-lite, whose tables of every code page were 0.53 MB of
 * the Edge Function's bundle for these 32 characters.
 */
const HIGH = [
  0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd, 0x017d, 0xfffd, 0xfffd,
  0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0xfffd, 0x017e, 0x0178,
];
const charOfByte = (b: number): number => (b >= 0x80 && b <= 0x9f ? HIGH[b - 0x80]! : b);

/**
 * UTF-16 code unit -> Windows-1252 byte, for the characters we may write as they are;
 * -1 for everything foldText must replace (control characters, characters Windows-1252 lacks).
 */
export const CP1252_BYTE: Int16Array = buildByteTable();

function buildByteTable(): Int16Array {
  const table = new Int16Array(0x10000).fill(-1);
  for (let b = 0x20; b < 256; b++) {
    const code = charOfByte(b);
    // 0x7F is DEL; U+FFFD stands for the five bytes Windows-1252 leaves undefined.
    if (b === 0x7f || code === 0xfffd) continue;
    table[code] = b;
  }
  return table;
}

/** True when every character can be written as is: the writer's fast path, no folding needed. */
export function isWritable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (CP1252_BYTE[text.charCodeAt(i)]! < 0) return false;
  }
  return true;
}

export interface FoldResult {
  text: string;
  /** Original characters (grapheme clusters, NFC) that were replaced or removed, each listed once. */
  folded: string[];
}

// Characters with no decomposition to a Windows-1252 form, or whose decomposition would be worse.
const TRANSLITERATION: Readonly<Record<string, string>> = {
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  ŀ: 'l',
  Ŀ: 'L',
  ĸ: 'k',
  ŋ: 'n',
  Ŋ: 'N',
  ŧ: 't',
  Ŧ: 'T',
  ə: 'e',
  Ə: 'E',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2015': '-',
  '\u2043': '-',
  '\u2212': '-',
  '\u2032': "'",
  '\u201b': "'",
  '\u2033': '"',
  '\u201f': '"',
  '\u2044': '/',
  '\u2215': '/',
  '\u2028': ' ',
  '\u2029': ' ',
};

const CONTROL = /^\p{Cc}+$/u;
const WHITESPACE_CONTROL = /[\t\n\v\f\r\u0085]/;
const MARK_OR_FORMAT = /^[\p{M}\p{Cf}]$/u;
const MARKS = /\p{M}/gu;
const UNREPRESENTABLE = '?';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Makes text writable in Windows-1252 without losing what Windows-1252 can carry:
 * French accents, €, œ, ’, «», — stay; other letters lose their accents (ł -> l, ḱ -> k);
 * compatibility forms are expanded (ﬁ -> fi, full-width letters, narrow no-break space -> space);
 * line breaks and tabs become a space, other control and invisible format characters are removed;
 * anything else (emoji, CJK, Cyrillic…) becomes one '?' per grapheme.
 * Idempotent: the result folds to itself.
 */
export function foldText(text: string): FoldResult {
  if (isWritable(text)) return { text, folded: [] };
  let out = '';
  const folded = new Set<string>();
  for (const { segment } of graphemes.segment(text.normalize('NFC'))) {
    if (segment.length === 1 && CP1252_BYTE[segment.charCodeAt(0)]! >= 0) {
      out += segment;
      continue;
    }
    const replacement = foldGrapheme(segment);
    out += replacement;
    if (replacement !== segment) folded.add(segment);
  }
  return { text: out, folded: [...folded] };
}

function foldGrapheme(grapheme: string): string {
  // CRLF is a single grapheme: one space for one line break.
  if (CONTROL.test(grapheme)) return WHITESPACE_CONTROL.test(grapheme) ? ' ' : '';
  let out = '';
  for (const ch of grapheme) {
    const folded = foldCodePoint(ch);
    if (folded === null) return UNREPRESENTABLE;
    out += folded;
  }
  return out;
}

/** null when the code point has no Windows-1252 rendering at all. */
function foldCodePoint(ch: string): string | null {
  if (ch.length === 1 && CP1252_BYTE[ch.charCodeAt(0)]! >= 0) return ch;
  const transliterated = TRANSLITERATION[ch];
  if (transliterated !== undefined) return transliterated;
  if (MARK_OR_FORMAT.test(ch)) return '';
  if (CONTROL.test(ch)) return WHITESPACE_CONTROL.test(ch) ? ' ' : '';
  // Compatibility forms; NFC afterwards keeps letters Windows-1252 has precomposed (ǅ -> Dž).
  const compatible = ch.normalize('NFKD').normalize('NFC');
  if (compatible !== ch) {
    let out = '';
    for (const part of compatible) {
      const folded = foldCodePoint(part);
      if (folded === null) return null;
      out += folded;
    }
    return out;
  }
  const base = ch.normalize('NFD').replace(MARKS, '');
  if (base !== ch && base !== '' && isWritable(base)) return base;
  return null;
}

/** Encodes text that isWritable (or foldText's output); throws on anything else instead of writing '?'. */
export function encodeCp1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const byte = CP1252_BYTE[text.charCodeAt(i)]!;
    if (byte < 0) throw new RangeError(`character U+${text.charCodeAt(i).toString(16).padStart(4, '0')} has no ${CODEPAGE} byte`);
    out[i] = byte;
  }
  return out;
}

/** One character per byte, so character offsets in the result are byte offsets. */
export function decodeCp1252(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Windows-1252 differs from Latin-1 only in 0x80-0x9F: without those bytes, the native decoder is exact.
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b >= 0x80 && b <= 0x9f) return decodeWithHighBytes(bytes);
  }
  return buffer.toString('latin1');
}

function decodeWithHighBytes(bytes: Uint8Array): string {
  const codes = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) codes[i] = charOfByte(bytes[i]!);
  // In slices: String.fromCharCode takes its characters as arguments, and their number is bounded.
  let out = '';
  for (let i = 0; i < codes.length; i += 8192) out += String.fromCharCode(...codes.subarray(i, i + 8192));
  return out;
}
