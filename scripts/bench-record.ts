// What every bench does with its figures once printed: append them to bench/results/<bench>-<engine>.json
// (with the machine's load, cores and the commit, so a figure in docs/benchmarks.md can be traced to
// a recorded run), and print each measure beside the same measure of the previous run of the same
// size, flagging what is more than 1.3× worse. A run is only ever compared with a run of its own
// size: BENCH_SMALL=1 runs (CI's) with small runs, full runs with full runs. A full run that
// regressed exits non-zero; a small run never does (its sizes are too small, and CI's machine too
// noisy, for a ratio to mean anything), it only prints.
//   BENCH_RECORD=0: compare, but do not write (an exploratory run)
//   BENCH_RESULTS_DIR: where the files live (default bench/results at the repository's root)
//   BENCH_COMMIT: the commit to record (default: this checkout's HEAD, '+changes' if modified)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';

/** One figure. `better` says which way is an improvement: a rate is better higher, a time lower. */
export interface Measure {
  value: number;
  unit: string;
  better: 'higher' | 'lower';
}

export interface BenchRun {
  /** ISO date and time of the run's end. */
  at: string;
  commit: string;
  /** 'small' (BENCH_SMALL=1), 'full', or a size of the bench's own ('200000 lines'): runs compare within one size. */
  size: string;
  machine: { cores: number; cpu: string; loadavg: [number, number, number]; node: string };
  measures: Record<string, Measure>;
}

export interface BenchFile {
  bench: string;
  engine: string;
  /** Oldest first; the last KEEP runs. */
  runs: BenchRun[];
}

/** Past this factor a measure is flagged. */
export const WORSE = 1.3;
/** Runs kept per file: enough to trace the figures of a docs update, small enough to review. */
export const KEEP = 30;

export interface Comparison {
  name: string;
  now: Measure;
  previous?: Measure;
  /** now ÷ previous; undefined without a previous figure (or a previous 0). */
  ratio?: number;
  /** How many times worse than before (> 1 is worse, whatever the direction of the measure). */
  worseBy?: number;
  flagged: boolean;
}

/** Each measure of `run` beside the same measure of `previous` (which may lack it, or be absent). */
export function compare(run: BenchRun, previous: BenchRun | undefined): Comparison[] {
  return Object.entries(run.measures).map(([name, now]) => {
    const before = previous?.measures[name];
    if (!before || before.value === 0 || !Number.isFinite(before.value) || !Number.isFinite(now.value) || before.better !== now.better)
      return { name, now, previous: before, flagged: false };
    const ratio = now.value / before.value;
    const worseBy = now.better === 'lower' ? ratio : now.value === 0 ? Number.POSITIVE_INFINITY : before.value / now.value;
    return { name, now, previous: before, ratio, worseBy, flagged: worseBy > WORSE };
  });
}

/** The latest run of the same size, if any. */
export function previousOf(file: BenchFile | undefined, size: string): BenchRun | undefined {
  return file?.runs.filter((r) => r.size === size).at(-1);
}

const figure = (m: Measure) => {
  // A figure that could not be measured is written as null in the JSON record (NaN, Infinity).
  if (typeof m.value !== 'number' || !Number.isFinite(m.value)) return `— ${m.unit}`.trim();
  const digits = Math.abs(m.value) >= 100 || Number.isInteger(m.value) ? 0 : Math.abs(m.value) >= 10 ? 1 : 2;
  return `${m.value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${m.unit}`.trim();
};

