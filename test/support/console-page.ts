// Driving the hub console in Chromium: its tab badges as the page shows them, axe-core's verdict
// on the page, screenshots for a reviewer, and a loopback stand-in for Supabase's gateway.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';

const root = resolve(import.meta.dirname, '../..');
export const ARTIFACTS = resolve(root, 'test-artifacts/console');
const axeSource = readFileSync(resolve(root, 'node_modules/axe-core/axe.min.js'), 'utf8');

export const STATUSES = ['pending', 'sent', 'posted', 'failed_check'] as const;

/** The count each tab's badge shows. */
export async function badges(page: Page): Promise<Record<(typeof STATUSES)[number], number>> {
  const out = {} as Record<(typeof STATUSES)[number], number>;
  for (const s of STATUSES) out[s] = Number(await page.locator(`[role=tab][data-status=${s}] .badge`).textContent());
  return out;
}

/** axe-core run in the page (through the driver, so the page's CSP is left as it is): violations of any impact, minor included. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () =>
    (
      globalThis as unknown as {
        axe: { run(): Promise<{ violations: Array<{ id: string; impact: string; nodes: Array<{ target: string[] }> }> }> };
      }
    ).axe.run(),
  );
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Supabase's gateway, as far as a browser sees it: /functions/v1/<path> → the function's /<path>, everything else passed through. */
export async function startGateway(target: () => string): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (!req.url?.startsWith('/functions/v1/')) {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers))
      if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers.set(k, v);
    const body = chunks.length && req.method !== 'GET' && req.method !== 'HEAD' ? Buffer.concat(chunks) : undefined;
    try {
      const answer = await fetch(`${target()}${req.url.slice('/functions/v1'.length)}`, {
        method: req.method!,
        headers,
        ...(body ? { body } : {}),
      });
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (k !== 'content-encoding' && k !== 'content-length' && k !== 'transfer-encoding') out[k] = v;
      });
      res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      res.writeHead(502).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
