import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Hono } from 'hono';
import { errorBody } from '../lib/errors.ts';
import type { AppEnv } from './env.ts';

// Interactive API docs served from the installed swagger-ui-dist: no CDN, so they work on a
// machine without internet access and under a strict content security policy.
// Resolved on first use: a bundled deployment (the Edge Function) has no node_modules to read from,
// and must still start; there the assets answer 404 and the OpenAPI document stays available.
let dist: string | undefined;
const distDir = () => (dist ??= dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json')));
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const cache = new Map<string, Uint8Array>();

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Quadra Sync API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="docs"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#docs', deepLinking: true, persistAuthorization: true });`;

export function docsRoutes() {
  return new Hono<AppEnv>()
    .get('/docs', (c) => c.html(page))
    .get('/docs/', (c) => c.html(page))
    .get('/docs/init.js', (c) => c.body(init, 200, { 'content-type': 'text/javascript; charset=utf-8' }))
    .get('/docs/assets/:name', (c) => {
      const name = c.req.param('name');
      const type = ASSETS[name];
      if (!type) return c.json(errorBody('not_found', `No asset ${name}`), 404);
      let bytes = cache.get(name);
      if (!bytes) {
        try {
          bytes = new Uint8Array(readFileSync(join(distDir(), name)));
        } catch {
          return c.json(errorBody('not_found', 'The interactive docs are not packaged with this deployment; see /openapi.json'), 404);
        }
        cache.set(name, bytes);
      }
      return c.body(bytes as unknown as ArrayBuffer, 200, { 'content-type': type, 'cache-control': 'public, max-age=86400' });
    });
}
