// A hub's event receiver on loopback: real HTTP, every request's signature verified with the
// `standardwebhooks` package against the secrets it was told, answers scripted per request.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export type Answer = { status: number; headers?: Record<string, string>; delayMs?: number } | { reset: true } | { hang: true };

export interface Received {
  id: string;
  timestamp: string;
  signatures: string[];
  /** Secrets (by index in `secrets`) whose signature this request carries, verified by standardwebhooks. */
  verifiedWith: number[];
  body: { type: string; id: string; sequence: number; firmId: string; data: Record<string, any>; timestamp: string };
  answered: number | 'reset' | 'hang';
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Secrets to verify with (whsec_…); every request must verify with at least one. */
  secrets: string[];
  /** The answers of the next requests, in order; afterwards `otherwise`. */
  script: Answer[];
  otherwise: Answer;
  unverified: number;
  /** Requests being answered now, and the most there were at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

/** Requests in flight across several receivers (their total, and its highest). */
export interface Flight {
  now: number;
  max: number;
}

export async function startReceiver(path = '/events', opts: { flight?: Flight } = {}): Promise<Receiver> {
  const hanging = new Set<ServerResponse>();
  const r: Receiver = {
    url: '',
    received: [],
    secrets: [],
    script: [],
    otherwise: { status: 204 },
    unverified: 0,
    inFlight: 0,
    maxInFlight: 0,
    close: () =>
      new Promise((ok) => {
        for (const h of hanging) h.destroy();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const f = opts.flight;
    r.inFlight++;
    r.maxInFlight = Math.max(r.maxInFlight, r.inFlight);
    if (f) f.max = Math.max(f.max, ++f.now);
    res.on('close', () => {
      r.inFlight--;
      if (f) f.now--;
    });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': String(req.headers['webhook-id']),
      'webhook-timestamp': String(req.headers['webhook-timestamp']),
      'webhook-signature': String(req.headers['webhook-signature']),
    };
    const verifiedWith = r.secrets.flatMap((sec, i) => {
      // Each secret checked alone: a signature list verifies when any one of its signatures matches.
      try {
        new Webhook(sec).verify(raw, headers);
        return [i];
      } catch {
        return [];
      }
    });
    if (verifiedWith.length === 0) r.unverified++;
    const answer = r.script.shift() ?? r.otherwise;
    r.received.push({
      id: headers['webhook-id'],
      timestamp: headers['webhook-timestamp'],
      signatures: headers['webhook-signature'].split(' '),
      verifiedWith,
      body: JSON.parse(raw),
      at: Date.now(),
      answered: 'reset' in answer ? 'reset' : 'hang' in answer ? 'hang' : answer.status,
    });
    if ('reset' in answer) {
      req.socket.destroy();
      return;
    }
    if ('hang' in answer) {
      hanging.add(res);
      return;
    }
    if (answer.delayMs) await new Promise((ok) => setTimeout(ok, answer.delayMs));
    res.writeHead(answer.status, answer.headers ?? {});
    res.end(answer.status >= 300 ? 'not now' : '');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return r;
}
