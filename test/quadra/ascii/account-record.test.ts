// The `C` record and the `M` due date against the public writers' layouts: their field lists
// (positions as running sums of their widths) and lines composed from their own code, field by
// field — not only our writer read back by our reader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCp1252 } from '../../../src/format/encoding.ts';
import { C_FIELDS, M_FIELDS, sliceField } from '../../../src/quadra/ascii/fields.ts';
import { C_LINE_LENGTH, parseAscii, parseCRecord, writeCRecord, writeMLine } from '../../../src/quadra/ascii/index.ts';

const dir = new URL('../../fixtures/quadra-samples/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, dir));
const lists = JSON.parse(fixture('public-writers-field-lists.json').toString('utf8')) as Record<
  string,
  Record<string, { pos: number; width: number }>
>;
const latin1 = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('the C record against the public writers', () => {
  it('puts each field where Dolibarr and ATM both put it', () => {
    for (const w of ['dolibarr_C', 'atm_C'] as const) {
      const l = lists[w]!;
      const account = l.num_compte ?? l.numero_compte;
      const label = l.lib_compte ?? l.libelle;
      const key = l.lib_alpha ?? l.clef;
      const collective = l.coll_compte ?? l.compte_collectif;
      const flag = l.Maj ?? l.flag;
      expect({ account, label, key, collective, flag, type: l.type_compte }).toEqual({
        account: C_FIELDS.account,
        label: C_FIELDS.label,
        key: C_FIELDS.shortKey,
        collective: C_FIELDS.collective,
        flag: C_FIELDS.updateFlag,
        type: C_FIELDS.accountType,
      });
    }
  });

  const composed = latin1(fixture('dolibarr-exportQuadratus__C_records_composed.txt'));

  it("reads Dolibarr's C lines field by field", () => {
    const others = parseAscii(new Uint8Array(Buffer.from(composed, 'latin1'))).others;
    expect(others.map((o) => o.account)).toEqual([
      { account: 'CDUPONT', label: 'Dupont Traiteur', shortKey: 'CDUPONT', collective: '41100000', updateFlag: '2', accountType: 'C' },
      { account: 'FMOULIN', label: 'Moulins de Savoie', shortKey: 'FMOULIN', collective: '40100000', updateFlag: '2', accountType: 'F' },
      { account: 'FRAIS001', label: 'Notes de frais', shortKey: '', collective: '', updateFlag: '2', accountType: 'G' },
    ]);
  });

  it('writes what Dolibarr writes in every field we fill, blank where it is blank (the short key aside)', () => {
    const theirs = composed.split('\r\n').filter(Boolean);
    const ours = [
      writeCRecord({ account: 'CDUPONT', label: 'Dupont Traiteur', type: 'C', collective: '41100000' }),
      writeCRecord({ account: 'FMOULIN', label: 'Moulins de Savoie', type: 'F', collective: '40100000' }),
      writeCRecord({ account: 'FRAIS001', label: 'Notes de frais', type: 'G', collective: '41100000' }),
    ].map(latin1);
    ours.forEach((line, i) => {
      expect(line).toHaveLength(C_LINE_LENGTH);
      expect(line.endsWith('\r\n')).toBe(true);
      for (const name of ['type', 'account', 'label', 'totals', 'collective', 'contact', 'updateFlag', 'accountType'] as const) {
        expect([name, sliceField(line, C_FIELDS[name])]).toEqual([name, sliceField(theirs[i]!, C_FIELDS[name])]);
      }
      // Dolibarr derives a key from the label; we leave it to Quadra (blank).
      expect(sliceField(line, C_FIELDS.shortKey)).toBe('       ');
    });
  });

  it('folds the label to Windows-1252 and cuts it to 30 bytes, accounts cut and padded as on M lines', () => {
    const line = decodeCp1252(
      writeCRecord(
        { account: '4010000123', label: 'Łódź Société Générale — agence Chambéry', type: 'F', collective: '401' },
        { accountPadding: 'zero' },
      ),
    );
    expect(sliceField(line, C_FIELDS.account)).toBe('40100001');
    // ó, é and the dash exist in Windows-1252 (one byte each); Ł and ź do not, and are folded.
    expect(sliceField(line, C_FIELDS.label)).toBe('Lódz Société Générale — agence');
    expect(sliceField(line, C_FIELDS.collective)).toBe('40100000');
    expect(parseCRecord(line.trimEnd()).label).toBe('Lódz Société Générale — agence');
  });

  it('refuses a blank account or an unknown type', () => {
    expect(() => writeCRecord({ account: '   ', label: 'x', type: 'G' })).toThrow(/account/);
    expect(() => writeCRecord({ account: 'X1', label: 'x', type: 'Z' as 'G' })).toThrow(/type/);
  });
});

describe('the M due date against the public writers', () => {
  it('is at 64 on 6 bytes for both writers', () => {
    expect(lists.dolibarr_M!.date_echeance).toEqual(M_FIELDS.dueDate);
    expect(lists.atm_M!.date_echeance).toEqual(M_FIELDS.dueDate);
  });

  const [supplier, general] = latin1(fixture('dolibarr-exportQuadratus__M_due_date_composed.txt')).split('\r\n');

  it("reads Dolibarr's due date (DDMMYY) and its 000000 as none", () => {
    const lines = parseAscii(fixture('dolibarr-exportQuadratus__M_due_date_composed.txt')).lines;
    expect(lines.map((l) => [l.account, l.date, l.dueDate])).toEqual([
      ['FMOULIN', '2026-11-02', '2026-12-02'],
      ['60110000', '2026-11-02', null],
    ]);
  });

  it('writes the due date exactly where and as Dolibarr does', () => {
    const base = { journalCode: 'AC', date: '2026-11-02', label: 'Farine novembre', amountCents: 12_000 };
    const ours = latin1(writeMLine({ ...base, account: 'FMOULIN', sense: 'C', dueDate: '2026-12-02' }).bytes);
    expect(sliceField(ours, M_FIELDS.dueDate)).toBe('021226');
    expect(sliceField(ours, M_FIELDS.dueDate)).toBe(sliceField(supplier!, M_FIELDS.dueDate));
    const none = latin1(writeMLine({ ...base, account: '60110000', sense: 'D' }).bytes);
    expect(sliceField(none, M_FIELDS.dueDate)).toBe(sliceField(general!, M_FIELDS.dueDate));
    for (const name of ['account', 'journalCode', 'folio', 'date', 'sense', 'amountCents', 'currency'] as const) {
      expect([name, sliceField(ours, M_FIELDS[name])]).toEqual([name, sliceField(supplier!, M_FIELDS[name])]);
    }
  });
});
