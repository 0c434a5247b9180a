#!/usr/bin/env bash
# `make test`: checks, unit and integration tests (SQLite, and PostgreSQL when
# LOBBY_TEST_POSTGRES_URL is set), each fuzz target for 12 s (an unoptimized
# smoke; scripts/fuzz.sh runs longer ones), the shared rules'
# tests compiled to wasm32, schemathesis against the API, and Playwright in
# Chromium against a freshly started server with a fresh database. Ends with
# one line `N passed, N failed`.
#
# The end-to-end suite waits on the browser and the server far more than it
# computes (about two thirds of a core on average), so it runs in the
# background while the CPU-bound suites run beside it at a lower priority.
source "$(dirname "$0")/common.sh"

# Where the time goes: each step's seconds, printed before the result line.
timings=()
lap_start=$SECONDS
lap() { # what just ended
  timings+=("$(printf '%5ds  %s' $((SECONDS - lap_start)) "$1")")
  lap_start=$SECONDS
}

ensure_wasm_target
ensure_wasm_bindgen
ensure_node_packages
ensure_chromium
ensure_schemathesis
ensure_cargo_fuzz
lap "installing what is missing"

logs="$(mktemp -d)"
passed=0
failed=0
e2e_pid=""
e2e_dir=""
cleanup() {
  if [ -n "$e2e_pid" ]; then kill -- "-$e2e_pid" 2>/dev/null || true; fi
  rm -rf "$logs" "$e2e_dir"
}
trap cleanup EXIT

check() { # name, command…: a check counts as one test
  local name="$1"; shift
  say "check: $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED check: $name"; fi
}

# Adds the passed and failed counts of cargo's `test result:` lines in $1;
# a non-zero status ($2) without a failed test is a build error.
count_cargo() {
  local p f
  read -r p f < <(awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } } END { print p + 0, f + 0 }' "$1")
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
    echo "FAILED: $3 exited with $2 (build error?)"; failed=$((failed + 1))
  fi
}

# Adds the counts of a suite's last `<name>: N passed, N failed` line in $2.
count_line() {
  local p f
  read -r p f < <(awk -v name="$1:" '$1 == name && $3 == "passed," { p = $2; f = $4 } END { if (p != "") print p, f }' "$2")
  if [ -z "${p:-}" ]; then p=0; f=1; echo "FAILED: the $1 suite printed no result"; fi
  passed=$((passed + p)); failed=$((failed + f))
}

check "cargo fmt" cargo fmt --all -- --check
check "clippy (server and app, ssr)" cargo clippy -q -p server -p app -p migration --all-targets -- -D warnings
check "clippy (app, hydrate, wasm32)" cargo clippy -q -p frontend -p customer --target wasm32-unknown-unknown -- -D warnings

if [ -z "${LOBBY_TEST_POSTGRES_URL:-}" ]; then
  echo "!!! LOBBY_TEST_POSTGRES_URL is not set: the PostgreSQL storage tests will SKIP (they fail under CI=true)."
  echo "!!! e.g. LOBBY_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test make test"
fi
lap "formatting and clippy"

say "building the unit and integration tests and the server (cargo test --no-run)"
set +e
cargo test --no-run -p app -p migration -p server 2>&1 | tee "$logs/cargo-build.log"
build_status=${PIPESTATUS[0]}
set -e
lap "building the tests and the server (debug)"

say "building the site (debug) for the API and end-to-end suites"
# The server is the debug binary `cargo test` built, tested as it is.
site_ok=false
if [ "$build_status" -eq 0 ] && scripts/build.sh debug site && [ -x "$CARGO_TARGET_DIR/debug/lobby" ]; then
  site_ok=true
else
  echo "FAILED: building the server and the site for the API and end-to-end tests"; failed=$((failed + 1))
fi
lap "building the site (debug)"