/** The comparison as a Markdown table, after a line naming the previous run (or saying there is none). */
export function formatComparison(run: BenchRun, previous: BenchRun | undefined, rows: Comparison[]): string {
  const load = (r: BenchRun) => `load ${r.machine.loadavg[0].toFixed(1)} on ${r.machine.cores} cores`;
  const head = previous
    ? `Compared with the previous ${run.size} run: ${previous.at.slice(0, 16)}Z, commit ${previous.commit}, ${load(previous)} (this run: ${load(run)}); flagged when more than ${WORSE}× worse`
    : `No previous ${run.size} run recorded: nothing to compare with (this run: ${load(run)})`;
  const lines = [head, '', '| measure | this run | previous | ratio | |', '|---|---|---|---|---|'];
  for (const c of rows) {
    const ratio = c.ratio === undefined ? '' : `${c.ratio.toFixed(2)}×`;
    const flag = c.flagged ? `WORSE (${c.worseBy!.toFixed(2)}×)` : c.worseBy === undefined ? '' : 'ok';
    lines.push(`| ${c.name} | ${figure(c.now)} | ${c.previous ? figure(c.previous) : '—'} | ${ratio} | ${flag} |`);
  }
  return lines.join('\n');
}

export function readBenchFile(path: string): BenchFile | undefined {
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, 'utf8')) as BenchFile;
}

const root = resolve(import.meta.dirname, '..');
const commitOf = (env: NodeJS.ProcessEnv) => {
  // BENCH_COMMIT: the code measured when it is not this checkout's (an older commit's tree, CI).
  if (env.BENCH_COMMIT) return env.BENCH_COMMIT;
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    // The records themselves change with every run: they do not make the code measured another.
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!bench/results'], {
      cwd: root,
      encoding: 'utf8',
    }).trim();
    return `${sha.trim()}${dirty ? '+changes' : ''}`;
  } catch {
    return 'unknown';
  }
};

export interface RecordOptions {
  bench: string;
  engine: string;
  measures: Record<string, Measure>;
  /** Defaults to 'small' under BENCH_SMALL=1, else 'full'. */
  size?: string;
  env?: NodeJS.ProcessEnv;
  now?: Date;
  print?: (text: string) => void;
}

/**
 * Records a run and prints its comparison with the previous one of the same size. Returns the
 * flagged measures; on a full-size run with any, sets a non-zero exit code (the figures are written
 * first, so the run stays on record).
 */
export function recordBench(o: RecordOptions): Comparison[] {
  const env = o.env ?? process.env;
  const small = env.BENCH_SMALL === '1';
  const size = o.size ?? (small ? 'small' : 'full');
  const dir = resolve(env.BENCH_RESULTS_DIR ?? join(root, 'bench/results'));
  const path = join(dir, `${o.bench}-${o.engine}.json`);
  const file = readBenchFile(path) ?? { bench: o.bench, engine: o.engine, runs: [] };
  const la = loadavg();
  const run: BenchRun = {
    at: (o.now ?? new Date()).toISOString(),
    commit: commitOf(env),
    size,
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      loadavg: [la[0]!, la[1]!, la[2]!].map((x) => Math.round(x * 100) / 100) as [number, number, number],
      node: process.version,
    },
    measures: o.measures,
  };
  const previous = previousOf(file, size);
  const rows = compare(run, previous);
  (o.print ?? console.log)(`\n${formatComparison(run, previous, rows)}\n`);
  if (env.BENCH_RECORD !== '0') {
    file.runs = [...file.runs, run].slice(-KEEP);
    mkdirSync(dir, { recursive: true });
    // Written aside then renamed: an interrupted write never leaves a half file to parse next time.
    writeFileSync(`${path}.tmp`, `${JSON.stringify(file, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
  const flagged = rows.filter((r) => r.flagged);
  if (flagged.length && size !== 'small') {
    console.error(
      `${o.bench} (${o.engine}): ${flagged.map((f) => f.name).join(', ')} more than ${WORSE}× worse than the previous ${size} run`,
    );
    process.exitCode = 1;
  }
  return flagged;
}

/** Shorthands for the measures the benches print. */
export const seconds = (value: number): Measure => ({ value, unit: 's', better: 'lower' });
export const ms = (value: number): Measure => ({ value, unit: 'ms', better: 'lower' });
export const mb = (value: number): Measure => ({ value, unit: 'MB', better: 'lower' });
export const rate = (value: number, unit: string): Measure => ({ value, unit, better: 'higher' });
export const ratioOf = (value: number, better: Measure['better']): Measure => ({ value, unit: '×', better });
