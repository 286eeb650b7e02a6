/**
 * What `npm run cegid:check` found, detail by detail, and the report a firm can send us: for each
 * published or modeled detail of the wire (src/quadra/wire.ts), what we expect, what Cegid answered,
 * and whether it held. It carries no secret and no accounting value: names, statuses and formats.
 */
import type { Provenance } from './wire.ts';

/** held: as expected; differs: the wire is not as modeled (or published); failed: the step could not be judged. */
export type Outcome = 'held' | 'differs' | 'failed' | 'info';

export interface Finding {
  step: string;
  detail: string;
  source: Provenance | 'observed';
  expected: string;
  seen: string;
  outcome: Outcome;
}

export interface ConformanceTarget {
  cpaBaseUrl: string;
  cfeBaseUrl: string;
  sicCode: string;
  /** The keys' last four characters only. */
  cpaKey: string;
  cfeKey: string;
  vendorName: string;
  application: string;
}

export interface ConformanceReport {
  tool: string;
  at: string;
  target: ConformanceTarget;
  summary: Record<Outcome, number>;
  findings: Finding[];
}

export class Findings {
  readonly list: Finding[] = [];

  add(f: Finding): Finding {
    this.list.push(f);
    return f;
  }

  /** `held` when seen equals expected, otherwise `differs`. */
  compare(step: string, detail: string, source: Provenance, expected: string, seen: string): boolean {
    this.add({ step, detail, source, expected, seen, outcome: expected === seen ? 'held' : 'differs' });
    return expected === seen;
  }

  report(tool: string, at: Date, target: ConformanceTarget): ConformanceReport {
    const summary: Record<Outcome, number> = { held: 0, differs: 0, failed: 0, info: 0 };
    for (const f of this.list) summary[f.outcome]++;
    return { tool, at: at.toISOString(), target, summary, findings: this.list };
  }
}

const MARK: Record<Outcome, string> = { held: 'held', differs: '**differs**', failed: '**failed**', info: 'note' };
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The report as markdown: the differences first, then every detail checked. */
export function reportMarkdown(r: ConformanceReport): string {
  const t = r.target;
  const lines = [
    `# Cegid conformance check — ${r.tool}`,
    '',
    `Run at ${r.at}. Read only: a token, the health check, the dossiers and one page of each list; nothing was deposited.`,
    '',
    `- CPA base URL: ${t.cpaBaseUrl}`,
    `- CFE base URL: ${t.cfeBaseUrl}`,
    `- SIC code: ${t.sicCode}; CPA key ${t.cpaKey}; CFE key ${t.cfeKey} (secrets not shown)`,
    `- Application: ${t.application}, vendor ${t.vendorName}`,
    '',
    `**${r.summary.held} held, ${r.summary.differs} differ, ${r.summary.failed} failed** (${r.summary.info} notes).`,
    '',
  ];
  const off = r.findings.filter((f) => f.outcome === 'differs' || f.outcome === 'failed');
  if (off.length) {
    lines.push('## What differed', '');
    for (const f of off) lines.push(`- ${f.step} — ${f.detail} (${f.source}): expected ${f.expected}, seen ${f.seen}`);
    lines.push('');
  }
  lines.push('## Every detail checked', '', '| Step | Detail | Source | Expected | Seen | Result |', '|---|---|---|---|---|---|');
  for (const f of r.findings) {
    lines.push(`| ${[f.step, f.detail, f.source, f.expected, f.seen].map(cell).join(' | ')} | ${MARK[f.outcome]} |`);
  }
  return `${lines.join('\n')}\n`;
}
