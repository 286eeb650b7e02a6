// Verification: which sent entries Quadra really holds. Hash maps, no nested loops: the lines
// Quadra returns are grouped by the reference we wrote at position 149, then compared as a
// multiset of (account as truncated, sense, amount) with journal and date.

export interface SentLine {
  account8: string;
  sense: 'D' | 'C';
  amountCents: number;
}
export interface SentEntry {
  id: string;
  reference: string;
  journalCode: string;
  date: string;
  lines: SentLine[];
}
export interface FoundLine {
  reference: string;
  journalCode: string;
  date: string;
  account: string;
  sense: 'D' | 'C';
  amountCents: number;
  importedAt?: string | Date | null;
}

export type MatchResult = { state: 'found'; copies: 1 } | { state: 'duplicate'; copies: number } | { state: 'missing'; copies: 0 };

const lineKey = (account: string, sense: string, amount: number) => `${account.trim()}|${sense}|${amount}`;

/**
 * How many complete copies of each entry Quadra holds. Quadra's lines for one reference, journal
 * and date are split into copies by counting: n copies of an entry show each of its lines n times.
 */
export function matchEntries(sent: Iterable<SentEntry>, found: Iterable<FoundLine>): Map<string, MatchResult> {
  const byRef = new Map<string, FoundLine[]>();
  for (const f of found) {
    const k = `${f.reference.trim()}|${f.journalCode.trim()}|${f.date}`;
    let list = byRef.get(k);
    if (!list) byRef.set(k, (list = []));
    list.push(f);
  }
  const out = new Map<string, MatchResult>();
  for (const e of sent) {
    const lines = byRef.get(`${e.reference}|${e.journalCode}|${e.date}`) ?? [];
    out.set(e.id, classify(e, lines));
  }
  return out;
}

function classify(e: SentEntry, lines: FoundLine[]): MatchResult {
  if (lines.length === 0 || e.lines.length === 0) return { state: 'missing', copies: 0 };
  const want = new Map<string, number>();
  for (const l of e.lines) {
    const k = lineKey(l.account8, l.sense, l.amountCents);
    want.set(k, (want.get(k) ?? 0) + 1);
  }
  const have = new Map<string, number>();
  for (const l of lines) {
    const k = lineKey(l.account, l.sense, l.amountCents);
    have.set(k, (have.get(k) ?? 0) + 1);
  }
  // Copies = how many times every wanted line is there in full.
  let copies = Infinity;
  for (const [k, n] of want) copies = Math.min(copies, Math.floor((have.get(k) ?? 0) / n));
  if (!Number.isFinite(copies) || copies === 0) return { state: 'missing', copies: 0 };
  return copies === 1 ? { state: 'found', copies: 1 } : { state: 'duplicate', copies };
}
