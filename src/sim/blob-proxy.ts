/**
 * The simulator's blob endpoint: a loopback proxy in front of Azurite, so tests can fault the
 * deposit upload itself the way a real network does — refuse it before the body is stored, store
 * it and then lose or fail the answer, hold it, or have the dossier opened between the blob landing
 * and its answer — and have the dossier opened just as a blob's removal arrives. The SAS URLs the simulated CFE hands out point here; a SAS signature does not
 * cover the host, so Azurite accepts what the proxy forwards.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What happens to the next upload (a Put Blob), one action per upload, in order. */
export type UploadAction =
  | 'refuse503' // answered 503 ServerBusy, nothing stored (a retry is safe)
  | 'refuse429' // answered 429, nothing stored
  | 'fail500AfterLanding' // stored, then answered 500
  | 'fail503AfterLanding' // stored, then a gateway in front answers a bare 503 (no Azure error code)
  | 'dropAnswer' // stored, then the connection drops without an answer
  | 'dropAnswerAndOpen' // stored, the dossier is opened (Quadra takes it), then the answer is lost
  | 'hold' // held before it is forwarded, until released
  | 'holdAnswer'; // stored, the answer held until released

/** What happens to the next removal (a Delete Blob), one action per removal, in order. */
export type RemovalAction = 'openFirst'; // the dossier is opened (Quadra takes the blob) as the removal arrives, before it reaches storage

export interface BlobProxy {
  url: string;
  /** Actions for the next uploads, in order. */
  queue(...actions: UploadAction[]): void;
  /** Actions for the next removals, in order. */
  queueRemovals(...actions: RemovalAction[]): void;
  clear(): void;
  /** Uploads or answers currently held. */
  held(): number;
  /** Lets held requests go on; `drop` loses their answers instead of delivering them. */
  release(opts?: { drop?: boolean }): Promise<void>;
  /** Uploads that reached Azurite (stored), by blob path. */
  landed(): string[];
  stop(): Promise<void>;
}

interface Held {
  go: (drop: boolean) => void;
  done: Promise<boolean>;
}

export async function startBlobProxy(opts: {
  target: string;
  onLanded?: (blobPath: string) => Promise<void>;
  onRemoval?: (blobPath: string) => Promise<void>;
}): Promise<BlobProxy> {
  const target = new URL(opts.target).origin;
  let actions: UploadAction[] = [];
  let removals: RemovalAction[] = [];
  const held = new Set<Held>();
  const landed: string[] = [];

  const isUpload = (req: IncomingMessage) =>
    req.method === 'PUT' && !/[?&]comp=/.test(req.url ?? '') && !/[?&]restype=container/.test(req.url ?? '');
  const isRemoval = (req: IncomingMessage) =>
    req.method === 'DELETE' && !/[?&]comp=/.test(req.url ?? '') && !/[?&]restype=container/.test(req.url ?? '');

  async function forward(req: IncomingMessage, body: Buffer): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || ['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'].includes(k)) continue;
      headers[k] = Array.isArray(v) ? v.join(', ') : v;
    }
    const res = await fetch(target + (req.url ?? '/'), {
      method: req.method ?? 'GET',
      headers,
      ...(body.length || req.method === 'PUT' ? { body: new Uint8Array(body) } : {}),
    });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
    });
    return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
  }

  const hold = (): Held => {
    let resolve!: (drop: boolean) => void;
    const done = new Promise<boolean>((r) => {
      resolve = r;
    });
    const h: Held = {
      go: (d) => {
        held.delete(h);
        resolve(d);
      },
      done,
    };
    held.add(h);
    return h;
  };

  const send = (res: ServerResponse, r: { status: number; headers: Record<string, string>; body: Buffer }) => {
    res.writeHead(r.status, { ...r.headers, 'content-length': String(r.body.length) });
    res.end(r.body);
  };
  const drop = (res: ServerResponse) => {
    res.socket?.destroy();
  };
  const busy = (res: ServerResponse, status: 429 | 503) => {
    const body = Buffer.from(
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${status === 503 ? 'ServerBusy' : 'TooManyRequests'}</Code><Message>injected</Message></Error>`,
    );
    send(res, {
      status,
      headers: { 'content-type': 'application/xml', 'x-ms-error-code': status === 503 ? 'ServerBusy' : 'TooManyRequests' },
      body,
    });
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const action = isUpload(req) ? actions.shift() : undefined;
        const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
        try {
          if (isRemoval(req) && removals.shift() === 'openFirst') await opts.onRemoval?.(path);
          if (action === 'refuse503' || action === 'refuse429') return busy(res, action === 'refuse503' ? 503 : 429);
          if (action === 'hold') {
            if (await hold().done) return drop(res);
          }
          const answer = await forward(req, body);
          if (isUpload(req) && answer.status < 300) landed.push(path);
          if (action === 'dropAnswer') return drop(res);
          if (action === 'dropAnswerAndOpen') {
            await opts.onLanded?.(path);
            return drop(res);
          }
          if (action === 'fail503AfterLanding')
            return send(res, { status: 503, headers: { 'content-type': 'text/plain' }, body: Buffer.from('Service Unavailable') });
          if (action === 'fail500AfterLanding')
            return send(res, {
              status: 500,
              headers: { 'content-type': 'application/xml' },
              body: Buffer.from('<Error><Code>InternalError</Code></Error>'),
            });
          if (action === 'holdAnswer') {
            if (await hold().done) return drop(res);
          }
          send(res, answer);
        } catch {
          drop(res);
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const account = new URL(opts.target).pathname.replace(/\/+$/, '');

  return {
    url: `http://127.0.0.1:${port}${account}`,
    queue: (...a) => {
      actions.push(...a);
    },
    queueRemovals: (...a) => {
      removals.push(...a);
    },
    clear: () => {
      actions = [];
      removals = [];
    },
    held: () => held.size,
    async release(o = {}) {
      const all = [...held];
      for (const h of all) h.go(o.drop ?? false);
      await Promise.all(all.map((h) => h.done));
    },
    landed: () => [...landed],
    async stop() {
      for (const h of [...held]) h.go(true);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
