import { CP1252_BYTE } from '../../format/encoding.ts';
import { accountField, fold, isDigits, MAX_AMOUNT_CENTS } from '../../format/quadra-format.ts';
import { M_FIELDS, M_LINE_LENGTH, M_RECORD_LENGTH, trimEndSpaces, trimSpaces } from './fields.ts';
import type { FieldSpec, MFieldName } from './fields.ts';

// The writer's input and output types, and its date field, live in line.ts.
import { AsciiWriteError, putDate, type AsciiChange, type MLineInput, type WriterOptions, type WrittenLine } from './line.ts';
export { AsciiWriteError, type AsciiChange, type MLineInput, type WriterOptions, type WrittenLine };

const SPACE = 0x20;
const ZERO = 0x30;

const at = (field: MFieldName): number => M_FIELDS[field].pos - 1;
const AT_ACCOUNT = at('account');
const AT_JOURNAL = at('journalCode');
const AT_DATE = at('date');
const AT_LABEL20 = at('label20');
const AT_SENSE = at('sense');
const AT_AMOUNT = at('amountCents');
const AT_DUE_DATE = at('dueDate');
const AT_PIECE5 = at('pieceNumber5');
const AT_PIECE8 = at('pieceNumber8');
const AT_CURRENCY = at('currency');
const AT_JOURNAL3 = at('journalCode3');
const AT_LABEL30 = at('label30');
const AT_REFERENCE = at('reference');
const AT_ATTACHMENT = at('attachment');
const ACCOUNT_WIDTH = M_FIELDS.account.width;
const LABEL20_WIDTH = M_FIELDS.label20.width;
const LABEL30_WIDTH = M_FIELDS.label30.width;
const PIECE5_WIDTH = M_FIELDS.pieceNumber5.width;
const PIECE8_WIDTH = M_FIELDS.pieceNumber8.width;
const JOURNAL_WIDTH = M_FIELDS.journalCode.width;

/** Every constant byte of a line; a line starts as a copy of it, so unfilled fields are blank by construction. */
const TEMPLATE: Uint8Array = buildTemplate();

function buildTemplate(): Uint8Array {
  const line = new Uint8Array(M_LINE_LENGTH).fill(SPACE);
  const put = (spec: FieldSpec, text: string): void => {
    for (let i = 0; i < spec.width; i++) line[spec.pos - 1 + i] = text.charCodeAt(i);
  };
  put(M_FIELDS.type, 'M');
  put(M_FIELDS.folio, '000');
  put(M_FIELDS.dueDate, '000000');
  put(M_FIELDS.currency, 'EUR');
  line[M_RECORD_LENGTH] = 0x0d;
  line[M_RECORD_LENGTH + 1] = 0x0a;
  return line;
}

/** Writes at most `width` characters of writable text; the template already blanks the rest. */
function put(dst: Uint8Array, at: number, text: string, width: number): void {
  const n = Math.min(text.length, width);
  for (let i = 0; i < n; i++) dst[at + i] = CP1252_BYTE[text.charCodeAt(i)]!;
}

function isAsciiAlnum(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a))) return false;
  }
  return true;
}

function absent(value: string | undefined | null): value is undefined | null | '' {
  return value === undefined || value === null || value === '';
}

/** Whether an attachment name survives a Windows file system and the space-padded column unchanged. */
function isSafeFileName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    // space, " * / : < > ? \ |
    if (
      c <= SPACE ||
      c === 0x22 ||
      c === 0x2a ||
      c === 0x2f ||
      c === 0x3a ||
      c === 0x3c ||
      c === 0x3e ||
      c === 0x3f ||
      c === 0x5c ||
      c === 0x7c
    ) {
      return false;
    }
  }
  return name !== '.' && name !== '..';
}

/**
 * Validates the line and writes its 233 bytes at dst[offset]; returns the changes, or null when
 * there are none (most lines, no allocation).
 */