e2e_start=$SECONDS
if $site_ok; then
  say "end-to-end tests (Playwright, Chromium) in the background; their output follows at the end"
  e2e_dir="$(mktemp -d)"
  free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
  port="$(free_port)"
  smtp_port="$(free_port)"
  sink_port="$(free_port)"
  idp_ports="$(free_port),$(free_port),$(free_port),$(free_port),$(free_port)"
  rp_port="$(free_port)"
  # Its own process group, so that an interrupted run stops all of it.
  set -m
  (cd end2end && \
    LOBBY_BIN="$CARGO_TARGET_DIR/debug/lobby" LOBBY_SITE_ROOT="$SITE_ROOT" LOBBY_E2E_DIR="$e2e_dir" \
    LOBBY_E2E_PORT="$port" LOBBY_E2E_SMTP_PORT="$smtp_port" LOBBY_E2E_SINK_PORT="$sink_port" LOBBY_E2E_IDP_PORTS="$idp_ports" \
    LOBBY_E2E_RP_PORT="$rp_port" \
    PLAYWRIGHT_JSON_OUTPUT_NAME="$logs/e2e.json" \
    exec npx playwright test --reporter=list,json) > "$logs/e2e.log" 2>&1 &
  e2e_pid=$!
  set +m
fi

# Beside it, at the lowest priority, so that the browser and the server it
# tests come first.
beside() { nice -n 19 "$@"; }

say "unit and integration tests (cargo test)"
set +e
LOBBY_SITE_ROOT="$SITE_ROOT" beside cargo test --no-fail-fast -p app -p migration -p server 2>&1 | tee "$logs/cargo.log"
cargo_status=${PIPESTATUS[0]}
set -e
count_cargo "$logs/cargo.log" "$cargo_status" "cargo test"
lap "unit and integration tests (run)"

# Each fuzz target briefly (the validators, email normalization, the CSV
# importer, the invitation request), built unoptimized with overflow checks
# (see scripts/fuzz.sh): a found crash fails the run.
say "fuzzing (cargo fuzz smoke, 12 s per target)"
set +e
beside scripts/fuzz.sh --smoke 12 2>&1 | tee "$logs/fuzz.log"
set -e
count_line fuzz "$logs/fuzz.log"
lap "fuzzing (build and run)"

# The shared rules again, compiled to wasm32 as the browser runs them.
say "shared rules in wasm32 (wasm-bindgen-test under Node)"
set +e
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  beside cargo test -p app --features hydrate --target wasm32-unknown-unknown --test rules_in_wasm 2>&1 | tee "$logs/wasm.log"
wasm_status=${PIPESTATUS[0]}
set -e
count_cargo "$logs/wasm.log" "$wasm_status" "the wasm32 tests"
lap "shared rules in wasm32 (build and run)"

if $site_ok; then
  say "API suite (schemathesis against /v1.0/openapi.json)"
  set +e
  beside scripts/api_schema.sh 2>&1 | tee "$logs/api.log"
  set -e
  count_line api "$logs/api.log"
  lap "API suite (schemathesis)"

  wait "$e2e_pid" || true
  e2e_pid=""
  say "end-to-end tests (Playwright, Chromium): $((SECONDS - e2e_start)) s from their start"
  cat "$logs/e2e.log"
  if [ -s "$logs/e2e.json" ]; then
    # A test skipped because a project it depends on failed did not pass.
    read -r ep ef < <(node -e 'const s=require(process.argv[1]).stats; console.log(s.expected + s.flaky, s.unexpected + s.skipped)' "$logs/e2e.json")
  else
    ep=0; ef=1; echo "FAILED: Playwright produced no results"
  fi
  passed=$((passed + ep)); failed=$((failed + ef))
  lap "waiting for the end-to-end tests to end"
  timings+=("$(printf '%5ds  %s' $((SECONDS - e2e_start)) "end-to-end tests (Playwright) from their start, beside the four above")")
fi

echo
echo "time, $SECONDS s in all:"
printf '%s\n' "${timings[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
