// The benches' record (scripts/bench-record.ts): each run is written to bench/results, the next
// run prints each measure beside the previous run of the same size with the ratio, flags what is
// more than 1.3× worse whichever way the measure improves, and only a full-size run fails on it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BenchFile, compare, KEEP, mb, rate, recordBench, seconds } from '../../scripts/bench-record.ts';

let dir: string;
let printed: string[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qs-bench-record-'));
  printed = [];
  process.exitCode = undefined;
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  process.exitCode = undefined;
});

const run = (measures: Parameters<typeof recordBench>[0]['measures'], env: NodeJS.ProcessEnv = {}, at = '2026-12-07T10:00:00Z') =>
  recordBench({
    bench: 'bench',
    engine: 'pglite',
    measures,
    env: { BENCH_RESULTS_DIR: dir, ...env },
    now: new Date(at),
    print: (t) => printed.push(t),
  });
const file = (): BenchFile => JSON.parse(readFileSync(join(dir, 'bench-pglite.json'), 'utf8'));

describe('recordBench', () => {
  it('writes the first run with the machine and says there is nothing to compare with', () => {
    expect(run({ cycle: seconds(14.2) })).toEqual([]);
    const f = file();
    expect(f).toMatchObject({ bench: 'bench', engine: 'pglite' });
    expect(f.runs).toHaveLength(1);
    expect(f.runs[0]).toMatchObject({ size: 'full', at: '2026-12-07T10:00:00.000Z', measures: { cycle: { value: 14.2, unit: 's' } } });
    expect(f.runs[0]!.machine.cores).toBeGreaterThan(0);
    expect(f.runs[0]!.machine.loadavg).toHaveLength(3);
    expect(printed.join('')).toContain('No previous full run recorded');
    expect(process.exitCode).toBeUndefined();
    run({ cycle: seconds(14) }, { BENCH_COMMIT: '5ac265d (an older tree)' });
    expect(file().runs[1]!.commit).toBe('5ac265d (an older tree)');
  });

  it('prints the previous figure and the ratio, and fails a full run on a measure more than 1.3× worse', () => {
    run({ cycle: seconds(10), rss: mb(700), push: rate(20_000, 'lines/s') });
    printed = [];
    const flagged = run({ cycle: seconds(14), rss: mb(710), push: rate(21_000, 'lines/s') }, {}, '2026-12-07T11:00:00Z');
    expect(flagged.map((f) => f.name)).toEqual(['cycle']);
    const text = printed.join('');
    expect(text).toContain('previous full run: 2026-12-07T10:00Z');
    expect(text).toMatch(/\| cycle \| 14 s \| 10 s \| 1\.40× \| WORSE \(1\.40×\) \|/);
    expect(text).toMatch(/\| rss \| 710 MB \| 700 MB \| 1\.01× \| ok \|/);
    expect(text).toMatch(/\| push \| 21,000 lines\/s \| 20,000 lines\/s \| 1\.05× \| ok \|/);
    expect(process.exitCode).toBe(1);
    expect(file().runs).toHaveLength(2);
  });

  it('a figure that could not be measured (NaN, written as null) is shown as a dash, this run or the previous, and compares with nothing', () => {
    run({ p99: seconds(Number.NaN), cycle: seconds(10) });
    expect(file().runs[0]!.measures.p99!.value).toBeNull();
    printed = [];
    expect(run({ p99: seconds(0.2), cycle: seconds(Number.NaN) }, {}, '2026-12-07T11:00:00Z')).toEqual([]);
    const text = printed.join('');
    expect(text).toMatch(/\| p99 \| 0\.20 s \| — s \| {2}\| {2}\|/);
    expect(text).toMatch(/\| cycle \| — s \| 10 s \| {2}\| {2}\|/);
  });

  it('reads a rate that fell as worse, and a time that fell as better', () => {
    run({ push: rate(20_000, 'lines/s'), cycle: seconds(20) });
    const flagged = run({ push: rate(14_000, 'lines/s'), cycle: seconds(10) });
    expect(flagged.map((f) => [f.name, Number(f.worseBy!.toFixed(2))])).toEqual([['push', 1.43]]);
  });

  it('does not flag 1.3× exactly, nor a measure the previous run lacked', () => {
    run({ cycle: seconds(10) });
    expect(run({ cycle: seconds(13), added: seconds(99) })).toEqual([]);
    expect(printed.at(-1)).toContain('| added | 99 s | — |  |  |');
    expect(process.exitCode).toBeUndefined();
  });

  it('compares a small run with small runs only, and never fails one', () => {
    run({ cycle: seconds(10) });
    run({ cycle: seconds(1) }, { BENCH_SMALL: '1' });
    expect(printed.at(-1)).toContain('No previous small run recorded');
    printed = [];
    const flagged = run({ cycle: seconds(5) }, { BENCH_SMALL: '1' });
    expect(flagged.map((f) => f.name)).toEqual(['cycle']);
    expect(printed.join('')).toMatch(/previous small run[\s\S]*\| cycle \| 5 s \| 1 s \| 5\.00× \| WORSE/);
    expect(process.exitCode).toBeUndefined();
    // The full run after it compares with the full run, not with the small ones.
    printed = [];
    expect(run({ cycle: seconds(11) })).toEqual([]);
    expect(printed.join('')).toMatch(/\| cycle \| 11 s \| 10 s \| 1\.10× \| ok \|/);
  });

  it('compares without writing under BENCH_RECORD=0, and keeps the last runs only', () => {
    run({ cycle: seconds(10) });
    run({ cycle: seconds(30) }, { BENCH_RECORD: '0' });
    expect(file().runs.map((r) => r.measures.cycle!.value)).toEqual([10]);
    for (let i = 0; i < KEEP + 5; i++) run({ cycle: seconds(10 + i / 100) });
    expect(file().runs).toHaveLength(KEEP);
    expect(file().runs.at(-1)!.measures.cycle!.value).toBeCloseTo(10 + (KEEP + 4) / 100);
  });
});

describe('compare', () => {
  it('gives no ratio against a previous zero or a changed direction', () => {
    const machine = { cores: 2, cpu: 'x', loadavg: [0, 0, 0] as [number, number, number], node: 'v24' };
    const base = { at: '', commit: '', size: 'full', machine };
    const rows = compare(
      { ...base, measures: { a: seconds(1), b: seconds(1) } },
      { ...base, measures: { a: seconds(0), b: rate(1, 's') } },
    );
    expect(rows.map((r) => [r.ratio, r.flagged])).toEqual([
      [undefined, false],
      [undefined, false],
    ]);
  });
});
