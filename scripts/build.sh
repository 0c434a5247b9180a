#!/usr/bin/env bash
# Builds the browser bundles into target/site/pkg and the `lobby` binary.
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
[ "$profile" = release ] && ensure_node_packages # for binaryen's wasm-opt (Debian's wasm-opt breaks hydration)
# Two bundles from the one frontend crate: `lobby`, the whole app (the
# dashboard's pages), and `customer`, the customer's pages only.
for bundle in lobby customer; do
  features=()
  [ "$bundle" = customer ] && features=(--features customer)
  if [ "$profile" = release ]; then
    say "building the $bundle bundle (wasm-release)"
    cargo build -p frontend --lib --target wasm32-unknown-unknown --profile wasm-release "${features[@]}"
    wasm_dir="$CARGO_TARGET_DIR/wasm32-unknown-unknown/wasm-release"
  else
    say "building the $bundle bundle (debug)"
    cargo build -p frontend --lib --target wasm32-unknown-unknown "${features[@]}"
    wasm_dir="$CARGO_TARGET_DIR/wasm32-unknown-unknown/debug"
  fi
  wasm-bindgen --target web --out-name "$bundle" --out-dir "$pkg" "$wasm_dir/frontend.wasm"
  mv "$pkg/${bundle}_bg.wasm" "$pkg/$bundle.wasm"
  if [ "$profile" = release ]; then
    say "optimizing the $bundle bundle (wasm-opt -Oz)"
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$pkg/$bundle.wasm" -o "$pkg/$bundle.wasm"
  fi
done
cp style/main.css "$pkg/lobby.css"
cp style/favicon.svg "$pkg/favicon.svg"
# Each file also brotli- and gzip-compressed beside it, for the server to send
# as it is (server/src/http/assets.rs): the strongest settings for release,
# quick ones for the tests' debug bundles (tens of MB).
say "compressing the browser's files (br, gzip)"
quality=5; [ "$profile" = release ] && quality=11
node -e '
const fs = require("fs"), zlib = require("zlib"), path = require("path");
const [dir, quality] = [process.argv[1], Number(process.argv[2])];
for (const name of fs.readdirSync(dir).filter((f) => /\.(js|wasm|css|svg)$/.test(f))) {
  const file = path.join(dir, name), data = fs.readFileSync(file);
  fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: quality === 11 ? 9 : 6 }));
  fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params: {
    [zlib.constants.BROTLI_PARAM_QUALITY]: quality,
    [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length,
  } }));
}' "$pkg" "$quality"

[ "$only" = site ] && exit 0

say "building the server ($profile)"
if [ "$profile" = release ]; then
  cargo build -p server --release --bin lobby
else
  cargo build -p server --bin lobby
fi
