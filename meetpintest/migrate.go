package meetpintest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/migrate"
)

// RunMigrations is the rollback guard's contract: on a database that holds
// rows, rolling back the newest migration and re-applying it both succeed
// and leave the rows of older tables intact; and the whole chain goes down
// to version 0 and up again. open returns a store on a fresh, un-migrated
// database and its migrator.
func RunMigrations(t *testing.T, open func(t *testing.T) (meetpin.Store, *migrate.Migrator)) {
	ctx := context.Background()
	s, m := open(t)

	pending, err := m.Pending(ctx)
	if err != nil || !pending {
		t.Fatalf("fresh database: pending=%v err=%v, want pending migrations", pending, err)
	}
	up, err := m.Up(ctx)
	if err != nil {
		t.Fatalf("up: %v", err)
	}
	if len(up) == 0 {
		t.Fatal("up applied nothing")
	}
	cur, latest, err := m.Versions(ctx)
	if err != nil || cur != latest {
		t.Fatalf("versions after up: current=%d latest=%d err=%v", cur, latest, err)
	}

	// Rows in the oldest tables.
	now := time.Now().UTC().Truncate(time.Millisecond)
	u := &meetpin.User{ID: uuid.NewString(), Email: "keep@example.com", PasswordHash: "x", Role: meetpin.RoleUser, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateUser(ctx, u, &meetpin.Profile{Nickname: "keeper", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	room := &meetpin.Room{ID: uuid.NewString(), HostID: u.ID, Title: "kept room", Category: meetpin.CategoryDrink,
		Lat: 37.5, Lng: 127.0, PlaceText: "Gangnam", StartAt: now.Add(2 * time.Hour), MaxPeople: 4,
		Visibility: meetpin.VisibilityPublic, CreatedAt: now, UpdatedAt: now}
	if err := s.CreateRoom(ctx, room); err != nil {
		t.Fatal(err)
	}

	// Versions may have gaps (branches number their migrations ahead), so
	// the one before the newest comes from the list.
	all, err := m.Status(ctx)
	if err != nil || len(all) < 2 {
		t.Fatalf("status: %d migrations, %v", len(all), err)
	}
	previous := all[len(all)-2].Version
	down, err := m.Down(ctx)
	if err != nil {
		t.Fatalf("down: %v", err)
	}
	if down.Version != latest {
		t.Fatalf("down rolled back version %d, want the newest %d", down.Version, latest)
	}
	if cur, _, _ := m.Versions(ctx); cur != previous {
		t.Fatalf("after one down the version is %d, want %d", cur, previous)
	}
	checkRows := func(when string) {
		t.Helper()
		if got, err := s.UserByID(ctx, u.ID); err != nil || got.Email != u.Email {
			t.Fatalf("%s: user = %+v, %v", when, got, err)
		}
		if got, err := s.RoomByID(ctx, room.ID); err != nil || got.Title != room.Title {
			t.Fatalf("%s: room = %+v, %v", when, got, err)
		}
	}
	checkRows("after down")
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("re-up: %v", err)
	}
	checkRows("after re-up")

	status, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range status {
		if !st.Applied {
			t.Fatalf("migration %s not applied after re-up", st.Name)
		}
	}

	// All the way down and up again.
	for range status {
		if _, err := m.Down(ctx); err != nil {
			t.Fatalf("down to zero: %v", err)
		}
	}
	if cur, _, _ := m.Versions(ctx); cur != 0 {
		t.Fatalf("after downs the version is %d, want 0", cur)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("up from zero: %v", err)
	}
	if _, err := s.UserByID(ctx, u.ID); meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
		t.Fatalf("after down to zero and up, the old user should be gone: %v", err)
	}
}
