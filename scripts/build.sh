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
ensure_wasm_split

pkg="$SITE_ROOT/pkg"
# Afresh: no chunk of an earlier build stays to be served (or to change the
# files' version).
rm -rf "$pkg"
mkdir -p "$pkg"
[ "$profile" = release ] && ensure_node_packages # for binaryen's wasm-opt (Debian's wasm-opt breaks hydration)
# Two bundles: `lobby` (the `frontend` crate), the dashboard's pages, and
# `customer` (`frontend/customer`), the live parts of the customer's pages.
for bundle in lobby customer; do
  crate=frontend link=()
  [ "$bundle" = customer ] && crate=customer
  # The splitter (below) reads the linker's relocations; only the final
  # link keeps them, so the dependencies build once for both bundles.
  [ "$bundle" = lobby ] && link=(-- -C link-arg=--emit-relocs)
  profile_args=() mode=debug
  [ "$profile" = release ] && profile_args=(--profile wasm-release) mode=wasm-release
  say "building the $bundle bundle ($mode)"
  cargo rustc -p "$crate" --lib --target wasm32-unknown-unknown "${profile_args[@]}" "${link[@]}"
  wasm="$CARGO_TARGET_DIR/wasm32-unknown-unknown/$mode/$crate.wasm"
  bindgen_flags=()
  if [ "$bundle" = lobby ]; then
    # Each group of the dashboard's pages into a file of its own
    # (`split_<group>_*.wasm`; app/src/pages/admin/lazy.rs), the code groups
    # share into others (`chunk_*.wasm`), with their loader
    # (`__wasm_split.js`): fetched when a page of the group is opened. What
    # stays is the main module, which wasm-bindgen then finishes as usual,
    # keeping the exports the split files import.
    say "splitting the $bundle bundle into its groups of pages"
    wasm-split-cli --out-name "$bundle" "$wasm" "$pkg"
    wasm="$pkg/$bundle.wasm" bindgen_flags=(--keep-lld-exports --no-demangle)
  fi
  wasm-bindgen --target web "${bindgen_flags[@]}" --out-name "$bundle" --out-dir "$pkg" "$wasm"
  mv "$pkg/${bundle}_bg.wasm" "$pkg/$bundle.wasm"
done
if [ "$profile" = release ]; then
  say "optimizing the bundles (wasm-opt -Oz)"
  for wasm in "$pkg"/*.wasm; do
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int "$wasm" -o "$wasm"
  done
fi
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
