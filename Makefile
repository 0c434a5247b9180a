# The two commands of README.md. Both install what they need first.
.PHONY: run test build fmt lint lobby

run:   ## build and serve Lobby at http://127.0.0.1:3000 (SQLite, dev mail)
	@bash scripts/run.sh

test:  ## every suite: unit, integration (SQLite + PostgreSQL), end-to-end in Chromium
	@bash scripts/test.sh

lobby: ## the command line of the built binary: make lobby ARGS="admin create --email you@example.com"
	@bash scripts/lobby.sh $(ARGS)

build:
	@bash scripts/build.sh release

fmt:
	cargo fmt --all

lint:
	@bash scripts/lint.sh
