import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldText, parseAscii, truncateAccount, writeAscii, writeAsciiFile, writeMLine } from '../../../src/quadra/ascii/index.ts';
import type { MLineInput, WriterOptions } from '../../../src/quadra/ascii/index.ts';
import { M_BLANK_FIELDS, M_FIELDS, sliceField } from '../../../src/quadra/ascii/fields.ts';

const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2069-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

const unicodeText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'binary', maxLength }),
    fc.string({
      unit: fc.constantFrom(
        'é',
        'e\u0301',
        'à',
        'ç',
        'Œ',
        '€',
        '’',
        '—',
        'ł',
        '😀',
        '👩‍💻',
        '\u0301',
        '日',
        '\t',
        '\n',
        ' ',
        'A',
        '1',
        '\u202f',
      ),
      maxLength,
    }),
    fc.stringMatching(/^[A-Za-z0-9 .,'-]{0,40}$/),
  );

const account = fc
  .oneof(
    fc.stringMatching(/^[0-9]{1,20}$/),
    fc.stringMatching(/^[0-9A-Z]{1,20}$/),
    unicodeText(20).filter((s) => s.length >= 1 && s.length <= 20),
  )
  .filter((a) => truncateAccount(a) !== '');

const option = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

const lineInput: fc.Arbitrary<MLineInput> = fc
  .record({
    account,
    journalCode: fc.stringMatching(/^[A-Z0-9]{1,3}$/),
    date: isoDate,
    sense: fc.constantFrom<'D' | 'C'>('D', 'C'),
    amountCents: fc.bigInt({ min: 1n, max: 999_999_999_999n }).map(Number),
    label: unicodeText(50),
    pieceNumber: option(fc.stringMatching(/^[0-9]{1,12}$/)),
    reference: option(fc.stringMatching(/^[A-Za-z0-9]{1,10}$/)),
    attachment: option(
      fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}\.(pdf|jpg|png)$/), fc.constantFrom('reçu.pdf', 'łza.pdf', 'Été2024.PDF')),
    ),
    dueDate: option(isoDate),
    currency: option(fc.stringMatching(/^[A-Z]{3}$/)),
  })
  .map((line) => Object.fromEntries(Object.entries(line).filter(([, v]) => v !== undefined)) as unknown as MLineInput);

const writerOptions: fc.Arbitrary<WriterOptions | undefined> = fc.constantFrom(
  undefined,
  { accountPadding: 'space' as const },
  { accountPadding: 'zero' as const },
);

const trimEnd = (s: string): string => s.replace(/ +$/, '');
const latin = (bytes: Uint8Array): string => Buffer.from(bytes).toString('latin1');

