#!/usr/bin/env bash
# Page weight of the customer flow and the dashboard (not a test): the bytes on the wire
# (headers and body, as sent to a browser that accepts br and gzip) of what
# each page loads, as the release build serves it, walking a passcode invitee from
# the link to the welcome page. Every page loads its HTML and one CSS file;
# only the pages with live checks (the sign-in step, the company step) also
# load a JavaScript and wasm bundle, which a browser then keeps: the
# customer's (`customer`), without the dashboard's (`lobby`).
# Usage: bench/page_weight.sh
source "$(dirname "$0")/../scripts/common.sh"
ensure_node_packages
ensure_chromium
scripts/build.sh release >/dev/null
lobby="$CARGO_TARGET_DIR/release/lobby"
dir="$(mktemp -d)"
port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
base="http://127.0.0.1:$port"
export LOBBY_LISTEN="127.0.0.1:$port" LOBBY_PUBLIC_URL="$base" DATABASE_URL="sqlite://$dir/lobby.db" \
  LOBBY_DATA_DIR="$dir/data" LOBBY_SITE_ROOT="$SITE_ROOT" LOBBY_SECRET_KEY="$(printf 'b%.0s' {1..64})" \
  LOBBY_ADMIN_PASSWORD='a calm lake at dawn' RUST_LOG=warn
"$lobby" admin create --email ada@bench.example >/dev/null
token="$("$lobby" token create --email ada@bench.example --name bench | grep -o 'lobby_[0-9a-f]*' | head -1)"
"$lobby" serve & server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

link="$(curl -sf -X POST "$base/v1.0/invitations" -H "authorization: Bearer $token" \
  -H 'content-type: application/json' \
  -d '{"invitedUserEmailAddress":"weight@customer.example","inviteRedirectUrl":"'"$base"'/","sendInvitationMessage":false}' |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).inviteRedeemUrl))')"
ticket="${link##*invitationId=}"

jar="$dir/cookies"
# What `url` costs on the wire: the answer's headers and its body as sent.
wire() {
  curl -sf -o /dev/null -b "$jar" -c "$jar" -H 'accept-encoding: br, gzip' \
    -w '%{size_header} %{size_download}\n' "$1" | awk '{ print $1 + $2 }'
}
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
post() { curl -sf -o /dev/null -b "$jar" -c "$jar" -H "origin: $base" "$base$1" "${@:2}"; }
# The files as the pages link them, under their version.
pkg="$(curl -sf "$base/" | grep -oE '/pkg/[0-9a-f]+/lobby\.css' | head -1)"; pkg="${pkg%/lobby.css}"
css=$(wire "$base$pkg/lobby.css")
declare -A bundle_size
for name in customer lobby; do
  js=$(wire "$base$pkg/$name.js"); wasm=$(wire "$base$pkg/$name.wasm")
  bundle_size[$name]=$((js + wasm))
  printf '%-34s %s\n' "$name.js" "$(kib "$js")" "$name.wasm" "$(kib "$wasm")"
done
printf '%-34s %s\n' "lobby.css (every page)" "$(kib "$css")"
# Each page as the invitee meets it, opened as the first page of a visit:
# its HTML, the stylesheet, and the bundle if the page loads it.
flow=0 bundled=""
weigh() {
  local page="$1" html body
  body="$(curl -sf -b "$jar" -c "$jar" "$base$page")"
  html=$(wire "$base$page")
  local total=$((html + css)) bundle="no bundle" name
  name="$(grep -oE '/pkg/[0-9a-f]+/[a-z]+\.wasm' <<<"$body" | head -1 | sed 's|.*/||; s|\.wasm||' || true)"
  if [ -n "$name" ]; then total=$((total + bundle_size[$name])); bundle="with the $name bundle"; bundled="$name"; fi
  flow=$((flow + html))
  printf '%-34s HTML %s, first load %s (%s)\n' "${page/$ticket/<ticket>}" "$(kib "$html")" "$(kib "$total")" "$bundle"
}
weigh "/invite/$ticket"
weigh "/invite/$ticket/start"
# Signed in with the emailed passcode (read from the outbox), on through the steps.
post "/invite/$ticket/passcode" -X POST
code="$(sqlite3 "$dir/lobby.db" "select body_text from email_outbox where to_address = 'weight@customer.example' order by created_at desc limit 1" | grep -oE '\b[0-9]{6}\b' | head -1)"
post "/invite/$ticket/passcode/verify" --data-urlencode "code=$code"
weigh "/invite/$ticket/consent"
post "/invite/$ticket/consent" --data "decision=accept&privacy_version=1&terms_version=0"
weigh "/invite/$ticket/company"
post "/invite/$ticket/company" --data "legal_name=Weight+AG&street=Hauptstrasse+5&postal_code=10115&city=Berlin&country=DE&tax_id=&phone=&website="
weigh "/invite/$ticket/continue"
echo "the whole passcode journey, link to welcome page, each file fetched once: $(kib $((flow + css + ${bundle_size[$bundled]:-0})))"
weigh "/signin"
weigh "/"
# The dashboard's pages fetch their group's code as they need it: weighed
# in Chromium, as the browser receives them.
node bench/dashboard_weight.mjs "$base" ada@bench.example "$LOBBY_ADMIN_PASSWORD"
echo "targets (issue 22): the whole journey <= 150 KiB, the company step's first load <= 120 KiB, the dashboard's (/admin) <= 400 KiB"
