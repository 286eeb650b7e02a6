/**
 * The records of Cegid's read API, field by field (part of the wire module, ./wire.ts): each field's
 * name on the wire, its kind (which decides its format) and where the name comes from. Entry lines
 * use the column names of the FEC, the French legal export of entries (published: CAERP reads
 * them so); the other records and Quadra's own line fields are modeled.
 *
 * `readRecord` turns one wire record into the app's internal type (./types.ts); `render*` do the
 * reverse for the simulator.
 */
import type { Account, AccountKind, Dossier, Journal, Period, QuadraEntryLine } from './types.ts';
import { formatWireAmount, formatWireDate, parseWireAmountCents, parseWireBool, parseWireDate, type Provenance } from './wire.ts';

export type FieldKind = 'text' | 'id' | 'date' | 'amount' | 'bool' | 'datetime' | 'accountType';

export interface WireField {
  name: string;
  kind: FieldKind;
  provenance: Provenance;
  /** Absent or empty is fine (the reader has a default). */
  optional?: true;
}

const P = 'published' as const;
const M = 'modeled' as const;
const f = (name: string, kind: FieldKind, provenance: Provenance, optional?: true): WireField =>
  optional ? { name, kind, provenance, optional } : { name, kind, provenance };

export const DOSSIER_FIELDS = {
  code: f('NumeroDossier', 'id', M),
  name: f('RaisonSociale', 'text', M, true),
  fiscalYearStart: f('DebutExercice', 'date', M, true),
  fiscalYearEnd: f('FinExercice', 'date', M, true),
};

export const PERIOD_FIELDS = {
  code: f('CodeExercice', 'text', M, true),
  start: f('DateDebut', 'date', M),
  end: f('DateFin', 'date', M),
  closed: f('Cloture', 'bool', M),
};

// Accounts and journals reuse the FEC's column names; that these lists use them is our model.
export const ACCOUNT_FIELDS = {
  number: f('CompteNum', 'id', M),
  label: f('CompteLib', 'text', M, true),
  /** G general, C customer, F supplier: Quadra's own letters. */
  type: f('TypeCompte', 'accountType', M),
  collective: f('CompteCollectif', 'text', M, true),
};

export const JOURNAL_FIELDS = {
  code: f('JournalCode', 'id', M),
  label: f('JournalLib', 'text', M, true),
  open: f('Ouvert', 'bool', M),
};

export const ENTRY_FIELDS = {
  /** Quadra's unique line number: the key for "found in Quadra". */
  lineId: f('NumLigne', 'id', M),
  journalCode: f('JournalCode', 'id', P),
  journalLabel: f('JournalLib', 'text', P, true),
  entryNumber: f('EcritureNum', 'text', P, true),
  date: f('EcritureDate', 'date', P),
  account: f('CompteNum', 'id', P),
  auxAccount: f('CompAuxNum', 'text', P, true),
  label: f('EcritureLib', 'text', P, true),
  debit: f('Debit', 'amount', P),
  credit: f('Credit', 'amount', P),
  pieceRef: f('PieceRef', 'text', P, true),
  pieceDate: f('PieceDate', 'date', P, true),
  validDate: f('ValidDate', 'date', P, true),
  /** The alphanumeric piece number (ASCII position 149), where our matching reference travels. */
  reference: f('PieceAlpha', 'text', M, true),
  attachment: f('PieceJointe', 'text', M, true),
  importedAt: f('DateImport', 'datetime', M),
};

export type RecordFields = Record<string, WireField>;
export const RECORDS = {
  dossiers: DOSSIER_FIELDS,
  periods: PERIOD_FIELDS,
  accounts: ACCOUNT_FIELDS,
  journals: JOURNAL_FIELDS,
  entries: ENTRY_FIELDS,
} satisfies Record<string, RecordFields>;
export type RecordName = keyof typeof RECORDS;

// --- reading ---------------------------------------------------------------------------------------

const ACCOUNT_TYPES: Record<string, AccountKind> = { G: 'general', C: 'customer', F: 'supplier' };

