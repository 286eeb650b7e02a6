/**
 * A small CPA-like server on loopback whose answers each test writes: a wire that is not the
 * simulator's (odd pages, renamed fields, another envelope). Tokens are handed to any caller; every
 * request is recorded (method, path, query).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
}

export type WireHandler = (req: SeenRequest) => { status?: number; body: unknown } | undefined;

export interface WireServer {
  /** The CPA base URL. */
  url: string;
  requests: SeenRequest[];
  /** The form of each token request. */
  tokenForms: URLSearchParams[];
  stop(): Promise<void>;
}

export async function startWireServer(handle: WireHandler, token: Record<string, unknown> = {}): Promise<WireServer> {
  const requests: SeenRequest[] = [];
  const tokenForms: URLSearchParams[] = [];
  const app = new Hono();
  app.all('*', async (c) => {
    const u = new URL(c.req.url);
    const seen = { method: c.req.method, path: u.pathname, query: u.searchParams };
    requests.push(seen);
    if (u.pathname.endsWith('/token')) {
      tokenForms.push(new URLSearchParams(await c.req.text()));
      return c.json({ access_token: 'wire-test-token', token_type: 'Bearer', expires_in: 36_000, ...token });
    }
    const answer = handle(seen);
    if (!answer) return c.json({ code: 'NotFound', message: 'No such route' }, 404);
    return c.json(answer.body as object, (answer.status ?? 200) as 200);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    tokenForms,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
