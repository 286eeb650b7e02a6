// The soak's printed verdict: the headline figures first (entries / posted / lost / imported
// twice / failed_check), then what was injected, then the story of each entry that went wrong.
import type { Tally } from './report.ts';

const mmss = (ms?: number) =>
  ms === undefined ? 'not reached' : `${Math.floor(ms / 60_000)} min ${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')} s`;

export function printFigures(
  r: {
    runId: string;
    seed: number;
    machine: { nproc: number; memGiB: number; load: string; node: string };
    commit: string;
    entriesPlanned: number;
    pushed: number;
    refused: string[];
    allPostedAtMs?: number;
    allSettledAtMs?: number;
    endFigures: Tally;
    afterOpen: Tally;
    chaos: Array<{ atMs: number; what: string }>;
    opens: number;
    faults: Record<'cegid' | 'blob', Record<string, number>>;
    service: { starts: number; crashes: number };
  },
  stories: string[],
  dir: string,
): void {
  const a = r.afterOpen;
  const faultLine = (name: string, f: Record<string, number>) => {
    const total = Object.values(f).reduce((x, y) => x + y, 0);
    const faulted = total - (f.none ?? 0) - (f.upstreamError ?? 0);
    const kinds = Object.entries(f)
      .filter(([k, n]) => k !== 'none' && n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return `  ${name.padEnd(6)} ${total} requests, ${faulted} faulted (${total ? Math.round((100 * faulted) / total) : 0} %): ${kinds}`;
  };
  console.log(`
══ soak ${r.runId} (seed ${r.seed}) ══════════════════════════════════════════
machine   ${r.machine.nproc} cpu, ${r.machine.memGiB} GiB, load at start ${r.machine.load}, node ${r.machine.node}
commit    ${r.commit}

entries / posted / lost / imported twice / failed_check
  ${a.entries} / ${a.posted} / ${a.lost} / ${a.twice} / ${a.failedCheck}      (target ${r.entriesPlanned} / ${r.entriesPlanned} / 0 / 0 / 0)

  pushed through the API     ${r.pushed} of ${r.entriesPlanned}${r.refused.length ? `, ${r.refused.length} refused` : ''}
  by status                  ${JSON.stringify(a.byStatus)}
  unfinished (pending/sent)  ${a.unfinished}
  not in Quadra at all       ${a.notInQuadra}
  imported twice             ${r.endFigures.twice} when the run ended, ${a.twice} after every dossier was opened once more (${r.endFigures.blobsLeft} deposit(s) were still in the container)
  twice, simulator's count   ${a.simTwice ?? 'not kept by this simulator'}
  flagged duplicateInQuadra  ${a.flaggedDuplicate}
  attempts recorded          ${a.attempts}  ${JSON.stringify(a.attemptKinds)}
  deposits                   ${JSON.stringify(a.depositStatus)}
  time to all posted         ${mmss(r.allPostedAtMs)}${r.allSettledAtMs !== r.allPostedAtMs ? ` (all posted or failed_check: ${mmss(r.allSettledAtMs)})` : ''}

faults injected by the proxy
${faultLine('cegid', r.faults.cegid)}
${faultLine('blob', r.faults.blob)}
crashes   ${r.chaos.filter((e) => e.what.startsWith('SIGKILL')).length} SIGKILLs of the service, ${r.chaos.filter((e) => e.what.startsWith('database stopped')).length} database restart(s); ${r.service.crashes} unexpected service exit(s); ${r.opens} dossier openings
${r.chaos.map((e) => `  ${(e.atMs / 1000).toFixed(0).padStart(5)} s  ${e.what}`).join('\n')}
`);
  if (stories.length) console.log(`entries that went wrong (times from the first push):\n${stories.join('\n')}\n`);
  for (const [label, ids] of [
    ['lost', a.lostIds],
    ['imported twice', a.twiceIds],
    ['failed_check', a.failedIds],
  ] as const) {
    if (ids.length) console.log(`${label}: ${ids.join(' ')}`);
  }
  console.log(`full result: ${dir}/result.json; service and simulator logs beside it`);
}
