#!/usr/bin/env bash
# Benchmark: password sign-ins per second through `lobby serve` (release
# build) against the argon2 bound measured in the same run, p50/p99 latency,
# and the server's memory idle and under load. Usage:
#   bench/password_sign_in.sh [requests]
source "$(dirname "$0")/../scripts/common.sh"
cargo build --quiet --release -p server --bin lobby --example password_sign_in_bench
LOBBY_BIN="$CARGO_TARGET_DIR/release/lobby" LOBBY_SITE_ROOT="$SITE_ROOT" \
  "$CARGO_TARGET_DIR/release/examples/password_sign_in_bench" "${1:-600}"
