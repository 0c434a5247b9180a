#!/usr/bin/env bash
# Load (not a test): requests per second and p99 latency of an invitation's
# landing page, on SQLite and on PostgreSQL, next to the bare `/livez` route
# of the same binary in the same run, and their ratio (issue 22: the page at
# >= 25 % of /livez, p99 < 20 ms at 64 connections). The pages of 200
# invitations are asked in turn, so each request reads its own. Release
# build, autocannon (end2end's npm packages, bench/measure.js) with 16 and
# with 64 connections on loopback; the generator shares the machine's cores
# with the server.
#   bench/load.sh [seconds per measurement, default 20]
# PostgreSQL: LOBBY_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432),
# where the database lobby_bench is created afresh.
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"
seconds="${1:-20}"

ensure_node_packages
scripts/build.sh release >/dev/null

# One measurement with `connections` of the URLs that follow:
# "<requests per second> <p99 ms> <errors>".
measure() {
  local connections="$1"; shift
  node bench/measure.js "$connections" 3 "$@" >/dev/null # warm-up
  node bench/measure.js "$connections" "$seconds" "$@"
}

report() { # label, database url
  INVITATIONS=200 bench_serve "$2"
  local pages=("${TICKETS[@]/#/$BASE/invite/}")
  for c in 16 64; do
    read -r page_rps page_p99 page_errors < <(measure "$c" "${pages[@]}")
    read -r bare_rps bare_p99 bare_errors < <(measure "$c" "$BASE/livez")
    printf '%-10s c=%-2s landing page %6.0f req/s  p99 %3s ms  errors %s | /livez %6.0f req/s  p99 %3s ms  errors %s | ratio %.2f\n' \
      "$1" "$c" "$page_rps" "$page_p99" "$page_errors" "$bare_rps" "$bare_p99" "$bare_errors" \
      "$(awk -v a="$page_rps" -v b="$bare_rps" 'BEGIN { print a / b }')"
  done
  bench_stop
}

on_both_databases
