// src/db/rows.ts derives row types from the generated src/db/types.gen.ts and turns the columns the
// generator writes as strings into Dates by their name. This holds the schema to that naming, so a
// row type can never say string where the driver returns a Date, or the other way round.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine, freshDatabase, type TestDatabase } from '../support/db.ts';

const TIMESTAMP_NAME = /^(at|.*_at|.*_until|.*_since)$/;

describe(`row types from the generated schema types (${engine})`, () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await freshDatabase();
  });
  afterAll(() => t.drop());

  it('every timestamp column of the public schema is named at, *_at, *_until or *_since, and no other column is', async () => {
    const cols = (
      await t.db.query<{ table_name: string; column_name: string; data_type: string }>(
        `select table_name, column_name, data_type from information_schema.columns
        where table_schema = 'public' and table_name in (select tablename from pg_tables where schemaname = 'public')`,
      )
    ).rows;
    expect(cols.length).toBeGreaterThan(50);
    const wrong = cols
      .filter((c) => c.data_type.startsWith('timestamp') !== TIMESTAMP_NAME.test(c.column_name))
      .map((c) => `${c.table_name}.${c.column_name} (${c.data_type})`);
    expect(wrong).toEqual([]);
  });

  it('the driver returns those columns as Dates and dates as YYYY-MM-DD strings', async () => {
    const r = await t.db.query<{ at: unknown; d: unknown }>(`select now() as at, date '2026-11-02' as d`);
    expect(r.rows[0]!.at).toBeInstanceOf(Date);
    expect(r.rows[0]!.d).toBe('2026-11-02');
  });
});
