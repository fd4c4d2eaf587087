package migrate_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"meetpin.app"
	"meetpin.app/migrate"
	"meetpin.app/sqlite/sqlitetest"
)

// TestOutOfOrderGap: a database that got a newer migration before an older
// one (branches merged in another order) is brought up to date, not refused.
func TestOutOfOrderGap(t *testing.T) {
	db := sqlitetest.Open(t, filepath.Join(t.TempDir(), "gap.db"))
	m, err := db.Migrator()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := m.Up(ctx); err != nil {
		t.Fatal(err)
	}
	st, _ := m.Status(ctx)
	if len(st) < 3 {
		t.Fatalf("only %d migrations", len(st))
	}
	gap := st[len(st)-2].Version // one below the newest
	if err := m.DownVersion(ctx, gap); err != nil {
		t.Fatal(err)
	}
	if pending, err := m.Pending(ctx); err != nil || !pending {
		t.Fatalf("after removing %d: pending=%v err=%v", gap, pending, err)
	}
	res, err := m.Up(ctx)
	if err != nil {
		t.Fatalf("up over a gap: %v", err)
	}
	if len(res) != 1 || res[0].Version != gap {
		t.Fatalf("up applied %+v, want only %d", res, gap)
	}
	if pending, _ := m.Pending(ctx); pending {
		t.Fatal("still pending after up")
	}
}

// TestNewerSchemaRefused builds an "old binary" (the embedded migrations
// minus the newest) over a database the current binary migrated: it sees
// the newer schema, says which version to deploy, and refuses to roll back
// a migration it does not have. Once the newer binary rolls it back, the
// old one accepts the database again.
func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newer.db")
	store := sqlitetest.Open(t, path)
	current, err := store.Migrator()
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := current.Up(ctx); err != nil {
		t.Fatal(err)
	}
	newest := current.Latest()
	files, err := filepath.Glob("../sqlite/migrations/*.sql")
	if err != nil || len(files) < 2 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	old := fstest.MapFS{}
	for _, f := range files {
		if strings.HasPrefix(filepath.Base(f), fmt.Sprintf("%05d_", newest)) {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		old[filepath.Base(f)] = &fstest.MapFile{Data: b}
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	oldBinary, err := migrate.New(raw, meetpin.EngineSQLite, old)
	if err != nil {
		t.Fatal(err)
	}
	if current.CheckNotNewer(ctx) != nil {
		t.Fatal("the current binary sees its own schema as newer")
	}
	err = oldBinary.CheckNotNewer(ctx)
	var newer *migrate.NewerSchemaError
	if !errors.As(err, &newer) || len(newer.Unknown) != 1 || newer.Unknown[0] != newest || newer.Latest >= newest {
		t.Fatalf("old binary: %v (%+v)", err, newer)
	}
	if want := fmt.Sprintf("deploy a binary that has migration %d", newest); !strings.Contains(err.Error(), want) {
		t.Fatalf("%q does not say %q", err, want)
	}
	if _, err := oldBinary.Down(ctx); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("the newest applied migration, %d, is not known to this binary", newest)) {
		t.Fatalf("old binary's down: %v", err)
	}
	if st, _ := current.Status(ctx); !st[len(st)-1].Applied {
		t.Fatal("the refused down rolled something back")
	}
	if _, err := current.Down(ctx); err != nil {
		t.Fatal(err)
	}
	if err := oldBinary.CheckNotNewer(ctx); err != nil {
		t.Fatalf("after the newer binary's down: %v", err)
	}
}
