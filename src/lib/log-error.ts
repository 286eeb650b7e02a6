/**
 * An error as it goes into a log line: its name and message (and, for a fault of ours, its stack),
 * never the object itself, whose own fields (a query's parameters, a response body) may carry data
 * that has no place in logs. One shape for every `err` field: `log.error({ err: logError(e) }, ...)`.
 *
 * What failed must be readable from the line alone, whatever was thrown: pg-boss emits plain objects
 * spread from an error (`{ ...err, message, stack, queue, worker }`), a refused connection arrives as
 * an AggregateError whose own message is empty, and drivers put the reason in `code` and `cause`.
 * Only those named fields are read; nothing else of the object is copied.
 */
export interface LoggedError {
  name: string;
  message: string;
  /** A driver's or the system's error code (`ECONNREFUSED`, `57P01`), when there is one. */
  code?: string;
  /** The job queue's name, when the queue reported the error for one. */
  queue?: string;
  stack?: string;
}

const MAX_MESSAGE = 500;

export function logError(err: unknown, opts: { stack?: boolean } = {}): LoggedError {
  if (err === null || (typeof err !== 'object' && typeof err !== 'function')) return { name: typeof err, message: String(err) };
  const o = err as Record<string, unknown>;
  const name = err instanceof Error ? err.name : typeof o.name === 'string' && o.name ? o.name : 'Error';
  const out: LoggedError = { name, message: describe(err, 0) };
  if (typeof o.code === 'string' || typeof o.code === 'number') out.code = String(o.code);
  if (typeof o.queue === 'string') out.queue = o.queue;
  if (opts.stack && typeof o.stack === 'string') out.stack = o.stack;
  return out;
}

/** The message, or the inner errors' messages when it has none, then its cause's: one line, bounded. */
function describe(err: unknown, depth: number): string {
  if (err === null || typeof err !== 'object') return String(err);
  const o = err as Record<string, unknown>;
  let text = typeof o.message === 'string' ? o.message.trim() : '';
  if (!text && Array.isArray(o.errors) && o.errors.length > 0 && depth < 3) {
    text = [...new Set(o.errors.slice(0, 4).map((e) => describe(e, depth + 1)))].join('; ');
  }
  if (!text) {
    const code = typeof o.code === 'string' || typeof o.code === 'number' ? String(o.code) : undefined;
    const fields = Object.keys(o).slice(0, 6).join(', ');
    text = code ? `error code ${code}` : `an error with no message${fields ? ` (fields: ${fields})` : ''}`;
  }
  if (o.cause !== undefined && depth < 3) {
    const cause = describe(o.cause, depth + 1);
    if (cause && !text.includes(cause)) text = `${text} (cause: ${cause})`;
  }
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text;
}
