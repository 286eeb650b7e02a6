// A busy port stops `npm start` and `npm run sim` at once with one line naming the port and the
// setting to change, before anything starts (no stack trace, no half-started service).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyPortLine, portFree } from '../../src/lib/ports.ts';

const root = resolve(import.meta.dirname, '../..');

function run(script: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'qs-ports-'));
  const child = spawn(resolve(root, 'node_modules/.bin/tsx'), [script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += String(c)));
  child.stderr.on('data', (c: Buffer) => (stderr += String(c)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((done) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      done({ code, stdout, stderr });
    }),
  );
}

describe('a busy port', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((ok) => holder.listen(0, '127.0.0.1', ok));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((ok) => holder.close(() => ok())));

  it('is seen as busy, and a free one as free', async () => {
    expect(await portFree(port, '127.0.0.1')).toBe(false);
    expect(await portFree(0, '127.0.0.1')).toBe(true);
  });

  it.each([
    ['SIM_PORT', { PORT: '0', CONSOLE_PORT: '0' }],
    ['PORT', { SIM_PORT: '0', CONSOLE_PORT: '0' }],
    ['CONSOLE_PORT', { PORT: '0', SIM_PORT: '0' }],
  ] as const)(
    'held as %s stops npm start with one line naming it',
    async (variable, others) => {
      const r = await run('src/main.ts', { ...others, [variable]: String(port) });
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe(busyPortLine(port, variable));
      expect(r.stdout).toBe('');
    },
    90_000,
  );

  it('held as SIM_PORT stops npm run sim with one line naming it', async () => {
    const r = await run('src/sim/main.ts', { SIM_PORT: String(port) });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(busyPortLine(port, 'SIM_PORT', 'npm run sim'));
  }, 90_000);
});
