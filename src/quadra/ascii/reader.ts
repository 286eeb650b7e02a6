import { decodeCp1252 } from '../../format/encoding.ts';
import { parseCRecord, type ParsedCRecord } from './account-record.ts';
import { I_FIELDS, M_FIELDS, sliceField, trimEndSpaces, trimSpaces } from './fields.ts';
import type { MFieldName } from './fields.ts';

export interface ParsedMLine {
  type: 'M';
  /** 1-based physical line number in the file, blank lines included. */
  lineNumber: number;
  account: string;
  /** Position 10, trimmed; may be '' when position 111 carries the journal. */
  journalCode: string;
  /** Position 111, trimmed; '' when absent. */
  journalCode3: string;
  folio: string;
  /** ISO YYYY-MM-DD; DDMMYY years below 70 are 20YY, others 19YY. */
  date: string;
  label20: string;
  sense: 'D' | 'C';
  /** Negative when the file writes the amount with '-'. */
  amountCents: number;
  counterpart: string;
  /** ISO date, or null for '000000' or blank. */
  dueDate: string | null;
  pieceNumber5: string;
  pieceNumber8: string;
  currency: string;
  label30: string;
  /** Position 149, trimmed: our matching reference. */
  reference: string;
  attachment: string;
  /** Export-only fields, '' in files other than Quadra's own exports. */
  uniqueNumber: string;
  operatorCode: string;
  systemDate: string;
  /** The decoded line without its line end. */
  raw: string;
  /** Bytes in the line without its line end. */
  length: number;
}

export interface AnalyticLine {
  percentHundredths: number;
  amountCents: number;
  centre: string;
  nature: string;
}

export interface ParsedOtherRecord {
  type: string;
  lineNumber: number;
  raw: string;
  /** `I` records only, when their numeric fields read cleanly. */
  analytic?: AnalyticLine;
  /** `C` records only: the account they create or update. */
  account?: ParsedCRecord;
}

export class AsciiParseError extends Error {
  readonly lineNumber: number;
  /** Name of the ParsedMLine property the field feeds. */
  readonly field: string;
  /** 1-based byte position of the field in the line. */
  readonly position: number;
  readonly value: string;

  constructor(lineNumber: number, field: string, position: number, value: string, problem: string) {
    super(`line ${lineNumber}: field "${field}" at position ${position} (${JSON.stringify(value)}) ${problem}`);
    this.name = 'AsciiParseError';
    this.lineNumber = lineNumber;
    this.field = field;
    this.position = position;
    this.value = value;
  }
}

export interface ParseOptions {
  /** 'throw' (default): throw the first invalid line. 'collect': return errors and keep the good lines. */
  onError?: 'throw' | 'collect';
}

export interface ParsedAscii {
  lines: ParsedMLine[];
  others: ParsedOtherRecord[];
  errors: AsciiParseError[];
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Reads what Quadra and other writers produce: CRLF, LF or CR line ends, with or without a final one;
 * records of any length (fields past the end read as ''); amounts signed '+', '-', ' ' or unsigned
 * on 13 digits. Blank lines are skipped; records other than M are returned raw in `others`.
 */
export function parseAscii(bytes: Uint8Array, opts?: ParseOptions): ParsedAscii {
  const collect = opts?.onError === 'collect';
  const result: ParsedAscii = { lines: [], others: [], errors: [] };
  let lineNumber = 0;
  let blockStart = 0;
  // Decoding block by block (whole lines) keeps decoding native-speed without one string for a huge file.
  while (blockStart < bytes.length) {
    let blockEnd = Math.min(blockStart + DECODE_BLOCK, bytes.length);
    while (blockEnd < bytes.length && bytes[blockEnd - 1] !== LF && bytes[blockEnd - 1] !== CR) blockEnd++;
    if (bytes[blockEnd - 1] === CR && bytes[blockEnd] === LF) blockEnd++;
    const text = decodeCp1252(bytes.subarray(blockStart, blockEnd));
    blockStart = blockEnd;

    let start = 0;
    while (start < text.length) {
      let stop = start;
      let c = text.charCodeAt(stop);
      while (stop < text.length && c !== LF && c !== CR) c = text.charCodeAt(++stop);
      let next = stop + 1;
      if (c === CR && text.charCodeAt(next) === LF) next++;
      lineNumber++;
      const raw = text.slice(start, stop);
      start = next;
      if (isBlank(raw)) continue;
      const type = raw.charAt(0);
      if (type === 'M') {
        const parsed = parseMLine(raw, lineNumber);
        if (parsed instanceof AsciiParseError) {
          if (!collect) throw parsed;
          result.errors.push(parsed);
        } else {
          result.lines.push(parsed);
        }
      } else {
        const other: ParsedOtherRecord = { type, lineNumber, raw };
        const analytic = type === 'I' ? parseAnalytic(raw) : undefined;
        if (analytic !== undefined) other.analytic = analytic;
        if (type === 'C') other.account = parseCRecord(raw);
        result.others.push(other);
      }
    }
  }
  return result;
}

const DECODE_BLOCK = 1 << 20;

function isBlank(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    const b = raw.charCodeAt(i);
    // 0x1A: the DOS end-of-file mark some tools still append.
    if (b !== 0x20 && b !== 0x09 && b !== 0x1a) return false;
  }
  return true;
}

