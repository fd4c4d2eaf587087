package meetpintest

import (
	"slices"
	"testing"
	"time"

	"meetpin.app"
)

// Map boxes used by the ListRooms tests.
var (
	seoulBox = meetpin.BBox{South: 37.4, West: 126.7, North: 37.7, East: 127.2}
	busanBox = meetpin.BBox{South: 35.0, West: 128.9, North: 35.3, East: 129.2}
)

func testListRooms(t *testing.T, open func(t *testing.T) meetpin.Store) {
	// list calls ListRooms and fails the test on an error.
	list := func(t *testing.T, s meetpin.Store, f meetpin.RoomFilter) ([]*meetpin.Room, int) {
		t.Helper()
		if f.Limit == 0 {
			f.Limit = 100
		}
		rooms, total, err := s.ListRooms(t.Context(), f)
		if err != nil {
			t.Fatalf("ListRooms(%+v): %v", f, err)
		}
		return rooms, total
	}
	// titled sets a room's title and creation time (start two hours later).
	titled := func(title string, created time.Time) func(*meetpin.Room) {
		return func(r *meetpin.Room) {
			r.Title, r.CreatedAt, r.UpdatedAt, r.StartAt = title, created, created, created.Add(2*time.Hour)
		}
	}
	at := func(lat, lng float64) func(*meetpin.Room) {
		return func(r *meetpin.Room) { r.Lat, r.Lng = lat, lng }
	}

	t.Run("BBox", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host, hp := mustCreateUserProfile(t, s)
		gangnam := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = "Gangnam" })
		mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title, r.Lat, r.Lng = "Haeundae", 35.1587, 129.1604 })
		n := now()

		rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n})
		assertRoomTitles(t, "Seoul", rooms, "Gangnam")
		assertEq(t, "Seoul total", total, 1)
		if len(rooms) == 1 {
			assertRoom(t, "listed room", rooms[0], gangnam)
			assertHost(t, "listed room", rooms[0], hp)
			assertEq(t, "listed ParticipantsCount", rooms[0].ParticipantsCount, 1)
		}

		rooms, total = list(t, s, meetpin.RoomFilter{BBox: busanBox, Now: n})
		assertRoomTitles(t, "Busan", rooms, "Haeundae")
		assertEq(t, "Busan total", total, 1)

		rooms, total = list(t, s, meetpin.RoomFilter{BBox: meetpin.BBox{South: 33, West: 124, North: 34, East: 125}, Now: n})
		assertRoomTitles(t, "empty sea", rooms)
		assertEq(t, "empty sea total", total, 0)
	})

	t.Run("Excludes", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		n := now()
		mustCreateRoom(t, s, host, titled("upcoming", n.Add(-time.Minute)))
		mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title, r.CreatedAt, r.UpdatedAt, r.StartAt = "starts now", n.Add(-time.Hour), n.Add(-time.Hour), n
		})
		mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title, r.CreatedAt, r.UpdatedAt, r.StartAt = "started 1ms ago", n.Add(-time.Hour), n.Add(-time.Hour), n.Add(-time.Millisecond)
		})
		mustCreateRoom(t, s, host, func(r *meetpin.Room) {
			r.Title, r.CreatedAt, r.UpdatedAt, r.StartAt = "yesterday", n.Add(-30*time.Hour), n.Add(-30*time.Hour), n.Add(-24*time.Hour)
		})
		mustCreateRoom(t, s, host, titled("private", n.Add(-2*time.Minute)), func(r *meetpin.Room) {
			r.Visibility = meetpin.VisibilityPrivate
		})
		mustCreateRoom(t, s, host, titled("cancelled", n.Add(-3*time.Minute)), func(r *meetpin.Room) {
			r.Status = meetpin.RoomCancelled
		})

		rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n})
		assertRoomTitles(t, "ListRooms", rooms, "upcoming", "starts now")
		assertEq(t, "total", total, 2)
	})

	t.Run("Category", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		n := now()
		for i, c := range meetpin.Categories {
			mustCreateRoom(t, s, host, titled(c, n.Add(-time.Duration(i)*time.Minute)), func(r *meetpin.Room) { r.Category = c })
		}
		for _, c := range meetpin.Categories {
			rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Category: c, Now: n})
			assertRoomTitles(t, "category "+c, rooms, c)
			assertEq(t, "total of "+c, total, 1)
		}
		rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n})
		assertRoomTitles(t, "no category", rooms, meetpin.Categories...)
		assertEq(t, "total", total, 3)
	})

	t.Run("Edges", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		box := meetpin.BBox{South: 37, West: 127, North: 38, East: 128}
		for _, p := range []struct {
			title    string
			lat, lng float64
		}{
			{"south edge", 37, 127.5},
			{"north edge", 38, 127.5},
			{"west edge", 37.5, 127},
			{"east edge", 37.5, 128},
			{"south-west corner", 37, 127},
			{"north-east corner", 38, 128},
			{"inside", 37.5, 127.5},
			{"out south", 36.999, 127.5},
			{"out north", 38.001, 127.5},
			{"out west", 37.5, 126.999},
			{"out east", 37.5, 128.001},
		} {
			mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = p.title }, at(p.lat, p.lng))
		}
		rooms, total := list(t, s, meetpin.RoomFilter{BBox: box, Now: now()})
		assertRoomSet(t, "edges", rooms, "south edge", "north edge", "west edge", "east edge",
			"south-west corner", "north-east corner", "inside")
		assertEq(t, "total", total, 7)
	})

	t.Run("Antimeridian", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		for _, p := range []struct {
			title    string
			lat, lng float64
		}{
			{"lng 175", 0, 175},
			{"lng -175", 0, -175},
			{"lng 180", 10, 180},
			{"lng -180", -10, -180},
			{"lng 170 (west edge)", 0, 170},
			{"lng -170 (east edge)", 0, -170},
			{"lng 0", 0, 0},
			{"lng 169", 0, 169},
			{"lng -169", 0, -169},
			{"lat 30 lng 175", 30, 175},
		} {
			mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = p.title }, at(p.lat, p.lng))
		}
		n := now()
		rooms, total := list(t, s, meetpin.RoomFilter{BBox: meetpin.BBox{South: -20, West: 170, North: 20, East: -170}, Now: n})
		assertRoomSet(t, "antimeridian box", rooms, "lng 175", "lng -175", "lng 180", "lng -180",
			"lng 170 (west edge)", "lng -170 (east edge)")
		assertEq(t, "antimeridian total", total, 6)

		rooms, total = list(t, s, meetpin.RoomFilter{BBox: meetpin.BBox{South: -20, West: -10, North: 20, East: 10}, Now: n})
		assertRoomSet(t, "box around lng 0", rooms, "lng 0")
		assertEq(t, "box around lng 0 total", total, 1)
	})

	t.Run("BoostOrder", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		n := now()
		boost := func(d time.Duration) func(*meetpin.Room) {
			return func(r *meetpin.Room) { b := n.Add(d); r.BoostUntil = &b }
		}
		mustCreateRoom(t, s, host, titled("boosted 1h", n.Add(-5*time.Minute)), boost(time.Hour))
		mustCreateRoom(t, s, host, titled("boosted 3h", n.Add(-10*time.Minute)), boost(3*time.Hour))
		mustCreateRoom(t, s, host, titled("boost expired", n.Add(-30*time.Minute)), boost(-time.Hour))
		mustCreateRoom(t, s, host, titled("boost ends now", n.Add(-15*time.Minute)), boost(0))
		mustCreateRoom(t, s, host, titled("plain newest", n.Add(-2*time.Minute)))
		mustCreateRoom(t, s, host, titled("plain older", n.Add(-20*time.Minute)))

		rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n})
		assertRoomTitles(t, "order", rooms,
			"boosted 3h", "boosted 1h", "plain newest", "boost ends now", "plain older", "boost expired")
		assertEq(t, "total", total, 6)

		// At n+90m the 1h boost has expired too and sorts by created_at;
		// "boost expired" starts exactly then and is still listed.
		later := n.Add(90 * time.Minute)
		rooms, _ = list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: later})
		assertRoomTitles(t, "order 90 minutes later", rooms,
			"boosted 3h", "plain newest", "boosted 1h", "boost ends now", "plain older", "boost expired")
	})

	t.Run("Paging", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		n := now()
		for i, title := range []string{"p1", "p2", "p3", "p4", "p5"} {
			mustCreateRoom(t, s, host, titled(title, n.Add(-time.Duration(i+1)*time.Minute)))
		}
		mustCreateRoom(t, s, host, titled("private", n), func(r *meetpin.Room) { r.Visibility = meetpin.VisibilityPrivate })
		for _, tc := range []struct {
			offset, limit int
			want          []string
		}{
			{0, 2, []string{"p1", "p2"}},
			{2, 2, []string{"p3", "p4"}},
			{4, 2, []string{"p5"}},
			{10, 2, nil},
			{1, 3, []string{"p2", "p3", "p4"}},
			{0, 100, []string{"p1", "p2", "p3", "p4", "p5"}},
		} {
			rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n, Offset: tc.offset, Limit: tc.limit})
			assertRoomTitles(t, "page", rooms, tc.want...)
			assertEq(t, "total", total, 5)
		}
	})

	t.Run("HostAndParticipants", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		h1, p1 := mustCreateUserProfile(t, s, func(_ *meetpin.User, p *meetpin.Profile) {
			p.Nickname, p.Intro, p.AvatarURL = "첫번째호스트", "one", ptr("https://api.dicebear.com/1.svg")
		})
		h2, p2 := mustCreateUserProfile(t, s, func(_ *meetpin.User, p *meetpin.Profile) {
			p.Nickname, p.AgeRange = "second_host", nil
		})
		n := now()
		r1 := mustCreateRoom(t, s, h1, titled("r1", n.Add(-time.Minute)))
		mustCreateRoom(t, s, h2, titled("r2", n.Add(-2*time.Minute)))
		mustAccept(t, s, mustCreateRequest(t, s, r1, mustCreateUser(t, s)).ID)
		mustCreateRequest(t, s, r1, mustCreateUser(t, s)) // pending: not a participant

		rooms, _ := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n})
		assertRoomTitles(t, "rooms", rooms, "r1", "r2")
		if len(rooms) != 2 {
			return
		}
		assertHost(t, "r1", rooms[0], p1)
		assertEq(t, "r1 ParticipantsCount", rooms[0].ParticipantsCount, 2)
		assertHost(t, "r2", rooms[1], p2)
		assertEq(t, "r2 ParticipantsCount", rooms[1].ParticipantsCount, 1)
	})

	t.Run("MalformedViewerID", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host, other := mustCreateUser(t, s), mustCreateUser(t, s)
		mustCreateRoom(t, s, host)
		if err := s.CreateBlock(t.Context(), &meetpin.Block{BlockerID: host.ID, BlockedID: other.ID, CreatedAt: now()}); err != nil {
			t.Fatalf("CreateBlock: %v", err)
		}
		// A viewer id that is no UUID is an unknown viewer, who blocked no
		// one and whom no one blocked.
		rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: now(), ViewerID: malformedID})
		assertEq(t, "len(rooms)", len(rooms), 1)
		assertEq(t, "total", total, 1)
	})

	t.Run("ViewerBlocks", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		viewer := mustCreateUser(t, s)
		host := mustCreateUser(t, s)
		other := mustCreateUser(t, s)
		n := now()
		mustCreateRoom(t, s, host, titled("host's room", n.Add(-time.Minute)))
		mustCreateRoom(t, s, other, titled("other's room", n.Add(-2*time.Minute)))

		check := func(what string, viewerID string, want ...string) {
			t.Helper()
			rooms, total := list(t, s, meetpin.RoomFilter{BBox: seoulBox, Now: n, ViewerID: viewerID})
			assertRoomTitles(t, what, rooms, want...)
			assertEq(t, what+": total", total, len(want))
		}
		block := func(blocker, blocked *meetpin.User) {
			t.Helper()
			if err := s.CreateBlock(ctx, &meetpin.Block{BlockerID: blocker.ID, BlockedID: blocked.ID, CreatedAt: now()}); err != nil {
				t.Fatalf("CreateBlock: %v", err)
			}
		}

		check("no block", viewer.ID, "host's room", "other's room")

		block(viewer, host)
		check("viewer blocked host", viewer.ID, "other's room")
		check("anonymous", "", "host's room", "other's room")
		check("uninvolved viewer", other.ID, "host's room", "other's room")
		assertCode(t, s.DeleteBlock(ctx, viewer.ID, host.ID), "")
		check("after unblock", viewer.ID, "host's room", "other's room")

		block(host, viewer)
		check("host blocked viewer", viewer.ID, "other's room")
		assertCode(t, s.DeleteBlock(ctx, host.ID, viewer.ID), "")
		check("after the host's unblock", viewer.ID, "host's room", "other's room")
	})
}

// assertRoomSet checks the titles of rooms in any order.
func assertRoomSet(t *testing.T, what string, rooms []*meetpin.Room, want ...string) {
	t.Helper()
	got := slices.Sorted(slices.Values(roomTitles(rooms)))
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("%s = %q, want %q", what, got, want)
	}
}
