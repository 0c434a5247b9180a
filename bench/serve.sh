# Sourced by the load and soak benchmarks: a release `lobby serve` on a free
# loopback port with a fresh data directory, an admin and an API token, and
# $INVITATIONS invitations (default 1) whose tickets are in $TICKETS (the
# first in $TICKET; the token is in $TOKEN).
# `bench_stop` ends it. PROFILE=debug serves the debug build.
AUTOCANNON="$ROOT/end2end/node_modules/.bin/autocannon"
BENCH_DIR="$(mktemp -d)"
trap 'bench_stop; rm -rf "$BENCH_DIR"' EXIT

bench_serve() { # database url
  local port
  port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  BASE="http://127.0.0.1:$port"
  export LOBBY_LISTEN="127.0.0.1:$port" LOBBY_PUBLIC_URL="$BASE" DATABASE_URL="$1" \
    LOBBY_DATA_DIR="$BENCH_DIR/data" LOBBY_SITE_ROOT="$SITE_ROOT" LOBBY_SECRET_KEY="$(printf 'c%.0s' {1..64})" \
    LOBBY_ADMIN_PASSWORD='a calm lake at dawn' RUST_LOG=warn
  local lobby="$CARGO_TARGET_DIR/${PROFILE:-release}/lobby"
  "$lobby" admin create --email ada@bench.example >/dev/null
  TOKEN="$("$lobby" token create --email ada@bench.example --name bench 2>/dev/null)"
  "$lobby" serve & SERVER=$!
  for _ in $(seq 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.1; done
  local link i
  TICKETS=()
  for i in $(seq "${INVITATIONS:-1}"); do
    link="$(curl -sf -X POST "$BASE/v1.0/invitations" -H "authorization: Bearer $TOKEN" \
      -H 'content-type: application/json' \
      -d '{"invitedUserEmailAddress":"load'"$i"'@customer.example","inviteRedirectUrl":"'"$BASE"'/","sendInvitationMessage":false}' |
      sed -n 's/.*"inviteRedeemUrl":"\([^"]*\)".*/\1/p')"
    TICKETS+=("${link##*invitationId=}")
  done
  TICKET="${TICKETS[0]}"
}

bench_stop() {
  if [ -n "${SERVER:-}" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; SERVER=; fi
}

# Runs the benchmark's `report <label> <database url>` on a fresh SQLite
# file, then on a fresh PostgreSQL database lobby_bench at
# LOBBY_BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432), if
# reachable.
on_both_databases() {
  report SQLite "sqlite://$BENCH_DIR/lobby.db"
  local pg="${LOBBY_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}"
  if psql "$pg/postgres" -qc 'drop database if exists lobby_bench' -c 'create database lobby_bench' >/dev/null 2>&1; then
    report PostgreSQL "$pg/lobby_bench"
  else
    echo "PostgreSQL at $pg is not reachable: skipped"
  fi
}
