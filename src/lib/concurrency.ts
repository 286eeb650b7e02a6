/** Runs `fn` over `items` with at most `limit` at a time; results in input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export interface PerKeyLimit {
  /** A slot for `key`, as the function that gives it back (idempotent); undefined when `key` holds them all. */
  tryAcquire(key: string): (() => void) | undefined;
  /** How many slots `key` holds now. */
  held(key: string): number;
}

/**
 * At most `max` slots per key at once. A counter in this process's memory, nothing shared: each
 * service process (each Edge Function instance) allows its own `max`.
 */
export function perKeyLimit(max: number): PerKeyLimit {
  const counts = new Map<string, number>();
  return {
    tryAcquire(key) {
      const n = counts.get(key) ?? 0;
      if (n >= max) return undefined;
      counts.set(key, n + 1);
      let given = false;
      return () => {
        if (given) return;
        given = true;
        const left = (counts.get(key) ?? 1) - 1;
        if (left > 0) counts.set(key, left);
        else counts.delete(key); // no key left behind per user who ever waited
      };
    },
    held: (key) => counts.get(key) ?? 0,
  };
}
