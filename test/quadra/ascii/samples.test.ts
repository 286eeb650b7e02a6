import { describe, expect, it } from 'vitest';
import { AsciiParseError, parseAscii } from '../../../src/quadra/ascii/index.ts';
import type { ParsedMLine } from '../../../src/quadra/ascii/index.ts';
import { M_FIELDS, sliceField } from '../../../src/quadra/ascii/fields.ts';
import type { FieldSpec } from '../../../src/quadra/ascii/fields.ts';
import { isoFromDdmmyy, sampleBytes, sampleExists, sampleJson } from './helpers.ts';

type Record_ = Record<string, string | number | null>;

// The sample JSON files name fields in French (or by the other tool's names); the table's equivalents:
const POSITION: Record<string, FieldSpec> = {
  type: M_FIELDS.type,
  compte: M_FIELDS.account,
  account: M_FIELDS.account,
  journal: M_FIELDS.journalCode,
  folio: M_FIELDS.folio,
  date: M_FIELDS.date,
  date_ddmmyy: M_FIELDS.date,
  code_libelle: M_FIELDS.labelCode,
  libelle20: M_FIELDS.label20,
  sens: M_FIELDS.sense,
  montant13: M_FIELDS.amountCents,
  montant_signed: M_FIELDS.amountCents,
  amount_signed_13: M_FIELDS.amountCents,
  contrepartie: M_FIELDS.counterpart,
  echeance: M_FIELDS.dueDate,
  lettrage: M_FIELDS.lettering,
  stat: M_FIELDS.statistics,
  piece5: M_FIELDS.pieceNumber5,
  affaire: M_FIELDS.project,
  quantite: M_FIELDS.quantity,
  piece8: M_FIELDS.pieceNumber8,
  devise: M_FIELDS.currency,
  journal3: M_FIELDS.journalCode3,
  tva_flags: { pos: 114, width: 3 },
  libelle30: M_FIELDS.label30,
  code_tva2: M_FIELDS.vatCode2,
  piece10: M_FIELDS.reference,
  reserve: M_FIELDS.reserved,
  montant_devise: M_FIELDS.currencyAmount,
  piece_jointe: M_FIELDS.attachment,
  quantite2: M_FIELDS.quantity2,
  num_uniq: M_FIELDS.uniqueNumber,
  code_operateur: M_FIELDS.operatorCode,
  date_systeme: M_FIELDS.systemDate,
};
const NOT_A_FIELD = new Set(['len', 'length', 'amount_eur', 'rest_nonblank', 'tail']);

const s = (value: string | number | null | undefined): string => (value === null || value === undefined ? '' : String(value));
const trim = (value: string | number | null | undefined): string => s(value).replace(/^ +| +$/g, '');
const trimEnd = (value: string | number | null | undefined): string => s(value).replace(/ +$/, '');

function signedCents(text: string): number {
  const sign = /^[+\- ]/.test(text) ? text[0] : '';
  const value = Number(text.slice(sign === '' ? 0 : 1).trim());
  return sign === '-' ? -value : value;
}

/** What parseAscii must return for a record described by position in a sample's JSON. */
function expectedLine(record: Record_): Partial<ParsedMLine> {
  const date = s(record.date ?? record.date_ddmmyy);
  const amount = s(record.montant13 ?? record.montant_signed ?? record.amount_signed_13);
  const due = s(record.echeance);
  return {
    type: 'M',
    account: trim(record.compte ?? record.account),
    journalCode: trim(record.journal),
    journalCode3: trim(record.journal3),
    folio: trim(record.folio),
    date: isoFromDdmmyy(date),
    label20: trimEnd(record.libelle20),
    sense: s(record.sens) as 'D' | 'C',
    amountCents: signedCents(amount),
    counterpart: trim(record.contrepartie),
    dueDate: due.trim() === '' || due === '000000' ? null : isoFromDdmmyy(due),
    pieceNumber5: trim(record.piece5),
    pieceNumber8: trim(record.piece8),
    currency: trim(record.devise),
    label30: trimEnd(record.libelle30),
    reference: trim(record.piece10),
    attachment: trim(record.piece_jointe),
    uniqueNumber: trim(record.num_uniq),
    operatorCode: trim(record.code_operateur),
    systemDate: trim(record.date_systeme),
    length: Number(record.len ?? record.length),
  };
}

