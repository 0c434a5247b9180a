#!/usr/bin/env bash
# `make lobby ARGS="…"`: the `lobby` command line of this clone, e.g.
# `make lobby ARGS="admin create --email ada@example.com"`. It runs the
# binary `make run` built (PROFILE=debug for the debug one), building it
# first when it is missing, in the clone's directory, so it finds the same
# ./data and ./lobby.toml as `make run`.
source "$(dirname "$0")/common.sh"

profile="${PROFILE:-release}"
bin="$CARGO_TARGET_DIR/$profile/lobby"
if [ ! -x "$bin" ]; then
  scripts/build.sh "$profile" >&2
fi
exec "$bin" "$@"
