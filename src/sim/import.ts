// The import Quadra runs when a dossier is opened: each deposit's ASCII file parsed, every line
// checked against the dossier's journals and periods, an entry's lines kept or refused together.
import { parseAscii, unpackDeposit } from '../quadra/ascii/index.ts';
import type { DepositReport, RejectReason, RejectedLine, SimDossier } from './state-types.ts';

/** What the import needs of the simulator's state. */
export interface ImportContext {
  now(): Date;
  readonly importDelayMs: number;
  readonly importDelayMinutes: number;
  nextLineId(): string;
}

export function importDeposit(
  ctx: ImportContext,
  d: SimDossier,
  blobName: string,
  zip: Uint8Array,
  createdAccounts: string[],
): { report: DepositReport; rejected: RejectedLine[] } {
  const at = ctx.now().toISOString();
  const rejected: RejectedLine[] = [];
  const report: DepositReport = { blobName, imported: 0, rejected: 0, documents: [] };
  const reject = (r: Omit<RejectedLine, 'blobName' | 'at'>) => {
    const line = { blobName, at, ...r };
    rejected.push(line);
    d.rejected.push(line);
  };

  let parsed: ReturnType<typeof parseAscii>;
  try {
    const dep = unpackDeposit(zip);
    for (const doc of dep.documents) {
      d.documents.set(doc.name, doc.bytes.length);
      report.documents.push(doc.name);
    }
    parsed = parseAscii(dep.ascii, { onError: 'collect' });
  } catch (e) {
    reject({
      lineNumber: 0,
      account: '',
      journalCode: '',
      date: '',
      reference: '',
      reasonCode: 'BadDeposit',
      reason: `unreadable deposit: ${e instanceof Error ? e.message : String(e)}`,
    });
    report.rejected = 1;
    return { report, rejected };
  }

  for (const err of parsed.errors) {
    reject({
      lineNumber: err.lineNumber,
      account: '',
      journalCode: '',
      date: '',
      reference: '',
      reasonCode: 'ParseError',
      reason: `${err.field} at position ${err.position}: ${err.message}`,
    });
  }

  importAccountRecords(d, parsed.others, createdAccounts);

  // A '-' amount is the opposite sense: normalise so balances and the CPA view stay positive.
  const lines = parsed.lines.map((l) =>
    l.amountCents < 0 ? { ...l, amountCents: -l.amountCents, sense: l.sense === 'D' ? ('C' as const) : ('D' as const) } : l,
  );
  // An entry is the lines sharing journal + date + reference (piece number when no reference).
  const entries = new Map<string, typeof lines>();
  for (const l of lines) {
    const journal = l.journalCode3.trim() || l.journalCode.trim();
    const key = `${journal}|${l.date}|${l.reference.trim() || l.pieceNumber8.trim()}`;
    const list = entries.get(key) ?? [];
    list.push(l);
    entries.set(key, list);
  }

  for (const lines of entries.values()) {
    const problems = new Map<number, { code: RejectReason; reason: string }>();
    for (const l of lines) {
      const p = checkLine(d, l);
      if (p) problems.set(l.lineNumber, p);
    }
    const debit = lines.filter((l) => l.sense === 'D').reduce((s, l) => s + l.amountCents, 0);
    const credit = lines.filter((l) => l.sense === 'C').reduce((s, l) => s + l.amountCents, 0);
    const unbalanced = debit !== credit ? `entry is unbalanced: debit ${debit} != credit ${credit} cents` : null;

    if (problems.size > 0 || unbalanced) {
      // All or nothing: Quadra does not post half an entry.
      const first = [...problems.values()][0];
      for (const l of lines) {
        const own = problems.get(l.lineNumber);
        const why =
          own ??
          (unbalanced
            ? { code: 'Unbalanced' as const, reason: unbalanced }
            : { code: 'EntryRejected' as const, reason: `another line of the same entry was rejected (${first?.reason ?? ''})` });
        reject({
          lineNumber: l.lineNumber,
          account: l.account.trim(),
          journalCode: l.journalCode3.trim() || l.journalCode.trim(),
          date: l.date,
          reference: l.reference.trim(),
          sense: l.sense,
          amountCents: l.amountCents,
          reasonCode: why.code,
          reason: why.reason,
        });
      }
      continue;
    }

    const visibleFrom = Date.now() + ctx.importDelayMs;
    const visibleAt = ctx.now().getTime() + ctx.importDelayMinutes * 60_000;
    const ref = lines[0]!.reference.trim() || lines[0]!.pieceNumber8.trim();
    d.importCounts.set(ref, (d.importCounts.get(ref) ?? 0) + 1);
    for (const l of lines) {
      const account = l.account.trim();
      if (!d.accounts.has(account)) {
        // No C record named it: Quadra creates the account bare.
        d.accounts.set(account, { kind: 'general', number: account, label: '', collective: null });
        createdAccounts.push(account);
      }
      d.lines.push({
        lineId: ctx.nextLineId(),
        journalCode: l.journalCode3.trim() || l.journalCode.trim(),
        date: l.date,
        account,
        label: l.label30.trim() || l.label20.trim(),
        sense: l.sense,
        amountCents: l.amountCents,
        pieceNumber: l.pieceNumber8.trim(),
        reference: l.reference.trim(),
        attachment: l.attachment.trim(),
        importedAt: at,
        visibleFrom,
        visibleAt,
        blobName,
      });
      report.imported += 1;
    }
  }
  report.rejected = rejected.length;
  return { report, rejected };
}

const KIND_OF_TYPE = { C: 'customer', F: 'supplier', G: 'general' } as const;

/**
 * The file's `C` records, read before its M lines: an account the dossier lacks is created with
 * its label, type and collective. On an account it has, update flag '2' (partial update) replaces
 * the label and the collective, as the public writers describe it; any other flag leaves it be.
 * (Whether Cegid's file exchange imports `C` records at all is not publicly confirmed: modeled.)
 */
function importAccountRecords(d: SimDossier, others: ReturnType<typeof parseAscii>['others'], createdAccounts: string[]): void {
  for (const o of others) {
    const c = o.account;
    if (!c || c.account === '') continue;
    const kind = KIND_OF_TYPE[c.accountType as keyof typeof KIND_OF_TYPE] ?? 'general';
    const collective = kind === 'general' || c.collective === '' ? null : c.collective;
    const existing = d.accounts.get(c.account);
    if (!existing) {
      d.accounts.set(c.account, { kind, number: c.account, label: c.label, collective });
      createdAccounts.push(c.account);
    } else if (c.updateFlag === '2') {
      d.accounts.set(c.account, { ...existing, label: c.label, collective: collective ?? existing.collective });
    }
  }
}

function checkLine(
  d: SimDossier,
  l: { journalCode: string; journalCode3: string; date: string },
): { code: RejectReason; reason: string } | null {
  const code = l.journalCode3.trim() || l.journalCode.trim();
  const j = d.journals.get(code);
  if (!j) return { code: 'JournalUnknown', reason: `journal ${code} does not exist in the dossier` };
  if (!j.open) return { code: 'JournalClosed', reason: `journal ${code} is closed` };
  const p = d.periods.find((x) => x.start <= l.date && l.date <= x.end);
  if (p?.status !== 'open') {
    return {
      code: 'NoOpenPeriod',
      reason: p ? `period ${p.code ?? p.start} containing ${l.date} is closed` : `no accounting period contains ${l.date}`,
    };
  }
  return null;
}
