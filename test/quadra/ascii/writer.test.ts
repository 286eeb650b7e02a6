import { describe, expect, it } from 'vitest';
import { AsciiWriteError, parseAscii, truncateAccount, writeAscii, writeAsciiFile, writeMLine } from '../../../src/quadra/ascii/index.ts';
import type { MLineInput, WriterOptions } from '../../../src/quadra/ascii/index.ts';
import { fixtureBytes, latin } from './helpers.ts';

const LABEL = 'Facture EDF Électricité mars 2024';
const purchase = (account: string, sense: 'D' | 'C', amountCents: number, dueDate?: string): MLineInput => ({
  account,
  journalCode: 'HA',
  date: '2024-03-15',
  sense,
  amountCents,
  label: LABEL,
  pieceNumber: '117',
  reference: 'FA2024117',
  attachment: '00001234.pdf',
  ...(dueDate ? { dueDate } : {}),
});
const PURCHASE: MLineInput[] = [
  purchase('60610000', 'D', 100_000),
  purchase('44566000', 'D', 20_000),
  purchase('401EDF', 'C', 120_000, '2024-04-14'),
];
const EDGE_CASES: MLineInput[] = [
  {
    account: '4110000012345',
    journalCode: 'BQ1',
    date: '2069-12-31',
    sense: 'D',
    amountCents: 999_999_999_999,
    label: 'Łódź — Crème brûlée 🍮 œuf',
    pieceNumber: '123456',
    reference: 'ABC123',
    currency: 'USD',
  },
  {
    account: 'C1',
    journalCode: 'V',
    date: '1970-01-01',
    sense: 'C',
    amountCents: 1,
    label: '',
    pieceNumber: '123456789',
    attachment: 'reçu.pdf',
  },
];
const zero = (account: string, sense: 'D' | 'C', amountCents: number): MLineInput => ({
  account,
  journalCode: 'OD',
  date: '2024-02-29',
  sense,
  amountCents,
  label: 'Ecriture OD',
  pieceNumber: '42',
});
const ZERO_PADDED: MLineInput[] = [zero('401', 'D', 5000), zero('FOURN1', 'C', 3000), zero('12345678', 'C', 2000)];

const valid: MLineInput = { account: '512000', journalCode: 'BQ', date: '2024-01-31', sense: 'D', amountCents: 100, label: 'Virement' };

describe('golden files (hand-built from the layout, byte for byte)', () => {
  const cases: Array<[string, MLineInput[], WriterOptions | undefined]> = [
    ['purchase-3-lines.txt', PURCHASE, undefined],
    ['edge-cases.txt', EDGE_CASES, undefined],
    ['zero-padding.txt', ZERO_PADDED, { accountPadding: 'zero' }],
  ];
  for (const [name, lines, opts] of cases) {
    it(name, () => {
      const expected = fixtureBytes(name);
      const { bytes } = writeAsciiFile(lines, opts);
      expect(latin(bytes)).toBe(latin(expected));
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(expected))).toBe(0);
      // Same bytes whichever entry point writes them.
      expect(Buffer.concat(lines.map((l) => writeMLine(l, opts).bytes))).toEqual(Buffer.from(expected));
      expect(Buffer.concat([...writeAscii(lines, opts)].map((w) => w.bytes))).toEqual(Buffer.from(expected));
    });
  }

  it('purchase: reports the 30-byte label cut on every line, nothing else', () => {
    const { changes } = writeAsciiFile(PURCHASE);
    expect(changes).toEqual(
      [0, 1, 2].map((index) => ({
        index,
        change: { kind: 'label_truncated', field: 'label30', from: LABEL, to: 'Facture EDF Électricité mars 2' },
      })),
    );
  });

  it('purchase: reads back balanced, accents intact', () => {
    const { lines } = parseAscii(fixtureBytes('purchase-3-lines.txt'));
    expect(lines.map((l) => [l.account, l.sense, l.amountCents, l.dueDate])).toEqual([
      ['60610000', 'D', 100_000, null],
      ['44566000', 'D', 20_000, null],
      ['401EDF', 'C', 120_000, '2024-04-14'],
    ]);
    expect(lines[0]).toMatchObject({
      journalCode: 'HA',
      journalCode3: 'HA',
      date: '2024-03-15',
      label20: 'Facture EDF Électric',
      label30: 'Facture EDF Électricité mars 2',
      pieceNumber5: '00117',
      pieceNumber8: '117',
      reference: 'FA2024117',
      attachment: '00001234.pdf',
      currency: 'EUR',
    });
  });

  it('edge cases: truncated account and folded label are reported', () => {
    const { changes } = writeAsciiFile(EDGE_CASES);
    expect(changes).toEqual([
      { index: 0, change: { kind: 'account_truncated', field: 'account', from: '4110000012345', to: '41100000' } },
      {
        index: 0,
        change: {
          kind: 'characters_folded',
          field: 'label',
          from: EDGE_CASES[0]!.label,
          to: 'Lódz — Crème brûlée ? œuf',
          chars: ['Ł', 'ź', '🍮'],
        },
      },
    ]);
    const { lines } = parseAscii(fixtureBytes('edge-cases.txt'));
    expect(lines[0]).toMatchObject({
      account: '41100000',
      journalCode: 'BQ',
      journalCode3: 'BQ1',
      pieceNumber5: '',
      pieceNumber8: '123456',
      currency: 'USD',
      amountCents: 999_999_999_999,
    });
    expect(lines[1]).toMatchObject({
      account: 'C1',
      journalCode: 'V',
      journalCode3: 'V',
      label20: '',
      label30: '',
      pieceNumber8: '12345678',
      attachment: 'reçu.pdf',
      date: '1970-01-01',
    });
  });
});