export function encodeLine(line: MLineInput, zeroPadding: boolean, dst: Uint8Array, offset: number): AsciiChange[] | null {
  let changes: AsciiChange[] | null = null;
  dst.set(TEMPLATE, offset);

  const { account, journalCode, label, sense, amountCents } = line;
  if (typeof account !== 'string') throw new AsciiWriteError('account', `must be a string, got ${typeof account}`);
  const accountFolded = fold(account);
  const accountText = accountField(accountFolded.text, zeroPadding);
  if (trimSpaces(accountText) === '') {
    throw new AsciiWriteError('account', `is blank once written on ${ACCOUNT_WIDTH} bytes, got ${JSON.stringify(account)}`);
  }
  put(dst, offset + AT_ACCOUNT, accountText, ACCOUNT_WIDTH);
  if (accountFolded.folded.length > 0) {
    (changes ??= []).push({
      kind: 'characters_folded',
      field: 'account',
      from: account,
      to: accountFolded.text,
      chars: accountFolded.folded,
    });
  }
  if (trimEndSpaces(accountFolded.text).length > ACCOUNT_WIDTH) {
    (changes ??= []).push({ kind: 'account_truncated', field: 'account', from: account, to: trimSpaces(accountText) });
  }

  if (typeof journalCode !== 'string' || journalCode.length < 1 || journalCode.length > 3 || !isPrintableAscii(journalCode)) {
    throw new AsciiWriteError(
      'journalCode',
      `must be 1 to 3 printable ASCII characters without spaces, got ${JSON.stringify(journalCode)}`,
    );
  }
  put(dst, offset + AT_JOURNAL, journalCode, JOURNAL_WIDTH);
  put(dst, offset + AT_JOURNAL3, journalCode, 3);

  putDate(dst, offset + AT_DATE, line.date, 'date');

  if (typeof label !== 'string') throw new AsciiWriteError('label', `must be a string, got ${typeof label}`);
  const labelFolded = fold(label);
  put(dst, offset + AT_LABEL20, labelFolded.text, LABEL20_WIDTH);
  put(dst, offset + AT_LABEL30, labelFolded.text, LABEL30_WIDTH);
  if (labelFolded.folded.length > 0) {
    (changes ??= []).push({ kind: 'characters_folded', field: 'label', from: label, to: labelFolded.text, chars: labelFolded.folded });
  }
  // label20 is by design the start of the label: only losing part of the 30-byte label is a change.
  if (trimEndSpaces(labelFolded.text).length > LABEL30_WIDTH) {
    (changes ??= []).push({
      kind: 'label_truncated',
      field: 'label30',
      from: label,
      to: trimEndSpaces(labelFolded.text.slice(0, LABEL30_WIDTH)),
    });
  }

  if (sense !== 'D' && sense !== 'C') throw new AsciiWriteError('sense', `must be 'D' or 'C', got ${JSON.stringify(sense)}`);
  dst[offset + AT_SENSE] = sense === 'D' ? 0x44 : 0x43;

  if (typeof amountCents !== 'number' || !Number.isSafeInteger(amountCents) || amountCents <= 0 || amountCents > MAX_AMOUNT_CENTS) {
    throw new AsciiWriteError('amountCents', `must be an integer from 1 to ${MAX_AMOUNT_CENTS}, got ${String(amountCents)}`);
  }
  const amountAt = offset + AT_AMOUNT;
  dst[amountAt] = 0x2b;
  // Two 6-digit halves keep the digit loop in small-integer arithmetic.
  let high = Math.floor(amountCents / 1e6);
  let low = amountCents - high * 1e6;
  for (let i = 12; i > 6; i--) {
    dst[amountAt + i] = ZERO + (low % 10);
    low = (low / 10) | 0;
  }
  for (let i = 6; i > 0; i--) {
    dst[amountAt + i] = ZERO + (high % 10);
    high = (high / 10) | 0;
  }

  const { dueDate, pieceNumber, currency, reference, attachment } = line;
  if (!absent(dueDate)) putDate(dst, offset + AT_DUE_DATE, dueDate, 'dueDate');

  if (!absent(pieceNumber)) {
    if (typeof pieceNumber !== 'string' || !isDigits(pieceNumber)) {
      throw new AsciiWriteError('pieceNumber', `must be digits only, got ${JSON.stringify(pieceNumber)}`);
    }
    // Position 75 holds 5 digits only: a longer number would be wrong there, so it stays blank.
    if (pieceNumber.length <= PIECE5_WIDTH) {
      const start = offset + AT_PIECE5 + PIECE5_WIDTH - pieceNumber.length;
      dst.fill(ZERO, offset + AT_PIECE5, start);
      put(dst, start, pieceNumber, pieceNumber.length);
    }
    put(dst, offset + AT_PIECE8, pieceNumber, PIECE8_WIDTH);
  }

  if (!absent(currency)) {
    if (typeof currency !== 'string' || currency.length !== 3 || !isUpperAscii(currency)) {
      throw new AsciiWriteError('currency', `must be 3 uppercase letters, got ${JSON.stringify(currency)}`);
    }
    put(dst, offset + AT_CURRENCY, currency, 3);
  }

  if (!absent(reference)) {
    if (typeof reference !== 'string' || reference.length > M_FIELDS.reference.width || !isAsciiAlnum(reference)) {
      throw new AsciiWriteError(
        'reference',
        `must be 1 to ${M_FIELDS.reference.width} ASCII letters or digits, got ${JSON.stringify(reference)}`,
      );
    }
    put(dst, offset + AT_REFERENCE, reference, M_FIELDS.reference.width);
  }

  if (!absent(attachment)) {
    if (typeof attachment !== 'string') throw new AsciiWriteError('attachment', `must be a string, got ${typeof attachment}`);
    const attachmentFolded = fold(attachment);
    const name = attachmentFolded.text;
    if (name.length > M_FIELDS.attachment.width || !isSafeFileName(name)) {
      throw new AsciiWriteError(
        'attachment',
        `must be a file name of 1 to ${M_FIELDS.attachment.width} bytes without spaces, path or reserved characters, got ${JSON.stringify(attachment)}`,
      );
    }
    put(dst, offset + AT_ATTACHMENT, name, M_FIELDS.attachment.width);
    if (attachmentFolded.folded.length > 0) {
      (changes ??= []).push({ kind: 'characters_folded', field: 'attachment', from: attachment, to: name, chars: attachmentFolded.folded });
    }
  }
  return changes;
}

