// The README and docs/ point at files and headings that exist: a moved or renamed document, or a
// heading reworded, breaks a link silently otherwise.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const pages = [
  'README.md',
  ...readdirSync(resolve(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
const anchorsOf = (text: string) => new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]!)));

describe('links in the README and docs/', () => {
  it('the README is a front page of at most 12 KB, and docs/README.md indexes every document', () => {
    expect(readFileSync(resolve(root, 'README.md')).length).toBeLessThanOrEqual(12 * 1024);
    const index = readFileSync(resolve(root, 'docs/README.md'), 'utf8');
    for (const page of pages.filter((p) => p.startsWith('docs/') && p !== 'docs/README.md'))
      expect(index, `${page} is listed in docs/README.md`).toContain(`(${page.slice(5)})`);
  });

  it('every relative link reaches a file, and every #anchor a heading of it', () => {
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(resolve(root, page), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        const [path, hash] = target.split('#') as [string, string | undefined];
        const file = path ? resolve(root, dirname(page), path) : resolve(root, page);
        if (!existsSync(file)) {
          broken.push(`${page}: ${target} (no such file)`);
          continue;
        }
        if (hash && file.endsWith('.md') && !anchorsOf(readFileSync(file, 'utf8')).has(hash))
          broken.push(`${page}: ${target} (no such heading)`);
      }
    }
    expect(broken).toEqual([]);
  });
});
