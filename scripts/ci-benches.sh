#!/usr/bin/env bash
# CI: every `npm run bench*` command of package.json (read from it, so a new one joins by itself),
# once at a small size (BENCH_SMALL=1: seconds, figures printed, not judged), on the embedded
# PGlite and on Postgres. A bench that crashes or loses work exits non-zero, and so does this.
# Each bench learns the engine of the pass from DATABASE_URL (unset: PGlite) and BENCH_ENGINES;
# one that needs Postgres says so and skips itself in the PGlite pass.
#   CI_BENCH_DATABASE_URL: the Postgres server (default 127.0.0.1:5432); benches make their own databases.
set -euo pipefail
cd "$(dirname "$0")/.."
pg_url=${CI_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
mapfile -t benches < <(node -e 'for (const k of Object.keys(require("./package.json").scripts)) if (/^bench($|:)/.test(k)) console.log(k)')
[ ${#benches[@]} -gt 0 ] || { echo "no bench script in package.json"; exit 1; }
for b in "${benches[@]}"; do
  for engine in pglite postgres; do
    echo "== npm run $b (BENCH_SMALL=1, $engine)"
    start=$SECONDS
    if [ "$engine" = pglite ]; then
      env -u DATABASE_URL BENCH_SMALL=1 BENCH_ENGINES=pglite npm run -s "$b"
    else
      env BENCH_SMALL=1 BENCH_ENGINES=postgres DATABASE_URL="$pg_url" npm run -s "$b"
    fi
    echo "== npm run $b ($engine): $((SECONDS - start)) s"
  done
done
