// The `C` record: an account with its label, its type and, for a customer or supplier, its
// collective account. Written at the head of a deposit for the accounts Quadra's chart lacks.
import { CP1252_BYTE } from '../../format/encoding.ts';
import { accountField, fold, trimEndSpaces, trimSpaces } from '../../format/quadra-format.ts';
import { C_FIELDS, C_RECORD_LENGTH, CRLF_LENGTH, sliceField } from './fields.ts';

/** `C` customer, `F` supplier (fournisseur), `G` general, as position 218 says. */
export type QuadraAccountType = 'C' | 'F' | 'G';

export interface CRecordInput {
  account: string;
  /** The hub's label: folded to Windows-1252, its first 30 bytes at position 10. */
  label: string;
  type: QuadraAccountType;
  /** Customers and suppliers: their collective account (position 99); blank when unknown. */
  collective?: string | null;
}

export interface ParsedCRecord {
  account: string;
  label: string;
  shortKey: string;
  collective: string;
  /** Position 217: '2' is the partial update the public writers use. */
  updateFlag: string;
  /** Position 218: 'C', 'F' or 'G' (anything else read as it is). */
  accountType: string;
}

export const C_LINE_LENGTH = C_RECORD_LENGTH + CRLF_LENGTH;

/** Partial update, as Dolibarr's writer sends it: key, label, address, collective and bank only. */
const PARTIAL_UPDATE = '2';

export class AccountRecordError extends RangeError {
  constructor(
    readonly field: keyof CRecordInput,
    problem: string,
  ) {
    super(`C record: field "${field}" ${problem}`);
    this.name = 'AccountRecordError';
  }
}

function put(dst: Uint8Array, pos: number, width: number, text: string): void {
  const n = Math.min(text.length, width);
  for (let i = 0; i < n; i++) dst[pos - 1 + i] = CP1252_BYTE[text.charCodeAt(i)]!;
}

/** One `C` record: 231 bytes and CRLF. Accounts are cut and padded exactly as on the `M` lines. */
export function writeCRecord(input: CRecordInput, opts?: { accountPadding?: 'space' | 'zero' }): Uint8Array {
  const zero = opts?.accountPadding === 'zero';
  const account = accountField(fold(input.account).text, zero);
  if (trimSpaces(account) === '') throw new AccountRecordError('account', `is blank once written, got ${JSON.stringify(input.account)}`);
  if (input.type !== 'C' && input.type !== 'F' && input.type !== 'G')
    throw new AccountRecordError('type', `must be 'C', 'F' or 'G', got ${JSON.stringify(input.type)}`);
  const line = new Uint8Array(C_LINE_LENGTH).fill(0x20);
  put(line, C_FIELDS.type.pos, 1, 'C');
  put(line, C_FIELDS.account.pos, C_FIELDS.account.width, account);
  put(line, C_FIELDS.label.pos, C_FIELDS.label.width, fold(input.label).text);
  // A general account has no collective; a third party's is written like any account.
  if (input.type !== 'G' && input.collective)
    put(line, C_FIELDS.collective.pos, C_FIELDS.collective.width, accountField(fold(input.collective).text, zero));
  put(line, C_FIELDS.updateFlag.pos, 1, PARTIAL_UPDATE);
  put(line, C_FIELDS.accountType.pos, 1, input.type);
  line[C_RECORD_LENGTH] = 0x0d;
  line[C_RECORD_LENGTH + 1] = 0x0a;
  return line;
}

/** Reads a decoded `C` line of any length (fields past its end read as ''). */
export function parseCRecord(raw: string): ParsedCRecord {
  return {
    account: trimSpaces(sliceField(raw, C_FIELDS.account)),
    label: trimEndSpaces(sliceField(raw, C_FIELDS.label)),
    shortKey: trimSpaces(sliceField(raw, C_FIELDS.shortKey)),
    collective: trimSpaces(sliceField(raw, C_FIELDS.collective)),
    updateFlag: sliceField(raw, C_FIELDS.updateFlag),
    accountType: sliceField(raw, C_FIELDS.accountType),
  };
}