/** One field's value in the app's terms, or an error saying why not. */
function readValue(field: WireField, raw: unknown): { ok: true; value: unknown } | { ok: false; why: string } {
  const empty = raw === undefined || raw === null || raw === '';
  if (empty) return field.optional ? { ok: true, value: undefined } : { ok: false, why: 'missing' };
  const fail = (what: string) => ({ ok: false as const, why: `${what}, got ${JSON.stringify(raw).slice(0, 30)}` });
  switch (field.kind) {
    case 'text':
    case 'id':
      return typeof raw === 'string' || typeof raw === 'number' ? { ok: true, value: String(raw) } : fail('expected text');
    case 'date': {
      const v = parseWireDate(raw);
      return v ? { ok: true, value: v } : fail('expected a date dd/mm/yyyy');
    }
    case 'amount': {
      const v = parseWireAmountCents(raw);
      return v === undefined ? fail('expected an amount in euros') : { ok: true, value: v };
    }
    case 'bool': {
      const v = parseWireBool(raw);
      return v === undefined ? fail('expected a yes/no flag') : { ok: true, value: v };
    }
    case 'datetime':
      return typeof raw === 'string' && !Number.isNaN(Date.parse(raw)) && /T/.test(raw)
        ? { ok: true, value: new Date(raw).toISOString() }
        : fail('expected an ISO 8601 date and time');
    case 'accountType': {
      const v = typeof raw === 'string' ? ACCOUNT_TYPES[raw.trim().toUpperCase()] : undefined;
      return v ? { ok: true, value: v } : fail('expected G, C or F');
    }
  }
}

export type ReadResult<T> = { ok: true; value: T } | { ok: false; issues: string[] };

/** Reads the fields of one wire record by their wire names into an object keyed by our names. */
function readFields<F extends RecordFields>(fields: F, raw: unknown): ReadResult<{ [K in keyof F]: unknown }> {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, issues: ['not an object'] };
  const rec = raw as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const issues: string[] = [];
  for (const [key, field] of Object.entries(fields)) {
    const r = readValue(field, rec[field.name]);
    if (r.ok) out[key] = r.value;
    else issues.push(`${field.name}: ${r.why}`);
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: out as { [K in keyof F]: unknown } };
}

type Reader<T> = (raw: unknown) => ReadResult<T>;
const str = (v: unknown) => (v === undefined ? '' : (v as string));
const opt = (v: unknown) => (v === undefined ? null : (v as string));

const readers = {
  dossiers: (raw) =>
    map(readFields(DOSSIER_FIELDS, raw), (r) => ({
      code: r.code as string,
      name: str(r.name),
      fiscalYearStart: opt(r.fiscalYearStart),
      fiscalYearEnd: opt(r.fiscalYearEnd),
    })),
  periods: (raw) =>
    map(readFields(PERIOD_FIELDS, raw), (r) => ({
      code: opt(r.code),
      start: r.start as string,
      end: r.end as string,
      status: r.closed ? 'closed' : 'open',
    })),
  accounts: (raw) =>
    map(readFields(ACCOUNT_FIELDS, raw), (r) => ({
      kind: r.type as AccountKind,
      number: r.number as string,
      label: str(r.label),
      collective: opt(r.collective),
    })),
  journals: (raw) =>
    map(readFields(JOURNAL_FIELDS, raw), (r) => ({ code: r.code as string, label: str(r.label), open: r.open as boolean })),
  entries: (raw) => map(readFields(ENTRY_FIELDS, raw), entryLine),
} satisfies {
  dossiers: Reader<Dossier>;
  periods: Reader<Period>;
  accounts: Reader<Account>;
  journals: Reader<Journal>;
  entries: Reader<QuadraEntryLine>;
};

