// The wire module's formats and records, checked against values written from the public
// descriptions (FEC column names, dd/mm/yyyy dates, the NbElement/NbPage/Data envelope), not only
// against what our own simulator renders.
import { describe, expect, it } from 'vitest';
import { readRecord, renderAccount, renderEntryLine, renderPeriod } from '../../src/quadra/wire-records.ts';
import {
  formatWireDate,
  parseWireAmountCents,
  parseWireDate,
  readEnvelope,
  wireAmountFormat,
  wireDateFormat,
} from '../../src/quadra/wire.ts';

describe('wire formats', () => {
  it('reads dates as published (dd/mm/yyyy), and the ISO and FEC-file spellings, refusing impossible dates', () => {
    expect(parseWireDate('31/01/2025')).toBe('2025-01-31');
    expect(parseWireDate('2025-01-31')).toBe('2025-01-31');
    expect(parseWireDate('2025-01-31T00:00:00')).toBe('2025-01-31');
    expect(parseWireDate('20250131')).toBe('2025-01-31');
    expect(parseWireDate('31/02/2025')).toBeUndefined();
    expect(parseWireDate('1/2/2025')).toBeUndefined();
    // A year no accounting date has (Postgres refuses year 0): refused here, not at the database.
    expect(parseWireDate('01/01/0000')).toBeUndefined();
    expect(parseWireDate('31/12/2100')).toBeUndefined();
    expect(parseWireDate('01/01/1900')).toBe('1900-01-01');
    expect(parseWireDate(20250131)).toBeUndefined();
    expect(formatWireDate('2025-01-31')).toBe('31/01/2025');
    expect(wireDateFormat('31/01/2025')).toBe('dd/mm/yyyy');
    expect(wireDateFormat('2025-01-31')).toBe('yyyy-mm-dd');
  });

  it('reads amounts in euros into exact cents: numbers with decimals, strings with a decimal comma or point', () => {
    expect(parseWireAmountCents(1234.5)).toBe(123450);
    expect(parseWireAmountCents(0.1)).toBe(10);
    expect(parseWireAmountCents(0.07)).toBe(7); // 0.07 * 100 is 7.000000000000001 as a float
    expect(parseWireAmountCents(1.15)).toBe(115); // 1.15 * 100 is 114.99999999999999
    expect(parseWireAmountCents(12)).toBe(1200);
    expect(parseWireAmountCents('1234,50')).toBe(123450);
    expect(parseWireAmountCents('1234,5')).toBe(123450);
    expect(parseWireAmountCents('1 234,56')).toBe(123456);
    expect(parseWireAmountCents('1\u202f234,56')).toBe(123456);
    expect(parseWireAmountCents('1234.56')).toBe(123456);
    expect(parseWireAmountCents('-12,30')).toBe(-1230);
    expect(parseWireAmountCents('0')).toBe(0);
    // Not an amount in euros: refused, never rounded.
    for (const bad of ['12,345', '1.234,56', 'abc', '', null, undefined, Number.NaN, 1e21, 0.001, true]) {
      expect(parseWireAmountCents(bad), String(bad)).toBeUndefined();
    }
    expect(wireAmountFormat(12.5)).toBe('number');
    expect(wireAmountFormat('12,50')).toBe('string, decimal comma');
  });

  it('reads the envelope: counts as numbers or strings, a missing Data as an empty page; refuses other shapes', () => {
    expect(readEnvelope({ NbElement: 3, NbPage: 1, Data: [1, 2, 3] })).toEqual({ ok: true, page: { count: 3, pages: 1, data: [1, 2, 3] } });
    expect(readEnvelope({ NbElement: '0', NbPage: '0', Data: null })).toEqual({ ok: true, page: { count: 0, pages: 0, data: [] } });
    expect(readEnvelope({ NbPage: 2, Data: [] })).toEqual({ ok: true, page: { count: undefined, pages: 2, data: [] } });
    expect(readEnvelope({ items: [], nextPage: null })).toMatchObject({ ok: false, why: 'NbPage is missing or not a count' });
    expect(readEnvelope({ NbPage: 1, Data: 'x' })).toMatchObject({ ok: false, why: 'Data is not a list' });
    expect(readEnvelope([])).toMatchObject({ ok: false });
    expect(readEnvelope({ NbPage: -1, Data: [] })).toMatchObject({ ok: false });
  });
});

