// The facts of Quadra's entry format that rules and writer must agree on: account and label
// widths, the largest amount, how an account is cut and padded, how text is folded to
// Windows-1252. Pure and I/O-free: the domain's rules and the ASCII writer both import it, so a
// warning can never describe something other than what the writer writes.
import { foldText, isWritable, type FoldResult } from './encoding.ts';

export { foldText, isWritable, type FoldResult };

/** Quadra keeps account numbers (general and subsidiary) on 8 characters (position 2). */
export const ACCOUNT_WIDTH = 8;
/** The short label (position 22): by design the start of the label, never reported as a cut. */
export const LABEL20_WIDTH = 20;
/** The label Quadra shows (position 117). */
export const LABEL30_WIDTH = 30;
/** 12 digits at position 43 (13 with the sign). */
export const MAX_AMOUNT_CENTS = 999_999_999_999;

export type AccountPadding = 'space' | 'zero';

const UNCHANGED: readonly string[] = [];

/** foldText without its allocations for the common case of text that is already writable. */
export function fold(text: string): Readonly<FoldResult> {
  return isWritable(text) ? { text, folded: UNCHANGED as string[] } : foldText(text);
}

export function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/** Trims ASCII spaces only (Quadra pads with spaces; other characters are data). */
export function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 0x20) start++;
  while (end > start && text.charCodeAt(end - 1) === 0x20) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/**
 * The account field as written: folded text cut to 8 bytes, then padded per the dossier setting
 * ('zero': numeric accounts right-padded with '0' to 8, for dossiers with fixed-length accounts).
 */
export function accountField(folded: string, zeroPadding: boolean): string {
  const cut = folded.length > ACCOUNT_WIDTH ? folded.slice(0, ACCOUNT_WIDTH) : folded;
  return zeroPadding && isDigits(cut) ? cut.padEnd(ACCOUNT_WIDTH, '0') : cut;
}

/**
 * The account as Quadra will see it (folded, truncated to 8 bytes, padded per the dossier, trimmed):
 * exactly what the writer writes, so two accounts collide in Quadra when this returns the same value.
 * '' when nothing writable remains (the writer refuses such an account).
 */
export function truncateAccount(account: string, opts?: { accountPadding?: AccountPadding }): string {
  return trimSpaces(accountField(fold(account).text, opts?.accountPadding === 'zero'));
}

/** Whether the account is longer than Quadra keeps (after folding): it will be cut. */
export function isLongAccount(account: string): boolean {
  return trimSpaces(fold(account).text).length > ACCOUNT_WIDTH;
}

export function trimEndSpaces(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x20) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** The label Quadra shows: folded, cut to 30 characters; `cut` when something was lost. */
export function quadraLabel(label: string): { text: string; full: string; folded: string[]; cut: boolean } {
  const f = fold(label);
  const end = trimEndSpaces(f.text);
  return end.length > LABEL30_WIDTH
    ? { text: trimEndSpaces(end.slice(0, LABEL30_WIDTH)), full: f.text, folded: f.folded, cut: true }
    : { text: end, full: f.text, folded: f.folded, cut: false };
}
