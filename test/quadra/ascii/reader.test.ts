import { describe, expect, it } from 'vitest';
import { AsciiParseError, parseAscii, writeMLine } from '../../../src/quadra/ascii/index.ts';

const base = writeMLine({
  account: '41100000',
  journalCode: 'VT',
  date: '2024-06-30',
  sense: 'D',
  amountCents: 12345,
  label: 'Vente comptoir',
  reference: 'REF1',
});
/** A valid 231-byte record as text; tests edit it by position. */
const RECORD = Buffer.from(base.bytes.subarray(0, 231)).toString('latin1');

function withField(record: string, pos: number, value: string): string {
  return record.slice(0, pos - 1) + value + record.slice(pos - 1 + value.length);
}
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

function parseError(text: string): AsciiParseError {
  try {
    parseAscii(bytes(text));
  } catch (error) {
    if (error instanceof AsciiParseError) return error;
    throw error;
  }
  throw new Error('expected an AsciiParseError');
}

describe('parseAscii tolerance', () => {
  it('accepts CRLF, LF, CR, and a missing final line end, counting physical lines', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      const { lines } = parseAscii(bytes([RECORD, RECORD, RECORD].join(eol)));
      expect(lines.map((l) => l.lineNumber)).toEqual([1, 2, 3]);
      expect(lines.every((l) => l.length === 231 && l.amountCents === 12345 && l.reference === 'REF1')).toBe(true);
    }
  });

  it('skips blank lines (spaces, tabs, a DOS end-of-file mark) but keeps counting them', () => {
    const { lines, others } = parseAscii(bytes(`\r\n${RECORD}\r\n   \r\n\t\r\n${RECORD}\r\n\x1a`));
    expect(others).toEqual([]);
    expect(lines.map((l) => l.lineNumber)).toEqual([2, 5]);
  });

  it('reads short lines: fields past the end are empty', () => {
    const { lines } = parseAscii(bytes(`${RECORD.slice(0, 126).trimEnd()}\n${RECORD.slice(0, 55)}`));
    expect(lines[0]).toMatchObject({ label30: 'Vente comp', reference: '', attachment: '', journalCode3: 'VT', currency: 'EUR' });
    expect(lines[1]).toMatchObject({ amountCents: 12345, dueDate: null, label30: '', currency: '', journalCode3: '', length: 55 });
  });

  it('reads long lines and export-only fields', () => {
    const exported = withField(withField(withField(RECORD, 204, '0000000042'), 214, 'ADM '), 218, '01072024093000') + ' '.repeat(25);
    const { lines } = parseAscii(bytes(exported));
    expect(lines[0]).toMatchObject({ uniqueNumber: '0000000042', operatorCode: 'ADM', systemDate: '01072024093000', length: 256 });
  });

  it("reads amounts signed '+', '-', ' ' or unsigned on 13 digits", () => {
    const read = (amount: string): number => parseAscii(bytes(withField(RECORD, 43, amount))).lines[0]!.amountCents;
    expect(read('+000000012345')).toBe(12345);
    expect(read('-000000012345')).toBe(-12345);
    expect(read(' 000000012345')).toBe(12345);
    expect(read('0000000012345')).toBe(12345);
    expect(read('        12345')).toBe(12345);
    expect(read('-000000000000')).toBe(0);
  });

  it('decodes Windows-1252', () => {
    const record = withField(RECORD, 117, 'Réglé 50 € – œuvre');
    const encoded = bytes(record);
    const text = 'Réglé 50 € – œuvre';
    // latin1 cannot hold € – œ: put their Windows-1252 bytes in by hand.
    encoded.set([0x52, 0xe9, 0x67, 0x6c, 0xe9, 0x20, 0x35, 0x30, 0x20, 0x80, 0x20, 0x96, 0x20, 0x9c, 0x75, 0x76, 0x72, 0x65], 116);
    expect(parseAscii(encoded).lines[0]!.label30).toBe(text);
  });

  it('keeps records other than M raw, in order, with their line numbers', () => {
    const { lines, others } = parseAscii(bytes(`${RECORD}\r\nI050000000000006172ATELIER   MATIERE   \r\nCFOURN1  Fournisseur\r\n`));
    expect(lines).toHaveLength(1);
    expect(others).toEqual([
      {
        type: 'I',
        lineNumber: 2,
        raw: 'I050000000000006172ATELIER   MATIERE   ',
        analytic: { percentHundredths: 5000, amountCents: 6172, centre: 'ATELIER', nature: 'MATIERE' },
      },
      // A C record also reads as the account it creates (a short one: the fields past its end are '').
      {
        type: 'C',
        lineNumber: 3,
        raw: 'CFOURN1  Fournisseur',
        account: { account: 'FOURN1', label: 'Fournisseur', shortKey: '', collective: '', updateFlag: '', accountType: '' },
      },
    ]);
  });

  it('accepts a blank journal at 10 when position 111 carries it', () => {
    const { lines } = parseAscii(bytes(withField(withField(RECORD, 10, '  '), 111, 'JOU')));
    expect(lines[0]).toMatchObject({ journalCode: '', journalCode3: 'JOU' });
  });

  it('reads due dates, 000000 and blank as null', () => {
    expect(parseAscii(bytes(withField(RECORD, 64, '150724'))).lines[0]!.dueDate).toBe('2024-07-15');
    expect(parseAscii(bytes(withField(RECORD, 64, '      '))).lines[0]!.dueDate).toBeNull();
    expect(parseAscii(bytes(withField(RECORD, 15, '010170'))).lines[0]!.date).toBe('1970-01-01');
    expect(parseAscii(bytes(withField(RECORD, 15, '311269'))).lines[0]!.date).toBe('2069-12-31');
  });

  it('reads files larger than a decode block, a CRLF straddling the block boundary included', () => {
    const BLOCK = 1 << 20; // the reader decodes 1 MiB of whole lines at a time
    const k = 4500;
    // Shift the records so that the CR of record k is the block's last byte and its LF the next block's first.
    const prefixLength = BLOCK + 1 - 233 * k;
    const prefix = `   \r\n${'\r\n'.repeat((prefixLength - 5) / 2)}`;
    const file = Buffer.concat([
      Buffer.from(prefix, 'latin1'),
      ...Array.from({ length: 6000 }, () => Buffer.from(`${RECORD}\r\n`, 'latin1')),
    ]);
    expect(file[BLOCK - 1]).toBe(0x0d);
    expect(file[BLOCK]).toBe(0x0a);
    const prefixLines = 1 + (prefixLength - 5) / 2;
    const { lines } = parseAscii(new Uint8Array(file));
    expect(lines).toHaveLength(6000);
    expect(lines.every((l, i) => l.lineNumber === prefixLines + i + 1 && l.length === 231)).toBe(true);
  });

  it('returns nothing for an empty file', () => {
    expect(parseAscii(new Uint8Array())).toEqual({ lines: [], others: [], errors: [] });
  });
});

