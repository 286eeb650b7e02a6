import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../supabase');
export const migrationsDir = join(root, 'migrations');
export const shimFile = join(root, 'platform/shim.sql');

export interface Migration {
  version: string;
  name: string;
  sql: string;
}

export function listMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d+_.+\.sql$/.test(f))
    .sort()
    .map((f) => {
      const [version, ...rest] = f.replace(/\.sql$/, '').split('_');
      return { version: version!, name: rest.join('_'), sql: readFileSync(join(dir, f), 'utf8') };
    });
}

/**
 * Applies the platform shim (skipped on Supabase by the shim itself), then every migration not
 * yet recorded, in the same history table the Supabase CLI uses, so either tool can take over.
 */
export async function migrate(db: Database): Promise<string[]> {
  await db.exec(readFileSync(shimFile, 'utf8'));
  await db.exec(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text primary key, statements text[], name text);`);
  const applied = new Set(
    (await db.query<{ version: string }>('select version from supabase_migrations.schema_migrations')).rows.map((r) => r.version),
  );
  const done: string[] = [];
  for (const m of listMigrations()) {
    if (applied.has(m.version)) continue;
    await db.transaction(async (tx) => {
      // One transaction per file: a failed migration leaves nothing half-applied.
      await tx.exec(m.sql);
      await tx.query('insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, $3)', [
        m.version,
        m.name,
        [m.sql],
      ]);
    });
    done.push(m.version);
  }
  return done;
}
