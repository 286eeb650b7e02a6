// What a catalogue is. Pure data and functions (no I/O), so every layer may import it, the domain
// included: a rule's message lives beside the rule, its wording lives here, once per language.
//
// A message is either a template with `{name}` placeholders (the common case: it can be read back
// from a stored English text, see ./localize.ts) or a function of its parameters and the
// language's `Intl` formatters (plurals, amounts, dates), for texts that are never stored.

export const LANGS = ['en', 'fr'] as const;
export type Lang = (typeof LANGS)[number];
export const isLang = (v: unknown): v is Lang => typeof v === 'string' && (LANGS as readonly string[]).includes(v);

export type Param = string | number;

/** The placeholders of a template: `Vars<'Account {hub} as {short}'>` is `'hub' | 'short'`. */
export type Vars<S extends string> = S extends `${string}{${infer V}}${infer R}` ? V | Vars<R> : never;

/** The language's formatters, from `Intl`: what a function message uses for numbers, money, dates, plurals. */
export interface Fmt {
  lang: Lang;
  number(n: number): string;
  /** Cents as euros: `100,00 €` in French, `€100.00` in English. */
  money(cents: number): string;
  /** A YYYY-MM-DD day or an instant, as the language writes a date. */
  date(d: string | Date): string;
  dateTime(d: string | Date): string;
  /** `one` or `other` by the language's plural rules for `n`. */
  plural(n: number, forms: { one: string; other: string }): string;
  list(items: readonly string[]): string;
}

// biome-ignore lint/suspicious/noExplicitAny: a message function's parameters are each its own
export type MessageFn = (p: any, f: Fmt) => string;
export type Entry = string | MessageFn;

export type ParamsOf<E> = E extends string ? { [K in Vars<E>]: Param } : E extends (p: infer P, f: Fmt) => string ? P : never;

/**
 * What another language's catalogue must be, given the English one: the same keys, nothing more
 * nor less (checked by `satisfies` and by test/i18n/catalogue.test.ts); a template may become a
 * function of the same (string) parameters when the language needs to rework one of them.
 */
export type CatalogueLike<E extends Record<string, Entry>> = {
  [K in keyof E]: E[K] extends string ? string | ((p: { [V in Vars<E[K]>]: string }, f: Fmt) => string) : E[K];
};

export function formatters(lang: Lang): Fmt {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const num = new Intl.NumberFormat(locale);
  const eur = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const instant = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
  const rules = new Intl.PluralRules(locale);
  const lists = new Intl.ListFormat(locale, { type: 'conjunction' });
  const asDate = (d: string | Date) => (d instanceof Date ? d : new Date(/^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00Z` : d));
  return {
    lang,
    number: (n) => num.format(n),
    money: (cents) => eur.format(cents / 100),
    date: (d) => (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? day.format(asDate(d)) : instant.format(asDate(d))),
    dateTime: (d) => instant.format(asDate(d)),
    plural: (n, forms) => (rules.select(n) === 'one' ? forms.one : forms.other),
    list: (items) => lists.format(items),
  };
}

/** Fills a template's placeholders; numbers are written as they are (templates are read back). */
export function fill(template: string, params: Record<string, Param> | undefined): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params?.[name];
    return v === undefined ? whole : String(v);
  });
}
