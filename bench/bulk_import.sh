#!/usr/bin/env bash
# Benchmark: 50 000 invitations from one CSV, stored in a fresh SQLite file and
# delivered to an SMTP server on 127.0.0.1 (release build). Usage:
#   bench/bulk_import.sh [rows]
source "$(dirname "$0")/../scripts/common.sh"
cargo run --quiet --release -p server --example bulk_import_bench -- "${1:-50000}"
