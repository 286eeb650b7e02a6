// The accounts-to-create CSV as a French spreadsheet opens it: BOM, `;`, quoted when needed, no formula.
import { describe, expect, it } from 'vitest';
import { accountsToCreateCsv, type AccountToCreate } from '../../src/pipeline/account-labels.ts';

const account = (over: Partial<AccountToCreate>): AccountToCreate => ({
  account: 'FNEW',
  label: 'Nouveau',
  labels: ['Nouveau'],
  kind: 'supplier',
  type: 'F',
  collective: '40100000',
  entries: 1,
  firstDate: '2026-11-02',
  ...over,
});

describe('the accounts-to-create CSV', () => {
  it('starts with a BOM, separates with ; and ends lines with CRLF', () => {
    const csv = accountsToCreateCsv([account({})]);
    expect(csv.startsWith('\uFEFFCompte;Libellé envoyé;')).toBe(true);
    expect(csv.split('\r\n')[1]).toBe('FNEW;Nouveau;Nouveau;Fournisseur;40100000;1;02/11/2026');
  });

  it('quotes a label holding ; or a quote, and keeps a label starting like a formula as text', () => {
    const csv = accountsToCreateCsv([
      account({ label: 'Dupont; fils', labels: ['Dupont; fils', 'Le "Grand" Moulin'], type: 'C', kind: 'customer' }),
      account({ account: 'GEN1', label: '=HYPERLINK("x")', labels: ['=HYPERLINK("x")'], type: 'G', kind: 'general', collective: null }),
    ]);
    const [, first, second] = csv.split('\r\n');
    expect(first).toBe('FNEW;"Dupont; fils";"Dupont; fils | Le ""Grand"" Moulin";Client;40100000;1;02/11/2026');
    expect(second).toBe(`GEN1;"'=HYPERLINK(""x"")";"'=HYPERLINK(""x"")";Général;;1;02/11/2026`);
  });
});
