// The rules behind the C records and the due dates: an account's type and collective from the
// dossier's chart, the label each account is created with, and the due date's checks.
import { describe, expect, it } from 'vitest';
import { accountClassifier, type ChartAccount } from '../../src/domain/entries/account-kind.ts';
import { accountLabelWarnings, dueDateErrors, labelsToSend } from '../../src/domain/entries/account-labels.ts';
import { checkBatch, type EntryInput, type FileReference } from '../../src/domain/entries/validate.ts';

const chart: ChartAccount[] = [
  { number: '40100000', kind: 'general', collective: null },
  { number: '41100000', kind: 'general', collective: null },
  { number: '60610000', kind: 'general', collective: null },
  { number: 'FEDF0001', kind: 'supplier', collective: '40100000' },
  { number: 'FORANGE', kind: 'supplier', collective: '40100000' },
  { number: 'CDUPONT', kind: 'customer', collective: '41100000' },
];

describe('an account’s type and collective', () => {
  const classify = accountClassifier(chart);

  it('keeps the kind the chart gives an account it has', () => {
    expect(classify('FEDF0001')).toEqual({ kind: 'supplier', type: 'F', collective: '40100000' });
    expect(classify('40100000')).toEqual({ kind: 'general', type: 'G', collective: null });
  });

  it("takes a new account's kind and collective from the dossier's accounts of the same prefix", () => {
    expect(classify('FMOULIN2')).toEqual({ kind: 'supplier', type: 'F', collective: '40100000' });
    expect(classify('CNOUVEAU')).toEqual({ kind: 'customer', type: 'C', collective: '41100000' });
  });

  it('numeric accounts are general unless the dossier numbers third parties that way (by their first three digits)', () => {
    expect(classify('60620000')).toEqual({ kind: 'general', type: 'G', collective: null });
    const numeric = accountClassifier([
      { number: '40100000', kind: 'general', collective: null },
      { number: '40100123', kind: 'supplier', collective: '40100000' },
      { number: '44566000', kind: 'general', collective: null },
    ]);
    expect(numeric('40100999')).toEqual({ kind: 'supplier', type: 'F', collective: '40100000' });
    // Class 4, but not the suppliers' prefix: general.
    expect(numeric('44571000').type).toBe('G');
  });

  it("a chart without third parties: C and F letters, and the PCG's 411/401 as collectives", () => {
    const bare = accountClassifier([
      { number: '40110000', kind: 'general', collective: null },
      { number: '41100000', kind: 'general', collective: null },
    ]);
    expect(bare('FNEW')).toEqual({ kind: 'supplier', type: 'F', collective: '40110000' });
    expect(bare('CNEW')).toEqual({ kind: 'customer', type: 'C', collective: '41100000' });
    expect(accountClassifier([])('FNEW')).toEqual({ kind: 'supplier', type: 'F', collective: null });
    expect(bare('XNEW').type).toBe('G');
  });

  it('a prefix the dossier uses for both kinds decides nothing', () => {
    const mixed = accountClassifier([
      { number: 'A1', kind: 'customer', collective: '41100000' },
      { number: 'A2', kind: 'supplier', collective: '40100000' },
    ]);
    expect(mixed('A3').type).toBe('G');
  });
});

describe('the label an account is created with', () => {
  it('is the first pushed, folded and cut to 30; earlier entries win over this batch', () => {
    const labels = labelsToSend(
      [
        { written: 'FMOULIN2', label: null },
        { written: 'FMOULIN2', label: 'Moulins de Savoie — Chambéry, site de production' },
        { written: 'FMOULIN2', label: 'Autre libellé' },
        { written: 'FNEW', label: 'Nouveau' },
      ],
      'space',
      new Map([['FNEW', 'Déjà choisi']]),
    );
    expect(labels).toEqual(
      new Map([
        ['FNEW', 'Déjà choisi'],
        ['FMOULIN2', 'Moulins de Savoie — Chambéry,'],
      ]),
    );
  });

  it('warns when a label is folded or cut, as entry labels are warned', () => {
    expect(accountLabelWarnings('Łukasz Transports Internationaux SARL', 'lines.1.accountLabel').map((w) => w.code)).toEqual([
      'account_label_folded',
      'account_label_truncated',
    ]);
    expect(accountLabelWarnings('Moulins de Savoie', 'lines.1.accountLabel')).toEqual([]);
  });
});

