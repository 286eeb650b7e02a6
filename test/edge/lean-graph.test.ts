// The Edge Function's module graph, as Deno itself resolves it (`deno info`): what it would load
// and bundle. The embedded engine, the Azure emulator, the Azure Storage SDK (the function speaks the
// Blob REST API itself: src/quadra/blob-rest.ts), the Cegid simulator and the interactive docs'
// assets have no place in it (each would weigh on the bundle and on every instance's cold start).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { denoBin, denoUnavailable, functionDir, networkEnv } from '../support/deno.ts';

const why = denoUnavailable();
if (why) console.warn(`[skipped] the function's module graph: ${why}`);

/** Every module and npm package of the function's graph, one per line, as `deno info` prints them. */
function graphOf(entry: string): string[] {
  const r = spawnSync(denoBin, ['info', '--config', resolve(functionDir, 'deno.json'), entry], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...networkEnv(), NO_COLOR: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout
    .split('\n')
    .map((l) => l.replace(/^[\s│├└─┬]+/u, '').replace(/ \(.*\)$| \*$/u, ''))
    .filter((l) => /^(npm|file|node|jsr|https?):/.test(l));
}

// Named once: a module of the service, or an npm package, that the function must not reach.
const FORBIDDEN = [
  {
    what: 'the embedded engine (PGlite)',
    match: (m: string) => m.includes('@electric-sql/pglite') || m.endsWith('/src/db/pglite.ts') || m.endsWith('/src/db/open.ts'),
  },
  { what: 'the Azure Storage emulator (Azurite)', match: (m: string) => /npm:\/?azurite@/.test(m) },
  // About 2 MB of the bundle with its @azure/core-* packages and apache-arrow (docs/edge-function.md).
  { what: 'the Azure Storage SDK', match: (m: string) => /^npm:\/?@azure\//.test(m) },
  { what: 'the Cegid simulator', match: (m: string) => m.includes('/src/sim/') },
  { what: 'the interactive docs assets (swagger-ui-dist)', match: (m: string) => m.includes('swagger-ui-dist') },
  { what: "the Node service's own start-up", match: (m: string) => /\/src\/(server|main)\.ts$/.test(m) || m.includes('@hono/node-server') },
];

describe.skipIf(why)("the Edge Function's module graph (deno info)", () => {
  it('holds no PGlite, Azurite, Azure SDK, simulator, Node server or docs asset', () => {
    const graph = graphOf(resolve(functionDir, 'index.ts'));
    // The graph was read: the function's own modules and its driver are in it.
    expect(graph.some((m) => m.endsWith('/src/edge.ts'))).toBe(true);
    expect(graph.some((m) => m.startsWith('npm:/pg@'))).toBe(true);
    const found = FORBIDDEN.flatMap((f) => graph.filter(f.match).map((m) => `${f.what}: ${m}`));
    expect(found).toEqual([]);
  }, 120_000);

  it('sees what it forbids: the Node service’s graph does hold PGlite', () => {
    // The same check run on the Node service's entry, which does import the embedded engine: the
    // reading above would catch it if the function's graph reached it.
    const graph = graphOf(resolve(import.meta.dirname, '../../src/server.ts'));
    expect(graph.filter(FORBIDDEN[0]!.match).length).toBeGreaterThan(0);
  }, 120_000);

  it('sees the Azure SDK where it is imported: the simulator’s graph holds it', () => {
    const graph = graphOf(resolve(import.meta.dirname, '../../src/sim/index.ts'));
    expect(graph.filter(FORBIDDEN.find((f) => f.what === 'the Azure Storage SDK')!.match).length).toBeGreaterThan(0);
  }, 120_000);
});
