// `npm start` as a new user meets it: the main process in a child, on a fresh DATA_DIR. Its banner
// comes once the demo firm is ready: the moment it is printed, the README's walkthrough finds the
// demo firm's client files, and the console it names answers.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engine } from '../support/db.ts';

const root = resolve(import.meta.dirname, '../..');

describe(`npm start (${engine})`, () => {
  it("prints its banner once the demo firm's client files are in, and serves the console", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qs-start-test-'));
    let dropDatabase: (() => Promise<void>) | undefined;
    let env: Record<string, string> = {};
    if (process.env.DATABASE_URL) {
      const { createFreshPostgres } = await import('../../src/db/fresh.ts');
      const fresh = await createFreshPostgres(process.env.DATABASE_URL, `qs_start_${process.pid}`);
      env = { DATABASE_URL: fresh.url };
      dropDatabase = fresh.drop;
    }
    const child = spawn(resolve(root, 'node_modules/.bin/tsx'), ['src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATA_DIR: dataDir,
        PORT: '0',
        SIM_PORT: '0',
        CONSOLE_PORT: '0',
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    try {
      const banner = await new Promise<string>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`no banner:\n${output.join('')}`)), 120_000);
        const onData = (chunk: Buffer) => {
          output.push(String(chunk));
          const all = output.join('');
          if (all.includes('Stop with Ctrl-C')) {
            clearTimeout(timer);
            ok(all);
          }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', (c: Buffer) => output.push(String(c)));
        child.once('exit', (code) => {
          clearTimeout(timer);
          fail(new Error(`npm start exited (${code}):\n${output.join('')}`));
        });
      });
      // Straight after the banner, as the README's walkthrough does: the files are there.
      const api = /API\s+(http:\/\/\S+)/.exec(banner)![1]!;
      const token = /export TOKEN=(\S+)/.exec(banner)![1]!;
      const firm = /Demo firm\s+(\S+)/.exec(banner)![1]!;
      // The walkthrough takes its addresses from the banner (README: API=${API:-…}).
      expect(banner).toMatch(new RegExp(`export API=${api} SIM=http://127\\.0\\.0\\.1:\\d+`));
      const files = (await fetch(`${api}/v1/firms/${firm}/files`, { headers: { authorization: `Bearer ${token}` } }).then((r) =>
        r.json(),
      )) as { files: Array<{ dossierCode: string }> };
      expect(files.files.map((f) => f.dossierCode)).toContain('BOULANG');
      expect(banner).toMatch(new RegExp(`${files.files.length} client files ready`));
      expect(banner.indexOf('Loading the demo firm')).toBeLessThan(banner.indexOf('Quadra Sync is running'));
      const consoleUrl = /Console\s+(http:\/\/\S+)/.exec(banner)![1]!;
      // The page carries a development token: it is served on loopback only.
      expect(new URL(consoleUrl).hostname).toBe('127.0.0.1');
      const page = await fetch(consoleUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('id="console-config"');
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase?.();
    }
  }, 150_000);
});
