package meetpintest

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testBlocks(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndList", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a, b, c := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		n := now()
		ab := &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: n.Add(-time.Minute)}
		ac := &meetpin.Block{BlockerID: a.ID, BlockedID: c.ID, CreatedAt: n}
		assertCode(t, s.CreateBlock(ctx, ab), "")
		assertCode(t, s.CreateBlock(ctx, ac), "")
		// Blocking twice is not an error and does not duplicate the block.
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: n.Add(-time.Minute)}), "")

		blocks, err := s.ListBlocks(ctx, a.ID)
		assertCode(t, err, "")
		if len(blocks) != 2 {
			t.Fatalf("ListBlocks(a) returned %d blocks, want 2: %+v", len(blocks), blocks)
		}
		assertBlock(t, "newest block", blocks[0], ac)
		assertBlock(t, "older block", blocks[1], ab)

		blocks, err = s.ListBlocks(ctx, b.ID)
		assertCode(t, err, "")
		assertEq(t, "len(ListBlocks(b))", len(blocks), 0)
	})

	t.Run("IsBlockedSymmetric", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a, b, c := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: now()}), "")
		for _, tc := range []struct {
			name string
			x, y *meetpin.User
			want bool
		}{
			{"a,b", a, b, true},
			{"b,a", b, a, true},
			{"a,c", a, c, false},
			{"c,a", c, a, false},
			{"b,c", b, c, false},
		} {
			got, err := s.IsBlocked(ctx, tc.x.ID, tc.y.ID)
			assertCode(t, err, "")
			assertEq(t, "IsBlocked("+tc.name+")", got, tc.want)
		}
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a, b := mustCreateUser(t, s), mustCreateUser(t, s)
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: now()}), "")

		// Blocks have a direction: b never blocked a.
		assertCode(t, s.DeleteBlock(ctx, b.ID, a.ID), meetpin.ENOTFOUND)
		blocked, err := s.IsBlocked(ctx, a.ID, b.ID)
		assertCode(t, err, "")
		assertEq(t, "IsBlocked after deleting the reverse block", blocked, true)

		assertCode(t, s.DeleteBlock(ctx, a.ID, b.ID), "")
		blocked, err = s.IsBlocked(ctx, a.ID, b.ID)
		assertCode(t, err, "")
		assertEq(t, "IsBlocked after DeleteBlock", blocked, false)
		blocks, err := s.ListBlocks(ctx, a.ID)
		assertCode(t, err, "")
		assertEq(t, "len(ListBlocks) after DeleteBlock", len(blocks), 0)

		assertCode(t, s.DeleteBlock(ctx, a.ID, b.ID), meetpin.ENOTFOUND)
		assertCode(t, s.DeleteBlock(ctx, a.ID, uuid.NewString()), meetpin.ENOTFOUND)
		assertCode(t, s.DeleteBlock(ctx, malformedID, a.ID), meetpin.ENOTFOUND)
	})

	t.Run("BothDirections", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a, b := mustCreateUser(t, s), mustCreateUser(t, s)
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: now()}), "")
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: b.ID, BlockedID: a.ID, CreatedAt: now()}), "")
		assertCode(t, s.DeleteBlock(ctx, a.ID, b.ID), "")
		blocked, err := s.IsBlocked(ctx, a.ID, b.ID)
		assertCode(t, err, "")
		assertEq(t, "IsBlocked while b still blocks a", blocked, true)
		blocks, err := s.ListBlocks(ctx, b.ID)
		assertCode(t, err, "")
		assertEq(t, "len(ListBlocks(b))", len(blocks), 1)
	})

	t.Run("SelfBlock", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a := mustCreateUser(t, s)
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: a.ID, CreatedAt: now()}), meetpin.EVALIDATION)
		blocks, err := s.ListBlocks(ctx, a.ID)
		assertCode(t, err, "")
		assertEq(t, "len(ListBlocks)", len(blocks), 0)
	})

	t.Run("MalformedID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a, b := mustCreateUser(t, s), mustCreateUser(t, s)
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: b.ID, CreatedAt: now()}), "")
		// A malformed id is an unknown id: it blocked no one and no one
		// blocked it.
		blocks, err := s.ListBlocks(ctx, malformedID)
		assertCode(t, err, "")
		assertEq(t, "len(ListBlocks(malformed))", len(blocks), 0)
		for _, pair := range [][2]string{{malformedID, a.ID}, {a.ID, malformedID}, {malformedID, malformedID}} {
			blocked, err := s.IsBlocked(ctx, pair[0], pair[1])
			assertCode(t, err, "")
			assertEq(t, "IsBlocked("+pair[0]+", "+pair[1]+")", blocked, false)
		}
	})

	t.Run("UnknownUser", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		a := mustCreateUser(t, s)
		for _, id := range []string{uuid.NewString(), malformedID} {
			assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: a.ID, BlockedID: id, CreatedAt: now()}), meetpin.ENOTFOUND)
			assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: id, BlockedID: a.ID, CreatedAt: now()}), meetpin.ENOTFOUND)
		}
		blocks, err := s.ListBlocks(ctx, a.ID)
		assertCode(t, err, "")
		assertEq(t, "len(ListBlocks)", len(blocks), 0)
	})
}

// assertBlock compares every field of a block.
func assertBlock(t *testing.T, what string, got, want *meetpin.Block) {
	t.Helper()
	assertEq(t, what+": BlockerID", got.BlockerID, want.BlockerID)
	assertEq(t, what+": BlockedID", got.BlockedID, want.BlockedID)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
}

func testEngine(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("EnginePingStats", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		if e := s.Engine(); e != meetpin.EngineSQLite && e != meetpin.EnginePostgres {
			t.Errorf("Engine() = %q, want %q or %q", e, meetpin.EngineSQLite, meetpin.EnginePostgres)
		}
		assertCode(t, s.Ping(t.Context()), "")
		mustCreateUser(t, s)
		st := s.Stats()
		if st.Open < 1 {
			t.Errorf("Stats().Open = %d after a Ping and a write, want >= 1 (%+v)", st.Open, st)
		}
		if st.InUse < 0 || st.Idle < 0 || st.Waits < 0 || st.MaxOpen < 0 {
			t.Errorf("Stats() has a negative figure: %+v", st)
		}
		if st.InUse+st.Idle > st.Open {
			t.Errorf("Stats(): InUse + Idle > Open: %+v", st)
		}
		if st.MaxOpen > 0 && st.Open > st.MaxOpen {
			t.Errorf("Stats(): Open > MaxOpen: %+v", st)
		}
	})

	t.Run("PingCancelled", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := s.Ping(ctx); err == nil {
			t.Error("Ping with a cancelled context succeeded")
		}
	})
}