/** A FEC line in our terms: a third-party line's account is its auxiliary one; debit minus credit gives sense and amount. */
function entryLine(r: { [K in keyof typeof ENTRY_FIELDS]: unknown }): QuadraEntryLine {
  const net = (r.debit as number) - (r.credit as number);
  return {
    lineId: r.lineId as string,
    journalCode: r.journalCode as string,
    date: r.date as string,
    account: str(r.auxAccount).trim() || (r.account as string),
    label: str(r.label),
    sense: net < 0 ? 'C' : 'D',
    amountCents: Math.abs(net),
    pieceNumber: str(r.pieceRef),
    reference: str(r.reference),
    attachment: str(r.attachment),
    importedAt: r.importedAt as string,
  };
}

function map<A, B>(r: ReadResult<A>, fn: (a: A) => B): ReadResult<B> {
  return r.ok ? { ok: true, value: fn(r.value) } : r;
}

export type RecordType = { dossiers: Dossier; periods: Period; accounts: Account; journals: Journal; entries: QuadraEntryLine };

/** One wire record of a list, read into the app's type. */
export function readRecord<R extends RecordName>(record: R, raw: unknown): ReadResult<RecordType[R]> {
  return (readers[record] as Reader<RecordType[R]>)(raw);
}

// --- rendering (the simulator) ---------------------------------------------------------------------

const N =
  <F extends RecordFields>(fields: F) =>
  (key: keyof F) =>
    fields[key]!.name;
const TYPE_LETTER: Record<AccountKind, string> = { general: 'G', customer: 'C', supplier: 'F' };

export function renderDossier(d: Dossier): Record<string, unknown> {
  const n = N(DOSSIER_FIELDS);
  const date = (v: string | null | undefined) => (v ? formatWireDate(v) : null);
  return {
    [n('code')]: d.code,
    [n('name')]: d.name,
    [n('fiscalYearStart')]: date(d.fiscalYearStart),
    [n('fiscalYearEnd')]: date(d.fiscalYearEnd),
  };
}

export function renderPeriod(p: Period): Record<string, unknown> {
  const n = N(PERIOD_FIELDS);
  return {
    [n('code')]: p.code ?? null,
    [n('start')]: formatWireDate(p.start),
    [n('end')]: formatWireDate(p.end),
    [n('closed')]: p.status === 'closed',
  };
}

export function renderAccount(a: Account): Record<string, unknown> {
  const n = N(ACCOUNT_FIELDS);
  return { [n('number')]: a.number, [n('label')]: a.label, [n('type')]: TYPE_LETTER[a.kind], [n('collective')]: a.collective ?? null };
}

export function renderJournal(j: Journal): Record<string, unknown> {
  const n = N(JOURNAL_FIELDS);
  return { [n('code')]: j.code, [n('label')]: j.label, [n('open')]: j.open };
}

/** What a FEC line says beyond our line: a third party's collective account, the journal's label. */
export interface LineContext {
  collectiveOf(account: string): string | undefined;
  journalLabel(code: string): string | undefined;
}

/** A line as a FEC record: the collective in CompteNum and the third party in CompAuxNum, as the FEC has them. */
export function renderEntryLine(l: QuadraEntryLine, ctx: LineContext): Record<string, unknown> {
  const n = N(ENTRY_FIELDS);
  const collective = ctx.collectiveOf(l.account);
  const date = formatWireDate(l.date);
  return {
    [n('lineId')]: l.lineId,
    [n('journalCode')]: l.journalCode,
    [n('journalLabel')]: ctx.journalLabel(l.journalCode) ?? '',
    [n('entryNumber')]: l.pieceNumber,
    [n('date')]: date,
    [n('account')]: collective ?? l.account,
    [n('auxAccount')]: collective ? l.account : '',
    [n('label')]: l.label,
    [n('debit')]: formatWireAmount(l.sense === 'D' ? l.amountCents : 0),
    [n('credit')]: formatWireAmount(l.sense === 'C' ? l.amountCents : 0),
    [n('pieceRef')]: l.pieceNumber,
    [n('pieceDate')]: date,
    [n('validDate')]: date,
    [n('reference')]: l.reference,
    [n('attachment')]: l.attachment,
    [n('importedAt')]: l.importedAt,
  };
}
