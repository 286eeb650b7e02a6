// The process's own observations (Cegid calls, deposits made), told to whoever listens: the Node
// service's Prometheus registry (src/lib/metrics.ts) when it runs. No listener, no cost: the code
// that observes imports nothing of prom-client, so the Edge Function's instances (short-lived,
// whose own counters nobody could sum) do not load it on their way.

export type CegidCallOutcome = 'ok' | 'not_found' | 'client_error' | 'rate_limited' | 'server_error' | 'timeout' | 'network';

export interface CegidCall {
  service: 'cpa' | 'cfe';
  /** One of a fixed list (src/quadra/gateway.ts `cegidOperation`): never a path or an id. */
  operation: string;
  outcome: CegidCallOutcome;
  seconds: number;
}

export interface Meter {
  cegidCall(call: CegidCall): void;
  /** A deposit reached the CFE container: `kind` is the upload's (first send, re-send, ...). */
  depositMade(kind: string): void;
}

const listeners = new Set<Meter>();

/** Where observations are told: every listener added. */
export const meter: Meter = {
  cegidCall(call) {
    for (const l of listeners) l.cegidCall(call);
  },
  depositMade(kind) {
    for (const l of listeners) l.depositMade(kind);
  },
};

/** Adds a listener; the function it returns removes it. */
export function listen(m: Meter): () => void {
  listeners.add(m);
  return () => {
    listeners.delete(m);
  };
}
