# Shared by the scripts: paths, and installing what the build needs. Each step
# checks first and says what it does, so running it again is cheap.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# One cargo target directory outside the clone, reused by every clone and CI run.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/lobby/target}"
export PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SITE_ROOT="$ROOT/target/site"

say() { printf '==> %s\n' "$*"; }

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "installing the Rust target wasm32-unknown-unknown (rustup)"
    rustup target add wasm32-unknown-unknown
  fi
}

# The wasm-bindgen CLI must be the exact version Cargo.lock resolved.
ensure_wasm_bindgen() {
  local want have
  want="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want from crates.io (once per machine, ~6 minutes)"
    cargo install wasm-bindgen-cli --version "$want"
  fi
}

# The splitter of the dashboard's bundle (scripts/build.sh), pinned.
ensure_wasm_split() {
  local want=0.2.4
  if ! cargo install --list | grep -qx "wasm_split_cli_support v$want:"; then
    say "installing wasm-split-cli $want from crates.io (once per machine, ~3 minutes)"
    cargo install wasm_split_cli_support --version "$want" --features build-binary --locked
  fi
}

# end2end's npm packages (Playwright, the test OpenID provider and SMTP sink,
# and binaryen's wasm-opt) from the committed lock file.
ensure_node_packages() {
  local stamp="end2end/node_modules/.lobby-lock-hash" hash
  hash="$(sha256sum end2end/package-lock.json | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$hash" ]; then
    say "installing end2end npm packages from package-lock.json (npm ci)"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
    echo "$hash" > "$stamp"
  fi
}

ensure_chromium() {
  # sqlite3 lets an end2end test move an invitation's expiry into the past.
  if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/nanum ] || [ ! -x /usr/bin/sqlite3 ]; then
    say "installing Debian's chromium, a Korean font and sqlite3 (apt-get)"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-nanum sqlite3 >/dev/null
  fi
}

# schemathesis (PyPI), pinned with everything it needs, in a virtualenv kept
# next to the cargo target directory; the API suite of `make test` runs it.
SCHEMATHESIS_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/lobby/schemathesis"
ensure_schemathesis() {
  local stamp="$SCHEMATHESIS_VENV/.lobby-requirements-hash" hash
  hash="$(sha256sum scripts/schemathesis-requirements.txt | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$hash" ]; then
    say "installing schemathesis from scripts/schemathesis-requirements.txt (pip, into $SCHEMATHESIS_VENV)"
    rm -rf "$SCHEMATHESIS_VENV"
    python3 -m venv "$SCHEMATHESIS_VENV"
    "$SCHEMATHESIS_VENV/bin/pip" install -q --disable-pip-version-check -r scripts/schemathesis-requirements.txt
    echo "$hash" > "$stamp"
  fi
}

# Microsoft's Graph SDK for Python (PyPI), which the API suite reads the API
# with; pinned in scripts/graph-sdk-requirements.txt, in a venv of its own.
GRAPH_SDK_VENV="${XDG_CACHE_HOME:-$HOME/.cache}/lobby/graph-sdk"
ensure_graph_sdk() {
  local stamp="$GRAPH_SDK_VENV/.lobby-requirements-hash" hash
  hash="$(sha256sum scripts/graph-sdk-requirements.txt | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null || true)" != "$hash" ]; then
    say "installing Microsoft's Graph SDK for Python from scripts/graph-sdk-requirements.txt (pip, into $GRAPH_SDK_VENV)"
    rm -rf "$GRAPH_SDK_VENV"
    python3 -m venv "$GRAPH_SDK_VENV"
    "$GRAPH_SDK_VENV/bin/pip" install -q --disable-pip-version-check -r scripts/graph-sdk-requirements.txt
    echo "$hash" > "$stamp"
  fi
}

# cargo-fuzz (crates.io), for the fuzz targets in server/fuzz.
CARGO_FUZZ_VERSION=0.13.2
ensure_cargo_fuzz() {
  if [ "$(cargo fuzz --version 2>/dev/null | awk '{ print $2 }' || true)" != "$CARGO_FUZZ_VERSION" ]; then
    say "installing cargo-fuzz $CARGO_FUZZ_VERSION from crates.io (once per machine, ~2 minutes)"
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
  fi
}
