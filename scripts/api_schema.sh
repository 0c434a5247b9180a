#!/usr/bin/env bash
# The API suite: schemathesis against /v1.0/openapi.json of a freshly started
# debug server (fresh SQLite database, an operator and a valid token). Every
# check but `positive_data_acceptance` runs: no 5xx, every response matches the
# schema (status, content type, headers, body), schema-invalid requests are
# refused, and no operation answers without the token. That one check is left
# out because the schema cannot state every rule an invitation must pass (the
# redirect must lie under an allowed prefix, the address must be deliverable).
# Then Microsoft's Graph SDK for Python reads the same server
# (scripts/graph_sdk_check.py: invitations and users, one check each).
# Prints `api: N passed, N failed` (one per operation and phase, and per SDK
# check) and exits non-zero on any failure. Usage: scripts/api_schema.sh [max examples]
source "$(dirname "$0")/common.sh"
ensure_schemathesis
ensure_graph_sdk

examples="${1:-60}"
work="$(mktemp -d)"
server=""
stop() { if [ -n "$server" ]; then kill "$server" 2>/dev/null; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap stop EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
# The public URL is the one the schema's example redirects under.
export LOBBY_LISTEN="127.0.0.1:$port" LOBBY_PUBLIC_URL="https://lobby.example" LOBBY_DATA_DIR="$work/data" \
  LOBBY_SITE_ROOT="$SITE_ROOT" LOBBY_SECRET_KEY="$(printf 'a%.0s' {1..64})" \
  LOBBY_ADMIN_PASSWORD='a calm lake at dawn' RUST_LOG=warn
export DATABASE_URL="sqlite://$work/lobby.db"
lobby="$CARGO_TARGET_DIR/debug/lobby"
"$lobby" admin create --email ada@api.example >/dev/null
token="$("$lobby" token create --email ada@api.example --name schemathesis 2>/dev/null)"
"$lobby" serve 2> "$work/server.log" & server=$!
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

set +e
(cd "$work" && "$SCHEMATHESIS_VENV/bin/schemathesis" run "$base/v1.0/openapi.json" \
  --header "Authorization: Bearer $token" \
  --checks all --exclude-checks positive_data_acceptance \
  --max-examples "$examples" --no-color --generation-database none \
  --report junit --report-junit-path "$work/junit.xml")
status=$?
# Then Microsoft's own client reads the same server where Graph has the resource.
"$GRAPH_SDK_VENV/bin/python" scripts/graph_sdk_check.py "$base" "$token" | tee "$work/sdk.log"
sdk_status=${PIPESTATUS[0]}
set -e
read -r sdk_passed sdk_failed < <(awk '$1 == "graph-sdk:" && $3 == "passed," { print $2, $4 }' "$work/sdk.log")
if [ -z "${sdk_passed:-}" ]; then sdk_passed=0; sdk_failed=1; fi
if [ "$sdk_status" -ne 0 ] && [ "$sdk_failed" -eq 0 ]; then sdk_failed=1; fi
if grep -q "panicked" "$work/server.log"; then
  echo "FAILED: the server panicked:"; grep -A3 "panicked" "$work/server.log"; status=1
fi
read -r total bad < <(python3 - "$work/junit.xml" <<'PY'
import sys, xml.etree.ElementTree as ET
try:
    cases = list(ET.parse(sys.argv[1]).getroot().iter("testcase"))
except (OSError, ET.ParseError):
    cases = []
bad = sum(1 for c in cases if c.find("failure") is not None or c.find("error") is not None)
print(len(cases), bad)
PY
)
if [ "$total" -eq 0 ]; then bad=1; fi
if [ "$status" -ne 0 ] && [ "$bad" -eq 0 ]; then bad=1; fi
echo "api: $((total - bad + sdk_passed)) passed, $((bad + sdk_failed)) failed"
[ "$status" -eq 0 ] && [ "$bad" -eq 0 ] && [ "$sdk_failed" -eq 0 ]
