// A port already taken stops `npm start` (and `npm run sim`) before anything starts, with one line
// naming the port and the setting that moves it, instead of a stack trace seconds later.
import { createServer } from 'node:net';

/** Whether `port` can be listened on at `host` now (0 always can: the system picks one). */
export function portFree(port: number, host: string): Promise<boolean> {
  if (port === 0) return Promise.resolve(true);
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => done(true)));
  });
}

export const isPortBusy = (err: unknown): boolean => (err as { code?: string } | undefined)?.code === 'EADDRINUSE';

/** The one line a busy port gets. */
export const busyPortLine = (port: number, variable: string, command = 'npm start') =>
  `Port ${port} is already in use: set ${variable} to a free port (e.g. ${variable}=${port + 1} ${command}) or stop what holds it.`;

/** Stops the process with that line when one of `ports` is taken. */
export async function exitIfBusy(ports: ReadonlyArray<{ port: number; host: string; variable: string }>, command?: string): Promise<void> {
  for (const p of ports) {
    if (!(await portFree(p.port, p.host))) {
      console.error(busyPortLine(p.port, p.variable, command));
      process.exit(1);
    }
  }
}
