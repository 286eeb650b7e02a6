import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchEntries } from '../../src/domain/entries/matching.ts';
import type { FoundLine, MatchResult, SentEntry, SentLine } from '../../src/domain/entries/matching.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const FOUND: MatchResult = { state: 'found', copies: 1 };
const MISSING: MatchResult = { state: 'missing', copies: 0 };
const duplicate = (copies: number): MatchResult => ({ state: 'duplicate', copies });

const D = (account8: string, amountCents: number): SentLine => ({ account8, sense: 'D', amountCents });
const C = (account8: string, amountCents: number): SentLine => ({ account8, sense: 'C', amountCents });

function sent(over: Partial<SentEntry> = {}): SentEntry {
  return {
    id: 'e1',
    reference: 'QS00000001',
    journalCode: 'AC',
    date: '2026-03-15',
    lines: [D('60100000', 10_000), D('44566000', 2_000), C('40100000', 12_000)],
    ...over,
  };
}

/** Quadra's lines for an entry, as the reader returns them (one per sent line). */
function linesOf(e: SentEntry, over: Partial<FoundLine> = {}): FoundLine[] {
  return e.lines.map((l) => ({
    reference: e.reference,
    journalCode: e.journalCode,
    date: e.date,
    account: l.account8,
    sense: l.sense,
    amountCents: l.amountCents,
    importedAt: '2026-03-16T08:00:00Z',
    ...over,
  }));
}

const copiesOf = (e: SentEntry, k: number): FoundLine[] => Array.from({ length: k }, () => linesOf(e)).flat();

const match1 = (e: SentEntry, found: FoundLine[]): MatchResult | undefined => matchEntries([e], found).get(e.id);

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------

describe('matchEntries: found', () => {
  it('an entry whose every line Quadra holds once is found', () => {
    const e = sent();
    expect(match1(e, linesOf(e))).toEqual(FOUND);
  });

  it('line order does not matter', () => {
    const e = sent();
    expect(match1(e, linesOf(e).reverse())).toEqual(FOUND);
  });

  it('importedAt is irrelevant (absent, null, Date, string)', () => {
    const e = sent();
    for (const importedAt of [undefined, null, new Date('2026-03-16T08:00:00Z'), 'whenever']) {
      expect(match1(e, linesOf(e, { importedAt }))).toEqual(FOUND);
    }
  });

  it('a one-line entry is found by its single line', () => {
    const e = sent({ lines: [D('60100000', 5)] });
    expect(match1(e, linesOf(e))).toEqual(FOUND);
  });
});

describe('matchEntries: missing', () => {
  it('Quadra holds no lines at all', () => {
    expect(match1(sent(), [])).toEqual(MISSING);
  });

  it('Quadra holds only some of the lines', () => {
    const e = sent();
    const all = linesOf(e);
    expect(match1(e, all.slice(0, 2))).toEqual(MISSING);
    expect(match1(e, all.slice(1))).toEqual(MISSING);
    expect(match1(e, [all[0]!])).toEqual(MISSING);
  });

  it('a line with a different amount', () => {
    const e = sent();
    const lines = linesOf(e);
    lines[2] = { ...lines[2]!, amountCents: 12_001 };
    expect(match1(e, lines)).toEqual(MISSING);
  });

  it('a line with the other sense', () => {
    const e = sent();
    const lines = linesOf(e);
    lines[0] = { ...lines[0]!, sense: 'C' };
    expect(match1(e, lines)).toEqual(MISSING);
  });

  it('a line on another account', () => {
    const e = sent();
    const lines = linesOf(e);
    lines[1] = { ...lines[1]!, account: '44566001' };
    expect(match1(e, lines)).toEqual(MISSING);
  });

  it('all lines in another journal', () => {
    const e = sent();
    expect(match1(e, linesOf(e, { journalCode: 'VT' }))).toEqual(MISSING);
  });

  it('all lines at another date', () => {
    const e = sent();
    expect(match1(e, linesOf(e, { date: '2026-03-16' }))).toEqual(MISSING);
  });

  it('all lines under another reference', () => {
    const e = sent();
    expect(match1(e, linesOf(e, { reference: 'QS00000002' }))).toEqual(MISSING);
  });

  it('one line in another journal, date or reference breaks the entry', () => {
    const e = sent();
    for (const over of [{ journalCode: 'VT' }, { date: '2026-03-14' }, { reference: 'QS00000009' }]) {
      const lines = linesOf(e);
      lines[2] = { ...lines[2]!, ...over };
      expect(match1(e, lines)).toEqual(MISSING);
    }
  });

  it('an entry without lines is never found', () => {
    const e = sent({ lines: [] });
    expect(match1(e, linesOf(sent()))).toEqual(MISSING);
  });

  it('references are compared exactly apart from surrounding spaces', () => {
    const e = sent();
    expect(match1(e, linesOf(e, { reference: 'qs00000001' }))).toEqual(MISSING);
  });
});