describe('writer/reader round trip (property)', () => {
  it('every line is 233 bytes, every field in its column, and reads back to the input', () => {
    fc.assert(
      fc.property(lineInput, writerOptions, (input, opts) => {
        const { bytes, changes } = writeMLine(input, opts);
        expect(bytes.length).toBe(233);
        expect([bytes[231], bytes[232]]).toEqual([0x0d, 0x0a]);
        // No control byte can sit in the record: nothing can end or shift a line.
        expect(bytes.subarray(0, 231).every((b) => b >= 0x20 && b !== 0x7f)).toBe(true);

        const text = latin(bytes);
        const at = (name: keyof typeof M_FIELDS): string => sliceField(text, M_FIELDS[name]);
        expect(at('type')).toBe('M');
        expect(at('folio')).toBe('000');
        expect(at('date')).toMatch(/^\d{6}$/);
        expect(at('sense')).toMatch(/^[DC]$/);
        expect(at('amountCents')).toMatch(/^\+\d{12}$/);
        expect(at('dueDate')).toMatch(/^\d{6}$/);
        expect(at('pieceNumber5')).toMatch(/^(\d{5}| {5})$/);
        expect(at('currency')).toMatch(/^[A-Z]{3}$/);
        expect(at('journalCode')).toMatch(/^[A-Z0-9]{1,2} ?$/);
        expect(at('reference')).toMatch(/^[A-Za-z0-9]* *$/);
        for (const name of M_BLANK_FIELDS) expect(at(name), name).toBe(' '.repeat(M_FIELDS[name].width));

        const { lines, others, errors } = parseAscii(bytes);
        expect(others).toEqual([]);
        expect(errors).toEqual([]);
        expect(lines).toHaveLength(1);
        const label = foldText(input.label).text;
        const piece = input.pieceNumber;
        expect(lines[0]).toMatchObject({
          type: 'M',
          lineNumber: 1,
          account: truncateAccount(input.account, opts),
          journalCode: input.journalCode.slice(0, 2),
          journalCode3: input.journalCode,
          folio: '000',
          date: input.date,
          label20: trimEnd(label.slice(0, 20)),
          sense: input.sense,
          amountCents: input.amountCents,
          counterpart: '',
          dueDate: input.dueDate ?? null,
          pieceNumber5: piece !== undefined && piece.length <= 5 ? piece.padStart(5, '0') : '',
          pieceNumber8: piece?.slice(0, 8) ?? '',
          currency: input.currency ?? 'EUR',
          label30: trimEnd(label.slice(0, 30)),
          reference: input.reference ?? '',
          attachment: input.attachment === undefined ? '' : foldText(input.attachment).text,
          uniqueNumber: '',
          operatorCode: '',
          systemDate: '',
          length: 231,
        });

        // Exactly the changes that happened, no more.
        const folded = foldText(input.account);
        expect(changes.some((c) => c.kind === 'account_truncated')).toBe(trimEnd(folded.text).length > 8);
        expect(changes.some((c) => c.kind === 'characters_folded' && c.field === 'account')).toBe(folded.folded.length > 0);
        expect(changes.some((c) => c.kind === 'characters_folded' && c.field === 'label')).toBe(foldText(input.label).folded.length > 0);
        expect(changes.some((c) => c.kind === 'label_truncated')).toBe(trimEnd(label).length > 30);
        for (const change of changes) {
          if (change.kind === 'account_truncated')
            expect(change).toEqual({ kind: 'account_truncated', field: 'account', from: input.account, to: lines[0]!.account });
          if (change.kind === 'label_truncated')
            expect(change).toEqual({ kind: 'label_truncated', field: 'label30', from: input.label, to: lines[0]!.label30 });
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('a file reads back line for line, whatever the line ends and trailing spaces', () => {
    fc.assert(
      fc.property(
        fc.array(lineInput, { minLength: 1, maxLength: 20 }),
        writerOptions,
        fc.constantFrom('\r\n', '\n', '\r'),
        fc.boolean(),
        fc.boolean(),
        (inputs, opts, eol, finalEol, trimTrailing) => {
          const file = writeAsciiFile(inputs, opts);
          expect(file.bytes.length).toBe(233 * inputs.length);
          expect(Buffer.from(file.bytes)).toEqual(Buffer.concat([...writeAscii(inputs, opts)].map((w) => w.bytes)));
          expect(file.changes).toEqual(
            inputs.flatMap((input, index) => writeMLine(input, opts).changes.map((change) => ({ index, change }))),
          );

          const strict = parseAscii(file.bytes).lines;
          const records = latin(file.bytes)
            .split('\r\n')
            .slice(0, -1)
            .map((r) => (trimTrailing ? trimEnd(r) : r));
          const reshaped = new Uint8Array(Buffer.from(records.join(eol) + (finalEol ? eol : ''), 'latin1'));
          const tolerant = parseAscii(reshaped).lines;
          const withoutRaw = (l: (typeof strict)[number]): object => ({ ...l, raw: undefined, length: undefined });
          expect(tolerant.map(withoutRaw)).toEqual(strict.map(withoutRaw));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('truncateAccount is what the reader sees, and equal results mean a collision in Quadra', () => {
    fc.assert(
      fc.property(account, account, writerOptions, (a, b, opts) => {
        const base: MLineInput = { account: a, journalCode: 'OD', date: '2024-01-01', sense: 'D', amountCents: 1, label: '' };
        const readA = parseAscii(writeMLine(base, opts).bytes).lines[0]!.account;
        const readB = parseAscii(writeMLine({ ...base, account: b }, opts).bytes).lines[0]!.account;
        expect(readA).toBe(truncateAccount(a, opts));
        expect(readA === readB).toBe(truncateAccount(a, opts) === truncateAccount(b, opts));
      }),
    );
  });
});
