package migrate_test

import (
	"path/filepath"
	"testing"

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
