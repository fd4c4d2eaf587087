package sqlite_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/migrate"
	"meetpin.app/sqlite"
	"meetpin.app/sqlite/sqlitetest"
)

func TestStore(t *testing.T) {
	meetpintest.RunStore(t, func(t *testing.T) meetpin.Store { return sqlitetest.New(t) })
}

func TestMigrations(t *testing.T) {
	meetpintest.RunMigrations(t, func(t *testing.T) (meetpin.Store, *migrate.Migrator) {
		db := sqlitetest.Open(t, filepath.Join(t.TempDir(), "m.db"))
		m, err := db.Migrator()
		if err != nil {
			t.Fatal(err)
		}
		return db, m
	})
}

func TestOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"missing dir": filepath.Join(t.TempDir(), "nope", "meetpin.db"),
		"dir is file": filepath.Join(file, "meetpin.db"),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sqlite.Open(path)
			if err == nil {
				t.Fatal("Open succeeded")
			}
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "sqlite: ") {
				t.Fatalf("error is not one clear line: %q", err)
			}
		})
	}
}
