#!/usr/bin/env bash
# Runs every cargo-fuzz target in server/fuzz for SECONDS each (default 20)
# (one per core at a time) and prints the executions and the result of each, then
# `fuzz: N passed, N failed`. `--smoke` (what `make test` runs) builds the
# targets unoptimized, with overflow checks and debug assertions: about 20 s
# to build after a change instead of 5 minutes, at a seventh of the
# executions per second; the long runs (e.g. `scripts/fuzz.sh 600`) build
# optimized. A target fails when libFuzzer finds an input that
# panics or breaks an assertion; the input is kept under the cache directory
# and its path printed (replay: scripts/fuzz.sh --replay TARGET FILE).
#
# cargo fuzz needs compiler flags that only nightly toolchains accept;
# RUSTC_BOOTSTRAP=1 lets the machine's stable toolchain take them, so no second
# toolchain is needed. Corpora grow under the cache directory and are reused.
# Usage: scripts/fuzz.sh [--smoke] [SECONDS] [TARGET…]
source "$(dirname "$0")/common.sh"
ensure_cargo_fuzz

export RUSTC_BOOTSTRAP=1
cache="${XDG_CACHE_HOME:-$HOME/.cache}/lobby/fuzz"
fuzz() { local command="$1"; shift; cargo fuzz "$command" --fuzz-dir server/fuzz "$@"; }
# No sanitizer: Lobby's own code has no `unsafe`, so what the fuzzer hunts here
# is panics and broken assertions, which libFuzzer catches by itself;
# AddressSanitizer would instrument every dependency, triple the build and slow
# each execution.
build_flags=(--target-dir "$CARGO_TARGET_DIR/fuzz" --codegen-units 16 --sanitizer none)
if [ "${1:-}" = "--smoke" ]; then
  build_flags+=(--dev)
  shift
fi

if [ "${1:-}" = "--replay" ]; then
  fuzz run "${build_flags[@]}" "$2" "$3"
  exit
fi

seconds="${1:-20}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  mapfile -t targets < <(fuzz list)
fi

say "building the fuzz targets (cargo fuzz build)"
fuzz build "${build_flags[@]}"

# Targets run side by side, one per core: libFuzzer uses one.
at_once="${FUZZ_JOBS:-$(nproc)}"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

fuzz_one() { # target: runs it, prints its line, leaves "executions ok|FAILED" in $results/target
  local target="$1" corpus="$cache/corpus/$1" artifacts="$cache/artifacts/$1/" log="$results/$1.log"
  mkdir -p "$corpus" "$artifacts"
  local seeds=() result=ok
  [ -d "server/fuzz/seeds/$target" ] && seeds=("server/fuzz/seeds/$target")
  if ! fuzz run "${build_flags[@]}" "$target" "$corpus" "${seeds[@]}" -- \
      -max_total_time="$seconds" -artifact_prefix="$artifacts" -print_final_stats=1 > "$log" 2>&1; then
    result=FAILED
    grep -E "panicked|ERROR|Test unit written|assertion" "$log" | head -20 || true
  fi
  local runs
  runs="$(awk '/^stat::number_of_executed_units:/ { print $2 }' "$log" | tail -1)"
  echo "${runs:-0} $result" > "$results/$target"
  echo "fuzz $target: ${runs:-0} executions, $result"
}

say "fuzzing ${#targets[@]} targets for ${seconds}s each, $at_once at a time"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$at_once" ]; do wait -n || true; done
  fuzz_one "$target" &
done
wait

passed=0
failed=0
total_runs=0
for target in "${targets[@]}"; do
  read -r runs result < "$results/$target" || { runs=0; result=FAILED; }
  total_runs=$((total_runs + runs))
  if [ "$result" = ok ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "fuzz: $total_runs executions in all"
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
