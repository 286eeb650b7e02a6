// A Cegid call's `operation` label comes from a fixed list whatever the URL carries: dossier codes,
// blob names and SAS signatures never become label values (bounded cardinality in /metrics).
import { describe, expect, it } from 'vitest';
import { cegidOperation } from '../../src/quadra/gateway.ts';

const CPA = 'https://cpa.example.com/api/v1';
const CFE = 'https://cfe.example.com';

describe('cegidOperation', () => {
  it('names API calls by their known path segment under the base URL', () => {
    expect(cegidOperation(CPA, `${CPA}/token`, 'POST')).toBe('token');
    expect(cegidOperation(CPA, `${CPA}/dossiers`, 'GET')).toBe('dossiers');
    expect(cegidOperation(CPA, `${CPA}/dossiers/BOULANG/accounts?page=2`, 'GET')).toBe('accounts');
    expect(cegidOperation(CPA, `${CPA}/dossiers/BOULANG/entries?from=2026-01-01`, 'GET')).toBe('entries');
    expect(cegidOperation(CFE, `${CFE}/sic/12345678/container`, 'GET')).toBe('container');
    expect(cegidOperation(CPA, `${CPA}/dossiers/SECRET-CODE/whatever`, 'GET')).toBe('dossiers');
    expect(cegidOperation(CPA, `${CPA}/SECRET-CODE`, 'GET')).toBe('other');
  });

  it('names blob calls by method, never by blob name or signature', () => {
    const sas = 'https://acct.blob.example.net/sic-12345678/BOULANG/7f1c.zip?sv=2024&sig=abc%2Fdef';
    expect(cegidOperation(CFE, sas, 'PUT')).toBe('blob_put');
    expect(cegidOperation(CFE, sas, 'HEAD')).toBe('blob_head');
    expect(cegidOperation(CFE, sas, 'DELETE')).toBe('blob_delete');
    expect(cegidOperation(CFE, 'https://acct.blob.example.net/sic-1?restype=container&comp=list&sig=x', 'GET')).toBe('blob_list');
    expect(cegidOperation(CFE, sas, 'PATCH')).toBe('other');
    expect(cegidOperation(CFE, 'not a url', 'GET')).toBe('other');
  });
});
