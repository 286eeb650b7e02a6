/**
 * A real Azurite behind a loopback front, for the blob client's edge cases:
 *   - `/cfe/token` and `/cfe/sic/{sic}/container` answer like CFE, the container URL being whatever
 *     the test sets (a SAS lacking a permission, a tampered signature, a closed port…);
 *   - `/devstoreaccount1/…` forwards to Azurite, except the requests a test asked to fault: answered
 *     with a status before Azurite sees them, held without an answer, or forwarded and then held;
 *   - every blob request is recorded (method and query, never the signature).
 * The simulator's blob proxy (src/sim/blob-proxy.ts) faults uploads only; this one faults any
 * method and lets a test hand out SAS URLs the simulator never would.
 */
import { ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAzurite, type AzuriteHandle } from '../../src/sim/azurite.ts';

export type Fault =
  | { status: number; code?: string } // answered before Azurite sees it: nothing stored
  | 'hang' // never answered, never forwarded
  | 'hangAfterForward'; // forwarded (so stored, for a PUT), its answer never sent

export interface BlobFront {
  /** `http://127.0.0.1:{port}/cfe`: the CFE base URL for createCfeClient. */
  cfeBaseUrl: string;
  /** The container the tests use (created empty by reset()). */
  container: ContainerClient;
  /** A SAS URL of `container` through the front, with these permissions (default racwdl). */
  sasUrl(permissions?: string): string;
  /** What `/container` answers next; reset() sets a full-permission SAS. */
  handOut(url: string): void;
  /** Faults for the next blob requests of `method`, in order. */
  fault(method: string, ...faults: Fault[]): void;
  /** Blob requests that reached the front (`PUT`, `HEAD`, `GET comp=list marker=…`). */
  requests(): { method: string; query: URLSearchParams }[];
  containerRequests(): number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function startBlobFront(): Promise<BlobFront> {
  const azurite: AzuriteHandle = await startAzurite();
  const credential = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const service = new BlobServiceClient(azurite.blobEndpoint, credential);
  const container = service.getContainerClient('cfe-front');
  const faults = new Map<string, Fault[]>();
  let requests: { method: string; query: URLSearchParams }[] = [];
  let containerCalls = 0;
  let handedOut = '';
  const held = new Set<ServerResponse>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function forward(req: IncomingMessage, body: Buffer) {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) headers[k] = String(v);
    }
    const target = new URL(azurite.blobEndpoint).origin + (req.url ?? '/');
    const res = await fetch(target, {
      method: req.method ?? 'GET',
      headers,
      ...(req.method === 'PUT' ? { body: new Uint8Array(body) } : {}),
    });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      if (!['content-length', 'transfer-encoding', 'connection', 'keep-alive'].includes(k)) out[k] = v;
    });
    return { status: res.status, headers: out, body: Buffer.from(await res.arrayBuffer()) };
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', 'http://front');
        if (url.pathname === '/cfe/token') return json(res, 200, { access_token: 'front-token', token_type: 'Bearer', expires_in: 3600 });
        if (/^\/cfe\/sic\/[^/]+\/container$/.test(url.pathname)) {
          containerCalls++;
          return json(res, 200, { containerUrl: handedOut });
        }
        const method = req.method ?? 'GET';
        const query = new URLSearchParams(url.search);
        query.delete('sig');
        requests.push({ method, query });
        const fault = faults.get(method)?.shift();
        if (fault === 'hang') return held.add(res);
        if (fault && typeof fault === 'object') {
          const xml = fault.code ? `<?xml version="1.0" encoding="utf-8"?><Error><Code>${fault.code}</Code></Error>` : '';
          res.writeHead(fault.status, { 'content-type': 'application/xml', ...(fault.code ? { 'x-ms-error-code': fault.code } : {}) });
          return res.end(method === 'HEAD' ? undefined : xml);
        }
        try {
          const answer = await forward(req, Buffer.concat(chunks));
          if (fault === 'hangAfterForward') return held.add(res);
          res.writeHead(answer.status, { ...answer.headers, 'content-length': String(answer.body.length) });
          res.end(answer.body);
        } catch {
          res.socket?.destroy();
        }
      })();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sasUrl = (permissions = 'racwdl') => {
    const sas = generateBlobSASQueryParameters(
      {
        containerName: container.containerName,
        permissions: ContainerSASPermissions.parse(permissions),
        startsOn: new Date(Date.now() - 5 * 60_000),
        expiresOn: new Date(Date.now() + 60 * 60_000),
      },
      credential,
    );
    return `${origin}/${azurite.accountName}/${container.containerName}?${sas}`;
  };

  return {
    cfeBaseUrl: `${origin}/cfe`,
    container,
    sasUrl,
    handOut: (url) => {
      handedOut = url;
    },
    fault: (method, ...f) => {
      faults.set(method, [...(faults.get(method) ?? []), ...f]);
    },
    requests: () => [...requests],
    containerRequests: () => containerCalls,
    async reset() {
      for (const r of held) r.socket?.destroy();
      held.clear();
      faults.clear();
      requests = [];
      containerCalls = 0;
      await container.deleteIfExists();
      // Azurite frees a deleted container's name at once (Azure takes a while).
      await container.create();
      handedOut = sasUrl();
    },
    async stop() {
      for (const r of held) r.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await azurite.stop();
    },
  };
}
