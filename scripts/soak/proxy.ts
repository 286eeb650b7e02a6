// A fault-injecting HTTP proxy on loopback, between the service and what it calls (the simulated
// Cegid APIs, and the blob store behind CFE). A share of the requests get a fault of one kind:
//   status5xx   answered 500/502/503 without being forwarded (nothing stored)
//   status429   answered 429 with Retry-After without being forwarded
//   hang        never answered, never forwarded: the client's timeout fires
//   drop        the connection is closed at once, nothing forwarded
//   lostAnswer  forwarded (a blob lands), then the client's connection is destroyed
//   lateAnswer  forwarded (a blob lands), the answer held past the client's timeout
//   lostAnswerOpened  (uploads only) forwarded, the blob lands, the dossier is opened in Quadra
//               (which takes it), then the answer is lost: the interleaving that imports a retry twice
// Every held socket and timer is bounded and released by stop().
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export const FAULT_KINDS = ['status5xx', 'status429', 'hang', 'drop', 'lostAnswer', 'lateAnswer', 'lostAnswerOpened'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
/** Relative weights of the kinds among faulted requests. */
const WEIGHTS: Record<FaultKind, number> = {
  status5xx: 0.2,
  status429: 0.15,
  hang: 0.15,
  drop: 0.15,
  lostAnswer: 0.2,
  lateAnswer: 0.15,
  lostAnswerOpened: Number(process.env.SOAK_LOST_OPENED_WEIGHT ?? 0.4),
};

export interface ProxyEvent {
  /** ms since the proxy started */
  t: number;
  method: string;
  /** Path only: the query carries SAS signatures and is never recorded. */
  path: string;
  fault: FaultKind | 'none' | 'upstreamError' | 'killed';
  status?: number;
}

export interface ProxyOptions {
  name: string;
  /** e.g. http://127.0.0.1:4010; a function when it is learned on the way (the blob endpoint). */
  target: string | (() => string);
  faultRate: number;
  /** How long a "late" answer is held (longer than the client's timeout). */
  lateMs: number;
  /** A hung request is let go after this long at most. */
  hangMaxMs: number;
  random?: () => number;
  /** Rewrites a successful answer's body (e.g. the container URL), by request path. */
  rewrite?: (path: string, body: string) => string | undefined;
  /** Called for every request before the fault is decided; may force the fault of this one. */
  intercept?: (method: string, path: string) => FaultKind | 'none' | 'killAfterLanding' | 'killBeforeLanding' | undefined;
  /** Called by the kill interceptions (the service is killed in the middle of this request). */
  onKill?: (when: 'killAfterLanding' | 'killBeforeLanding') => Promise<void>;
  /** For `lostAnswerOpened`: which requests are uploads, and what opens the dossier of one. */
  isUpload?: (method: string, path: string) => boolean;
  openDossierOf?: (path: string) => Promise<void>;
}

export interface RunningProxy {
  url: string;
  /** Date.now() when it started: event times are relative to it. */
  startedAt: number;
  faults: Record<FaultKind | 'none' | 'upstreamError' | 'killed', number>;
  events: ProxyEvent[];
  stop(): Promise<void>;
}

const MAX_EVENTS = 100_000;

export async function startFaultProxy(o: ProxyOptions): Promise<RunningProxy> {
  const random = o.random ?? Math.random;
  const targetOf = () => new URL(typeof o.target === 'string' ? o.target : o.target());
  const started = Date.now();
  const faults = Object.fromEntries([...FAULT_KINDS, 'none', 'upstreamError', 'killed'].map((k) => [k, 0])) as RunningProxy['faults'];
  const events: ProxyEvent[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const record = (e: Omit<ProxyEvent, 't'>) => {
    faults[e.fault] += 1;
    if (events.length < MAX_EVENTS) events.push({ t: Date.now() - started, ...e });
  };

  const pick = (upload: boolean): FaultKind | 'none' => {
    if (random() >= o.faultRate) return 'none';
    const kinds = FAULT_KINDS.filter((k) => k !== 'lostAnswerOpened' || (upload && o.openDossierOf));
    let r = random() * kinds.reduce((a, k) => a + WEIGHTS[k], 0);
    for (const k of kinds) {
      r -= WEIGHTS[k];
      if (r < 0) return k;
    }
    return 'status5xx';
  };

  /** Forwards the request and resolves with the whole answer (or undefined on an upstream error). */
  const forward = (req: http.IncomingMessage, path: string) =>
    new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer } | undefined>((resolve) => {
      const target = targetOf();
      const up = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          timeout: 60_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let body = Buffer.concat(chunks);
            const status = res.statusCode ?? 502;
            const headers = { ...res.headers };
            if (status === 200 && o.rewrite) {
              const rewritten = o.rewrite(path, body.toString('utf8'));
              if (rewritten !== undefined) body = Buffer.from(rewritten, 'utf8');
            }
            delete headers['transfer-encoding'];
            headers['content-length'] = String(body.length);
            resolve({ status, headers, body });
          });
          res.on('error', () => resolve(undefined));
        },
      );
      up.on('timeout', () => up.destroy());
      up.on('error', () => resolve(undefined));
      req.pipe(up);
    });

  const answer = (res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0]!;
    const forced = o.intercept?.(method, path);
    const fault = forced ?? pick(o.isUpload?.(method, path) ?? false);

    if (fault === 'killBeforeLanding' || fault === 'killAfterLanding') {
      // The service dies in the middle of this request: before or after the blob lands.
      if (fault === 'killAfterLanding') await forward(req, path);
      else req.resume();
      record({ method, path, fault: 'killed', status: fault === 'killAfterLanding' ? 201 : 0 });
      await o.onKill?.(fault);
      req.socket.destroy();
      return;
    }
    if (fault === 'drop') {
      record({ method, path, fault });
      req.socket.destroy();
      return;
    }
    if (fault === 'status5xx' || fault === 'status429' || fault === 'hang') {
      req.resume();
      req.on('end', () => {
        if (fault === 'hang') {
          record({ method, path, fault });
          later(o.hangMaxMs, () => req.socket.destroy());
          return;
        }
        const status = fault === 'status429' ? 429 : [500, 502, 503][Math.floor(random() * 3)]!;
        record({ method, path, fault, status });
        answer(
          res,
          status,
          { code: status === 429 ? 'TooManyRequests' : 'ServiceUnavailable', message: 'injected by the soak proxy' },
          status === 429 ? { 'retry-after': String(1 + Math.floor(random() * 2)) } : {},
        );
      });
      return;
    }
    const up = await forward(req, path);
    if (!up) {
      record({ method, path, fault: 'upstreamError' });
      answer(res, 502, { code: 'BadGateway', message: 'upstream failed' });
      return;
    }
    record({ method, path, fault, status: up.status });
    if (fault === 'lostAnswerOpened') await o.openDossierOf?.(path).catch(() => undefined);
    if (fault === 'lostAnswer' || fault === 'lostAnswerOpened') {
      req.socket.destroy();
      return;
    }
    const send = () => {
      if (!res.destroyed && !res.headersSent) {
        res.writeHead(up.status, up.headers);
        res.end(up.body);
      }
    };
    if (fault === 'lateAnswer') later(o.lateMs, send);
    else send();
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    startedAt: started,
    faults,
    events,
    async stop() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
