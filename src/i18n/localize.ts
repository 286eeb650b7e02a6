// Reads a stored English text back in another language. The service stores what it says about an
// entry (status message, attempt notes, warnings) as English text written from the catalogue
// (`text(key, params)`), so rows already stored keep their exact words and no column changes. At
// answer time each such text is matched against the English templates: a match gives back the
// key and the parameters, written again in the caller's language. A text no template matches
// (written before it had one, or from outside, e.g. Cegid's own words) is shown as stored.
import { type Entry, type Fmt, fill, formatters, type Lang } from './catalogue.ts';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';

interface Matcher {
  key: MessageKey;
  prefix: string;
  re: RegExp;
  names: string[];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Parameters that carry a whole message of their own (e.g. "Not sent: {reason}"). */
const NESTED = new Set(['reason', 'message']);

function matcherOf(key: MessageKey, template: string): Matcher {
  const names: string[] = [];
  let source = '';
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    source += escapeRe(template.slice(last, m.index));
    const name = m[1]!;
    // A whole message in a parameter (NESTED) may be long; any other value (an account, a label, a
    // date) stays within one sentence, so a text made of several messages is never read as one
    // message with the others swallowed by a parameter.
    const value = NESTED.has(name) ? '[\\s\\S]+?' : '(?:(?!\\. \\p{Lu})[^\\n]){1,200}?';
    source += names.includes(name) ? `\\k<${name}>` : `(?<${name}>${value})`;
    if (!names.includes(name)) names.push(name);
    last = m.index + m[0].length;
  }
  source += escapeRe(template.slice(last));
  const first = template.indexOf('{');
  return { key, prefix: first < 0 ? template : template.slice(0, first), re: new RegExp(`^${source}$`, 'u'), names };
}

// The most specific templates first: the longest fixed text wins over a looser one.
const MATCHERS: Matcher[] = (Object.entries(en) as Array<[MessageKey, Entry]>)
  .filter((e): e is [MessageKey, string] => typeof e[1] === 'string')
  .map(([k, v]) => matcherOf(k, v))
  .sort((a, b) => b.re.source.length - a.re.source.length);

const CATALOGUES: Record<Exclude<Lang, 'en'>, Record<MessageKey, Entry>> = { fr };
const FMT: Partial<Record<Lang, Fmt>> = {};

function matchWhole(s: string): { key: MessageKey; params: Record<string, string> } | undefined {
  for (const m of MATCHERS) {
    if (!s.startsWith(m.prefix)) continue;
    const found = m.re.exec(s);
    if (found) return { key: m.key, params: { ...found.groups } };
  }
  return undefined;
}

function renderIn(lang: Exclude<Lang, 'en'>, key: MessageKey, params: Record<string, string>, depth: number): string {
  const p: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) p[k] = NESTED.has(k) ? localizeAt(v, lang, depth + 1) : v;
  const entry = CATALOGUES[lang][key];
  return typeof entry === 'string' ? fill(entry, p) : entry(p, (FMT[lang] ??= formatters(lang)));
}

/**
 * Bounds on what is read back: a text is matched against every template, and a joined text run by
 * run, so the work grows fast with length. The service's own texts are a few sentences; anything
 * longer (a hub's data, an oddity) is shown as stored rather than hold the answer up.
 */
const MAX_TEXT = 2_000;
const MAX_SENTENCES = 8;

function localizeAt(s: string, lang: Exclude<Lang, 'en'>, depth: number): string {
  if (!s || depth > 3 || s.length > MAX_TEXT) return s;
  const whole = matchWhole(s);
  if (whole) return renderIn(lang, whole.key, whole.params, depth);
  // Texts joined from several messages (a check's finding and its remedy): sentence by sentence,
  // the longest run of sentences one template matches first.
  const sentences = s.split(/(?<=[.:;]) /);
  if (sentences.length < 2 || sentences.length > MAX_SENTENCES) return s;
  for (let i = sentences.length - 1; i >= 1; i--) {
    const head = sentences.slice(0, i).join(' ');
    const found = matchWhole(head);
    if (found) return `${renderIn(lang, found.key, found.params, depth)} ${localizeAt(sentences.slice(i).join(' '), lang, depth + 1)}`;
  }
  return `${sentences[0]} ${localizeAt(sentences.slice(1).join(' '), lang, depth + 1)}`;
}

/** A stored English text, in `lang`. */
export function localize(s: string, lang: Lang): string {
  return lang === 'en' ? s : localizeAt(s, lang, 0);
}

/** The fields of an answer that hold a text for a person. */
const TEXT_FIELDS = new Set(['message', 'remedy', 'statusMessage', 'detail', 'note', 'reason']);

/** Every person-facing text of an answer's body, in `lang` (codes, ids and data untouched). */
export function localizeBody<T>(body: T, lang: Lang): T {
  if (lang === 'en') return body;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'string' && TEXT_FIELDS.has(k) ? localize(x, lang) : walk(x);
      return out;
    }
    return v;
  };
  return walk(body) as T;
}
