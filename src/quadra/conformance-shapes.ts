/**
 * The conformance check's reading of one list's answer (./conformance.ts): the envelope's names,
 * then each record's field names and value formats against the wire module's model, and whether
 * the records read into the app's types.
 */
import type { Findings } from './conformance-report.ts';
import { RECORDS, readRecord, type RecordName, type WireField } from './wire-records.ts';
import { ENVELOPE, parseWireInt, wireAmountFormat, wireDateFormat } from './wire.ts';

/** One HTTP answer: status 0 when none came (error says why). */
export interface Answer {
  status: number;
  body: unknown;
  error?: string;
}

/** Checks the envelope's three names; returns the records wherever they are. */
export function envelopeStep(f: Findings, step: string, a: Answer): unknown[] {
  if (a.error) {
    f.add({ step, detail: 'answer', source: 'published', expected: 'JSON', seen: a.error, outcome: 'differs' });
    return [];
  }
  if (Array.isArray(a.body)) {
    f.add({
      step,
      detail: 'envelope',
      source: 'published',
      expected: `{ ${Object.values(ENVELOPE).join(', ')} }`,
      seen: 'a bare list',
      outcome: 'differs',
    });
    return a.body;
  }
  const b = (a.body && typeof a.body === 'object' ? a.body : {}) as Record<string, unknown>;
  const kind = (v: unknown) =>
    v === undefined ? 'missing' : Array.isArray(v) ? 'a list' : parseWireInt(v) !== undefined ? 'a count' : typeof v;
  f.compare(step, `envelope ${ENVELOPE.count}`, 'published', 'a count', kind(b[ENVELOPE.count]));
  f.compare(step, `envelope ${ENVELOPE.pages}`, 'published', 'a count', kind(b[ENVELOPE.pages]));
  if (f.compare(step, `envelope ${ENVELOPE.data}`, 'published', 'a list', kind(b[ENVELOPE.data]))) return b[ENVELOPE.data] as unknown[];
  const keys = Object.keys(b);
  const list = keys.find((k) => Array.isArray(b[k]));
  f.add({ step, detail: 'the answer holds', source: 'observed', expected: '', seen: keys.join(', ') || '(nothing)', outcome: 'info' });
  return list ? (b[list] as unknown[]) : [];
}

const EXPECTED_FORMAT: Record<WireField['kind'], string> = {
  text: 'present',
  id: 'present',
  date: 'dd/mm/yyyy',
  amount: 'number',
  bool: 'boolean',
  datetime: 'ISO 8601',
  accountType: 'G, C or F',
};

function formatSeen(field: WireField, values: unknown[]): string {
  if (values.length === 0) return field.optional ? 'present' : 'always empty';
  const one = (v: unknown): string => {
    switch (field.kind) {
      case 'date':
        return wireDateFormat(v);
      case 'amount':
        return wireAmountFormat(v);
      case 'bool':
        return typeof v;
      case 'datetime':
        return typeof v === 'string' && /T/.test(v) && !Number.isNaN(Date.parse(v)) ? 'ISO 8601' : 'other';
      case 'accountType':
        return typeof v === 'string' && /^[GCF]$/i.test(v.trim()) ? 'G, C or F' : 'other';
      default:
        return 'present';
    }
  };
  return [...new Set(values.map(one))].join(' / ');
}

/** Field names and formats of the records against the model, and whether each record reads. */
export function fieldsStep(f: Findings, step: string, name: RecordName, records: unknown[]): void {
  const sample = records.slice(0, 50).filter((r): r is Record<string, unknown> => !!r && typeof r === 'object' && !Array.isArray(r));
  if (sample.length === 0) {
    f.add({ step, detail: 'records', source: 'observed', expected: 'at least one to compare', seen: 'none', outcome: 'info' });
    return;
  }
  const fields = Object.values(RECORDS[name]) as WireField[];
  const sent = new Set(sample.flatMap((r) => Object.keys(r)));
  for (const field of fields) {
    const detail = `field ${field.name}`;
    if (!sent.has(field.name)) {
      f.add({
        step,
        detail,
        source: field.provenance,
        expected: EXPECTED_FORMAT[field.kind],
        seen: 'missing',
        outcome: field.optional ? 'info' : 'differs',
      });
      continue;
    }
    const values = sample.map((r) => r[field.name]).filter((v) => v !== undefined && v !== null && v !== '');
    if (field.kind === 'amount') {
      // The names Debit and Credit are published; how the amount is spelled is our model.
      f.compare(step, detail, field.provenance, 'present', 'present');
      f.compare(step, `${detail} format`, 'modeled', EXPECTED_FORMAT.amount, formatSeen(field, values));
    } else f.compare(step, detail, field.provenance, EXPECTED_FORMAT[field.kind], formatSeen(field, values));
  }
  const known = new Set(fields.map((x) => x.name));
  const extra = [...sent].filter((k) => !known.has(k));
  if (extra.length) f.add({ step, detail: 'other fields sent', source: 'observed', expected: '', seen: extra.join(', '), outcome: 'info' });
  const read = sample.map((r) => readRecord(name, r));
  const bad = read.find((r) => !r.ok);
  f.add({
    step,
    detail: "records read into Quadra Sync's types",
    source: 'observed',
    expected: `${sample.length} of ${sample.length}`,
    seen: `${read.filter((r) => r.ok).length} of ${sample.length}${bad && !bad.ok ? ` (${bad.issues.slice(0, 2).join('; ')})` : ''}`,
    outcome: bad ? 'differs' : 'held',
  });
}
