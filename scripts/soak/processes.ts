// The service and the simulator as separate processes (node with tsx's loader, no wrapper process,
// so a SIGKILL hits the real thing). Their output goes to log files in the run directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ManagedProcess {
  /** Starts (or starts again) and waits until `ready` answers. */
  start(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill(): Promise<void>;
  /** SIGTERM (SIGKILL after a while), waits for the exit, no restart. */
  stop(): Promise<void>;
  readonly starts: number;
  /** Exits we did not cause (crashes), each restarted by the supervisor. */
  readonly crashes: number;
  pid(): number | undefined;
}

export interface ProcessSpec {
  name: string;
  script: string;
  env: Record<string, string>;
  logFile: string;
  /** Resolves true when the process is ready to serve. */
  ready: () => Promise<boolean>;
  readyTimeoutMs: number;
  /** Crashes are restarted at most this many times. */
  maxCrashRestarts: number;
}

export function managedProcess(spec: ProcessSpec): ManagedProcess {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let expectExit = false;
  let stopped = false;
  let starts = 0;
  let crashes = 0;
  const log: WriteStream = createWriteStream(spec.logFile, { flags: 'a' });
  const note = (line: string) => log.write(`--- soak ${new Date().toISOString()} ${line}\n`);

  async function start(): Promise<void> {
    expectExit = false;
    starts += 1;
    note(`start #${starts}`);
    const c = spawn(process.execPath, ['--import', 'tsx', spec.script], {
      cwd: process.cwd(),
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = c;
    c.stdout!.pipe(log, { end: false });
    c.stderr!.pipe(log, { end: false });
    exited = new Promise((resolve) =>
      c.once('exit', (code, signal) => {
        note(`exit code=${code} signal=${signal}`);
        resolve();
        if (!expectExit && !stopped && child === c) {
          // A crash we did not cause: counted, restarted (bounded), reported.
          crashes += 1;
          if (crashes <= spec.maxCrashRestarts)
            void sleep(1000)
              .then(() => (stopped ? undefined : start()))
              .catch(() => undefined);
        }
      }),
    );
    const deadline = Date.now() + spec.readyTimeoutMs;
    while (!(await spec.ready().catch(() => false))) {
      if (c.exitCode !== null || c.signalCode !== null) throw new Error(`${spec.name} exited before it was ready (see ${spec.logFile})`);
      if (Date.now() > deadline) throw new Error(`${spec.name} not ready after ${spec.readyTimeoutMs} ms (see ${spec.logFile})`);
      await sleep(250);
    }
  }

  return {
    start,
    async kill() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      expectExit = true;
      note('SIGKILL');
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      stopped = true;
      if (!child || child.exitCode !== null || child.signalCode !== null) {
        log.end();
        return;
      }
      expectExit = true;
      child.kill('SIGTERM');
      const c = child;
      const timer = setTimeout(() => c.kill('SIGKILL'), 25_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
    get starts() {
      return starts;
    },
    get crashes() {
      return crashes;
    },
    pid: () => child?.pid,
  };
}

/** true when `url` answers 200. */
export async function answers200(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status === 200;
}
