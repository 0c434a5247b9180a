#!/usr/bin/env bash
# Benchmark (not a test) for ASVS 6.3.8: does an answer take longer when the
# address exists? Over loopback, curl's time for
#   - the organization's sign-in form (/t/<slug>/signin): an invited address
#     (a new link and its email are written) against one never invited;
#   - operator sign-in (/admin/login) with a wrong password: an operator's
#     address (argon2 against their hash) against an unknown one (against a
#     dummy hash).
# Kinds alternate request by request, and each request comes from its own
# 127.0.x.y address with a fresh email, so no rate limit takes part. Prints
# the median and p90 of each kind and their difference. Release build
# (PROFILE=debug for the debug one).
#   bench/enumeration_timing.sh [requests per kind, default 100]
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"
n="${1:-100}"
profile="${PROFILE:-release}"
if [ "$profile" = release ]; then cargo build --quiet --release -p server --bin lobby; else cargo build --quiet -p server --bin lobby; fi

bench_serve "sqlite://$BENCH_DIR/lobby.db"
lobby="$CARGO_TARGET_DIR/$profile/lobby"
for i in $(seq "$n"); do
  curl -sf -o /dev/null -X POST "$BASE/v1.0/invitations" -H "authorization: Bearer $TOKEN" \
    -H 'content-type: application/json' \
    -d '{"invitedUserEmailAddress":"invited'"$i"'@customer.example","inviteRedirectUrl":"'"$BASE"'/","sendInvitationMessage":false}'
done
operators=$(( (n + 4) / 5 )) # five wrong passwords each, under the lock at ten
for i in $(seq "$operators"); do "$lobby" admin create --email "op$i@bench.example" >/dev/null; done

# One request's seconds: from address number $1, posting form $3 to path $2.
timed() {
  curl -s -o /dev/null -w '%{time_total}\n' --interface "127.0.$(($1 / 250)).$(($1 % 250 + 2))" \
    -H "origin: $BASE" --data "$3" "$BASE$2"
}
summary() { # label, file of seconds
  sort -n "$2" | awk -v label="$1" '{ t[NR] = $1 * 1000 } END {
    printf "%-44s median %6.2f ms  p90 %6.2f ms  (%d requests)\n", label, t[int((NR + 1) / 2)], t[int(NR * 0.9)], NR }'
}
median() { sort -n "$1" | awk '{ t[NR] = $1 * 1000 } END { print t[int((NR + 1) / 2)] }'; }

out="$BENCH_DIR/times"
mkdir -p "$out"
address=0
for i in $(seq "$n"); do
  address=$((address + 1)); timed "$address" /t/lobby/signin "email=invited$i%40customer.example" >> "$out/invited"
  address=$((address + 1)); timed "$address" /t/lobby/signin "email=stranger$i%40customer.example" >> "$out/stranger"
  op=$(( (i - 1) % operators + 1 ))
  address=$((address + 1)); timed "$address" /admin/login "email=op$op%40bench.example&password=not+the+password+at+all" >> "$out/operator"
  address=$((address + 1)); timed "$address" /admin/login "email=nobody$i%40bench.example&password=not+the+password+at+all" >> "$out/nobody"
done
bench_stop

echo "enumeration timing ($profile build, $n requests per kind):"
summary "sign-in link, invited address" "$out/invited"
summary "sign-in link, address never invited" "$out/stranger"
summary "operator sign-in, operator's address" "$out/operator"
summary "operator sign-in, unknown address" "$out/nobody"
printf 'difference of medians: sign-in link %+.2f ms, operator sign-in %+.2f ms\n' \
  "$(awk -v a="$(median "$out/invited")" -v b="$(median "$out/stranger")" 'BEGIN { print a - b }')" \
  "$(awk -v a="$(median "$out/operator")" -v b="$(median "$out/nobody")" 'BEGIN { print a - b }')"
