#!/usr/bin/env bash
# Builds the browser bundle into target/site/pkg and the `lobby` binary.
# Usage: scripts/build.sh [debug|release] [site]
# With `site`, only the browser bundle: `make test` reuses the debug binary
# its `cargo test` built (a separate `cargo build` would compile the server
# again, with the features the tests' dev-dependencies do not add).
source "$(dirname "$0")/common.sh"

profile="${1:-debug}"
only="${2:-}"
ensure_wasm_target
ensure_wasm_bindgen

pkg="$SITE_ROOT/pkg"
mkdir -p "$pkg"
if [ "$profile" = release ]; then
  ensure_node_packages # for binaryen's wasm-opt (Debian's wasm-opt breaks hydration)
  say "building the wasm client (wasm-release)"
  cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release
  wasm_dir="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release"
else
  say "building the wasm client (debug)"
  cargo build -p frontend --lib --target wasm32-unknown-unknown
  wasm_dir="$CARGO_TARGET_DIR/wasm32-unknown-unknown/debug"
fi
wasm-bindgen --target web --out-name lobby --out-dir "$pkg" "$wasm_dir/frontend.wasm"
mv "$pkg/lobby_bg.wasm" "$pkg/lobby.wasm"
if [ "$profile" = release ]; then
  say "optimizing the wasm (wasm-opt -Oz)"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$pkg/lobby.wasm" -o "$pkg/lobby.wasm"
fi
cp style/main.css "$pkg/lobby.css"
cp style/favicon.svg "$pkg/favicon.svg"

[ "$only" = site ] && exit 0

say "building the server ($profile)"
if [ "$profile" = release ]; then
  cargo build -p server --release --bin lobby
else
  cargo build -p server --bin lobby
fi