describe('matchEntries: duplicate', () => {
  it('every line twice → duplicate, 2 copies', () => {
    const e = sent();
    expect(match1(e, copiesOf(e, 2))).toEqual(duplicate(2));
  });

  it('every line three times → duplicate, 3 copies', () => {
    const e = sent();
    expect(match1(e, copiesOf(e, 3))).toEqual(duplicate(3));
  });

  it('copies interleaved in any order are still counted', () => {
    const e = sent();
    const [a, b, c] = linesOf(e);
    expect(match1(e, [c!, a!, c!, b!, a!, b!])).toEqual(duplicate(2));
  });

  it('one full copy plus part of a second is found once', () => {
    const e = sent();
    expect(match1(e, [...linesOf(e), ...linesOf(e).slice(0, 2)])).toEqual(FOUND);
  });

  it('two full copies plus part of a third is two copies', () => {
    const e = sent();
    expect(match1(e, [...copiesOf(e, 2), linesOf(e)[0]!])).toEqual(duplicate(2));
  });
});

describe('matchEntries: an entry with two identical lines', () => {
  const e = sent({ lines: [D('60100000', 500), D('60100000', 500), C('40100000', 1_000)] });
  const debitLine = linesOf(e)[0]!;
  const creditLine = linesOf(e)[2]!;

  it('is found when Quadra holds both identical lines', () => {
    expect(match1(e, linesOf(e))).toEqual(FOUND);
  });

  it('is missing when Quadra holds the repeated line only once', () => {
    expect(match1(e, [debitLine, creditLine])).toEqual(MISSING);
  });

  it('three of the repeated line and one credit: found once', () => {
    expect(match1(e, [debitLine, debitLine, debitLine, creditLine])).toEqual(FOUND);
  });

  it('three of the repeated line and two credits: still one copy (the third debit is not a second copy)', () => {
    expect(match1(e, [debitLine, debitLine, debitLine, creditLine, creditLine])).toEqual(FOUND);
  });

  it('four of the repeated line and two credits: two copies', () => {
    expect(match1(e, [debitLine, debitLine, debitLine, debitLine, creditLine, creditLine])).toEqual(duplicate(2));
  });
});

describe('matchEntries: other lines do not matter', () => {
  it('extra unrelated lines under the same reference, journal and date', () => {
    const e = sent();
    const extra: FoundLine[] = [
      { ...linesOf(e)[0]!, account: '62600000', amountCents: 77 },
      { ...linesOf(e)[0]!, sense: 'C', amountCents: 1 },
    ];
    expect(match1(e, [...extra, ...linesOf(e)])).toEqual(FOUND);
  });

  it('lines of other references, journals or dates', () => {
    const e = sent();
    const noise = [
      ...linesOf(e, { reference: 'OTHER' }),
      ...linesOf(e, { journalCode: 'VT' }),
      ...linesOf(e, { date: '2026-01-01' }),
      ...linesOf(e, { reference: 'OTHER' }),
    ];
    expect(match1(e, [...noise, ...linesOf(e), ...noise])).toEqual(FOUND);
  });
});

describe("matchEntries: whitespace in Quadra's fields", () => {
  it('reference, journal code and account are trimmed', () => {
    const e = sent({ reference: 'QS1', journalCode: 'AC', lines: [D('601', 100), C('401', 100)] });
    const padded = linesOf(e).map((l) => ({
      ...l,
      reference: `  ${l.reference}       `,
      journalCode: ` ${l.journalCode} `,
      account: `${l.account}     `,
    }));
    expect(match1(e, padded)).toEqual(FOUND);
  });

  it('leading spaces on the account are trimmed too', () => {
    const e = sent({ lines: [D('601', 100), C('401', 100)] });
    expect(
      match1(
        e,
        linesOf(e).map((l) => ({ ...l, account: `  ${l.account}` })),
      ),
    ).toEqual(FOUND);
  });

  it('the padded form written by Quadra (8-character account field) matches the sent account8', () => {
    const e = sent({ lines: [D('401A', 100), C('6', 100)] });
    expect(
      match1(
        e,
        linesOf(e).map((l) => ({ ...l, account: l.account.padEnd(8, ' ') })),
      ),
    ).toEqual(FOUND);
  });

  it('spaces inside a field are data, not padding', () => {
    const e = sent({ lines: [D('60100000', 100), C('40100000', 100)] });
    expect(
      match1(
        e,
        linesOf(e).map((l) => ({ ...l, account: l.account.replace('0', ' 0') })),
      ),
    ).toEqual(MISSING);
  });
});

