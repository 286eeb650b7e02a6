import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_LIMIT,
  MAX_AMOUNT_CENTS,
  checkBatch,
  checkEntry,
  inOpenPeriod,
  truncationCollisions,
} from '../../src/domain/entries/validate.ts';
import type { Issue } from '../../src/domain/entries/issues.ts';
import type { EntryCheck, EntryInput, EntryLineInput, FileReference } from '../../src/domain/entries/validate.ts';

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const QUADRA_ACCOUNTS = ['40100000', '41100000', '60100000', '60610000', '44566000', '51200000', '401DUPON'] as const;

/** Quadra's accounts with a label each (the label is the number, spelt out). */
const labelled = (numbers: readonly string[]) => new Map(numbers.map((n) => [n, `Compte ${n}`]));

function fileRef(over: Partial<FileReference> = {}): FileReference {
  return {
    periods: [
      { startsOn: '2025-01-01', endsOn: '2025-12-31', status: 'closed' },
      { startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'open' },
    ],
    journals: [
      { code: 'AC', isOpen: true },
      { code: 'VT', isOpen: true },
      { code: 'BQ', isOpen: true },
      { code: 'OD', isOpen: false },
    ],
    quadraAccounts: labelled(QUADRA_ACCOUNTS),
    documentIds: new Set(['doc-1', 'doc-2', 'doc-3']),
    ...over,
  };
}

const debit = (account: string, cents: number, label?: string): EntryLineInput => ({
  account,
  debit: cents,
  credit: 0,
  ...(label === undefined ? {} : { label }),
});
const credit = (account: string, cents: number, label?: string): EntryLineInput => ({
  account,
  debit: 0,
  credit: cents,
  ...(label === undefined ? {} : { label }),
});

function entry(over: Partial<EntryInput> = {}): EntryInput {
  return {
    externalId: 'E1',
    kind: 'purchase',
    journalCode: 'AC',
    date: '2026-03-15',
    label: 'Invoice 42',
    lines: [debit('60100000', 10_000), credit('40100000', 10_000)],
    ...over,
  };
}

/** One entry checked alone, the way the routes check it (collisions over the entry and the file). */
const check1 = (e: EntryInput, ref: FileReference = fileRef(), pending: string[] = []): EntryCheck => {
  const [c] = checkBatch([e], ref, pending);
  if (!c) throw new Error('checkBatch returned nothing');
  return c;
};
const codes = (issues: Issue[]): string[] => issues.map((i) => i.code);
const only = (issues: Issue[], code: string): Issue[] => issues.filter((i) => i.code === code);
const noCollisions = new Map<string, string[]>();

// ---------------------------------------------------------------------------------------------
// Baseline
// ---------------------------------------------------------------------------------------------

