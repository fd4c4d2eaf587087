package main

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"meetpin.app/postgres/postgrestest"
)

// TestDoctorHealthy: a migrated database and a sane environment pass.
func TestDoctorHealthy(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		env["ADMIN_TOKEN"] = "0123456789abcdef0123456789abcdef-admin"
		if code, _, errs := runCmd(t, env, "migrate", "up"); code != 0 {
			t.Fatalf("migrate up: %s", errs)
		}
		code, out, errs := runCmd(t, env, "doctor")
		if code != 0 {
			t.Fatalf("doctor: %d\n%s\n%s", code, out, errs)
		}
		for _, want := range []string{"configuration", "database", "schema", "data dir", "free space", "redis", "stripe", "kakao"} {
			if !regexpLine(out, "ok", want) {
				t.Errorf("no ok %q line:\n%s", want, out)
			}
		}
		if strings.Contains(out, "FAIL") {
			t.Fatalf("a failure in a healthy environment:\n%s", out)
		}
	})
}

// TestDoctorBrokenEnvironment: each problem is named on its own line with
// a fix, and doctor exits 1.
func TestDoctorBrokenEnvironment(t *testing.T) {
	env := map[string]string{
		"MEETPIN_DATA_DIR": t.TempDir(),
		"SITE_URL":         "meetpin.example",                                       // bad URL
		"ADMIN_TOKEN":      "short",                                                 // short secret
		"DATABASE_URL":     "postgres://u:secretpw@127.0.0.1:1/x?connect_timeout=2", // unreachable
		"REDIS_URL":        "redis://127.0.0.1:1/0",                                 // unreachable
		"CRON_SECRET":      "0123456789abcdef",                                      // valid but short of 32: a warning
	}
	code, out, errs := runCmd(t, env, "doctor")
	if code != 1 || !strings.Contains(errs, "problem(s) found") {
		t.Fatalf("doctor: exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []struct{ state, check, says string }{
		{"FAIL", "SITE_URL", "must be an absolute http(s) URL"},
		{"FAIL", "ADMIN_TOKEN", "must be at least 16 characters"},
		{"FAIL", "database", "unreachable"},
		{"FAIL", "redis", "unreachable"},
		{"WARN", "CRON_SECRET", "16 characters"},
	} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) > 2 && f[0] == want.state && f[1] == want.check && strings.Contains(line, want.says) && strings.Contains(line, "→") {
				found = true
			}
		}
		if !found {
			t.Errorf("no %s %s line saying %q with a fix:\n%s", want.state, want.check, want.says, out)
		}
	}
	if strings.Contains(out+errs, "secretpw") {
		t.Fatalf("doctor leaks the database password:\n%s", out)
	}
}

// TestDoctorNewerSchema: a database that a newer binary migrated (a fake
// migration 99999 here) is named, with the version to deploy.
func TestDoctorNewerSchema(t *testing.T) {
	serveEngines(t, func(t *testing.T, env map[string]string) {
		if code, _, errs := runCmd(t, env, "migrate", "up"); code != 0 {
			t.Fatalf("migrate up: %s", errs)
		}
		fakeNewerMigration(t, env, 99999)
		code, out, _ := runCmd(t, env, "doctor")
		if code != 1 || !strings.Contains(out, "the database has migration [99999]") || !strings.Contains(out, "deploy a binary that has migration 99999") {
			t.Fatalf("doctor on a newer schema: %d\n%s", code, out)
		}
	})
}

// fakeNewerMigration records migration version as applied, as a newer
// binary would have done.
func fakeNewerMigration(t *testing.T, env map[string]string, version int64) {
	t.Helper()
	const q = "INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, true)"
	if u := env["DATABASE_URL"]; u != "" {
		postgrestest.Exec(t, u, q, version)
		return
	}
	db, err := sql.Open("sqlite", filepath.Join(env["MEETPIN_DATA_DIR"], "meetpin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), strings.Replace(q, "$1", "?", 1), version); err != nil {
		t.Fatal(err)
	}
}