describe('writeMLine', () => {
  it('writes exactly 231 bytes and CRLF', () => {
    const { bytes, changes } = writeMLine(valid);
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(bytes.length).toBe(233);
    expect([bytes[231], bytes[232]]).toEqual([0x0d, 0x0a]);
    expect(changes).toEqual([]);
  });

  it('keeps the account as given: case, inner characters', () => {
    expect(parseAscii(writeMLine({ ...valid, account: 'fourn-a' }).bytes).lines[0]!.account).toBe('fourn-a');
  });

  it('pads numeric accounts with zeros only when asked, and only numeric ones', () => {
    expect(latin(writeMLine({ ...valid, account: '401' }).bytes).slice(1, 9)).toBe('401     ');
    expect(latin(writeMLine({ ...valid, account: '401' }, { accountPadding: 'zero' }).bytes).slice(1, 9)).toBe('40100000');
    expect(latin(writeMLine({ ...valid, account: '401A' }, { accountPadding: 'zero' }).bytes).slice(1, 9)).toBe('401A    ');
    expect(truncateAccount('401', { accountPadding: 'zero' })).toBe('40100000');
  });

  it('folds the account before measuring it, and truncateAccount agrees with what is written', () => {
    const { bytes, changes } = writeMLine({ ...valid, account: 'ŁÓDŹ12345' });
    expect(latin(bytes).slice(1, 9)).toBe('LÓDZ1234');
    expect(changes).toEqual([
      { kind: 'characters_folded', field: 'account', from: 'ŁÓDŹ12345', to: 'LÓDZ12345', chars: ['Ł', 'Ź'] },
      { kind: 'account_truncated', field: 'account', from: 'ŁÓDŹ12345', to: 'LÓDZ1234' },
    ]);
    expect(truncateAccount('ŁÓDŹ12345')).toBe('LÓDZ1234');
    expect(truncateAccount('401000001')).toBe(truncateAccount('401000002'));
  });

  it('does not call trailing spaces beyond 8 bytes a truncation', () => {
    expect(writeMLine({ ...valid, account: '512000    ' }).changes).toEqual([]);
    expect(writeMLine({ ...valid, label: 'Virement'.padEnd(40) }).changes).toEqual([]);
  });

  it('writes a 5-digit piece number at 75 zero-padded, a longer one only at 100', () => {
    const at = (pieceNumber: string): [string, string] => {
      const text = latin(writeMLine({ ...valid, pieceNumber }).bytes);
      return [text.slice(74, 79), text.slice(99, 107)];
    };
    expect(at('7')).toEqual(['00007', '7       ']);
    expect(at('12345')).toEqual(['12345', '12345   ']);
    expect(at('123456')).toEqual(['     ', '123456  ']);
    expect(at('1234567890')).toEqual(['     ', '12345678']);
  });

  it('writes the due date, or 000000', () => {
    expect(latin(writeMLine(valid).bytes).slice(63, 69)).toBe('000000');
    expect(latin(writeMLine({ ...valid, dueDate: '2024-02-29' }).bytes).slice(63, 69)).toBe('290224');
  });

  it('treats empty optional strings as absent', () => {
    expect(writeMLine({ ...valid, pieceNumber: '', reference: '', attachment: '', dueDate: '', currency: '' }).bytes).toEqual(
      writeMLine(valid).bytes,
    );
  });

  it('folds the attachment name and reports it', () => {
    const { bytes, changes } = writeMLine({ ...valid, attachment: 'łza.pdf' });
    expect(latin(bytes).slice(181, 193)).toBe('lza.pdf     ');
    expect(changes).toEqual([{ kind: 'characters_folded', field: 'attachment', from: 'łza.pdf', to: 'lza.pdf', chars: ['ł'] }]);
  });
});

