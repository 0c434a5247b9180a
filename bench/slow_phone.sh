#!/usr/bin/env bash
# A slow phone (not a test): the release build served on loopback, an
# invitee at the company step (signed in with the emailed passcode, terms
# accepted, the seller's draft without its postal code) and, with passcodes
# then switched off, a new invitee at the sign-in step that creates an
# account; bench/slow_phone.mjs opens both in a throttled Chromium and
# prints when each page reacts to typing.
# Usage: bench/slow_phone.sh
source "$(dirname "$0")/../scripts/common.sh"
source "$(dirname "$0")/serve.sh"
ensure_node_packages
ensure_chromium
scripts/build.sh release >/dev/null
bench_serve "sqlite://$BENCH_DIR/lobby.db"
db="$BENCH_DIR/lobby.db" jar="$BENCH_DIR/cookies"

# An invitation to `email` with `json` added; prints its ticket.
invite() {
  curl -sf -X POST "$BASE/v1.0/invitations" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
    -d '{"invitedUserEmailAddress":"'"$1"'","inviteRedirectUrl":"'"$BASE"'/","sendInvitationMessage":false'"${2:-}"'}' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).inviteRedeemUrl.split("invitationId=")[1]))'
}
post() { curl -sf -o /dev/null -b "$jar" -c "$jar" -H "origin: $BASE" "$BASE$1" "${@:2}"; }

company="$(invite phone@customer.example ',"company":{"legalName":"Phone AG","street":"Bahnhofstrasse 1","city":"Zürich","country":"CH"}')"
curl -sf -o /dev/null -b "$jar" -c "$jar" "$BASE/invite/$company/start"
post "/invite/$company/passcode" -X POST
code="$(sqlite3 "$db" "select body_text from email_outbox where to_address = 'phone@customer.example' order by created_at desc limit 1" | grep -oE '\b[0-9]{6}\b' | head -1)"
post "/invite/$company/passcode/verify" --data-urlencode "code=$code"
post "/invite/$company/consent" --data "decision=accept&privacy_version=1&terms_version=0"
visit="$(awk '$6 == "lobby_visit" { print $7 }' "$jar")"

sqlite3 "$db" "update organization set email_otp_enabled = false"
account="$(invite new-account@customer.example)"

node bench/slow_phone.mjs "$BASE" "$BASE/invite/$account/start" "$BASE/invite/$company/company" "$visit"
