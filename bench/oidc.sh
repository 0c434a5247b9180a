#!/usr/bin/env bash
# The OpenID provider's figures (not a test; issue 21): the time from an
# app's redirect to its callback for a signed-in customer (target <= 20 ms
# server time) and token endpoint exchanges per second (code + PKCE), on a
# release build with SQLite, on loopback; the generator (Node, bench/oidc.mjs)
# shares the machine's cores with the server.
#   bench/oidc.sh
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"

ensure_node_packages
scripts/build.sh release >/dev/null 2>&1

# A customer through the journey with curl, as a browser's forms post it;
# the passcode is read from the development mailbox (the first six digits of
# the only email: its headers carry none).
bench_serve "sqlite://$BENCH_DIR/lobby.db"
lobby="$CARGO_TARGET_DIR/${PROFILE:-release}/lobby"
jar="$BENCH_DIR/cookies"
post() { curl -sf -o /dev/null -b "$jar" -c "$jar" -H "origin: $BASE" "$BASE$1" "${@:2}"; }
company='{"legalName":"Bench AG","street":"Bahnhofstrasse 1","postalCode":"8001","city":"Zürich","country":"CH"}'
link="$(curl -sf -X POST "$BASE/v1.0/invitations" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d '{"invitedUserEmailAddress":"bench@customer.example","inviteRedirectUrl":"'"$BASE"'/","company":'"$company"'}' |
  sed -n 's/.*"inviteRedeemUrl":"\([^"]*\)".*/\1/p')"
ticket="${link##*invitationId=}"
post "/invite/$ticket/passcode" --data ""
code=""
for _ in $(seq 100); do # the outbox worker writes the email in a moment
  code="$(grep -rhoE '\b[0-9]{6}\b' "$BENCH_DIR/data/mail" 2>/dev/null | head -1)" && [ -n "$code" ] && break
  sleep 0.1
done
post "/invite/$ticket/passcode/verify" --data "code=$code"
post "/invite/$ticket/consent" --data "decision=accept&privacy_version=1&terms_version=0"
post "/invite/$ticket/company" --data "legal_name=Bench+AG&street=Bahnhofstrasse+1&postal_code=8001&city=Z%C3%BCrich&country=CH&tax_id=&phone=&website="
cookie="lobby_visit=$(awk '$6 == "lobby_visit" { print $7 }' "$jar")"

redirect="https://app.bench.example/callback"
created="$("$lobby" app create --name Bench --redirect-uri "$redirect" 2>/dev/null)"
client_id="$(sed -n 's/^client_id: //p' <<<"$created")"
client_secret="$(sed -n 's/^client_secret: //p' <<<"$created")"
node bench/oidc.mjs "$BASE" "$cookie" "$client_id" "$client_secret" "$redirect"
bench_stop
