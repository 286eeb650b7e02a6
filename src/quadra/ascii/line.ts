// What the ASCII writer takes and gives (an M line's input, the changes it made to fit Quadra, the
// written line, the error naming the field it refused), and its date field (DDMMYY).

export interface MLineInput {
  /** Our account number; Quadra keeps 8 bytes, longer ones are truncated and reported. */
  account: string;
  /** 1 to 3 characters: the first 2 go to position 10, all 3 to position 111. */
  journalCode: string;
  /** ISO YYYY-MM-DD, 1970..2069 (the years DDMMYY can carry unambiguously). */
  date: string;
  sense: 'D' | 'C';
  /** Positive safe integer, at most 999999999999. */
  amountCents: number;
  /** Free label: its first 20 bytes at 22, first 30 bytes at 117, after folding to Windows-1252. */
  label: string;
  /** Digits only: at 75 when it fits 5 digits (zero-padded), else blank there; its first 8 at 100. */
  pieceNumber?: string;
  /** Our matching reference, 1..10 ASCII letters or digits, at 149. */
  reference?: string;
  /** Supporting document's file name (8.3, e.g. 00001234.pdf), at 182; the file travels in the same zip. */
  attachment?: string;
  /** ISO date, written at 64; '000000' when absent. */
  dueDate?: string;
  /** ISO 4217 code, default EUR. */
  currency?: string;
}

export interface WriterOptions {
  /**
   * How accounts shorter than 8 are padded, a per-dossier setting. 'space' (default): left-aligned,
   * space padded. 'zero': numeric accounts are right-padded with '0' to 8, for dossiers with
   * fixed-length accounts; other accounts stay space padded.
   */
  accountPadding?: 'space' | 'zero';
}

export type AsciiChange =
  | { kind: 'account_truncated'; field: 'account'; from: string; to: string }
  | { kind: 'label_truncated'; field: 'label20' | 'label30'; from: string; to: string }
  | { kind: 'characters_folded'; field: 'label' | 'account' | 'attachment'; from: string; to: string; chars: string[] };

export interface WrittenLine {
  /** Exactly one record: 231 bytes and CRLF. */
  bytes: Uint8Array;
  changes: AsciiChange[];
}

/** An input the writer refuses; `field` names the MLineInput property. */
export class AsciiWriteError extends RangeError {
  readonly field: keyof MLineInput;
  /** What is wrong with the value, without the field name. */
  readonly problem: string;
  /** 0-based position of the line in the input, set by the multi-line writers. */
  readonly index: number | undefined;

  constructor(field: keyof MLineInput, problem: string, index?: number) {
    super(`${index === undefined ? '' : `line ${index}: `}field "${field}" ${problem}`);
    this.name = 'AsciiWriteError';
    this.field = field;
    this.problem = problem;
    this.index = index;
  }
}

const ZERO = 0x30;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function twoDigits(text: string, i: number): number {
  const a = text.charCodeAt(i) - ZERO;
  const b = text.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Writes an ISO date as DDMMYY. */
export function putDate(dst: Uint8Array, at: number, iso: unknown, field: 'date' | 'dueDate'): void {
  const valid = typeof iso === 'string' && iso.length === 10 && iso.charCodeAt(4) === 0x2d && iso.charCodeAt(7) === 0x2d;
  const century = valid ? twoDigits(iso, 0) : -1;
  const yy = valid ? twoDigits(iso, 2) : -1;
  const month = valid ? twoDigits(iso, 5) : -1;
  const day = valid ? twoDigits(iso, 8) : -1;
  const year = century * 100 + yy;
  if (!valid || century < 0 || yy < 0 || month < 1 || month > 12 || day < 1) {
    throw new AsciiWriteError(field, `must be an ISO date YYYY-MM-DD, got ${JSON.stringify(iso)}`);
  }
  // DDMMYY is read back with a 1970..2069 window: any other year would come back as a different date.
  if (year < 1970 || year > 2069) {
    throw new AsciiWriteError(field, `must be between 1970-01-01 and 2069-12-31 (DDMMYY), got ${JSON.stringify(iso)}`);
  }
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) {
    throw new AsciiWriteError(field, `is not a calendar date, got ${JSON.stringify(iso)}`);
  }
  dst[at] = iso.charCodeAt(8);
  dst[at + 1] = iso.charCodeAt(9);
  dst[at + 2] = iso.charCodeAt(5);
  dst[at + 3] = iso.charCodeAt(6);
  dst[at + 4] = iso.charCodeAt(2);
  dst[at + 5] = iso.charCodeAt(3);
}
