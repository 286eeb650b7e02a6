// The import boundaries of .dependency-cruiser.cjs (run by `npm test` over src/) really refuse a
// wrong-way import: each rule is tried on a small tree of files with exactly one such import, and a
// tree that follows every rule passes. Also: the service's own src/ passes, and routes hold no SQL.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
// Run with this process's Node (the project's own), whatever `node` the PATH holds.
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const trees: string[] = [];

/** A throwaway project: the given files under src/, the project's tsconfig and node_modules. */
function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'qs-layers-'));
  trees.push(dir);
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  writeFileSync(join(dir, 'tsconfig.json'), readFileSync(join(ROOT, 'tsconfig.json')));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

function depcruise(cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [DEPCRUISE, 'src', '--config', CONFIG, '--output-type', 'err'],
      { cwd, timeout: 120_000 },
      (err, stdout, stderr) => {
        done({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
      },
    );
  });
}

// A minimal tree that follows every rule.
const GOOD: Record<string, string> = {
  'src/format/quadra-format.ts': 'export const ACCOUNT_WIDTH = 8;\n',
  'src/i18n/en.ts': "export const en = { 'too.long': 'Account {a} is too long' } as const;\n",
  'src/domain/rules.ts':
    "import { ACCOUNT_WIDTH } from '../format/quadra-format.ts';\nimport { en } from '../i18n/en.ts';\nexport const ok = (a: string) => a.length <= ACCOUNT_WIDTH || !en['too.long'];\n",
  'src/db/database.ts':
    "import pg from 'pg';\nexport const pool = () => new pg.Pool();\nexport interface Queryable { query(sql: string): Promise<unknown> }\n",
  'src/db/repos/things.ts':
    "import type { Queryable } from '../database.ts';\nexport const things = (tx: Queryable) => tx.query('select 1');\n",
  'src/pipeline/work.ts':
    "import { things } from '../db/repos/things.ts';\nimport { ok } from '../domain/rules.ts';\nexport const work = (tx: Parameters<typeof things>[0]) => (ok('1') ? things(tx) : null);\n",
  'src/routes/things.ts':
    "import type { Queryable } from '../db/database.ts';\nimport { work } from '../pipeline/work.ts';\nexport const route = (tx: Queryable) => work(tx);\n",
};

describe('import boundaries (dependency-cruiser)', () => {
  afterAll(() => {
    for (const d of trees) rmSync(d, { recursive: true, force: true });
  });

  it("the service's own src/ follows every rule", async () => {
    const r = await depcruise(ROOT);
    expect(r.out).toContain('no dependency violations');
    expect(r.code).toBe(0);
  });

  it('a tree that follows every rule passes (the harness itself is sound)', async () => {
    const r = await depcruise(tree(GOOD));
    expect(r.out).toContain('no dependency violations');
    expect(r.code).toBe(0);
  });

  const wrongWay: Array<[string, string, Record<string, string>]> = [
    [
      'domain-is-pure',
      'the domain importing a repository',
      {
        'src/domain/rules.ts':
          "import { things } from '../db/repos/things.ts';\nexport const ok = (a: string) => Boolean(things) && a.length <= 8;\n",
      },
    ],
    [
      'domain-is-pure',
      'the domain importing the Cegid adapters',
      {
        'src/quadra/ascii.ts': 'export const W = 8;\n',
        'src/domain/rules.ts': "import { W } from '../quadra/ascii.ts';\nexport const ok = (a: string) => a.length <= W;\n",
      },
    ],
    [
      'domain-has-no-io',
      'the domain reading a file',
      {
        'src/domain/rules.ts':
          "import { readFileSync } from 'node:fs';\nexport const ok = (a: string) => Boolean(readFileSync) && a.length <= 8;\n",
      },
    ],
    [
      'format-is-a-leaf',
      'the format facts importing the domain',
      {
        'src/format/quadra-format.ts': "import { ok } from '../domain/rules.ts';\nexport const ACCOUNT_WIDTH = ok('x') ? 8 : 8;\n",
        'src/domain/rules.ts': 'export const ok = (a: string) => a.length <= 8;\n',
      },
    ],
    [
      'i18n-is-a-leaf',
      'the catalogues importing a repository',
      {
        'src/i18n/en.ts':
          "import { things } from '../db/repos/things.ts';\nexport const en = { 'too.long': things ? 'Account {a} is too long' : '' } as const;\n",
      },
    ],
    [
      'i18n-is-a-leaf',
      'the catalogues importing a library',
      {
        'src/i18n/en.ts': "import pg from 'pg';\nexport const en = { 'too.long': pg ? 'Account {a} is too long' : '' } as const;\n",
      },
    ],
    [
      'routes-hold-no-sql',
      'a route importing the database driver',
      { 'src/routes/things.ts': "import pg from 'pg';\nexport const route = () => new pg.Client().query('select 1');\n" },
    ],
    [
      'routes-hold-no-sql',
      'a route importing the database module itself',
      { 'src/routes/things.ts': "import { pool } from '../db/database.ts';\nexport const route = () => pool();\n" },
    ],
    [
      'repositories-return-data',
      'a repository importing the pipeline',
      {
        'src/db/repos/things.ts':
          "import type { Queryable } from '../database.ts';\nimport { work } from '../../pipeline/other.ts';\nexport const things = (tx: Queryable) => work(tx);\n",
        'src/pipeline/other.ts': 'export const work = (tx: unknown) => tx;\n',
      },
    ],
    [
      'no-circular',
      'two modules importing each other',
      {
        'src/pipeline/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
        'src/pipeline/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      },
    ],
  ];

  it.each(wrongWay)('%s refuses %s', async (rule, _what, files) => {
    const r = await depcruise(tree({ ...GOOD, ...files }));
    expect(r.code).not.toBe(0);
    expect(r.out).toContain(rule);
  });
});

describe('no SQL outside src/db', () => {
  it.each(['src/routes', 'src/pipeline', 'src/jobs'])(
    'no file under %s runs a query: the database is reached through repositories (src/db/repos)',
    (where) => {
      const dir = join(ROOT, where);
      const files = readdirSync(dir, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.ts'));
      expect(files.length).toBeGreaterThan(5);
      for (const f of files) {
        const text = readFileSync(join(dir, f), 'utf8');
        expect(text, f).not.toMatch(/\.query\s*[<(]/);
        expect(text, f).not.toMatch(/\b(select|insert into|update|delete from)\s+[\w.*]+\s+(from|set|values|where)\b/i);
      }
    },
  );

  it('the check itself refuses a query and a statement (the harness is sound)', () => {
    expect('await tx.query<{ n: number }>(').toMatch(/\.query\s*[<(]/);
    expect('`select id from public.entries where x`').toMatch(
      /\b(select|insert into|update|delete from)\s+[\w.*]+\s+(from|set|values|where)\b/i,
    );
  });
});
