#!/usr/bin/env bash
# `make run`: builds Lobby and serves it on the embedded defaults
# (SQLite in ./data/lobby.db, dev mail in ./data/mail).
source "$(dirname "$0")/common.sh"

profile="${PROFILE:-release}"
scripts/build.sh "$profile"
bin="$CARGO_TARGET_DIR/$profile/lobby"
[ "$profile" = release ] || bin="$CARGO_TARGET_DIR/debug/lobby"

export LOBBY_SITE_ROOT="$SITE_ROOT"
listen="${LOBBY_LISTEN:-127.0.0.1:3000}"
say "Lobby: ${LOBBY_PUBLIC_URL:-http://$listen}"
if [ -z "${LOBBY_SMTP_URL:-}" ]; then
  say "dev mail: each message is stored in ${LOBBY_DATA_DIR:-data}/mail/*.eml, its first link is logged, and ${LOBBY_PUBLIC_URL:-http://$listen}/dev/mail shows them"
fi
say "database: ${DATABASE_URL:-sqlite://data/lobby.db} (migrations are applied at start); Ctrl-C stops"
say "no admin yet? Lobby logs a setup link (valid one hour) to create the first one in the browser"
exec "$bin" serve