function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= SPACE || c >= 0x7f) return false;
  }
  return true;
}

function isUpperAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) return false;
  }
  return true;
}

function withIndex(error: unknown, index: number): unknown {
  return error instanceof AsciiWriteError ? new AsciiWriteError(error.field, error.problem, index) : error;
}

// Records are views on shared 60 KB slabs, as Node's Buffer pool does: allocating one small typed
// array per record costs more than writing it. A slab byte is never written twice once handed out.
const LINES_PER_SLAB = 256;
let slab = new Uint8Array(LINES_PER_SLAB * M_LINE_LENGTH);
let slabOffset = 0;

/** Writes the line into the pool and hands out its view; a failed line leaves nothing reserved. */
function writePooled(line: MLineInput, zeroPadding: boolean): WrittenLine {
  if (slabOffset === slab.length) {
    slab = new Uint8Array(LINES_PER_SLAB * M_LINE_LENGTH);
    slabOffset = 0;
  }
  const changes = encodeLine(line, zeroPadding, slab, slabOffset);
  const bytes = new Uint8Array(slab.buffer, slabOffset, M_LINE_LENGTH);
  slabOffset += M_LINE_LENGTH;
  return { bytes, changes: changes ?? [] };
}

/** One line: 233 bytes (a view on a shared pool, like a pooled Buffer: copy it before using `.buffer`). */
export function writeMLine(line: MLineInput, opts?: WriterOptions): WrittenLine {
  return writePooled(line, opts?.accountPadding === 'zero');
}

/** Streams lines in bounded memory: each line is written only when the consumer asks for it. */
export function* writeAscii(lines: Iterable<MLineInput>, opts?: WriterOptions): Generator<WrittenLine> {
  const zeroPadding = opts?.accountPadding === 'zero';
  let index = 0;
  for (const line of lines) {
    let written: WrittenLine;
    try {
      written = writePooled(line, zeroPadding);
    } catch (error) {
      throw withIndex(error, index);
    }
    index++;
    yield written;
  }
}

/** A whole file in one array; `index` in changes is the line's 0-based position in `lines`. */
export function writeAsciiFile(
  lines: Iterable<MLineInput>,
  opts?: WriterOptions,
): { bytes: Uint8Array; changes: Array<{ index: number; change: AsciiChange }> } {
  const zeroPadding = opts?.accountPadding === 'zero';
  const exact = Array.isArray(lines);
  let bytes = new Uint8Array((exact ? lines.length : 1024) * M_LINE_LENGTH);
  const changes: Array<{ index: number; change: AsciiChange }> = [];
  let offset = 0;
  let index = 0;
  for (const line of lines) {
    if (offset + M_LINE_LENGTH > bytes.length) {
      const grown = new Uint8Array(Math.max(bytes.length * 2, M_LINE_LENGTH * 1024));
      grown.set(bytes);
      bytes = grown;
    }
    let lineChanges: AsciiChange[] | null;
    try {
      lineChanges = encodeLine(line, zeroPadding, bytes, offset);
    } catch (error) {
      throw withIndex(error, index);
    }
    if (lineChanges !== null) for (const change of lineChanges) changes.push({ index, change });
    offset += M_LINE_LENGTH;
    index++;
  }
  return { bytes: offset === bytes.length ? bytes : bytes.slice(0, offset), changes };
}
