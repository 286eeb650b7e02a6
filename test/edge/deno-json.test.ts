import { readdirSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const denoJson = JSON.parse(readFileSync(resolve(root, 'supabase/functions/quadra-sync/deno.json'), 'utf8')) as {
  imports: Record<string, string>;
};
const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };

describe("the function's deno.json", () => {
  it('pins every npm: specifier to the version in package-lock.json', () => {
    const pins = Object.entries(denoJson.imports).map(([name, spec]) => {
      const m = /^npm:\/?(@?[^@]+)@([^/]+)\/?$/.exec(spec);
      expect(m, `${name}: ${spec}`).not.toBeNull();
      return [m![1], m![2], lock.packages[`node_modules/${m![1]}`]?.version] as const;
    });
    for (const [name, pinned, locked] of pins) expect(`${name}@${pinned}`).toBe(`${name}@${locked}`);
  });

  it('maps every runtime dependency the source imports', () => {
    const imported = new Set<string>();
    const walk = (dir: string) => {
      for (const f of readdirRecursive(dir)) {
        for (const m of readFileSync(f, 'utf8').matchAll(/from '([^.'][^']*)'/g)) {
          const spec = m[1]!;
          if (spec.startsWith('node:')) continue;
          imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
        }
      }
    };
    walk(resolve(root, 'src'));
    for (const name of imported) {
      expect(pkg.dependencies[name], `${name} is a dependency`).toBeDefined();
      expect(denoJson.imports[name], `${name} is mapped in deno.json`).toBeDefined();
    }
  });
});

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = resolve(dir, f);
    return statSync(p).isDirectory() ? readdirRecursive(p) : p.endsWith('.ts') ? [p] : [];
  });
}
