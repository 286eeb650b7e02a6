// A tiny element builder: text always goes in as text (never as HTML), so nothing the API returns
// can inject markup into the page.
import { fmt } from './texts.ts';

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | undefined | null | ((ev: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const byId = (id: string) => document.getElementById(id)!;

export function replace(parent: Element, ...children: Child[]) {
  parent.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (c instanceof Node ? c : String(c))),
  );
}

// Amounts and dates in the chosen language's Intl formats (./texts.ts).
export const money = (cents: number) => fmt.money(cents);
export const when = (iso: string | null | undefined) => fmt.when(iso);
export const day = (ymd: string) => fmt.day(ymd);