describe('the due date', () => {
  it('is a calendar date DDMMYY can carry, not before the entry', () => {
    expect(dueDateErrors({ date: '2026-11-02' })).toEqual([]);
    expect(dueDateErrors({ date: '2026-11-02', dueDate: '2026-11-02' })).toEqual([]);
    expect(dueDateErrors({ date: '2026-11-02', dueDate: '2026-11-01' }).map((e) => e.code)).toEqual(['due_date_before_entry_date']);
    for (const bad of ['2026-02-29', '2070-01-01', '2026-13-01', '02/12/2026'])
      expect(dueDateErrors({ date: '2026-11-02', dueDate: bad }).map((e) => e.code)).toEqual(['invalid_due_date']);
    expect(dueDateErrors({ date: '2028-02-01', dueDate: '2028-02-29' })).toEqual([]);
  });
});

describe('the push’s rules with account labels', () => {
  const ref: FileReference = {
    periods: [{ startsOn: '2026-01-01', endsOn: '2026-12-31', status: 'open' }],
    journals: [{ code: 'AC', isOpen: true }],
    quadraAccounts: new Map([
      ['60610000', 'Achats'],
      ['FEDF0001', 'EDF'],
    ]),
    documentIds: new Set(),
    chart,
  };
  const e: EntryInput = {
    externalId: 'x1',
    kind: 'purchase',
    journalCode: 'AC',
    date: '2026-11-02',
    dueDate: '2026-10-30',
    label: 'Farine',
    lines: [
      { account: '60610000', debit: 100, credit: 0 },
      { account: 'FMOULIN2', accountLabel: 'Moulins de Savoie', debit: 0, credit: 100 },
    ],
  };

  it('refuses a due date before the entry, and says the unknown account is created without a label when labels are off', () => {
    const [c] = checkBatch([e], ref);
    expect(c!.errors.map((x) => x.code)).toEqual(['due_date_before_entry_date']);
    const unknown = c!.warnings.find((w) => w.code === 'account_unknown')!;
    expect(unknown.message).toContain('without an associated label');
  });

  it('names the label sent when the file sends labels', () => {
    const [c] = checkBatch([{ ...e, dueDate: '2026-12-02' }], { ...ref, sendAccountLabels: true });
    expect(c!.errors).toEqual([]);
    const unknown = c!.warnings.find((w) => w.code === 'account_unknown')!;
    expect(unknown.message).toBe(
      'Account FMOULIN2 does not exist in Quadra: it will be created there with the label "Moulins de Savoie", sent with the entries.',
    );
    expect(unknown.details).toEqual({ account: 'FMOULIN2', labelSent: 'Moulins de Savoie' });
    expect(c!.warnings.map((w) => w.code)).not.toContain('account_label_not_sent');
  });

  it('a later line naming the new account otherwise is told its label is not sent; an account Quadra has is never relabelled', () => {
    const later = { ...e, externalId: 'x2', dueDate: undefined, lines: [e.lines[0]!, { ...e.lines[1]!, accountLabel: 'Minoterie' }] };
    const known = {
      ...e,
      externalId: 'x3',
      dueDate: undefined,
      lines: [e.lines[0]!, { ...e.lines[1]!, account: 'FEDF0001', accountLabel: 'Électricité' }],
    };
    const [, c, k] = checkBatch([{ ...e, dueDate: undefined }, later, known], { ...ref, sendAccountLabels: true });
    expect(c!.warnings.find((w) => w.code === 'account_label_not_sent')).toEqual({
      code: 'account_label_not_sent',
      field: 'lines.1.accountLabel',
      message:
        'Account FMOULIN2 is created in Quadra with the label "Moulins de Savoie", the first one pushed for it; "Minoterie" is not sent.',
      details: { account: 'FMOULIN2', labelSent: 'Moulins de Savoie', label: 'Minoterie' },
    });
    expect(k!.warnings.map((w) => w.code)).toEqual([]);
  });
});
