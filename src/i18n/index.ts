// The one way a text is written in a language: `t(lang, key, params)`. `text(key, params)` is the
// English, what the service stores (status messages, attempt notes, warnings) so a stored row
// reads the same whatever language asked for it; `localize` reads such a text back in the
// caller's language at answer time.
import { type Entry, type Fmt, fill, formatters, type Lang, type ParamsOf } from './catalogue.ts';
import { en, type MessageKey } from './en.ts';
import { fr } from './fr.ts';

export { isLang, LANGS, type Lang } from './catalogue.ts';
export type { MessageKey } from './en.ts';

const CATALOGUES: Record<Lang, Record<MessageKey, Entry>> = { en, fr };
const FMT: Partial<Record<Lang, Fmt>> = {};
export const fmt = (lang: Lang): Fmt => (FMT[lang] ??= formatters(lang));

export type Params<K extends MessageKey> = ParamsOf<(typeof en)[K]>;
/** A text not yet written in a language: its key and parameters. */
export interface Msg<K extends MessageKey = MessageKey> {
  key: K;
  params?: Params<K> | undefined;
}

type Args<K extends MessageKey> = Vars0<K> extends true ? [params?: Params<K>] : [params: Params<K>];
type Vars0<K extends MessageKey> = keyof Params<K> extends never ? true : false;

export const msg = <K extends MessageKey>(key: K, ...[params]: Args<K>): Msg<K> => ({ key, params });

export function t<K extends MessageKey>(lang: Lang, key: K, ...[params]: Args<K>): string {
  return render(lang, { key, params });
}

export function render(lang: Lang, m: Msg): string {
  const entry = CATALOGUES[lang][m.key];
  // biome-ignore lint/suspicious/noExplicitAny: the key fixed the parameters' shape
  const params = m.params as any;
  return typeof entry === 'string' ? fill(entry, params) : entry(params ?? {}, fmt(lang));
}

/** The English text, as stored. */
export const text = <K extends MessageKey>(key: K, ...args: Args<K>): string => t('en', key, ...args);

/**
 * The caller's language from Accept-Language: French first when both are accepted (the product
 * is for French firms), otherwise by q-value; nothing we speak: the deployment's default.
 */
export function negotiate(header: string | undefined | null, fallback: Lang): Lang {
  if (!header) return fallback;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.split(',')) {
    const [range = '', ...rest] = part.trim().split(';');
    const qParam = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    const tag = range.trim().toLowerCase();
    // The primary subtag exactly: fr, fr-FR, fr-CA; not frr (North Frisian) or enm (Middle English).
    const primary = tag.split('-')[0];
    const lang: Lang | undefined = primary === 'fr' ? 'fr' : primary === 'en' ? 'en' : tag === '*' ? fallback : undefined;
    if (!lang) continue;
    if (!best || q > best.q || (q === best.q && lang === 'fr' && best.lang !== 'fr')) best = { lang, q };
  }
  // Both accepted (whatever their weights): French, as the issue asks of the hub's accountants.
  const tags = header.toLowerCase();
  if (/(^|,)\s*fr(-|;|,|\s|$)/.test(tags) && /(^|,)\s*en(-|;|,|\s|$)/.test(tags) && acceptsFr(header)) return 'fr';
  return best?.lang ?? fallback;
}

const acceptsFr = (header: string) =>
  header.split(',').some((p) => {
    const [range = '', ...rest] = p.trim().split(';');
    const q = rest.map((r) => r.trim()).find((r) => r.startsWith('q='));
    return range.trim().toLowerCase().split('-')[0] === 'fr' && (!q || Number(q.slice(2)) > 0);
  });

export { localize, localizeBody } from './localize.ts';
