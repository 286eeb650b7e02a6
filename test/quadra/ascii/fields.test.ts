import { describe, expect, it } from 'vitest';
import { I_FIELDS, M_BLANK_FIELDS, M_FIELDS, M_RECORD_LENGTH, sliceField } from '../../../src/quadra/ascii/fields.ts';
import type { FieldSpec, MFieldName } from '../../../src/quadra/ascii/fields.ts';
import { sampleBytes, sampleJson } from './helpers.ts';

function tiles(fields: Record<string, FieldSpec>, length: number): void {
  let next = 1;
  for (const [name, spec] of Object.entries(fields)) {
    expect(spec.pos, `${name} starts where the previous field ends`).toBe(next);
    expect(spec.width, name).toBeGreaterThan(0);
    next = spec.pos + spec.width;
  }
  expect(next - 1).toBe(length);
}

describe('field table', () => {
  it('tiles the M record from 1 to 231 with no gap or overlap', () => {
    tiles(M_FIELDS, M_RECORD_LENGTH);
  });

  it('tiles the I record from 1 to 39', () => {
    tiles(I_FIELDS, 39);
  });

  it('places the mandatory fields where the spec says', () => {
    const expected: Array<[MFieldName, number, number]> = [
      ['account', 2, 8],
      ['journalCode', 10, 2],
      ['folio', 12, 3],
      ['date', 15, 6],
      ['label20', 22, 20],
      ['sense', 42, 1],
      ['amountCents', 43, 13],
      ['dueDate', 64, 6],
      ['pieceNumber5', 75, 5],
      ['pieceNumber8', 100, 8],
      ['currency', 108, 3],
      ['journalCode3', 111, 3],
      ['label30', 117, 30],
      ['reference', 149, 10],
      ['attachment', 182, 12],
      ['uniqueNumber', 204, 10],
      ['operatorCode', 214, 4],
      ['systemDate', 218, 14],
    ];
    for (const [name, pos, width] of expected) expect(M_FIELDS[name], name).toEqual({ pos, width });
  });

  it('never lists a field we fill as blank', () => {
    const filled: MFieldName[] = [
      'type',
      'account',
      'journalCode',
      'folio',
      'date',
      'label20',
      'sense',
      'amountCents',
      'dueDate',
      'pieceNumber5',
      'pieceNumber8',
      'currency',
      'journalCode3',
      'label30',
      'reference',
      'attachment',
    ];
    for (const name of filled) expect(M_BLANK_FIELDS).not.toContain(name);
    expect(new Set([...filled, ...M_BLANK_FIELDS]).size).toBe(Object.keys(M_FIELDS).length);
  });

  it('slices every field of the nuxly template line as its expected JSON says, field by field', () => {
    const raw = Buffer.from(sampleBytes('nuxly-nuxly-odoo-addons__export_quadra_header_template_line.txt')).toString('latin1');
    const [expected] = sampleJson<{ records: Array<Record<string, string | number>> }>(
      'nuxly-nuxly-odoo-addons__export_quadra_header_template_line_expected.json',
    ).records;
    const byKey: Record<string, FieldSpec> = {
      type: M_FIELDS.type,
      compte: M_FIELDS.account,
      journal: M_FIELDS.journalCode,
      folio: M_FIELDS.folio,
      date: M_FIELDS.date,
      code_libelle: M_FIELDS.labelCode,
      libelle20: M_FIELDS.label20,
      sens: M_FIELDS.sense,
      montant13: M_FIELDS.amountCents,
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
    expect(expected).toBeDefined();
    let checked = 0;
    for (const [key, value] of Object.entries(expected!)) {
      if (key === 'len') continue;
      const spec = byKey[key];
      expect(spec, `field ${key} is mapped`).toBeDefined();
      expect(sliceField(raw, spec!), key).toBe(value);
      checked++;
    }
    expect(checked).toBe(30);
    expect(raw.length).toBe(expected!.len);
  });
});
