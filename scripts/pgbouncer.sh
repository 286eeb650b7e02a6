#!/usr/bin/env bash
# A throwaway PgBouncer in transaction mode in front of the local Postgres, as Supabase's
# transaction pooler (port 6543) is in front of a project's database: no session state across
# transactions, no named prepared statements (PgBouncer 1.18 has none in this mode), no LISTEN.
#   scripts/pgbouncer.sh start [port]   (default 5651; prints the URL to give DATABASE_POOLER_URL)
#   scripts/pgbouncer.sh stop [port]
# Every database of 127.0.0.1:5432 is reachable through it under its own name, as user postgres
# (trust, as the local server). Its files live in /tmp/quadra-sync-pgbouncer-<port>.
set -euo pipefail
cmd=${1:?start or stop}
port=${2:-5651}
dir=/tmp/quadra-sync-pgbouncer-$port
bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
case "$cmd" in
  start)
    mkdir -p "$dir"
    cat >"$dir/pgbouncer.ini" <<INI
[databases]
* = host=127.0.0.1 port=5432
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/userlist.txt
pool_mode = transaction
max_client_conn = 400
default_pool_size = 20
server_reset_query =
logfile = $dir/pgbouncer.log
pidfile = $dir/pgbouncer.pid
INI
    echo '"postgres" ""' >"$dir/userlist.txt"
    # PgBouncer refuses to run as root: it then runs as the postgres user.
    if [ "$(id -u)" = 0 ]; then chown -R postgres "$dir"; as=(-u postgres); else as=(); fi
    "$bin" -d "${as[@]}" "$dir/pgbouncer.ini"
    for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p "$port" && break; sleep 0.1; done
    pg_isready -q -h 127.0.0.1 -p "$port" || { cat "$dir/pgbouncer.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$dir/pgbouncer.pid" ]; then kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true; fi
    for _ in $(seq 1 50); do [ -f "$dir/pgbouncer.pid" ] || break; sleep 0.1; done
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start|stop [port]" >&2; exit 2 ;;
esac
