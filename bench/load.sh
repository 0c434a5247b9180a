#!/usr/bin/env bash
# Load (not a test): requests per second and p99 latency of an invitation's
# landing page, on SQLite and on PostgreSQL, next to the bare `/livez` route
# of the same binary in the same run, and their ratio (issue 22: the page at
# >= 25 % of /livez, p99 < 20 ms at 64 connections). Release build,
# autocannon (end2end's npm packages) with 16 and with 64 connections on
# loopback; the generator shares the machine's cores with the server.
#   bench/load.sh [seconds per measurement, default 20]
# PostgreSQL: LOBBY_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432),
# where the database lobby_bench is created afresh.
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"
seconds="${1:-20}"

ensure_node_packages
scripts/build.sh release >/dev/null

# One measurement of `url` with `connections`: "<requests per second> <p99 ms> <errors>".
measure() {
  "$AUTOCANNON" -c "$2" -d 3 "$1" >/dev/null 2>&1 # warm-up
  "$AUTOCANNON" -c "$2" -d "$seconds" -j "$1" 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const r = JSON.parse(s);
      console.log(r.requests.average, r.latency.p99, r.errors + r.timeouts + r.non2xx);
    });'
}

report() { # label, database url
  bench_serve "$2"
  for c in 16 64; do
    read -r page_rps page_p99 page_errors < <(measure "$BASE/invite/$TICKET" "$c")
    read -r bare_rps bare_p99 bare_errors < <(measure "$BASE/livez" "$c")
    printf '%-10s c=%-2s landing page %6.0f req/s  p99 %3s ms  errors %s | /livez %6.0f req/s  p99 %3s ms  errors %s | ratio %.2f\n' \
      "$1" "$c" "$page_rps" "$page_p99" "$page_errors" "$bare_rps" "$bare_p99" "$bare_errors" \
      "$(awk -v a="$page_rps" -v b="$bare_rps" 'BEGIN { print a / b }')"
  done
  bench_stop
}

report SQLite "sqlite://$BENCH_DIR/lobby.db"
pg="${LOBBY_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
if psql "$pg/postgres" -qc 'drop database if exists lobby_bench' -c 'create database lobby_bench' >/dev/null 2>&1; then
  report PostgreSQL "$pg/lobby_bench"
else
  echo "PostgreSQL at $pg is not reachable: skipped"
fi
