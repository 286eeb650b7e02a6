import { pino, type Logger } from 'pino';

export type { Logger };

// Secrets never reach a log line: known secret-bearing keys are censored wherever they appear.
const redact = [
  'secret', 'apiKey', 'password', 'token', 'access_token', 'authorization', 'client_secret',
  '*.secret', '*.apiKey', '*.password', '*.token', '*.access_token', '*.authorization', '*.client_secret',
  '*.*.secret', '*.*.apiKey', 'req.headers.authorization', 'headers.authorization',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: redact, censor: '[redacted]' }, base: { service: 'quadra-sync' } }, destination);
}