// A line as CAERP reads them: FEC columns, dd/mm/yyyy, amounts as the API gives them; plus our
// modeled Quadra fields (line id, position-149 reference, attachment, import time).
const FEC_LINE = {
  JournalCode: 'AC',
  JournalLib: 'Achats',
  EcritureNum: '118',
  EcritureDate: '15/03/2025',
  CompteNum: '40100000',
  CompteLib: 'Fournisseurs',
  CompAuxNum: 'FMOULIN',
  CompAuxLib: 'Moulin SARL',
  PieceRef: 'F1187',
  PieceDate: '15/03/2025',
  EcritureLib: 'Facture farine',
  Debit: '0,00',
  Credit: '1234,50',
  EcritureLet: '',
  DateLet: '',
  ValidDate: '16/03/2025',
  Montantdevise: '',
  Idevise: '',
  NumLigne: 90017,
  PieceAlpha: 'QS-7F3A',
  PieceJointe: 'facture.pdf',
  DateImport: '2025-03-16T09:12:00+01:00',
};

describe('wire records', () => {
  it('reads a FEC line: the auxiliary account is the line account, debit minus credit the sense and amount', () => {
    expect(readRecord('entries', FEC_LINE)).toEqual({
      ok: true,
      value: {
        lineId: '90017',
        journalCode: 'AC',
        date: '2025-03-15',
        account: 'FMOULIN',
        label: 'Facture farine',
        sense: 'C',
        amountCents: 123450,
        pieceNumber: 'F1187',
        reference: 'QS-7F3A',
        attachment: 'facture.pdf',
        importedAt: '2025-03-16T08:12:00.000Z',
      },
    });
    const general = readRecord('entries', { ...FEC_LINE, CompteNum: '60700000', CompAuxNum: '', Debit: 1234.5, Credit: 0 });
    expect(general).toMatchObject({ ok: true, value: { account: '60700000', sense: 'D', amountCents: 123450 } });
  });

  it('names every field that does not read, by its wire name', () => {
    const { EcritureDate: _d, ...noDate } = FEC_LINE;
    expect(readRecord('entries', { ...noDate, Debit: '12,345', JournalCode: '' })).toEqual({
      ok: false,
      issues: ['JournalCode: missing', 'EcritureDate: missing', 'Debit: expected an amount in euros, got "12,345"'],
    });
  });

  it('renders what it reads (the simulator speaks the same wire)', () => {
    const line = readRecord('entries', FEC_LINE);
    if (!line.ok) throw new Error('unreadable');
    const rendered = renderEntryLine(line.value, {
      collectiveOf: (a) => (a === 'FMOULIN' ? '40100000' : undefined),
      journalLabel: (j) => (j === 'AC' ? 'Achats' : undefined),
    });
    expect(rendered).toMatchObject({
      CompteNum: '40100000',
      CompAuxNum: 'FMOULIN',
      JournalLib: 'Achats',
      EcritureDate: '15/03/2025',
      Debit: 0,
      Credit: 1234.5,
    });
    expect(readRecord('entries', rendered)).toEqual(line);
    const account = { kind: 'supplier' as const, number: 'FEDF0001', label: 'EDF', collective: '40100000' };
    expect(renderAccount(account)).toEqual({ CompteNum: 'FEDF0001', CompteLib: 'EDF', TypeCompte: 'F', CompteCollectif: '40100000' });
    expect(readRecord('accounts', renderAccount(account))).toEqual({ ok: true, value: account });
    const period = { code: '2025', start: '2025-01-01', end: '2025-12-31', status: 'closed' as const };
    expect(readRecord('periods', renderPeriod(period))).toEqual({ ok: true, value: period });
    expect(readRecord('periods', { DateDebut: '01/01/2025', DateFin: '31/12/2025', Cloture: 'N' })).toEqual({
      ok: true,
      value: { code: null, start: '2025-01-01', end: '2025-12-31', status: 'open' },
    });
  });
});