describe('parseAscii errors', () => {
  it.each([
    ['date', 15, 'JJMMAA', 'is not a DDMMYY date'],
    ['date', 15, '310224', 'is not a DDMMYY date'],
    ['date', 15, '150024', 'is not a DDMMYY date'],
    ['sense', 42, 'X', "is not 'D' or 'C'"],
    ['amountCents', 43, '+0000000123A5', 'is not an amount in cents (sign then 12 digits, or 13 digits)'],
    ['amountCents', 43, '+1234        ', 'is not an amount in cents (sign then 12 digits, or 13 digits)'],
    ['dueDate', 64, '999999', "is not a DDMMYY date, '000000' or blank"],
    ['account', 2, '        ', 'is blank'],
  ])('names field %s at position %i for %j', (field, position, value, problem) => {
    const error = parseError(withField(RECORD, position, value));
    expect(error).toMatchObject({ lineNumber: 1, field, position, value });
    expect(error.message).toBe(`line 1: field "${field}" at position ${position} (${JSON.stringify(value)}) ${problem}`);
  });

  it('refuses a blank journal code when position 111 is blank too', () => {
    const error = parseError(withField(withField(RECORD, 10, '  '), 111, '   '));
    expect(error).toMatchObject({ field: 'journalCode', position: 10, value: '  ' });
  });

  it('refuses a line cut inside the amount', () => {
    expect(parseError(RECORD.slice(0, 50))).toMatchObject({ field: 'amountCents', position: 43, value: '+0000000' });
  });

  it('throws the first error by default; collect keeps the good lines and every error', () => {
    const text = [RECORD, withField(RECORD, 42, 'X'), RECORD, withField(RECORD, 15, '000000')].join('\r\n');
    expect(() => parseAscii(bytes(text))).toThrow(/^line 2: field "sense"/);
    expect(() => parseAscii(bytes(text), { onError: 'throw' })).toThrow(AsciiParseError);
    const { lines, errors } = parseAscii(bytes(text), { onError: 'collect' });
    expect(lines.map((l) => l.lineNumber)).toEqual([1, 3]);
    expect(errors.map((e) => [e.lineNumber, e.field])).toEqual([
      [2, 'sense'],
      [4, 'date'],
    ]);
    expect(errors[0]).toBeInstanceOf(Error);
    expect(errors[0]!.name).toBe('AsciiParseError');
  });
});
