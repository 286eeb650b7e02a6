// The service's stdout logger writes in batches (LOG_FLUSH_MS): each line still arrives within the
// window while the process runs, and whatever is pending is written when the process exits.
// Real child processes, reading their real stdout.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function run(script: string) {
  // Node itself with tsx's loader (not the tsx command, which runs Node as a child of its own):
  // killing it kills the process that writes, and nothing is left holding the pipe.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', `import { createLogger } from './src/lib/logger.ts';\n${script}`],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines: Array<{ at: number; line: Record<string, unknown> }> = [];
  let rest = '';
  child.stdout.on('data', (d: Buffer) => {
    const parts = (rest + d.toString()).split('\n');
    rest = parts.pop()!;
    for (const p of parts) if (p.startsWith('{')) lines.push({ at: Date.now(), line: JSON.parse(p) });
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', ok));
  return { child, lines, exited };
}

describe('the batched stdout logger', () => {
  it('writes a line within the window while the process keeps running, and censors secrets', async () => {
    const p = run(`const log = createLogger('info', undefined, { batchMs: 200 });
      log.info({ token: 'abc', n: 1 }, 'first');
      process.stdin.resume(); setTimeout(() => {}, 60_000);`);
    const t0 = Date.now();
    while (p.lines.length === 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 20));
    p.child.kill('SIGKILL');
    await p.exited;
    expect(p.lines.map((l) => l.line)).toEqual([expect.objectContaining({ msg: 'first', n: 1, token: '[redacted]' })]);
  });

  it('a process that exits writes what it had not yet written', async () => {
    const p = run(`const log = createLogger('info', undefined, { batchMs: 60_000 });
      for (let i = 0; i < 3; i++) log.info({ i }, 'pending');
      process.exit(0);`);
    expect(await p.exited).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(p.lines.map((l) => l.line.i)).toEqual([0, 1, 2]);
  });

  it('holds lines back inside the window (one write for many lines)', async () => {
    const p = run(`const log = createLogger('info', undefined, { batchMs: 1_500 });
      log.info('a'); setTimeout(() => log.info('b'), 300);
      setTimeout(() => {}, 60_000);`);
    const t0 = Date.now();
    while (p.lines.length < 2 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    p.child.kill('SIGKILL');
    await p.exited;
    expect(p.lines.map((l) => l.line.msg)).toEqual(['a', 'b']);
    // Both arrived in the same write, not 'a' at once and 'b' 300 ms later.
    expect(Math.abs(p.lines[1]!.at - p.lines[0]!.at)).toBeLessThan(100);
  });
});
