#!/usr/bin/env bash
# Benchmark: webhook deliveries per second for a 10 000-row CSV import (one
# invitation.created per row, then import.finished), stored in a fresh
# SQLite file and posted, signed, to a receiver on 127.0.0.1 that checks
# every signature (release build). Usage:
#   bench/webhooks.sh [rows]
source "$(dirname "$0")/../scripts/common.sh"
cargo run --quiet --release -p server --example webhooks_bench -- "${1:-10000}"
