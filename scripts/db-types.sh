#!/usr/bin/env bash
# Regenerates src/db/types.gen.ts from the migrations with the Supabase CLI, on a throwaway database.
set -euo pipefail
cd "$(dirname "$0")/.."
export PGSSLMODE=disable
supabase() { npx --yes supabase@3.1.0 "$@"; }
DB_URL=$(tsx scripts/fresh-db.ts qs_types_gen_$$)
supabase migration up --yes --remote="$DB_URL" >/dev/null
supabase gen types typescript --remote="$DB_URL" > "${1:-src/db/types.gen.ts}"
tsx scripts/fresh-db.ts qs_types_gen_$$ --drop
