#!/usr/bin/env bash
# Soak (not a test): an invitation's landing page at half the peak rate the
# same run measured, for 30 minutes (or the minutes given), on SQLite by
# default; the server's RSS sampled every 10 s. Prints the errors and the
# RSS growth, from the sample after the first minute (allocator warm-up)
# to the last, and from the first sample.
#   bench/soak.sh [minutes, default 30] [database url]
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"
minutes="${1:-30}"

ensure_node_packages
scripts/build.sh release >/dev/null
bench_serve "${2:-sqlite://$BENCH_DIR/lobby.db}"
url="$BASE/invite/$TICKET"

"$AUTOCANNON" -c 32 -d 3 "$url" >/dev/null 2>&1
peak="$("$AUTOCANNON" -c 32 -d 15 -j "$url" 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(Math.round(JSON.parse(s).requests.average)))')"
rate=$((peak / 2))
echo "peak $peak req/s; soaking at $rate req/s for $minutes min"

rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER/status"; }
"$AUTOCANNON" -c 16 --overallRate "$rate" -d $((minutes * 60)) -j "$url" >"$BENCH_DIR/soak.json" 2>/dev/null &
load=$!
samples=()
while kill -0 "$load" 2>/dev/null; do
  samples+=("$(rss)")
  sleep 10
done
wait "$load"
read -r requests errors < <(node -e '
  const r = require(process.argv[1]);
  console.log(r.requests.total, r.errors + r.timeouts + r.non2xx);' "$BENCH_DIR/soak.json")
first="${samples[0]}"; warm="${samples[6]:-$first}"; last="${samples[-1]}"
max="$(printf '%s\n' "${samples[@]}" | sort -n | tail -1)"
echo "requests $requests, errors $errors, RSS samples ${#samples[@]}"
awk -v f="$first" -v w="$warm" -v l="$last" -v m="$max" 'BEGIN {
  printf "RSS first %.1f MiB, after 1 min %.1f MiB, last %.1f MiB, max %.1f MiB\n", f/1024, w/1024, l/1024, m/1024
  printf "growth from 1 min to the end %.1f %%, from the first sample %.1f %% (target < 10 %%)\n", (l-w)*100/w, (l-f)*100/f
}'
