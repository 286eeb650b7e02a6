/**
 * Starts Azurite's blob service (the Azure Storage emulator from npm) as a child process, in
 * memory, on a loopback port. Used by the simulator and the tests; never in production.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Azurite's documented, public development account. Not a secret. */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteHandle {
  /** e.g. http://127.0.0.1:10000/devstoreaccount1 */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** 0 or undefined: pick a free port. */
  port?: number;
  /** Persist to this folder instead of memory. */
  location?: string;
  /** Give up if the port does not answer in time. Default 20 s. */
  startTimeoutMs?: number;
}

const here = path.dirname(fileURLToPath(import.meta.url));

function azuriteBlobScript(): string {
  // Resolve relative to this file, not the cwd, so it works from any working directory.
  for (let dir = here; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new Error('azurite is not installed (node_modules/azurite/dist/src/blob/main.js not found)');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1' });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

const children = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test runner or Ctrl-C must not leave emulators behind.
  process.once('exit', () => {
    for (const c of children) c.kill('SIGKILL');
  });
}

export async function startAzurite(opts: StartAzuriteOptions = {}): Promise<AzuriteHandle> {
  const port = opts.port || (await freePort());
  const args = [
    azuriteBlobScript(),
    '--blobHost',
    '127.0.0.1',
    '--blobPort',
    String(port),
    '--skipApiVersionCheck',
    '--loose',
    '--silent',
    // Never phone home (and leave no telemetry files in the temp folder).
    '--disableTelemetry',
    ...(opts.location ? ['--location', opts.location] : ['--inMemoryPersistence']),
  ];
  // process.execPath: the project's Node 24, whatever `node` is first on PATH.
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  installExitHook();
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let exited: number | null | undefined;
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code;
      children.delete(child);
      resolve();
    }),
  );

  // Generous: on a loaded machine Azurite's start-up alone can take tens of seconds.
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  while (!(await portAnswers(port))) {
    if (exited !== undefined) throw new Error(`azurite exited with code ${exited} before listening: ${stderr.trim()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`azurite did not listen on port ${port} in time: ${stderr.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }

  return {
    blobEndpoint: `http://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`,
    accountName: AZURITE_ACCOUNT_NAME,
    accountKey: AZURITE_ACCOUNT_KEY,
    async stop() {
      if (exited !== undefined) return;
      // In memory there is nothing to flush, and a graceful stop waits for idle keep-alive
      // sockets of blob clients (seconds): kill outright. With a location, let it flush.
      child.kill(opts.location ? 'SIGTERM' : 'SIGKILL');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exitedP;
      clearTimeout(timer);
    },
  };
}

/** A handle on an Azurite someone else runs (AZURITE_BLOB_URL); stop() leaves it running. */
export function connectAzurite(blobEndpoint: string, accountName = AZURITE_ACCOUNT_NAME, accountKey = AZURITE_ACCOUNT_KEY): AzuriteHandle {
  return { blobEndpoint: blobEndpoint.replace(/\/+$/, ''), accountName, accountKey, stop: async () => {} };
}
