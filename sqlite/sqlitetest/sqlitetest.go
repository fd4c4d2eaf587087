// Package sqlitetest opens fresh, migrated SQLite stores for tests.
package sqlitetest

import (
	"context"
	"path/filepath"
	"testing"

	"meetpin.app/sqlite"
)

// New opens a migrated database in a temporary directory, closed when the
// test ends.
func New(t testing.TB) *sqlite.DB {
	t.Helper()
	db := Open(t, filepath.Join(t.TempDir(), "meetpin.db"))
	m, err := db.Migrator()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// Open opens the database at path without migrating it, closed when the
// test ends.
func Open(t testing.TB, path string) *sqlite.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
