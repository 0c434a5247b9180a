#!/usr/bin/env bash
# Page weight of the customer flow (not a test): the gzip size of what each
# page loads, as the release build serves it. The pages share one CSS, one
# JavaScript and one wasm file, which a browser fetches once; so the first
# page load is its HTML plus those, and every later page only its HTML.
# Usage: bench/page_weight.sh
source "$(dirname "$0")/../scripts/common.sh"
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

gz() { curl -sf "$1" | gzip -9 | wc -c; }
kib() { awk -v b="$1" 'BEGIN { printf "%.1f KiB", b / 1024 }'; }
css=$(gz "$base/pkg/lobby.css"); js=$(gz "$base/pkg/lobby.js"); wasm=$(gz "$base/pkg/lobby.wasm")
shared=$((css + js + wasm))
printf '%-34s %s\n' "shared: lobby.css" "$(kib "$css")" "shared: lobby.js" "$(kib "$js")" \
  "shared: lobby.wasm" "$(kib "$wasm")"
for page in "/invite/$ticket" "/invite/$ticket/start" "/"; do
  html=$(gz "$base$page")
  printf '%-34s HTML %s, first load with the shared files %s\n' "${page/$ticket/<ticket>}" \
    "$(kib "$html")" "$(kib $((html + shared)))"
done
echo "target: first page load <= 150 KiB gzip"
