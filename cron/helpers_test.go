package cron_test

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/cron"
	"meetpin.app/postgres"
	"meetpin.app/postgres/postgrestest"
	"meetpin.app/sqlite"
	"meetpin.app/sqlite/sqlitetest"
)

// engines runs fn once per storage engine. open returns a new store on the
// same database each time it is called (the first call creates and
// migrates it), as replicas of one deployment would have.
func engines(t *testing.T, fn func(t *testing.T, open func() meetpin.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "meetpin.db")
		first := true
		fn(t, func() meetpin.Store {
			if first {
				first = false
				db := sqlitetest.Open(t, path)
				m, err := db.Migrator()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.Up(context.Background()); err != nil {
					t.Fatal(err)
				}
				return db
			}
			return sqlitetest.Open(t, path)
		})
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		url := postgrestest.URL(t)
		first := true
		fn(t, func() meetpin.Store {
			db, err := postgres.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { db.Close() })
			if first {
				first = false
				m, err := db.Migrator()
				if err != nil {
					t.Fatal(err)
				}
				if _, err := m.Up(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			return db
		})
	})
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t.UTC().Truncate(time.Millisecond)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// newScheduler builds a scheduler on store with the test clock.
func newScheduler(t *testing.T, store cron.Store, c *clock, runner string, jobs ...cron.Job) *cron.Scheduler {
	t.Helper()
	s, err := cron.New(cron.Options{Log: slog.New(slog.DiscardHandler), Store: store, Jobs: jobs, Runner: runner, Now: c.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// within waits up to 10 s for ch, failing the test with what otherwise.
func within[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

// rawExec runs one statement on the database of store in its own SQL, for
// rows no store method writes (webhook events).
func rawExec(t testing.TB, store meetpin.Store, sqliteSQL, postgresSQL string, args ...any) {
	t.Helper()
	switch db := store.(type) {
	case *sqlite.DB:
		raw, err := sql.Open("sqlite", "file:"+db.Path()+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		for i, a := range args {
			if at, ok := a.(time.Time); ok {
				args[i] = at.UnixMilli()
			}
		}
		if _, err := raw.Exec(sqliteSQL, args...); err != nil {
			t.Fatal(err)
		}
	case *postgres.DB:
		if _, err := db.Pool().Exec(t.Context(), postgresSQL, args...); err != nil {
			t.Fatal(err)
		}
	default:
		t.Fatalf("unknown store %T", store)
	}
}
