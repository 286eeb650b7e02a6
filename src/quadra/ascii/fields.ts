/**
 * Positions of the Quadra ASCII records (1-based, widths in bytes), per Cegid's KB0014530.
 * The writer and the reader both slice and fill through this table, so a column can only move here.
 */
import { ACCOUNT_WIDTH, LABEL20_WIDTH, LABEL30_WIDTH } from '../../format/quadra-format.ts';

export interface FieldSpec {
  /** 1-based position of the first byte. */
  readonly pos: number;
  readonly width: number;
}

/** Every field of the `M` record, in column order; together they tile positions 1..231. */
export const M_FIELDS = {
  type: { pos: 1, width: 1 },
  account: { pos: 2, width: ACCOUNT_WIDTH },
  journalCode: { pos: 10, width: 2 },
  folio: { pos: 12, width: 3 },
  date: { pos: 15, width: 6 },
  labelCode: { pos: 21, width: 1 },
  label20: { pos: 22, width: LABEL20_WIDTH },
  sense: { pos: 42, width: 1 },
  amountCents: { pos: 43, width: 13 },
  counterpart: { pos: 56, width: 8 },
  dueDate: { pos: 64, width: 6 },
  lettering: { pos: 70, width: 2 },
  statistics: { pos: 72, width: 3 },
  pieceNumber5: { pos: 75, width: 5 },
  project: { pos: 80, width: 10 },
  quantity: { pos: 90, width: 10 },
  pieceNumber8: { pos: 100, width: 8 },
  currency: { pos: 108, width: 3 },
  journalCode3: { pos: 111, width: 3 },
  vatInEntry: { pos: 114, width: 1 },
  // Sources disagree on which of 115/116 is the VAT code and which the VAT method: kept as one blank field.
  vatCodeAndMethod: { pos: 115, width: 2 },
  label30: { pos: 117, width: LABEL30_WIDTH },
  vatCode2: { pos: 147, width: 2 },
  reference: { pos: 149, width: 10 },
  reserved: { pos: 159, width: 10 },
  currencyAmount: { pos: 169, width: 13 },
  attachment: { pos: 182, width: 12 },
  quantity2: { pos: 194, width: 10 },
  uniqueNumber: { pos: 204, width: 10 },
  operatorCode: { pos: 214, width: 4 },
  systemDate: { pos: 218, width: 14 },
} as const satisfies Record<string, FieldSpec>;

export type MFieldName = keyof typeof M_FIELDS;

/** Length of a written `M` record, line end excluded. */
export const M_RECORD_LENGTH = 231;
export const CRLF_LENGTH = 2;
export const M_LINE_LENGTH = M_RECORD_LENGTH + CRLF_LENGTH;

/** Fields we never fill: Quadra computes them, or they belong to features we do not send. */
export const M_BLANK_FIELDS: readonly MFieldName[] = [
  'labelCode',
  'counterpart',
  'lettering',
  'statistics',
  'project',
  'quantity',
  'vatInEntry',
  'vatCodeAndMethod',
  'vatCode2',
  'reserved',
  'currencyAmount',
  'quantity2',
  'uniqueNumber',
  'operatorCode',
  'systemDate',
];

/**
 * The `C` record: creates an account with its label (or updates one: our connector sends it only
 * for accounts Quadra's chart lacks). Positions as Cegid's KB0014530 and the public writers lay
 * them out (Dolibarr's exportQuadratus, ATM's Quadratus export): the four 13-byte totals at 47
 * and the address, phone and bank fields after 107 stay blank.
 */
export const C_FIELDS = {
  type: { pos: 1, width: 1 },
  account: { pos: 2, width: ACCOUNT_WIDTH },
  label: { pos: 10, width: LABEL30_WIDTH },
  shortKey: { pos: 40, width: 7 },
  totals: { pos: 47, width: 52 },
  collective: { pos: 99, width: ACCOUNT_WIDTH },
  contact: { pos: 107, width: 110 },
  updateFlag: { pos: 217, width: 1 },
  accountType: { pos: 218, width: 1 },
} as const satisfies Record<string, FieldSpec>;

/** Length of a written `C` record, line end excluded: as long as an `M` record, past the type at 218. */
export const C_RECORD_LENGTH = M_RECORD_LENGTH;

/** The analytic `I` record that follows its `M` line. */
export const I_FIELDS = {
  type: { pos: 1, width: 1 },
  percentHundredths: { pos: 2, width: 5 },
  amountCents: { pos: 7, width: 13 },
  centre: { pos: 20, width: 10 },
  nature: { pos: 30, width: 10 },
} as const satisfies Record<string, FieldSpec>;

/** The field's text in a decoded line; '' when the line stops before it, partial when it stops inside. */
export function sliceField(line: string, spec: FieldSpec): string {
  return line.substring(spec.pos - 1, spec.pos - 1 + spec.width);
}

// Space trimming is a format fact shared with the rules.
export { trimEndSpaces, trimSpaces } from '../../format/quadra-format.ts';
