# meetpin build, run and test entry points. CI runs `make test` from .ci/run,
# which also starts PostgreSQL, Redis and stripe-mock and exports the
# MEETPIN_TEST_* variables the tests use.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS := -X meetpin.app/buildinfo.Version=$(VERSION) -X meetpin.app/buildinfo.Commit=$(COMMIT)

# Extra flags appended to `go test`, e.g. make test TESTFLAGS='-run TestStore -v'
TESTFLAGS ?=

# --- ASSETS ----------------------------------------------------------------
# The map's third-party code (Leaflet, leaflet.markercluster, pinned in
# web/frontend/package-lock.json) is installed with `npm ci` and copied into
# the git-ignored web/static/dist/ by web/frontend/build.mjs; the binary
# embeds it. Without npm the step says so and the build goes on: the binary
# still compiles, and /map tells the user that the map bundle is missing.
ASSETS_CMD ?= if command -v npm >/dev/null 2>&1; then \
		cd web/frontend && npm ci --no-audit --no-fund --loglevel=error && node build.mjs; \
	else \
		echo "assets: npm not found: web/static/dist is not built (the map page will say so)"; \
	fi
# ---------------------------------------------------------------------------

.PHONY: all build assets budget run test testreport bench vet fmt clean

all: build

assets:
	@$(ASSETS_CMD)

build: assets
	$(GO) build -trimpath -ldflags "$(LDFLAGS)" -o bin/meetpin ./cmd/meetpin

run: build
	./bin/meetpin serve --demo

# The report tool is built first so that a broken tool fails loudly instead
# of cutting the pipe, and so that nothing prints after its closing
# "tests: N passed, N failed, N skipped" line.
testreport:
	@$(GO) build -o bin/testreport ./tools/testreport

# Prints the gzip sizes of each page's JavaScript and CSS against the
# runbook's budgets. TestAssetBudget runs again in the main test run, where
# an overrun fails; the report hides a passing test's output, hence this.
budget: assets
	@$(GO) test -count=1 -run '^TestAssetBudget$$' -v ./web 2>&1 | grep -E 'budget_test.go:[0-9]+: budget|SKIP|FAIL' || true

test: assets testreport budget
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m -json ./... $(TESTFLAGS) 2>&1 | ./bin/testreport

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

vet:
	$(GO) vet ./...

# Fails and lists the files when any file is not gofmt-formatted.
fmt:
	@out="$$(gofmt -l .)"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi; \
	echo "gofmt: ok"

clean:
	rm -rf bin/
