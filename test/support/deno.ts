// Runs the Supabase Edge Function (supabase/functions/quadra-sync/index.ts) under the real Deno
// (the `deno` npm package), on a port of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
export const functionDir = resolve(root, 'supabase/functions/quadra-sync');
export const denoBin = resolve(root, 'node_modules/.bin/deno');
const bin = denoBin;

/** Why Deno cannot run here, or undefined when it can. */
export function denoUnavailable(): string | undefined {
  if (!existsSync(bin)) return 'node_modules/.bin/deno is missing (npm ci installs it)';
  const v = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return v.status === 0 ? undefined : `deno does not run on this platform: ${v.error?.message ?? v.stderr}`;
}

// Only what Deno needs to reach (or skip) the npm registry for its cache: the cache directory,
// the machine's certificate authorities and proxies. Nothing of the service's own environment.
const NETWORK = [
  'DENO_DIR',
  'DENO_CERT',
  'DENO_TLS_CA_STORE',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTPS_PROXY',
  'HTTP_PROXY',
  'NO_PROXY',
  'https_proxy',
  'http_proxy',
  'no_proxy',
];
export const networkEnv = (): Record<string, string> =>
  Object.fromEntries(NETWORK.flatMap((k) => (process.env[k] ? [[k, process.env[k]!]] : [])));

export interface RunningFunction {
  url: string;
  pid: number;
  output: string[];
  stop(): Promise<void>;
}

export async function startFunction(env: Record<string, string>): Promise<RunningFunction> {
  const child: ChildProcess = spawn(bin, ['run', '-A', '--config', resolve(functionDir, 'deno.json'), resolve(functionDir, 'index.ts')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...networkEnv(), QUADRA_SYNC_PORT: '0', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the function did not start:\n${output.join('')}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output.push(String(chunk));
      const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(output.join(''));
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`deno exited (${code}):\n${output.join('')}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    output,
    // Idempotent: a process killed by a signal has no exit code but a signal code, and has already
    // sent its 'exit' (waiting for it again would wait forever).
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
