# meetpin build, run and test entry points. CI runs `make tools`, `make lint`
# and `make test` from .ci/run, which also starts PostgreSQL, Redis and
# stripe-mock and exports the MEETPIN_TEST_* variables the tests use.

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

# --- LINT TOOLS --------------------------------------------------------------
# Pinned; `make tools` installs them with `go install` into GOBIN (or
# GOPATH/bin) unless that exact version is already there.
GOLANGCI_LINT_VERSION := v2.15.0
GOVULNCHECK_VERSION := v1.9.0
GOBIN_DIR := $(or $(shell $(GO) env GOBIN),$(shell $(GO) env GOPATH)/bin)
GOLANGCI_LINT := $(GOBIN_DIR)/golangci-lint
GOVULNCHECK := $(GOBIN_DIR)/govulncheck
# ---------------------------------------------------------------------------

.PHONY: all build assets budget run test testreport bench vet fmt lint golangci-lint vulncheck tools clean fuzz-short

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

# Brief fuzzing of the parsers that take outside input (issue 14). Every
# `go test` already runs each Fuzz function's seeds (in the function and in
# testdata/fuzz/); this also mutates them for FUZZTIME per target. Targets in
# web/ (FuzzSafeNext, FuzzDecode) run their seeds only: building web/ with
# the fuzzing instrumentation takes minutes. A failure leaves its input in
# the package's testdata/fuzz/: commit it with the fix.
FUZZTIME ?= 3s
FUZZ_TARGETS := media:FuzzProcess app:FuzzParseBBox app:FuzzPaging stripe:FuzzVerify
fuzz-short:
	@log=$$(mktemp); for t in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$${t##*:}$$" -fuzztime $(FUZZTIME) ./$${t%%:*} >$$log 2>&1 \
			|| { cat $$log; rm -f $$log; echo "fuzz-short: $$t failed"; exit 1; }; \
		echo "fuzz-short: $$t ok ($(FUZZTIME))"; \
	done; rm -f $$log

test: assets testreport budget fuzz-short
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

# gofmt, go vet, golangci-lint (.golangci.yml) and govulncheck; the first
# failure stops it. Install the linters with `make tools`.
lint: fmt vet golangci-lint vulncheck

golangci-lint:
	@test -x $(GOLANGCI_LINT) || { echo "golangci-lint: not installed: run make tools"; exit 1; }
	$(GOLANGCI_LINT) run ./...

# govulncheck needs its vulnerability database (https://vuln.go.dev, or
# GOVULNDB). When the database cannot be reached (no network, as on an
# offline CI machine), it says so in one line and the lint goes on; known
# vulnerabilities in code meetpin calls fail it.
vulncheck:
	@test -x $(GOVULNCHECK) || { echo "govulncheck: not installed: run make tools"; exit 1; }
	@out="$$($(GOVULNCHECK) $${GOVULNDB:+-db "$$GOVULNDB"} ./... 2>&1)" && rc=0 || rc=$$?; \
	if [ $$rc -ne 0 ] && ! printf '%s\n' "$$out" | grep -q '^Vulnerability #'; then \
		if printf '%s\n' "$$out" | grep -qiE 'vuln\.go\.dev|dial tcp|no such host|i/o timeout|connection refused|network is unreachable|TLS handshake'; then \
			echo "govulncheck: skipped: the vulnerability database $${GOVULNDB:-https://vuln.go.dev} is not reachable from this machine"; exit 0; \
		fi; \
	fi; \
	printf '%s\n' "$$out"; exit $$rc

# Installs the pinned lint tools, each only when that version is missing.
tools:
	@install() { \
		have="$$($(GO) version -m "$(GOBIN_DIR)/$$1" 2>/dev/null | awk -v m="$$2" '$$1 == "mod" && $$2 == m { print $$3 }')"; \
		if [ "$$have" = "$$3" ]; then echo "tools: $$1 $$3 already installed"; return; fi; \
		echo "tools: go install $$2/$$4@$$3 (found: $${have:-none})"; \
		(cd / && GOBIN="$(GOBIN_DIR)" $(GO) install "$$2/$$4@$$3"); \
	}; \
	install golangci-lint github.com/golangci/golangci-lint/v2 $(GOLANGCI_LINT_VERSION) cmd/golangci-lint; \
	install govulncheck golang.org/x/vuln $(GOVULNCHECK_VERSION) cmd/govulncheck

clean:
	rm -rf bin/
