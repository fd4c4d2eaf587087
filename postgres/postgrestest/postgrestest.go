// Package postgrestest gives each test its own PostgreSQL database on the
// server named by MEETPIN_TEST_DATABASE_URL, created with a random name and
// dropped when the test ends, so that tests run in parallel without seeing
// each other's rows.
package postgrestest

import (
	"context"
	"crypto/rand"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app/meetpintest"
	"meetpin.app/postgres"
)

// timeout bounds each administrative step (create, migrate, drop).
const timeout = 30 * time.Second

// New returns an open store on a fresh, migrated database. It skips the
// test when no server is configured (and fails it under CI).
func New(t testing.TB) *postgres.DB {
	t.Helper()
	dbURL := URL(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	db, err := postgres.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	m, err := db.Migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate up: %v", err)
	}
	return db
}

// URL creates a fresh, empty database and returns its URL; the database is
// dropped, with any connection left to it, when the test ends.
func URL(t testing.TB) string {
	t.Helper()
	base := meetpintest.RequirePostgres(t)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("%s must be a postgres:// URL", meetpintest.EnvPostgres)
	}
	name := "meetpin_t_" + strings.ToLower(rand.Text())
	admin(t, base, "CREATE DATABASE "+name)
	t.Cleanup(func() { admin(t, base, "DROP DATABASE "+name+" WITH (FORCE)") })
	u.Path = "/" + name
	return u.String()
}

// admin runs one statement on the base database.
func admin(t testing.TB, base, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", meetpintest.EnvPostgres, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Exec runs one statement with args on the database of dbURL (a URL of
// this package), for tests that set up a state no store method makes.
func Exec(t testing.TB, dbURL, sql string, args ...any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// Block makes the database of dbURL (a URL of this package) refuse new
// connections and ends the ones it has, as if it were gone; the test's
// clean-up still drops it.
func Block(t testing.TB, dbURL string) {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	base := meetpintest.RequirePostgres(t)
	admin(t, base, "ALTER DATABASE "+name+" ALLOW_CONNECTIONS false")
	admin(t, base, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '"+name+"'")
}
