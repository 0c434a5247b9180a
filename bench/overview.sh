#!/usr/bin/env bash
# Benchmark (not a test): the time to draw the dashboard's overview with
# 100 000 invitations in the database (issue 24: target <= 200 ms server
# time), on SQLite and on PostgreSQL. A release `lobby serve` on loopback,
# the invitations written by `overview_seed` over the last year, an admin
# signed in through the login form; each figure is the median and the
# slowest of 20 requests, timed by curl to the last byte:
#   - the overview page (server-rendered, the default period of 30 days),
#   - the same over the whole year (every invitation in the period),
#   - the overview's data alone (its server function, JSON), whole year.
#   bench/overview.sh [invitations, default 100000]
# PostgreSQL: LOBBY_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432),
# where the database lobby_bench is created afresh.
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"
count="${1:-100000}"

ensure_node_packages
scripts/build.sh release >/dev/null
cargo build --quiet --release -p server --example overview_seed

# "<median ms> <slowest ms>" of 20 timed requests; curl's arguments follow.
timed() {
  for _ in $(seq 20); do
    curl -s -o /dev/null -w '%{time_total}\n' -b "$BENCH_DIR/jar" -H "origin: $BASE" "$@"
  done | sort -n | awk '{ t[NR] = $1 * 1000 } END { printf "%.1f %.1f\n", t[int((NR + 1) / 2)], t[NR] }'
}

report() { # label, database url
  bench_serve "$2"
  "$CARGO_TARGET_DIR/release/examples/overview_seed" "$2" "$count" >/dev/null
  curl -s -o /dev/null -c "$BENCH_DIR/jar" -H "origin: $BASE" \
    --data-urlencode email=ada@bench.example --data-urlencode "password=$LOBBY_ADMIN_PASSWORD" "$BASE/admin/login"
  local year_ago today
  year_ago="$(date -u -d '-365 days' +%F)"
  today="$(date -u +%F)"
  curl -s -o /dev/null -b "$BENCH_DIR/jar" "$BASE/admin" # warm-up
  read -r page page_max < <(timed "$BASE/admin")
  read -r year year_max < <(timed "$BASE/admin?from=$year_ago&to=$today")
  read -r data data_max < <(timed -X POST -H 'accept: application/json' \
    --data "scope[from]=$year_ago&scope[to]=$today" "$BASE/api/load_overview")
  printf '%-10s %s invitations | overview page, 30 days: %6.1f ms (slowest %6.1f) | page, whole year: %6.1f ms (slowest %6.1f) | data alone, whole year: %6.1f ms (slowest %6.1f)\n' \
    "$1" "$count" "$page" "$page_max" "$year" "$year_max" "$data" "$data_max"
  bench_stop
}

on_both_databases
