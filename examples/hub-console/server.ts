// Serves the hub console on its own origin (so it calls the API cross-origin, as a hub does): the
// page, its stylesheet, and console.ts bundled for the browser with esbuild (which tsx already
// brings; nothing is fetched from a CDN). Its settings are written into the page; the development
// token only when the caller passes one (`npm start`, never in production).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';

/** Where the page finds the API: the Node service with a bearer token, or a Supabase project. */
export type ConsoleApi =
  | { kind: 'http'; baseUrl: string; token?: string }
  | { kind: 'supabase'; url: string; anonKey: string; accessToken?: string };

export interface RunningConsole {
  url: string;
  stop(): Promise<void>;
}

const here = import.meta.dirname;

let bundle: Promise<string> | undefined;
/** console.ts and what it imports (@quadra-sync/client, supabase-js), one ES module for the browser. */
export function consoleBundle(): Promise<string> {
  return (bundle ??= build({
    entryPoints: [resolve(here, 'console.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  }).then((out) => out.outputFiles[0]!.text));
}

const escapeJsonForHtml = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

function page(api: ConsoleApi): string {
  const html = readFileSync(resolve(here, 'index.html'), 'utf8');
  return html.replace(
    '<!--console-config-->',
    `<script type="application/json" id="console-config">${escapeJsonForHtml({ api })}</script>`,
  );
}

export async function startConsole(opts: { port: number; host?: string; api: ConsoleApi }): Promise<RunningConsole> {
  const js = await consoleBundle();
  const css = readFileSync(resolve(here, 'console.css'), 'utf8');
  const apiOrigin = new URL(opts.api.kind === 'http' ? opts.api.baseUrl : opts.api.url).origin;
  // The page talks to the API and nothing else; no inline script runs (the settings are JSON data).
  const csp = `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ${apiOrigin}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
  const html = page(opts.api);
  const files: Record<string, [string, string]> = {
    '/': ['text/html; charset=utf-8', html],
    '/index.html': ['text/html; charset=utf-8', html],
    '/console.js': ['text/javascript; charset=utf-8', js],
    '/console.css': ['text/css; charset=utf-8', css],
  };
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://console').pathname;
    const file = req.method === 'GET' || req.method === 'HEAD' ? files[path] : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file[0],
      'content-security-policy': csp,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : file[1]);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