describe('checkEntry: a valid entry', () => {
  it('has neither errors nor warnings', () => {
    expect(check1(entry())).toEqual({ errors: [], warnings: [] });
    expect(checkEntry(entry(), fileRef(), noCollisions)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts many lines, several debits and several credits, and documents of the file', () => {
    const e = entry({
      documentIds: ['doc-1', 'doc-3'],
      lines: [debit('60100000', 10_000), debit('44566000', 2_000), credit('40100000', 11_000), credit('401DUPON', 1_000)],
    });
    expect(check1(e)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts each entry kind', () => {
    for (const kind of ['purchase', 'sale', 'expense_report', 'bank'] as const) {
      expect(check1(entry({ kind })).errors).toEqual([]);
    }
  });

  it('exposes the format limits', () => {
    expect(ACCOUNT_LIMIT).toBe(8);
    expect(MAX_AMOUNT_CENTS).toBe(999_999_999_999);
  });
});

// ---------------------------------------------------------------------------------------------
// Lines and amounts
// ---------------------------------------------------------------------------------------------

describe('checkEntry: too_few_lines', () => {
  it('an entry without lines has only too_few_lines (no empty_side, no unbalanced)', () => {
    const { errors } = check1(entry({ lines: [] }));
    expect(codes(errors)).toEqual(['too_few_lines']);
    expect(errors[0]).toMatchObject({ code: 'too_few_lines', field: 'lines' });
  });

  it('an entry with one line is refused, and its missing side and imbalance are reported too', () => {
    const { errors } = check1(entry({ lines: [debit('60100000', 500)] }));
    expect(codes(errors)).toEqual(['too_few_lines', 'empty_side', 'unbalanced']);
    expect(only(errors, 'empty_side')[0]!.message).toBe('The entry has no credit line');
  });

  it('two lines are enough', () => {
    expect(codes(check1(entry()).errors)).not.toContain('too_few_lines');
  });
});

describe('checkEntry: invalid_amount', () => {
  const cases: Array<[string, number]> = [
    ['negative', -100],
    ['minus one cent', -1],
    ['fractional', 100.5],
    ['a hundredth of a cent', 0.01],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['above MAX_AMOUNT_CENTS', MAX_AMOUNT_CENTS + 1],
    ['far above, beyond safe integers', 2 ** 60],
  ];

  for (const [name, bad] of cases) {
    it(`${name} debit (${bad}) is refused on its line`, () => {
      const { errors } = check1(entry({ lines: [debit('60100000', 100), { account: '40100000', debit: bad, credit: 0 }] }));
      const invalid = only(errors, 'invalid_amount');
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toMatchObject({ field: 'lines.1' });
      expect(invalid[0]!.message).toContain('Line 2');
      expect(invalid[0]!.message).toContain(String(MAX_AMOUNT_CENTS));
    });

    it(`${name} credit (${bad}) is refused on its line`, () => {
      const { errors } = check1(entry({ lines: [{ account: '60100000', debit: 0, credit: bad }, credit('40100000', 100)] }));
      const invalid = only(errors, 'invalid_amount');
      expect(invalid).toHaveLength(1);
      expect(invalid[0]).toMatchObject({ field: 'lines.0' });
      expect(invalid[0]!.message).toContain('Line 1');
    });
  }

  it('exactly MAX_AMOUNT_CENTS is accepted', () => {
    const { errors } = check1(entry({ lines: [debit('60100000', MAX_AMOUNT_CENTS), credit('40100000', MAX_AMOUNT_CENTS)] }));
    expect(errors).toEqual([]);
  });

  it('one cent is accepted', () => {
    expect(check1(entry({ lines: [debit('60100000', 1), credit('40100000', 1)] })).errors).toEqual([]);
  });

  it('a line with an invalid amount is reported once, and is left out of the side checks and the totals', () => {
    const { errors } = check1(
      entry({ lines: [{ account: '60100000', debit: -5, credit: -5 }, debit('60100000', 300), credit('40100000', 300)] }),
    );
    // One invalid_amount even though both sides are wrong; no one_side_per_line for that line.
    expect(codes(errors)).toEqual(['invalid_amount']);
    expect(errors[0]!.field).toBe('lines.0');
  });

  it('every invalid line is reported, each with its own field', () => {
    const { errors } = check1(
      entry({
        lines: [
          { account: '60100000', debit: 1.5, credit: 0 },
          { account: '40100000', debit: 0, credit: Number.NaN },
        ],
      }),
    );
    expect(only(errors, 'invalid_amount').map((i) => i.field)).toEqual(['lines.0', 'lines.1']);
    // The amount errors are the ones to fix: no side or balance error on top of them.
    expect(only(errors, 'empty_side')).toHaveLength(0);
    expect(only(errors, 'unbalanced')).toHaveLength(0);
  });
});

describe('checkEntry: one_side_per_line', () => {
  it('a line with neither debit nor credit is refused', () => {
    const { errors } = check1(
      entry({ lines: [debit('60100000', 100), credit('40100000', 100), { account: '44566000', debit: 0, credit: 0 }] }),
    );
    expect(codes(errors)).toEqual(['one_side_per_line']);
    expect(errors[0]).toMatchObject({ field: 'lines.2' });
    expect(errors[0]!.message).toContain('Line 3');
  });

  it('a line with both debit and credit is refused', () => {
    const { errors } = check1(
      entry({ lines: [{ account: '60100000', debit: 100, credit: 100 }, debit('60100000', 50), credit('40100000', 50)] }),
    );
    expect(codes(errors)).toEqual(['one_side_per_line']);
    expect(errors[0]).toMatchObject({ field: 'lines.0' });
  });

  it('each faulty line is reported', () => {
    const { errors } = check1(
      entry({
        lines: [
          { account: '60100000', debit: 0, credit: 0 },
          { account: '40100000', debit: 0, credit: 0 },
        ],
      }),
    );
    expect(only(errors, 'one_side_per_line').map((i) => i.field)).toEqual(['lines.0', 'lines.1']);
  });
});

describe('checkEntry: empty_side', () => {
  it('no credit line', () => {
    const { errors } = check1(entry({ lines: [debit('60100000', 100), debit('44566000', 20)] }));
    const empty = only(errors, 'empty_side');
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({ field: 'lines', message: 'The entry has no credit line' });
    expect(only(errors, 'unbalanced')[0]!.details).toEqual({ debit: 120, credit: 0 });
  });

  it('no debit line', () => {
    const { errors } = check1(entry({ lines: [credit('40100000', 100), credit('401DUPON', 20)] }));
    const empty = only(errors, 'empty_side');
    expect(empty).toHaveLength(1);
    expect(empty[0]).toMatchObject({ field: 'lines', message: 'The entry has no debit line' });
  });

  it('all-zero lines: both sides are empty', () => {
    const { errors } = check1(
      entry({
        lines: [
          { account: '60100000', debit: 0, credit: 0 },
          { account: '40100000', debit: 0, credit: 0 },
        ],
      }),
    );
    expect(only(errors, 'empty_side').map((i) => i.message)).toEqual(['The entry has no debit line', 'The entry has no credit line']);
    // Zero equals zero: not unbalanced.
    expect(codes(errors)).not.toContain('unbalanced');
  });
});

describe('checkEntry: unbalanced', () => {
  it('reports the totals in cents in details and message', () => {
    const { errors } = check1(entry({ lines: [debit('60100000', 10_000), credit('40100000', 9_999)] }));
    expect(codes(errors)).toEqual(['unbalanced']);
    expect(errors[0]).toMatchObject({ code: 'unbalanced', field: 'lines', details: { debit: 10_000, credit: 9_999 } });
    expect(errors[0]!.message).toBe('Debits (10000 cents) and credits (9999 cents) differ');
  });

  it('credits above debits', () => {
    const { errors } = check1(entry({ lines: [debit('60100000', 1), credit('40100000', 2), credit('401DUPON', 3)] }));
    expect(only(errors, 'unbalanced')[0]!.details).toEqual({ debit: 1, credit: 5 });
  });

  it('totals are computed over several lines on each side', () => {
    const ok = entry({ lines: [debit('60100000', 833), debit('44566000', 167), credit('40100000', 400), credit('401DUPON', 600)] });
    expect(check1(ok).errors).toEqual([]);
  });

  it('the totals leave out lines with invalid amounts', () => {
    const { errors } = check1(
      entry({ lines: [debit('60100000', 100), credit('40100000', 100), { account: '44566000', debit: 50.5, credit: 0 }] }),
    );
    expect(codes(errors)).toEqual(['invalid_amount']);
  });
});

// ---------------------------------------------------------------------------------------------
// Period, journal, documents
// ---------------------------------------------------------------------------------------------

describe('inOpenPeriod', () => {
  const periods: FileReference['periods'] = [
    { startsOn: '2024-01-01', endsOn: '2024-12-31', status: 'closed' },
    { startsOn: '2025-01-01', endsOn: '2025-06-30', status: 'open' },
    { startsOn: '2025-07-01', endsOn: '2026-06-30', status: 'open' },
  ];

  it('both period boundaries are inclusive', () => {
    expect(inOpenPeriod('2025-01-01', periods)).toBe(true);
    expect(inOpenPeriod('2025-06-30', periods)).toBe(true);
    expect(inOpenPeriod('2025-07-01', periods)).toBe(true);
    expect(inOpenPeriod('2026-06-30', periods)).toBe(true);
  });

  it('a day before the first open period or after the last is outside', () => {
    expect(inOpenPeriod('2026-07-01', periods)).toBe(false);
    expect(inOpenPeriod('2099-01-01', periods)).toBe(false);
  });

  it('a date in a closed period is outside', () => {
    expect(inOpenPeriod('2024-01-01', periods)).toBe(false);
    expect(inOpenPeriod('2024-06-15', periods)).toBe(false);
    expect(inOpenPeriod('2024-12-31', periods)).toBe(false);
  });

  it('no periods: nothing is open', () => {
    expect(inOpenPeriod('2025-03-01', [])).toBe(false);
  });

  it('a closed period overlapping an open one does not hide it', () => {
    expect(
      inOpenPeriod('2025-03-01', [
        { startsOn: '2025-01-01', endsOn: '2025-12-31', status: 'closed' },
        { startsOn: '2025-01-01', endsOn: '2025-12-31', status: 'open' },
      ]),
    ).toBe(true);
  });
});

describe('checkEntry: date_outside_open_period', () => {
  it('first and last day of the open period are accepted', () => {
    expect(check1(entry({ date: '2026-01-01' })).errors).toEqual([]);
    expect(check1(entry({ date: '2026-12-31' })).errors).toEqual([]);
  });

  it('the day before the open period (last day of the closed one) is refused', () => {
    const { errors } = check1(entry({ date: '2025-12-31' }));
    expect(codes(errors)).toEqual(['date_outside_open_period']);
    expect(errors[0]).toMatchObject({ field: 'date' });
    expect(errors[0]!.message).toContain('2025-12-31');
  });

  it('a date inside a closed period is refused', () => {
    expect(codes(check1(entry({ date: '2025-06-15' })).errors)).toEqual(['date_outside_open_period']);
  });

  it('the day after the open period is refused', () => {
    expect(codes(check1(entry({ date: '2027-01-01' })).errors)).toEqual(['date_outside_open_period']);
  });

  it('a file whose periods are all closed refuses every date', () => {
    const ref = fileRef({ periods: [{ startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'closed' }] });
    expect(codes(check1(entry({ date: '2026-03-15' }), ref).errors)).toEqual(['date_outside_open_period']);
  });
});

describe('checkEntry: journals', () => {
  it('unknown_journal', () => {
    const { errors } = check1(entry({ journalCode: 'ZZ' }));
    expect(codes(errors)).toEqual(['unknown_journal']);
    expect(errors[0]).toMatchObject({ field: 'journalCode' });
    expect(errors[0]!.message).toContain('ZZ');
  });

  it('journal codes are compared exactly', () => {
    expect(codes(check1(entry({ journalCode: 'ac' })).errors)).toEqual(['unknown_journal']);
  });

  it('journal_closed (and not unknown_journal)', () => {
    const { errors } = check1(entry({ journalCode: 'OD' }));
    expect(codes(errors)).toEqual(['journal_closed']);
    expect(errors[0]).toMatchObject({ field: 'journalCode' });
    expect(errors[0]!.message).toContain('OD');
  });
});

describe('checkEntry: document_not_found', () => {
  it("reports each document that is not the file's, with its index", () => {
    const { errors } = check1(entry({ documentIds: ['doc-1', 'other-file-doc', 'doc-2', 'ghost'] }));
    expect(codes(errors)).toEqual(['document_not_found', 'document_not_found']);
    expect(errors.map((i) => i.field)).toEqual(['documentIds.1', 'documentIds.3']);
    expect(errors[0]!.message).toContain('other-file-doc');
    expect(errors[1]!.message).toContain('ghost');
  });

  it('no documents, or an empty list, is fine', () => {
    expect(check1(entry({ documentIds: undefined }))).toEqual({ errors: [], warnings: [] });
    expect(check1(entry({ documentIds: [] }))).toEqual({ errors: [], warnings: [] });
  });
});

describe('checkEntry: documents_not_attached', () => {
  it('as many documents as lines: no warning', () => {
    expect(check1(entry({ documentIds: ['doc-1', 'doc-2'] }))).toEqual({ errors: [], warnings: [] });
  });

  it('more documents than lines: a warning saying how many will not be attached', () => {
    const { errors, warnings } = check1(entry({ documentIds: ['doc-1', 'doc-2', 'doc-3'] }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'documents_not_attached', field: 'documentIds' })]);
    expect(warnings[0]!.message).toContain('1 of the 3 documents');
  });

  it('a document listed twice counts once', () => {
    expect(check1(entry({ documentIds: ['doc-1', 'doc-2', 'doc-1'] })).warnings).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Accounts: truncation collisions
// ---------------------------------------------------------------------------------------------

describe('truncationCollisions', () => {
  it("no collision among short, distinct accounts and Quadra's own", () => {
    expect(truncationCollisions(['60100000', '62600000', '411', 'ABC'], {})).toEqual(new Map());
  });

  it('two long accounts with the same first 8 characters', () => {
    expect(truncationCollisions(['41199999A1', '41199999B2', '62600000'], {})).toEqual(
      new Map([['41199999', ['41199999A1', '41199999B2']]]),
    );
  });

  it("a long account whose first 8 characters are an existing Quadra account is no collision (only the hub's own accounts count)", () => {
    expect(truncationCollisions(['401000001'], {})).toEqual(new Map());
  });

  it("a long account and the hub's own 8-character account it would be cut to collide", () => {
    expect(truncationCollisions(['401000001', '40100000'], {})).toEqual(new Map([['40100000', ['40100000', '401000001']]]));
  });

  it('accounts already sent count, as they were sent', () => {
    expect(truncationCollisions(['401000002'], { sentAccounts: [{ hub: '401000001', written: '401000001' }] })).toEqual(
      new Map([['40100000', ['401000001', '401000002']]]),
    );
    // Sent under a mapping elsewhere: no longer in the way.
    expect(truncationCollisions(['401000002'], { sentAccounts: [{ hub: '401000001', written: '40100001' }] })).toEqual(new Map());
  });

  it('a mapping moves an account out of the way; two accounts mapped to one Quadra account merge on purpose', () => {
    expect(truncationCollisions(['401000001', '401000002'], { accountMap: new Map([['401000001', '40100001']]) })).toEqual(new Map());
    expect(
      truncationCollisions(['401000001', '401000002'], {
        accountMap: new Map([
          ['401000001', '40100000'],
          ['401000002', '40100000'],
        ]),
      }),
    ).toEqual(new Map());
  });

  it('an account of exactly 8 characters that exists in Quadra is no collision', () => {
    expect(truncationCollisions(['40100000', '60100000'], {})).toEqual(new Map());
  });

  it('the same long account seen twice is no collision', () => {
    expect(truncationCollisions(['62200000001', '62200000001'], {})).toEqual(new Map());
  });

  it('lists every account of a group, sorted', () => {
    const out = truncationCollisions(['62200000Z', '62200000B', '62200000A', '62200000'], {});
    expect(out.get('62200000')).toEqual(['62200000', '62200000A', '62200000B', '62200000Z']);
  });
});

describe('checkEntry/checkBatch: account_collision', () => {
  const balanced = (...accounts: string[]): EntryLineInput[] => [
    debit('60100000', 100 * accounts.length),
    ...accounts.map((a) => credit(a, 100)),
  ];

  it('two long accounts of one entry truncating to the same 8 characters: both lines are blocked', () => {
    const { errors } = check1(entry({ lines: balanced('41199999A1', '41199999B2') }));
    const coll = only(errors, 'account_collision');
    expect(coll).toHaveLength(2);
    expect(coll[0]).toMatchObject({
      field: 'lines.1.account',
      details: { account: '41199999A1', truncated: '41199999', collidesWith: ['41199999B2'] },
    });
    expect(coll[1]).toMatchObject({
      field: 'lines.2.account',
      details: { account: '41199999B2', truncated: '41199999', collidesWith: ['41199999A1'] },
    });
    expect(coll[0]!.message).toContain('41199999A1');
    expect(coll[0]!.message).toContain('41199999B2');
    expect(coll[0]!.message).toContain('41199999');
  });

  it('two entries of one batch, each with one of the colliding accounts: both are blocked', () => {
    const [a, b, c] = checkBatch(
      [
        entry({ externalId: 'A', lines: balanced('41199999A1') }),
        entry({ externalId: 'B', lines: balanced('41199999B2') }),
        entry({ externalId: 'C' }),
      ],
      fileRef(),
    );
    expect(only(a!.errors, 'account_collision')[0]!.details).toMatchObject({
      account: '41199999A1',
      truncated: '41199999',
      collidesWith: ['41199999B2'],
    });
    expect(only(b!.errors, 'account_collision')[0]!.details).toMatchObject({
      account: '41199999B2',
      truncated: '41199999',
      collidesWith: ['41199999A1'],
    });
    expect(c!.errors).toEqual([]);
  });

  it("a long account landing alone on an existing Quadra account is accepted, warned with both forms and Quadra's label", () => {
    const { errors, warnings } = check1(entry({ lines: [debit('60100000', 100), credit('401000001', 100)] }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'account_truncated',
        field: 'lines.1.account',
        details: { account: '401000001', sentAs: '40100000', quadraLabel: 'Compte 40100000' },
      }),
    ]);
    expect(warnings[0]!.message).toContain('401000001');
    expect(warnings[0]!.message).toContain('"Compte 40100000"');
  });

  it('the collision names the account map as the way out in accounting terms; the exact request is in details only', () => {
    const { errors } = check1(entry({ lines: balanced('41199999A1', '41199999B2') }), fileRef({ fileId: 'f-1' }));
    const [first] = only(errors, 'account_collision');
    expect(first!.message).toContain("map it, in this file's account map, to a Quadra account of 8 characters at most");
    expect(first!.message).not.toContain('/v1/');
    expect(first!.message).not.toContain('PUT');
    expect(first!.details!.remedy).toEqual({
      method: 'PUT',
      path: '/v1/files/f-1/account-map/41199999A1',
      body: { quadraAccount: '<8 characters at most>' },
    });
  });

  it('after a mapping the same two accounts pass, each warned as mapped', () => {
    const ref = fileRef({
      accountMap: new Map([
        ['41199999A1', '41199901'],
        ['41199999B2', '41199902'],
      ]),
    });
    const { errors, warnings } = check1(entry({ lines: balanced('41199999A1', '41199999B2') }), ref);
    expect(errors).toEqual([]);
    expect(only(warnings, 'account_mapped').map((w) => w.details)).toEqual([
      { account: '41199999A1', sentAs: '41199901' },
      { account: '41199999B2', sentAs: '41199902' },
    ]);
  });

  it("pending accounts of the file collide with the batch's accounts", () => {
    const { errors } = check1(entry({ lines: balanced('41199999A1') }), fileRef(), ['41199999B2']);
    expect(only(errors, 'account_collision')[0]).toMatchObject({
      field: 'lines.1.account',
      details: { account: '41199999A1', truncated: '41199999', collidesWith: ['41199999B2'] },
    });
  });

  it('pending accounts alone, without a batch account sharing their 8 characters, block nothing', () => {
    expect(check1(entry(), fileRef(), ['41199999A1', '41199999B2']).errors).toEqual([]);
  });

  it("a pending account identical to the batch's long account is no collision", () => {
    const { errors } = check1(entry({ lines: balanced('62200000001') }), fileRef(), ['62200000001']);
    expect(codes(errors)).not.toContain('account_collision');
  });

  it('NO collision for an account of exactly 8 characters that exists in Quadra, even when a long account truncates onto it', () => {
    const { errors } = check1(entry({ lines: balanced('40100000', '401000001') }));
    const coll = only(errors, 'account_collision');
    expect(coll).toHaveLength(1);
    expect(coll[0]).toMatchObject({ field: 'lines.2.account', details: { account: '401000001' } });
  });

  it('an 8-character account of the batch is not blocked by a long account truncating onto it; the long one is', () => {
    const [short, long] = checkBatch(
      [entry({ externalId: 'S', lines: balanced('62600000') }), entry({ externalId: 'L', lines: balanced('626000009') })],
      fileRef(),
    );
    expect(codes(short!.errors)).toEqual([]);
    expect(only(long!.errors, 'account_collision')[0]!.details).toMatchObject({
      account: '626000009',
      truncated: '62600000',
      collidesWith: ['62600000'],
    });
  });

  it('the same long account on several lines and entries is no collision', () => {
    const [a, b] = checkBatch(
      [
        entry({ externalId: 'A', lines: balanced('62200000001', '62200000001') }),
        entry({ externalId: 'B', lines: balanced('62200000001') }),
      ],
      fileRef(),
    );
    expect(a!.errors).toEqual([]);
    expect(b!.errors).toEqual([]);
  });

  it('checkEntry uses the collisions it is given (a line is blocked on each of its occurrences)', () => {
    const collisions = new Map([['41199999', ['41199999A1', '41199999B2']]]);
    const { errors } = checkEntry(entry({ lines: balanced('41199999A1', '41199999A1') }), fileRef(), collisions);
    expect(only(errors, 'account_collision').map((i) => i.field)).toEqual(['lines.1.account', 'lines.2.account']);
  });
});

// ---------------------------------------------------------------------------------------------
// Accounts: warnings
// ---------------------------------------------------------------------------------------------

describe('checkEntry: account warnings', () => {
  it('account_truncated: details {account, sentAs}; the account is also unknown under its 8 characters', () => {
    const { errors, warnings } = check1(entry({ lines: [debit('6220000001', 100), credit('40100000', 100)] }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'account_truncated',
        field: 'lines.0.account',
        details: { account: '6220000001', sentAs: '62200000' },
      }),
      expect.objectContaining({ code: 'account_unknown', field: 'lines.0.account', details: { account: '62200000' } }),
    ]);
    const truncated = warnings[0]!;
    expect(truncated.message).toContain('6220000001');
    expect(truncated.message).toContain('62200000');
    expect(truncated.message).toContain('limited to 8 characters');
  });

  it('an account of exactly 8 characters is not truncated', () => {
    expect(codes(check1(entry({ lines: [debit('62600000', 100), credit('40100000', 100)] })).warnings)).toEqual(['account_unknown']);
  });

  it('a 9-character account is truncated', () => {
    const { warnings } = check1(entry({ lines: [debit('626000001', 100), credit('40100000', 100)] }));
    expect(only(warnings, 'account_truncated')[0]!.details).toEqual({ account: '626000001', sentAs: '62600000' });
  });

  it('account_unknown: an account Quadra lacks is reported with the no-label rule', () => {
    const { errors, warnings } = check1(entry({ lines: [debit('626', 100), credit('40100000', 100)] }));
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'account_unknown', field: 'lines.0.account', details: { account: '626' } })]);
    expect(warnings[0]!.message).toContain('without an associated label');
  });

  it('an account Quadra knows raises no warning', () => {
    expect(check1(entry()).warnings).toEqual([]);
  });

  it('one warning per account per entry, on the first line that uses it', () => {
    const { warnings } = check1(
      entry({
        lines: [debit('6220000001', 100), debit('6220000001', 200), credit('40100000', 150), credit('6220000001', 150)],
      }),
    );
    expect(warnings.map((w) => [w.code, w.field])).toEqual([
      ['account_truncated', 'lines.0.account'],
      ['account_unknown', 'lines.0.account'],
    ]);
  });

  it('the same account in two entries of a batch is reported in each entry', () => {
    const checks = checkBatch(
      [
        entry({ externalId: 'A', lines: [debit('62600000', 100), credit('40100000', 100)] }),
        entry({ externalId: 'B', lines: [debit('62600000', 100), credit('40100000', 100)] }),
      ],
      fileRef(),
    );
    expect(checks.map((c) => codes(c.warnings))).toEqual([['account_unknown'], ['account_unknown']]);
  });

  it('two different unknown accounts get one warning each', () => {
    const { warnings } = check1(entry({ lines: [debit('626', 100), debit('627', 100), credit('40100000', 200)] }));
    expect(warnings.map((w) => w.details)).toEqual([{ account: '626' }, { account: '627' }]);
  });

  describe("accountPadding 'zero'", () => {
    const zeroRef = (accounts: string[] = [...QUADRA_ACCOUNTS]) => fileRef({ accountPadding: 'zero', quadraAccounts: labelled(accounts) });

    it("'401' is not reported truncated; it is unknown under its padded form when Quadra lacks it", () => {
      const { warnings } = check1(entry({ lines: [debit('626', 100), credit('40100000', 100)] }), zeroRef());
      expect(codes(warnings)).not.toContain('account_truncated');
      expect(warnings).toEqual([expect.objectContaining({ code: 'account_unknown', details: { account: '62600000' } })]);
    });

    it("'401' whose padded form '40100000' exists in Quadra: no warning and no error", () => {
      // Padding is not truncation: '401' IS Quadra's '40100000' in a zero-padded dossier (the
      // writer writes it as 40100000, account_unknown treats it as known). Nothing merges.
      const result = check1(entry({ lines: [debit('601', 100), credit('401', 100)] }), zeroRef());
      expect(result.warnings).toEqual([]);
      expect(result.errors).toEqual([]);
    });

    it('an account of exactly 8 digits that exists in Quadra: no warning and no error', () => {
      expect(check1(entry(), zeroRef())).toEqual({ errors: [], warnings: [] });
    });

    it('a long numeric account is truncated to 8 digits', () => {
      const { warnings } = check1(entry({ lines: [debit('6220000001', 100), credit('40100000', 100)] }), zeroRef());
      expect(only(warnings, 'account_truncated')[0]!.details).toEqual({ account: '6220000001', sentAs: '62200000' });
    });

    it('an alphanumeric short account stays as it is (space padded)', () => {
      const { warnings } = check1(entry({ lines: [debit('401A', 100), credit('40100000', 100)] }), zeroRef());
      expect(warnings).toEqual([expect.objectContaining({ code: 'account_unknown', details: { account: '401A' } })]);
    });

    it('two different short accounts padding to the same 8 digits collide', () => {
      const { errors } = check1(entry({ lines: [debit('626', 100), credit('6260', 100)] }), zeroRef([]));
      expect(only(errors, 'account_collision').map(({ details: { remedy: _, ...d } = {} }) => d)).toEqual([
        { account: '626', truncated: '62600000', collidesWith: ['6260'] },
        { account: '6260', truncated: '62600000', collidesWith: ['626'] },
      ]);
    });

    it("with 'space' padding (the default) '401' stays '401'", () => {
      const { warnings, errors } = check1(entry({ lines: [debit('60100000', 100), credit('401', 100)] }));
      expect(errors).toEqual([]);
      expect(warnings).toEqual([expect.objectContaining({ code: 'account_unknown', details: { account: '401' } })]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Labels
// ---------------------------------------------------------------------------------------------

describe('checkEntry: label warnings', () => {
  it('French accents, €, œ and typographic quotes are kept: no warning', () => {
    const { warnings } = check1(
      entry({ label: 'Café crème €', lines: [debit('60100000', 100, 'Œuvre «déjà» l’été'), credit('40100000', 100)] }),
    );
    expect(warnings).toEqual([]);
  });

  it('label_folded on the entry label, with from, to and the characters', () => {
    const { warnings } = check1(entry({ label: 'Facture Łódź' }));
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'label_folded',
        field: 'label',
        details: { from: 'Facture Łódź', to: 'Facture Lódz', characters: ['Ł', 'ź'] },
      }),
    ]);
    expect(warnings[0]!.message).toContain('Facture Lódz');
  });

  it('label_folded on a line label, with its field', () => {
    const { warnings } = check1(entry({ lines: [debit('60100000', 100), credit('40100000', 100, 'Taxi 🚕')] }));
    expect(warnings).toEqual([
      expect.objectContaining({
        code: 'label_folded',
        field: 'lines.1.label',
        details: { from: 'Taxi 🚕', to: 'Taxi ?', characters: ['🚕'] },
      }),
    ]);
  });

  it('label_truncated beyond 30 characters, with the first 30', () => {
    const long = 'Facture fournisseur numéro 12345 du mois de mars';
    const { warnings } = check1(entry({ label: long }));
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'label_truncated', field: 'label', details: { from: long, to: long.slice(0, 30) } }),
    ]);
    expect(warnings[0]!.message).toContain(long.slice(0, 30));
  });

  it('exactly 30 characters is not truncated; 31 is', () => {
    expect(check1(entry({ label: 'x'.repeat(30) })).warnings).toEqual([]);
    expect(codes(check1(entry({ label: 'x'.repeat(31) })).warnings)).toEqual(['label_truncated']);
  });

  it('length is measured after folding: a removed invisible character brings 31 back to 30', () => {
    const label = `${'a'.repeat(15)}\u200b${'b'.repeat(15)}`;
    expect(label.length).toBe(31);
    expect(codes(check1(entry({ label })).warnings)).toEqual(['label_folded']);
  });

  it('length is measured after folding: an expanded ligature pushes 30 to 31', () => {
    const label = `${'a'.repeat(29)}ﬁ`;
    expect(label.length).toBe(30);
    const { warnings } = check1(entry({ label }));
    expect(codes(warnings)).toEqual(['label_folded', 'label_truncated']);
    expect(only(warnings, 'label_truncated')[0]!.details).toEqual({ from: label, to: `${'a'.repeat(29)}f` });
  });

  it('a label both folded and too long gets both warnings, folded first', () => {
    const label = `Łódź ${'x'.repeat(40)}`;
    const { warnings } = check1(entry({ label }));
    expect(codes(warnings)).toEqual(['label_folded', 'label_truncated']);
    expect(only(warnings, 'label_truncated')[0]!.details).toEqual({ from: label, to: `Lódz ${'x'.repeat(25)}` });
  });

  it('empty and absent labels raise nothing', () => {
    expect(check1(entry({ label: '', lines: [debit('60100000', 100, ''), credit('40100000', 100)] })).warnings).toEqual([]);
  });

  it('entry and line labels are each checked, in order', () => {
    const { warnings } = check1(
      entry({
        label: 'Łukasz',
        lines: [debit('60100000', 100, 'y'.repeat(31)), credit('40100000', 100, 'Ołówek')],
      }),
    );
    expect(warnings.map((w) => [w.code, w.field])).toEqual([
      ['label_folded', 'label'],
      ['label_truncated', 'lines.0.label'],
      ['label_folded', 'lines.1.label'],
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// Batch
// ---------------------------------------------------------------------------------------------

describe('checkBatch', () => {
  it('returns one check per entry, in order', () => {
    const checks = checkBatch(
      [entry({ externalId: 'A' }), entry({ externalId: 'B', journalCode: 'ZZ' }), entry({ externalId: 'C', date: '2020-01-01' })],
      fileRef(),
    );
    expect(checks.map((c) => codes(c.errors))).toEqual([[], ['unknown_journal'], ['date_outside_open_period']]);
  });

  it('an empty batch gives no checks', () => {
    expect(checkBatch([], fileRef())).toEqual([]);
  });

  it('duplicate_external_id: every later occurrence, first among its errors, naming the first index', () => {
    const checks = checkBatch(
      [entry({ externalId: 'A' }), entry({ externalId: 'B' }), entry({ externalId: 'A', journalCode: 'ZZ' }), entry({ externalId: 'A' })],
      fileRef(),
    );
    expect(codes(checks[0]!.errors)).toEqual([]);
    expect(codes(checks[1]!.errors)).toEqual([]);
    expect(codes(checks[2]!.errors)).toEqual(['duplicate_external_id', 'unknown_journal']);
    expect(checks[2]!.errors[0]).toMatchObject({ field: 'externalId' });
    expect(checks[2]!.errors[0]!.message).toContain('first at index 0');
    expect(checks[2]!.errors[0]!.message).toContain('A');
    expect(codes(checks[3]!.errors)).toEqual(['duplicate_external_id']);
    expect(checks[3]!.errors[0]!.message).toContain('first at index 0');
  });

  it('external ids are compared exactly', () => {
    const checks = checkBatch([entry({ externalId: 'a' }), entry({ externalId: 'A' }), entry({ externalId: 'A ' })], fileRef());
    expect(checks.every((c) => c.errors.length === 0)).toBe(true);
  });

  it('pendingAccounts defaults to none', () => {
    expect(checkBatch([entry()], fileRef())).toEqual([{ errors: [], warnings: [] }]);
  });

  it('does not mutate its inputs', () => {
    const e = entry({ lines: [debit('6220000001', 100), credit('401000001', 100)] });
    const before = structuredClone(e);
    const ref = fileRef();
    const accountsBefore = [...ref.quadraAccounts];
    checkBatch([e, e], ref, ['41199999A1']);
    expect(e).toEqual(before);
    expect([...ref.quadraAccounts]).toEqual(accountsBefore);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

describe('properties', () => {
  const OPEN_START = Date.UTC(2026, 0, 1);
  const dateInOpenPeriod = fc.integer({ min: 0, max: 364 }).map((d) => new Date(OPEN_START + d * 86_400_000).toISOString().slice(0, 10));
  // Valid accounts: Quadra's, or unknown ones of at most 8 characters (no truncation, no collision possible).
  const validAccount = fc.oneof(fc.constantFrom(...QUADRA_ACCOUNTS), fc.stringMatching(/^[0-9A-Z]{1,8}$/));
  const positive = fc.integer({ min: 1, max: 1_000_000_000 });
  const anyLabel = fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 40 }));

  const balancedLines: fc.Arbitrary<EntryLineInput[]> = fc
    .record({
      debits: fc.array(fc.tuple(validAccount, positive), { minLength: 1, maxLength: 5 }),
      credits: fc.array(fc.tuple(validAccount, positive), { minLength: 1, maxLength: 5 }),
      balancer: validAccount,
    })
    .map(({ debits, credits, balancer }) => {
      const lines = [...debits.map(([a, n]) => debit(a, n)), ...credits.map(([a, n]) => credit(a, n))];
      const d = debits.reduce((s, [, n]) => s + n, 0);
      const c = credits.reduce((s, [, n]) => s + n, 0);
      if (d > c) lines.push(credit(balancer, d - c));
      if (c > d) lines.push(debit(balancer, c - d));
      return lines;
    })
    .chain((lines) => fc.shuffledSubarray(lines, { minLength: lines.length, maxLength: lines.length }));

  const validEntry: fc.Arbitrary<EntryInput> = fc.record({
    externalId: fc.string({ minLength: 1, maxLength: 20 }),
    kind: fc.constantFrom('purchase', 'sale', 'expense_report', 'bank'),
    journalCode: fc.constantFrom('AC', 'VT', 'BQ'),
    date: dateInOpenPeriod,
    pieceRef: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
    label: anyLabel,
    documentIds: fc.option(fc.subarray(['doc-1', 'doc-2', 'doc-3']), { nil: undefined }),
    lines: balancedLines,
  });

  it('any balanced entry of valid accounts, journal and date within an open period has no errors', () => {
    fc.assert(
      fc.property(validEntry, (e) => {
        const [c] = checkBatch([e], fileRef());
        expect(c!.errors).toEqual([]);
        // Warnings never turn into errors, and are about accounts or labels only.
        for (const w of c!.warnings)
          expect(['account_unknown', 'label_folded', 'label_truncated', 'documents_not_attached']).toContain(w.code);
      }),
      { numRuns: 300 },
    );
  });

  it('a batch of such entries with distinct external ids has no errors', () => {
    fc.assert(
      fc.property(fc.uniqueArray(validEntry, { selector: (e) => e.externalId, minLength: 1, maxLength: 6 }), (entries) => {
        for (const c of checkBatch(entries, fileRef())) expect(c.errors).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('any entry where sum(debit) != sum(credit) is reported unbalanced with both totals', () => {
    const amount = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: MAX_AMOUNT_CENTS }));
    const line = fc.record({ account: validAccount, debit: amount, credit: amount });
    fc.assert(
      fc.property(fc.array(line, { minLength: 0, maxLength: 8 }), dateInOpenPeriod, (lines, date) => {
        const d = lines.reduce((s, l) => s + l.debit, 0);
        const c = lines.reduce((s, l) => s + l.credit, 0);
        fc.pre(d !== c);
        const [result] = checkBatch([entry({ date, lines })], fileRef());
        const unbalanced = only(result!.errors, 'unbalanced');
        expect(unbalanced).toHaveLength(1);
        expect(unbalanced[0]!.details).toEqual({ debit: d, credit: c });
      }),
      { numRuns: 300 },
    );
  });

  it('a balanced entry is never reported unbalanced, whatever else is wrong with it', () => {
    fc.assert(
      fc.property(balancedLines, fc.string({ maxLength: 3 }), fc.string({ maxLength: 10 }), (lines, journalCode, date) => {
        const [result] = checkBatch([entry({ lines, journalCode, date })], fileRef());
        expect(codes(result!.errors)).not.toContain('unbalanced');
      }),
      { numRuns: 200 },
    );
  });
});
