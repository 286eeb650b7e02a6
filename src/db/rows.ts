// Row and enum types as our driver returns them, derived from the generated src/db/types.gen.ts so
// a column change in a migration reaches every repository at compile time. The generator writes
// timestamps as strings (PostgREST's JSON); pg and PGlite give Dates, and the schema names every
// timestamptz column `at`, `*_at`, `*_until` or `*_since` (a test holds it to that), so those become Date.
import type { Database } from './types.gen.ts';

type PublicTables = Database['public']['Tables'];
export type TableName = keyof PublicTables;
type TimestampName = 'at' | `${string}_at` | `${string}_until` | `${string}_since`;
type AsDriverReturns<K, V> = K extends TimestampName ? (V extends string ? Date : V) : V;

/** One row of a public table, as a query returns it. */
export type Row<T extends TableName> = { [K in keyof PublicTables[T]['Row']]: AsDriverReturns<K, PublicTables[T]['Row'][K]> };

/** An enum of the public schema. */
export type DbEnum<E extends keyof Database['public']['Enums']> = Database['public']['Enums'][E];