describe('matchEntries: several entries', () => {
  it('gives a result for every sent entry, keyed by id, each judged on its own lines', () => {
    const a = sent({ id: 'a', reference: 'R-A' });
    const b = sent({ id: 'b', reference: 'R-B' });
    const c = sent({ id: 'c', reference: 'R-C' });
    const d = sent({ id: 'd', reference: 'R-D' });
    const out = matchEntries([a, b, c, d], [...linesOf(a), ...copiesOf(b, 2), ...linesOf(d).slice(1)]);
    expect(out).toEqual(
      new Map<string, MatchResult>([
        ['a', FOUND],
        ['b', duplicate(2)],
        ['c', MISSING],
        ['d', MISSING],
      ]),
    );
  });

  it('two entries with one reference but different journals or dates are told apart', () => {
    const a = sent({ id: 'a', journalCode: 'AC' });
    const b = sent({ id: 'b', journalCode: 'VT' });
    const c = sent({ id: 'c', date: '2026-04-01' });
    const out = matchEntries([a, b, c], [...linesOf(a), ...copiesOf(c, 3)]);
    expect(out.get('a')).toEqual(FOUND);
    expect(out.get('b')).toEqual(MISSING);
    expect(out.get('c')).toEqual(duplicate(3));
  });

  it('nothing sent: an empty map', () => {
    expect(matchEntries([], linesOf(sent()))).toEqual(new Map());
  });

  it('accepts any iterables (generators) and does not mutate the inputs', () => {
    const e = sent();
    const found = linesOf(e);
    const snapshot = structuredClone(found);
    function* gen<T>(xs: T[]): Generator<T> {
      yield* xs;
    }
    expect(matchEntries(gen([e]), gen(found)).get('e1')).toEqual(FOUND);
    expect(found).toEqual(snapshot);
  });
});

// ---------------------------------------------------------------------------------------------
// Property
// ---------------------------------------------------------------------------------------------

describe('matchEntries (property)', () => {
  // A small account pool so that entries often repeat lines (identical lines within an entry).
  const account8 = fc.oneof(fc.constantFrom('60100000', '40100000', '44566000', '401A', '6'), fc.stringMatching(/^[0-9A-Z]{1,8}$/));
  const sentLine: fc.Arbitrary<SentLine> = fc.record({
    account8,
    sense: fc.constantFrom<'D' | 'C'>('D', 'C'),
    amountCents: fc.oneof(fc.constantFrom(1, 100, 500), fc.integer({ min: 1, max: 999_999_999_999 })),
  });
  const isoDate = fc.integer({ min: 0, max: 3_000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString().slice(0, 10));

  const scenario = fc
    .array(
      fc.record({
        journalCode: fc.constantFrom('AC', 'VT', 'BQ', 'OD'),
        date: isoDate,
        lines: fc.array(sentLine, { minLength: 1, maxLength: 5 }),
        k: fc.integer({ min: 0, max: 3 }),
        pad: fc.boolean(),
      }),
      { minLength: 1, maxLength: 8 },
    )
    .chain((specs) => {
      const entries = specs.map((s, i) => ({
        entry: {
          id: `id-${i}`,
          reference: `QS${String(i).padStart(8, '0')}`,
          journalCode: s.journalCode,
          date: s.date,
          lines: s.lines,
        } satisfies SentEntry,
        k: s.k,
        pad: s.pad,
      }));
      const copies: FoundLine[] = entries.flatMap(({ entry, k, pad }) =>
        Array.from({ length: k }, () =>
          entry.lines.map((l) => ({
            reference: pad ? `${entry.reference}  ` : entry.reference,
            journalCode: pad ? `${entry.journalCode} ` : entry.journalCode,
            date: entry.date,
            account: pad ? l.account8.padEnd(8, ' ') : l.account8,
            sense: l.sense,
            amountCents: l.amountCents,
          })),
        ).flat(),
      );
      // Noise: lines under references we never sent, possibly copying our accounts and amounts.
      const noise = fc.array(
        fc
          .record({
            reference: fc.stringMatching(/^N[0-9A-Z]{0,9}$/),
            journalCode: fc.constantFrom('AC', 'VT', 'BQ', 'OD'),
            date: isoDate,
            line: fc.oneof(sentLine, fc.constantFrom(...entries.flatMap((x) => x.entry.lines))),
          })
          .map(
            (n): FoundLine => ({
              reference: n.reference,
              journalCode: n.journalCode,
              date: n.date,
              account: n.line.account8,
              sense: n.line.sense,
              amountCents: n.line.amountCents,
            }),
          ),
        { maxLength: 20 },
      );
      return noise.chain((noiseLines) => {
        const all = [...copies, ...noiseLines];
        return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length }).map((found) => ({ entries, found }));
      });
    });

  it("k copies of each entry's lines, shuffled among noise, give missing / found / duplicate with copies = k", () => {
    fc.assert(
      fc.property(scenario, ({ entries, found }) => {
        const out = matchEntries(
          entries.map((x) => x.entry),
          found,
        );
        expect(out.size).toBe(entries.length);
        for (const { entry, k } of entries) {
          const expected: MatchResult = k === 0 ? MISSING : k === 1 ? FOUND : duplicate(k);
          expect(out.get(entry.id)).toEqual(expected);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('removing any single line of a found entry makes it missing', () => {
    fc.assert(
      fc.property(fc.array(sentLine, { minLength: 1, maxLength: 6 }), fc.nat(), (lines, pick) => {
        const e = sent({ lines });
        const all = linesOf(e);
        all.splice(pick % all.length, 1);
        expect(match1(e, all)).toEqual(MISSING);
      }),
    );
  });
});
