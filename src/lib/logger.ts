import { pino, type Logger } from 'pino';

export type { Logger };

// Secrets never reach a log line: known secret-bearing keys are censored wherever they appear.
const redact = [
  'secret', 'apiKey', 'password', 'token', 'access_token', 'authorization', 'client_secret',
  '*.secret', '*.apiKey', '*.password', '*.token', '*.access_token', '*.authorization', '*.client_secret',
  '*.*.secret', '*.*.apiKey', 'req.headers.authorization', 'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  // stdout without a synchronous write per line (one request log line each was a visible share of a
  // read's time); pino flushes what is pending when the process exits.
  return pino({ level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'quadra-sync' } }, destination ?? pino.destination({ dest: 1, sync: false }));
}
