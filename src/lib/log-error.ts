/**
 * An error as it goes into a log line: its name and message (and, for a fault of ours, its stack),
 * never the object itself, whose own fields (a query's parameters, a response body) may carry data
 * that has no place in logs. One shape for every `err` field: `log.error({ err: logError(e) }, ...)`.
 */
export function logError(err: unknown, opts: { stack?: boolean } = {}): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(opts.stack && err.stack ? { stack: err.stack } : {}) };
  return { name: typeof err, message: String(err) };
}