const field = (raw: string, name: MFieldName): string => sliceField(raw, M_FIELDS[name]);

function parseMLine(raw: string, lineNumber: number): ParsedMLine | AsciiParseError {
  const fail = (name: MFieldName, problem: string): AsciiParseError =>
    new AsciiParseError(lineNumber, name, M_FIELDS[name].pos, field(raw, name), problem);

  const account = trimSpaces(field(raw, 'account'));
  if (account === '') return fail('account', 'is blank');

  const journalCode = trimSpaces(field(raw, 'journalCode'));
  const journalCode3 = trimSpaces(field(raw, 'journalCode3'));
  if (journalCode === '' && journalCode3 === '') {
    return fail('journalCode', `is blank, and so is the 3-character journal code at position ${M_FIELDS.journalCode3.pos}`);
  }

  const date = ddmmyyToIso(field(raw, 'date'));
  if (date === null) return fail('date', 'is not a DDMMYY date');

  const sense = field(raw, 'sense');
  if (sense !== 'D' && sense !== 'C') return fail('sense', "is not 'D' or 'C'");

  const amountCents = parseAmount(field(raw, 'amountCents'));
  if (amountCents === null) return fail('amountCents', 'is not an amount in cents (sign then 12 digits, or 13 digits)');

  const dueDateText = field(raw, 'dueDate');
  let dueDate: string | null = null;
  if (dueDateText !== '000000' && trimSpaces(dueDateText) !== '') {
    dueDate = ddmmyyToIso(dueDateText);
    if (dueDate === null) return fail('dueDate', "is not a DDMMYY date, '000000' or blank");
  }

  return {
    type: 'M',
    lineNumber,
    account,
    journalCode,
    journalCode3,
    folio: trimSpaces(field(raw, 'folio')),
    date,
    label20: trimEndSpaces(field(raw, 'label20')),
    sense,
    amountCents,
    counterpart: trimSpaces(field(raw, 'counterpart')),
    dueDate,
    pieceNumber5: trimSpaces(field(raw, 'pieceNumber5')),
    pieceNumber8: trimSpaces(field(raw, 'pieceNumber8')),
    currency: trimSpaces(field(raw, 'currency')),
    label30: trimEndSpaces(field(raw, 'label30')),
    reference: trimSpaces(field(raw, 'reference')),
    attachment: trimSpaces(field(raw, 'attachment')),
    uniqueNumber: trimSpaces(field(raw, 'uniqueNumber')),
    operatorCode: trimSpaces(field(raw, 'operatorCode')),
    systemDate: trimSpaces(field(raw, 'systemDate')),
    raw,
    // One byte per character in Windows-1252.
    length: raw.length,
  };
}

// Dates repeat across a file's lines; the window allows fewer than 40,000 of them, so the cache stays small.
const isoDates = new Map<string, string>();

/** null unless a real calendar date. */
function ddmmyyToIso(text: string): string | null {
  const cached = isoDates.get(text);
  if (cached !== undefined) return cached;
  if (!/^\d{6}$/.test(text)) return null;
  const day = Number(text.slice(0, 2));
  const month = Number(text.slice(2, 4));
  const yy = Number(text.slice(4, 6));
  const year = yy < 70 ? 2000 + yy : 1900 + yy;
  if (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  const iso = `${year}-${text.slice(2, 4)}-${text.slice(0, 2)}`;
  isoDates.set(text, iso);
  return iso;
}

// Sign '+', '-' or ' ' then digits (right-aligned, possibly space-led), or 13 unsigned digits.
const AMOUNT = /^([+\- ]?) *(\d+)$/;

function parseAmount(text: string): number | null {
  if (text.length !== M_FIELDS.amountCents.width) return null;
  const match = AMOUNT.exec(text);
  if (match === null) return null;
  const value = Number(match[2]);
  return match[1] === '-' && value !== 0 ? -value : value;
}

function parseAnalytic(raw: string): AnalyticLine | undefined {
  const percent = trimSpaces(sliceField(raw, I_FIELDS.percentHundredths));
  const amountCents = parseAmount(sliceField(raw, I_FIELDS.amountCents));
  if (!/^\d+$/.test(percent) || amountCents === null) return undefined;
  return {
    percentHundredths: Number(percent),
    amountCents,
    centre: trimSpaces(sliceField(raw, I_FIELDS.centre)),
    nature: trimSpaces(sliceField(raw, I_FIELDS.nature)),
  };
}
