// `tsx scripts/fresh-db.ts <name>`: creates a fresh, empty Postgres database (with the platform
// shim, as a plain Postgres needs) and prints its URL; CI points the Supabase CLI at it to prove the
// migrations deploy. `tsx scripts/fresh-db.ts <name> --drop` removes it afterwards.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { createFreshPostgres } from '../src/db/fresh.ts';
import { shimFile } from '../src/db/migrate.ts';

const admin = process.env.ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const { url, drop } = await createFreshPostgres(admin, process.argv[2] ?? `qs_ci_${Date.now()}`);
if (process.argv.includes('--drop')) {
  await drop();
} else {
  const d = new pg.Client({ connectionString: url });
  await d.connect();
  await d.query(readFileSync(shimFile, 'utf8'));
  await d.end();
  console.log(url);
}
