// Package meetpintest holds the conformance suites that every implementation
// of a root-package interface must pass (RunStore, …), and the helpers that
// find the real servers the tests run against.
//
// Tests that need a server (PostgreSQL, Redis, Chromium, stripe-mock) call
// Require*. Without the server configured they skip with a plain reason —
// except under CI=true, where a missing server fails the test, so that a
// green CI can never hide a skipped engine.
package meetpintest

import (
	"os"
	"strings"
	"testing"
)

// Env names of the servers the tests use.
const (
	EnvPostgres   = "MEETPIN_TEST_DATABASE_URL"
	EnvRedis      = "MEETPIN_TEST_REDIS_URL"
	EnvStripeMock = "MEETPIN_TEST_STRIPE_MOCK_URL"
	EnvChromium   = "MEETPIN_TEST_CHROMIUM"
)

// InCI reports whether the tests run under CI (CI=true or CI=1).
func InCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1"
}

// Require returns the value of the env variable env, which names a server
// the test needs. When it is empty the test is skipped, or failed under CI.
func Require(t testing.TB, env, what string) string {
	t.Helper()
	v := os.Getenv(env)
	if v != "" {
		return v
	}
	if InCI() {
		t.Fatalf("%s is required under CI: set %s", what, env)
	}
	t.Skipf("needs %s: set %s to run it", what, env)
	return ""
}

// RequirePostgres returns the base URL of the test PostgreSQL server.
func RequirePostgres(t testing.TB) string { return Require(t, EnvPostgres, "PostgreSQL") }

// RequireRedis returns the URL of the test Redis server.
func RequireRedis(t testing.TB) string { return Require(t, EnvRedis, "Redis") }
