import { pino, type Logger } from 'pino';

export type { Logger };

// Secrets never reach a log line: known secret-bearing keys are censored wherever they appear.
const redact = [
  'secret',
  'apiKey',
  'password',
  'token',
  'access_token',
  'authorization',
  'client_secret',
  '*.secret',
  '*.apiKey',
  '*.password',
  '*.token',
  '*.access_token',
  '*.authorization',
  '*.client_secret',
  '*.*.secret',
  '*.*.apiKey',
  'req.headers.authorization',
  'headers.authorization',
];

/**
 * `batchMs`: gather lines for up to that long (or 4 KiB) before writing them to stdout. Under load
 * a write per request line was a visible share of a read's cost; a process that exits normally
 * flushes what is pending, one killed outright loses at most that window. 0 writes each line at once
 * (the Edge Function, whose isolate may be stopped between requests).
 */
export function createLogger(level: string, destination?: pino.DestinationStream, opts: { batchMs?: number } = {}): Logger {
  const options = { level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'quadra-sync' } };
  if (destination) return pino(options, destination);
  const batchMs = opts.batchMs ?? 0;
  const stdout = pino.destination({ dest: 1, sync: false, minLength: batchMs > 0 ? 4096 : 0 });
  if (batchMs <= 0) return pino(options, stdout);
  let pending = false;
  setInterval(() => {
    if (pending) {
      pending = false;
      stdout.flush();
    }
  }, batchMs).unref();
  return pino(
    {
      ...options,
      hooks: {
        streamWrite: (line: string) => {
          pending = true;
          return line;
        },
      },
    },
    stdout,
  );
}
