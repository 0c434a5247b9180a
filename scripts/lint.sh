#!/usr/bin/env bash
# Formatting and clippy, as `make test` runs them.
source "$(dirname "$0")/common.sh"
cargo fmt --all -- --check
cargo clippy -p server -p app -p migration --all-targets -- -D warnings
cargo clippy -p frontend -p customer --target wasm32-unknown-unknown -- -D warnings
