package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPerfBaselineAndCompare runs a bounded load against a real server,
// saves the baseline, compares against it, and exits 1 on a regression.
func TestPerfBaselineAndCompare(t *testing.T) {
	r := startReplica(t, nil)
	var host struct{ Token string }
	api(t, r.base, "POST", "/api/auth/signup", "", map[string]any{"email": "perf@example.com", "password": "correct horse", "nickname": "perfHost"}, 201, &host)
	api(t, r.base, "POST", "/api/rooms", host.Token, map[string]any{"title": "perf", "category": "drink", "lat": 37.5, "lng": 127.0,
		"place_text": "Seoul", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339)}, 201, nil)

	file := filepath.Join(t.TempDir(), "baseline.json")
	code, out, errs := runCmd(t, nil, "perf", "baseline", "--requests", "200", "--duration", "10m", "--concurrency", "4", "--out", file, r.base)
	if code != 0 || !strings.Contains(out, "200 requests") {
		t.Fatalf("baseline: %d %q %q", code, out, errs)
	}
	var base perfResult
	b, _ := os.ReadFile(file)
	if err := json.Unmarshal(b, &base); err != nil {
		t.Fatal(err)
	}
	if base.Requests != 200 || base.Errors != 0 || base.RPS <= 0 || len(base.Routes) != 4 || base.URL != r.base {
		t.Fatalf("baseline %+v", base)
	}
	total := 0
	for name, s := range base.Routes {
		total += s.Requests
		if s.Requests == 0 || s.P50Ms <= 0 || s.P50Ms > s.P95Ms || s.P95Ms > s.P99Ms {
			t.Fatalf("route %s: %+v", name, s)
		}
	}
	if total != 200 || base.Routes["GET /api/rooms/{id}"].Requests == 0 {
		t.Fatalf("routes %+v", base.Routes)
	}

	// The same server against itself, with a generous threshold: exit 0.
	code, out, errs = runCmd(t, nil, "perf", "compare", "--requests", "200", "--duration", "10m", "--threshold", "10000", "--baseline", file, r.base)
	if code != 0 || !strings.Contains(out, "BASELINE P95") || !strings.Contains(out, "p95 ") {
		t.Fatalf("compare: %d %q %q", code, out, errs)
	}
	// A baseline 1000 times faster than the server: a regression, exit 1.
	base.P95Ms /= 1000
	fast := filepath.Join(t.TempDir(), "fast.json")
	b, _ = json.Marshal(base)
	os.WriteFile(fast, b, 0o644)
	code, _, errs = runCmd(t, nil, "perf", "compare", "--requests", "100", "--duration", "10m", "--baseline", fast, r.base)
	if code != 1 || !strings.Contains(errs, "p95 regressed by") || !strings.Contains(errs, "more than the 20% threshold") {
		t.Fatalf("compare against a faster baseline: %d %q", code, errs)
	}
	// Usage errors.
	if code, _, errs := runCmd(t, nil, "perf", "compare", r.base); code != 1 || !strings.Contains(errs, "--baseline") {
		t.Fatalf("compare without a baseline: %d %q", code, errs)
	}
	if code, _, _ := runCmd(t, nil, "perf", "frob", r.base); code != 2 {
		t.Fatalf("perf frob: exit %d", code)
	}
}
