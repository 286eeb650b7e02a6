// Whether an account is a customer's, a supplier's or a general account, and a third party's
// collective account: the one rule the `C` records, the due dates (third-party lines only) and
// the list of accounts to create share. Pure: the caller passes the dossier's chart as last synced.

export type AccountKind = 'general' | 'customer' | 'supplier';

export interface ChartAccount {
  number: string;
  kind: AccountKind;
  collective: string | null;
}

export interface AccountClass {
  kind: AccountKind;
  /** Position 218 of a `C` record. */
  type: 'C' | 'F' | 'G';
  /** Customers and suppliers: the dossier's collective account for them; null when none is known. */
  collective: string | null;
}

const TYPE = { customer: 'C', supplier: 'F', general: 'G' } as const;

/** The PCG's collective accounts, for a dossier whose chart has no third party yet. */
const PCG_COLLECTIVE_PREFIX = { customer: '411', supplier: '401' } as const;

/** Letters the public writers start third parties' keys with when the chart teaches nothing. */
const DEFAULT_LETTER: Readonly<Record<string, AccountKind>> = { C: 'customer', F: 'supplier' };

/**
 * What an account shares with others of its kind: a PCG class (digits 1 to 8) says little by its
 * first digit (401 and 445 are both class 4), so numeric accounts compare their first three
 * characters; letters (and 0 or 9, which the PCG's classes do not use) compare the first alone.
 */
function prefixOf(account: string): string {
  return /^[1-8]/.test(account) ? account.slice(0, 3) : account.charAt(0);
}

function mostCommon(values: Array<string | null>): string | null {
  const counts = new Map<string, number>();
  for (const v of values) if (v) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | null = null;
  for (const [v, n] of counts) if (best === null || n > counts.get(best)! || (n === counts.get(best)! && v < best)) best = v;
  return best;
}

/**
 * The classifier of one dossier. An account the chart has keeps its kind. Otherwise its first
 * character decides, as the dossier's own third parties use it (every customer or supplier
 * account starting with that character is of one kind); failing that, `C` is a customer and `F`
 * a supplier; anything else is general. A third party's collective is the one most of the
 * dossier's accounts of that prefix (else of that kind) carry, else the chart's first 411/401 account.
 */
export function accountClassifier(chart: readonly ChartAccount[]): (account: string) => AccountClass {
  const known = new Map(chart.map((a) => [a.number, a]));
  const collectives = new Set(chart.map((a) => a.collective).filter((c): c is string => !!c));
  const byPrefix = new Map<string, ChartAccount[]>();
  for (const a of chart) {
    // A collective is the general account its third parties hang from, not one of them.
    if (a.number === '' || collectives.has(a.number)) continue;
    const p = prefixOf(a.number);
    byPrefix.set(p, [...(byPrefix.get(p) ?? []), a]);
  }
  const collectiveOfKind = (kind: 'customer' | 'supplier'): string | null =>
    mostCommon(chart.filter((a) => a.kind === kind).map((a) => a.collective)) ??
    (chart
      .filter((a) => a.kind === 'general' && a.number.startsWith(PCG_COLLECTIVE_PREFIX[kind]))
      .map((a) => a.number)
      .sort()[0] ||
      null);
  const make = (kind: AccountKind, collective: string | null): AccountClass => ({
    kind,
    type: TYPE[kind],
    collective: kind === 'general' ? null : collective,
  });

  return (account) => {
    const own = known.get(account);
    if (own) return make(own.kind, own.collective);
    const peers = byPrefix.get(prefixOf(account)) ?? [];
    const kinds = new Set(peers.map((p) => p.kind));
    if (kinds.size === 1 && !kinds.has('general')) {
      const kind = peers[0]!.kind as 'customer' | 'supplier';
      return make(kind, mostCommon(peers.map((p) => p.collective)) ?? collectiveOfKind(kind));
    }
    const letter = DEFAULT_LETTER[account.charAt(0)];
    if (letter && peers.length === 0) return make(letter, collectiveOfKind(letter as 'customer' | 'supplier'));
    return make('general', null);
  };
}