/** Every field the JSON gives by position is where the table says (null: the line stops before it). */
function expectPositions(raw: string, record: Record_): void {
  for (const [key, value] of Object.entries(record)) {
    if (NOT_A_FIELD.has(key)) continue;
    const spec = POSITION[key];
    expect(spec, `sample field ${key} is mapped`).toBeDefined();
    expect(sliceField(raw, spec!), key).toBe(s(value));
  }
}

describe('real-world samples', () => {
  it('reads the real Quadra export line (LMNP, 251 bytes, export-only fields, no line end)', () => {
    const file = 'familleleguayetjoy-collab-LMNP__selftest_REELLE_DUMDUM_line.txt';
    const json = sampleJson<{ test_assertions: Record_; fields_by_position: Record_ }>(
      'familleleguayetjoy-collab-LMNP__selftest_REELLE_expected.json',
    );
    const { lines, others, errors } = parseAscii(sampleBytes(file));
    expect(others).toEqual([]);
    expect(errors).toEqual([]);
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    const fields = json.fields_by_position;
    expectPositions(line.raw, fields);
    expect(line.raw.slice(231)).toBe(fields.tail);
    expect(line).toMatchObject({ ...expectedLine(fields), length: json.test_assertions.len, lineNumber: 1 });
    expect(line).toMatchObject({
      account: json.test_assertions.compte,
      sense: json.test_assertions.sens,
      amountCents: json.test_assertions.montant_cents,
      counterpart: json.test_assertions.contrepartie_strip,
      journalCode: 'BQ',
      journalCode3: 'BQ1',
      date: '2026-01-01',
      dueDate: null,
      uniqueNumber: '0000000132',
      operatorCode: 'PL',
      systemDate: '12062026104255',
    });
  });

  it('reads the is_bsa lines: three trimmed 126-byte lines and a real Quadra export line', () => {
    const json = sampleJson<{ records: Record_[]; amounts_eur: number[] }>(
      'tonygalmiche-is_bsa__is_export_compta_py_comment_lines_expected.json',
    );
    const { lines, errors } = parseAscii(sampleBytes('tonygalmiche-is_bsa__is_export_compta_py_comment_lines.txt'));
    expect(errors).toEqual([]);
    expect(lines).toHaveLength(json.records.length);
    json.records.forEach((record, i) => {
      const line = lines[i]!;
      expectPositions(line.raw, record);
      expect(line).toMatchObject({ ...expectedLine(record), lineNumber: i + 1 });
      expect(line.amountCents).toBe(Math.round(json.amounts_eur[i]! * 100));
    });
    // The balanced sale balances.
    const signed = lines.slice(0, 3).reduce((sum, l) => sum + (l.sense === 'D' ? l.amountCents : -l.amountCents), 0);
    expect(signed).toBe(0);
    expect(lines[3]).toMatchObject({
      pieceNumber5: '888',
      pieceNumber8: '888',
      reference: '888',
      operatorCode: '\\WIN',
      date: '2017-07-30',
    });
  });

  describe('minaiDocus head2021 lines (256 bytes, LF, no final line end)', () => {
    const reference = sampleJson<Record<string, { bytes: number; n_lines: number; trailing_newline: boolean; records: Record_[] }>>(
      'minaiDocus-idocussave__parsed_by_position_reference.json',
    );
    const present = Object.keys(reference).filter((name) => sampleExists(name));

    it('has the four head2021 files to check', () => {
      expect(present.filter((name) => name.includes('head2021'))).toHaveLength(4);
    });

    for (const name of present) {
      it(name, () => {
        const bytes = sampleBytes(name);
        const expected = reference[name]!;
        expect(bytes.length).toBe(expected.bytes);
        const { lines, others, errors } = parseAscii(bytes);
        expect(others).toEqual([]);
        expect(errors).toEqual([]);
        expect(lines).toHaveLength(expected.n_lines);
        expected.records.forEach((record, i) => {
          const line = lines[i]!;
          expectPositions(line.raw, record);
          expect(line.raw.slice(193).trim()).toBe(record.rest_nonblank);
          expect(line).toMatchObject(expectedLine(record));
          expect(line.amountCents).toBe(Math.round(Number(record.amount_eur) * 100));
        });
      });
    }

    it('reads the truncated 9-character account as its 8 first characters', () => {
      const { lines } = parseAscii(
        sampleBytes('minaiDocus-idocussave__head2021__case4_has_an_account_number_longer_than_8_characters.txt'),
      );
      expect(lines[0]).toMatchObject({ account: 'NUMBER78', attachment: '1.pdf', journalCode: 'AC', journalCode3: '', date: '2015-01-13' });
    });
  });

  it('reads the excel-to-quadra file: 146-byte M lines with unsigned amounts, and I analytic lines', () => {
    const { lines, others, errors } = parseAscii(sampleBytes('SebGris-excel-to-quadra__GENERATED_704_ecriture_Quadra.txt'));
    expect(errors).toEqual([]);
    const common = {
      journalCode: 'OS',
      journalCode3: '',
      folio: '000',
      date: '2026-05-31',
      currency: '',
      dueDate: null,
      length: 146,
      label30: '',
    };
    expect(lines).toEqual([
      expect.objectContaining({
        ...common,
        lineNumber: 1,
        account: '63388100',
        label20: 'OETH TEST',
        sense: 'D',
        amountCents: 10000,
        pieceNumber8: '',
      }),
      expect.objectContaining({ ...common, lineNumber: 3, account: '43785000', label20: 'OETH TEST', sense: 'C', amountCents: 10000 }),
      expect.objectContaining({
        ...common,
        lineNumber: 4,
        account: '62280000',
        label20: 'Cout paie 0526',
        sense: 'D',
        amountCents: 123456,
        pieceNumber8: 'IMPORT',
      }),
      expect.objectContaining({
        ...common,
        lineNumber: 6,
        account: '62280000',
        label20: 'Cout paie 0526',
        sense: 'C',
        amountCents: 123456,
      }),
    ]);
    expect(others).toEqual([
      {
        type: 'I',
        lineNumber: 2,
        raw: 'I100000000000010000770401              ',
        analytic: { percentHundredths: 10000, amountCents: 10000, centre: '770401', nature: '' },
      },
      {
        type: 'I',
        lineNumber: 5,
        raw: 'I100000000000123456770401              ',
        analytic: { percentHundredths: 10000, amountCents: 123456, centre: '770401', nature: '' },
      },
    ]);
  });

  it('refuses the nuxly placeholder line, naming the date field at position 15', () => {
    const bytes = sampleBytes('nuxly-nuxly-odoo-addons__export_quadra_header_template_line.txt');
    let thrown: unknown;
    try {
      parseAscii(bytes);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AsciiParseError);
    expect(thrown).toMatchObject({ lineNumber: 1, field: 'date', position: 15, value: 'JJMMAA' });
    expect((thrown as Error).message).toBe('line 1: field "date" at position 15 ("JJMMAA") is not a DDMMYY date');

    const collected = parseAscii(bytes, { onError: 'collect' });
    expect(collected.lines).toEqual([]);
    expect(collected.errors).toHaveLength(1);
    expect(collected.errors[0]).toMatchObject({ field: 'date', position: 15 });
  });
});