describe('writer validation (last guard: throws naming the field)', () => {
  const cases: Array<[string, Partial<MLineInput> | Record<string, unknown>, keyof MLineInput]> = [
    ['empty journal', { journalCode: '' }, 'journalCode'],
    ['4-character journal', { journalCode: 'ABCD' }, 'journalCode'],
    ['journal with a space', { journalCode: 'A B' }, 'journalCode'],
    ['accented journal', { journalCode: 'É' }, 'journalCode'],
    ['blank account', { account: '   ' }, 'account'],
    ['empty account', { account: '' }, 'account'],
    ['account blank on its first 8 bytes', { account: '        X' }, 'account'],
    ['account of control characters only', { account: '\u0000\u0001' }, 'account'],
    ['non-ISO date', { date: '31/01/2024' }, 'date'],
    ['impossible date', { date: '2023-02-29' }, 'date'],
    ['month 13', { date: '2024-13-01' }, 'date'],
    ['date outside the DDMMYY window', { date: '2070-01-01' }, 'date'],
    ['date before 1970', { date: '1969-12-31' }, 'date'],
    ['bad due date', { dueDate: '2024-04-31' }, 'dueDate'],
    ['sense lowercase', { sense: 'd' }, 'sense'],
    ['zero amount', { amountCents: 0 }, 'amountCents'],
    ['negative amount', { amountCents: -5 }, 'amountCents'],
    ['fractional amount', { amountCents: 12.5 }, 'amountCents'],
    ['NaN amount', { amountCents: Number.NaN }, 'amountCents'],
    ['amount as a string', { amountCents: '100' }, 'amountCents'],
    ['amount beyond 12 digits', { amountCents: 1_000_000_000_000 }, 'amountCents'],
    ['piece number with letters', { pieceNumber: '12A' }, 'pieceNumber'],
    ['reference with a dash', { reference: 'FA-12' }, 'reference'],
    ['reference of 11 characters', { reference: 'ABCDEFGHIJK' }, 'reference'],
    ['accented reference', { reference: 'Réf1' }, 'reference'],
    ['attachment longer than 12', { attachment: '000012345.pdf' }, 'attachment'],
    ['attachment with a folder', { attachment: 'a/b.pdf' }, 'attachment'],
    ['attachment with a space', { attachment: 'a b.pdf' }, 'attachment'],
    ['attachment with an emoji', { attachment: '🙂.pdf' }, 'attachment'],
    ['lowercase currency', { currency: 'eur' }, 'currency'],
    ['label not a string', { label: undefined }, 'label'],
  ];
  it.each(cases)('%s', (_name, patch, field) => {
    const line = { ...valid, ...patch } as MLineInput;
    let thrown: unknown;
    try {
      writeMLine(line);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AsciiWriteError);
    expect(thrown).toBeInstanceOf(RangeError);
    expect((thrown as AsciiWriteError).field).toBe(field);
    expect((thrown as Error).message).toMatch(new RegExp(`^field "${field}" `));
  });

  it('a too-large amount is a RangeError', () => {
    expect(() => writeMLine({ ...valid, amountCents: 999_999_999_999 + 1 })).toThrow(RangeError);
    expect(() => writeMLine({ ...valid, amountCents: 999_999_999_999 })).not.toThrow();
  });

  it('the multi-line writers say which line', () => {
    const lines = [valid, valid, { ...valid, sense: 'X' as 'D' }];
    expect(() => writeAsciiFile(lines)).toThrow('line 2: field "sense" must be');
    const stream = writeAscii(lines);
    stream.next();
    stream.next();
    expect(() => stream.next()).toThrow(expect.objectContaining({ index: 2, field: 'sense' }));
  });
});

describe('multi-line writers', () => {
  function* many(n: number): Generator<MLineInput> {
    for (let i = 0; i < n; i++) yield { ...valid, amountCents: i + 1, account: i % 7 === 0 ? `4110000${i}` : '512000' };
  }

  it('writeAsciiFile from a generator (growing buffer) equals the lines written one by one', () => {
    const n = 3000;
    const file = writeAsciiFile(many(n));
    expect(file.bytes.length).toBe(n * 233);
    expect(Buffer.from(file.bytes)).toEqual(Buffer.concat([...many(n)].map((l) => writeMLine(l).bytes)));
    expect(file.changes.map((c) => c.index)).toEqual([...many(n)].flatMap((l, i) => (l.account.length > 8 ? [i] : [])));
    const read = parseAscii(file.bytes);
    expect(read.lines).toHaveLength(n);
    expect(read.lines[2999]!.amountCents).toBe(3000);
  });

  it('writeAscii streams lazily, one record per yield, each view unaffected by later lines', () => {
    let pulled = 0;
    const source = (function* () {
      for (const line of many(600)) {
        pulled++;
        yield line;
      }
    })();
    const stream = writeAscii(source);
    const first = stream.next();
    expect(pulled).toBe(1);
    expect(first.done).toBe(false);
    const firstBytes = Buffer.from(first.done ? new Uint8Array() : first.value.bytes);
    const rest = [...stream];
    expect(rest).toHaveLength(599);
    expect(Buffer.from(first.done ? new Uint8Array() : first.value.bytes)).toEqual(firstBytes);
    expect(rest.every((w) => w.bytes.length === 233)).toBe(true);
  });

  it('an empty input gives an empty file', () => {
    expect(writeAsciiFile([])).toEqual({ bytes: new Uint8Array(), changes: [] });
    expect([...writeAscii([])]).toEqual([]);
  });
});
