package main

import (
	"encoding/json"
	"strings"
	"testing"

	"meetpin.app/postgres/postgrestest"
)

// TestSmokeFreshServer runs `meetpin smoke` against fresh servers: every
// check passes, in lines and in JSON, with --write too.
func TestSmokeFreshServer(t *testing.T) {
	const metricsToken = "metrics-token-0123456789abcdef"
	r := startReplica(t, map[string]string{"MEETPIN_METRICS_TOKEN": metricsToken, "MEETPIN_RATELIMIT": "on"})
	code, out, errs := runCmd(t, nil, "smoke", r.base)
	if code != 0 {
		t.Fatalf("smoke: %d\n%s\n%s", code, out, errs)
	}
	for _, name := range []string{"livez", "readyz", "health", "health:database", "health:redis", "rooms", "home", "security headers", "static", "metrics"} {
		if !regexpLine(out, name, "ok") {
			t.Errorf("no passing %q line in:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "protected (401)") {
		t.Errorf("/metrics without a token is not reported as protected:\n%s", out)
	}

	// JSON, with the metrics token and the write checks.
	code, out, errs = runCmd(t, nil, "smoke", "--json", "--write", "--timeout", "2m", "--token", metricsToken, r.base)
	if code != 0 {
		t.Fatalf("smoke --json --write: %d\n%s\n%s", code, out, errs)
	}
	var rep smokeReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	seen := map[string]bool{}
	for _, c := range rep.Checks {
		seen[c.Name] = c.OK
	}
	for _, name := range []string{"metrics", "write:signup", "write:room create", "write:room read", "write:room delete", "write:room gone", "write:logout"} {
		if !seen[name] {
			t.Errorf("check %q missing or failed: %+v", name, rep.Checks)
		}
	}
	if !rep.OK || rep.URL != r.base {
		t.Fatalf("report %+v", rep)
	}

	// A wrong metrics token fails the metrics check, and only it.
	code, out, errs = runCmd(t, nil, "smoke", "--token", "wrong-token-0123456789", r.base)
	if code != 1 || !strings.Contains(errs, "1 of") || !strings.Contains(errs, "metrics") || !regexpLine(out, "metrics", "FAIL") {
		t.Fatalf("wrong token: %d\n%s\n%s", code, out, errs)
	}

	// Bad usage.
	if code, _, _ := runCmd(t, nil, "smoke"); code != 2 {
		t.Fatalf("smoke without URL: exit %d, want 2", code)
	}
	if code, _, errs := runCmd(t, nil, "smoke", "localhost:8080"); code != 1 || !strings.Contains(errs, "not an absolute http(s) URL") {
		t.Fatalf("smoke with a bare host: %d %q", code, errs)
	}
}

// TestSmokeWriteRefusedInProduction: --write against production needs --yes.
func TestSmokeWriteRefusedInProduction(t *testing.T) {
	addr := freeAddr(t)
	r := startReplicaAt(t, addr, map[string]string{"MEETPIN_ENV": "production", "SITE_URL": "http://" + addr,
		"ADMIN_TOKEN": "admin-token-0123456789", "CRON_SECRET": "cron-secret-0123456789", "MEETPIN_METRICS_TOKEN": "metrics-token-0123456789", "MEETPIN_MAP_TILE_URL": "https://tiles.example/{z}/{x}/{y}.png"})
	code, out, errs := runCmd(t, nil, "smoke", "--write", "--timeout", "2m", r.base)
	if code != 1 || !regexpLine(out, "write", "FAIL") || !strings.Contains(out, "refused: the server is in production") || strings.Contains(out, "write:signup") {
		t.Fatalf("--write in production without --yes: %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := runCmd(t, nil, "smoke", "--write", "--yes", "--timeout", "2m", r.base); code != 0 || !regexpLine(out, "write:room delete", "ok") {
		t.Fatalf("--write --yes in production: %d\n%s\n%s", code, out, errs)
	}
}

// TestSmokeDatabaseGone: when the server's PostgreSQL database no longer
// accepts connections, smoke exits 1 and names the failing checks.
func TestSmokeDatabaseGone(t *testing.T) {
	dbURL := postgrestest.URL(t)
	r := startReplica(t, map[string]string{"DATABASE_URL": dbURL})
	if code, out, errs := runCmd(t, nil, "smoke", r.base); code != 0 {
		t.Fatalf("smoke before: %d\n%s\n%s", code, out, errs)
	}
	postgrestest.Block(t, dbURL)
	code, out, errs := runCmd(t, nil, "smoke", r.base)
	if code != 1 {
		t.Fatalf("smoke with the database gone: exit %d\n%s", code, out)
	}
	// The room list may still come from the cache, so it is not named.
	for _, name := range []string{"readyz", "health", "health:database"} {
		if !regexpLine(out, name, "FAIL") || !strings.Contains(errs, name) {
			t.Errorf("%q not named as failed:\n%s\n%s", name, out, errs)
		}
	}
	if !regexpLine(out, "livez", "ok") || !strings.Contains(out, "database: unreachable") {
		t.Errorf("livez should pass and readyz say why:\n%s", out)
	}
}

// regexpLine reports whether out has a line starting with name followed by
// word as its next field.
func regexpLine(out, name, word string) bool {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, name+"  ")
		if ok && strings.HasPrefix(strings.TrimLeft(rest, " "), word) {
			return true
		}
	}
	return false
}
