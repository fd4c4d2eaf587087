package meetpintest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testMatches(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("ByIDAndRoomGuest", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest, other := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		otherRoom := mustCreateRoom(t, s, host)
		m := mustCreateMatch(t, s, room, guest, now())
		mustCreateRequest(t, s, room, other)                            // pending: no match
		mustCreateMatch(t, s, otherRoom, other, now().Add(time.Second)) // another match of the host

		got, err := s.MatchByID(ctx, m.ID)
		assertCode(t, err, "")
		assertMatch(t, "MatchByID", got, m)
		got, err = s.MatchByRoomGuest(ctx, room.ID, guest.ID)
		assertCode(t, err, "")
		assertMatch(t, "MatchByRoomGuest", got, m)

		for _, id := range []string{uuid.NewString(), malformedID} {
			_, err = s.MatchByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
		for name, pair := range map[string][2]string{
			"host as guest":           {room.ID, host.ID},
			"pending requester":       {room.ID, other.ID},
			"guest in another room":   {otherRoom.ID, guest.ID},
			"unknown room":            {uuid.NewString(), guest.ID},
			"malformed room":          {malformedID, guest.ID},
			"unknown guest":           {room.ID, uuid.NewString()},
			"malformed guest":         {room.ID, malformedID},
			"malformed room and user": {malformedID, malformedID},
		} {
			_, err = s.MatchByRoomGuest(ctx, pair[0], pair[1])
			if got := meetpin.ErrorCode(err); got != meetpin.ENOTFOUND {
				t.Errorf("MatchByRoomGuest(%s): error code = %q, want %q (err: %v)", name, got, meetpin.ENOTFOUND, err)
			}
		}
	})

	t.Run("ByUser", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, g1, g2, g3, outsider := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		r1 := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = "R1" })
		r2 := mustCreateRoom(t, s, host, func(r *meetpin.Room) { r.Title = "R2" })
		r3 := mustCreateRoom(t, s, g1, func(r *meetpin.Room) { r.Title = "R3 hosted by g1" })
		mustCreateRequest(t, s, r2, outsider) // pending requests make no match
		base := now().Add(-time.Hour)
		m1 := mustCreateMatch(t, s, r1, g1, base)
		m4 := mustCreateMatch(t, s, r3, host, base.Add(3*time.Minute)) // host is g1's guest
		m2 := mustCreateMatch(t, s, r1, g2, base.Add(time.Minute))
		m3 := mustCreateMatch(t, s, r2, g3, base.Add(2*time.Minute))

		rooms := map[string]struct {
			title string
			count int
		}{r1.ID: {"R1", 3}, r2.ID: {"R2", 2}, r3.ID: {"R3 hosted by g1", 2}}
		for _, tc := range []struct {
			name string
			user string
			want []*meetpin.Match
		}{
			{"host", host.ID, []*meetpin.Match{m4, m3, m2, m1}},
			{"g1 (guest and host)", g1.ID, []*meetpin.Match{m4, m1}},
			{"g2", g2.ID, []*meetpin.Match{m2}},
			{"g3", g3.ID, []*meetpin.Match{m3}},
			{"outsider", outsider.ID, nil},
			{"unknown", uuid.NewString(), nil},
			{"malformed", malformedID, nil},
		} {
			got, err := s.MatchesByUser(ctx, tc.user)
			assertCode(t, err, "")
			if len(got) != len(tc.want) {
				t.Errorf("MatchesByUser(%s) returned %d matches, want %d", tc.name, len(got), len(tc.want))
				continue
			}
			for i, sum := range got {
				what := fmt.Sprintf("MatchesByUser(%s)[%d]", tc.name, i)
				assertMatch(t, what, &sum.Match, tc.want[i])
				if sum.Room == nil {
					t.Errorf("%s: Room not filled", what)
				} else {
					assertEq(t, what+": Room.ID", sum.Room.ID, tc.want[i].RoomID)
					assertEq(t, what+": Room.HostID", sum.Room.HostID, tc.want[i].HostID)
					assertEq(t, what+": Room.Title", sum.Room.Title, rooms[tc.want[i].RoomID].title)
					assertEq(t, what+": Room.ParticipantsCount", sum.Room.ParticipantsCount, rooms[tc.want[i].RoomID].count)
				}
				if sum.LastMessage != nil {
					t.Errorf("%s: LastMessage = %+v in a match without messages", what, sum.LastMessage)
				}
				assertEq(t, what+": Unread", sum.Unread, 0)
			}
		}
	})

	t.Run("LastMessageAndUnread", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest, guest2 := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		m := mustCreateMatch(t, s, room, guest, now().Add(-time.Minute))
		m2 := mustCreateMatch(t, s, room, guest2, now())

		check := func(step string, user *meetpin.User, match *meetpin.Match, unread int, last *meetpin.Message) {
			t.Helper()
			sum := mustSummary(t, s, user.ID, match.ID)
			assertEq(t, step+": Unread", sum.Unread, unread)
			switch {
			case last == nil && sum.LastMessage != nil:
				t.Errorf("%s: LastMessage = %+v, want none", step, sum.LastMessage)
			case last != nil && sum.LastMessage == nil:
				t.Errorf("%s: LastMessage = nil, want message %d", step, last.ID)
			case last != nil:
				assertMessage(t, step+": LastMessage", sum.LastMessage, last)
			}
		}

		g1 := mustCreateMessage(t, s, m, guest, "g1")
		g2 := mustCreateMessage(t, s, m, guest, "g2")
		h1 := mustCreateMessage(t, s, m, host, "h1")
		g3 := mustCreateMessage(t, s, m, guest, "g3")
		// Messages of the other match count only there.
		x1 := mustCreateMessage(t, s, m2, guest2, "x1")
		// Unread counts only the other person's messages.
		check("host, nothing read", host, m, 3, g3)
		check("guest, nothing read", guest, m, 1, g3)
		check("host, other match", host, m2, 1, x1)
		check("guest2", guest2, m2, 0, x1)

		assertCode(t, s.MarkMatchRead(ctx, m.ID, host.ID, g2.ID), "")
		check("host read up to g2", host, m, 1, g3)
		check("guest after the host read", guest, m, 1, g3)
		check("host, other match after reading m", host, m2, 1, x1)

		// The mark never moves backwards.
		assertCode(t, s.MarkMatchRead(ctx, m.ID, host.ID, g1.ID), "")
		check("host marked g1 after g2", host, m, 1, g3)
		assertCode(t, s.MarkMatchRead(ctx, m.ID, host.ID, 0), "")
		check("host marked 0 after g2", host, m, 1, g3)

		assertCode(t, s.MarkMatchRead(ctx, m.ID, guest.ID, h1.ID), "")
		check("guest read up to h1", guest, m, 0, g3)
		check("host after the guest read", host, m, 1, g3)

		h2 := mustCreateMessage(t, s, m, host, "h2")
		check("guest after h2", guest, m, 1, h2)
		check("host after h2", host, m, 1, h2)
		assertCode(t, s.MarkMatchRead(ctx, m.ID, host.ID, g3.ID), "")
		check("host read up to g3", host, m, 0, h2)

		// Reading up to a message does not read the later ones.
		g4 := mustCreateMessage(t, s, m, guest, "g4")
		check("host after g4", host, m, 1, g4)
		assertCode(t, s.MarkMatchRead(ctx, m.ID, host.ID, g4.ID), "")
		check("host read up to g4", host, m, 0, g4)
		check("guest at the end", guest, m, 1, g4)
	})

	t.Run("MarkReadNotParticipant", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest, outsider := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		m := mustCreateMatch(t, s, room, guest, now())
		// The outsider is in a match of the same room, but not in m.
		mustCreateMatch(t, s, room, outsider, now())
		mustCreateMessage(t, s, m, guest, "g1")
		last := mustCreateMessage(t, s, m, guest, "g2")
		mustCreateMessage(t, s, m, host, "h1")

		for name, args := range map[string][2]string{
			"outsider":                 {m.ID, outsider.ID},
			"unknown user":             {m.ID, uuid.NewString()},
			"malformed user":           {m.ID, malformedID},
			"unknown match":            {uuid.NewString(), host.ID},
			"malformed match":          {malformedID, host.ID},
			"malformed match and user": {malformedID, malformedID},
		} {
			err := s.MarkMatchRead(ctx, args[0], args[1], last.ID+100)
			if got := meetpin.ErrorCode(err); got != meetpin.ENOTFOUND {
				t.Errorf("MarkMatchRead(%s): error code = %q, want %q (err: %v)", name, got, meetpin.ENOTFOUND, err)
			}
		}
		assertEq(t, "host Unread", mustSummary(t, s, host.ID, m.ID).Unread, 2)
		assertEq(t, "guest Unread", mustSummary(t, s, guest.ID, m.ID).Unread, 1)
	})
}

// mustCreateMatch has guest request room and the host accept at `at`, and
// returns the match.
func mustCreateMatch(t *testing.T, s meetpin.Store, room *meetpin.Room, guest *meetpin.User, at time.Time) *meetpin.Match {
	t.Helper()
	req := mustCreateRequest(t, s, room, guest)
	res, err := s.AcceptRequest(t.Context(), req.ID, uuid.NewString(), at)
	if err != nil {
		t.Fatalf("AcceptRequest: %v", err)
	}
	if res == nil || res.Match == nil {
		t.Fatalf("AcceptRequest returned no match: %+v", res)
	}
	return res.Match
}

// mustSummary returns the line of MatchesByUser(userID) for matchID.
func mustSummary(t *testing.T, s meetpin.Store, userID, matchID string) *meetpin.MatchSummary {
	t.Helper()
	sums, err := s.MatchesByUser(t.Context(), userID)
	if err != nil {
		t.Fatalf("MatchesByUser: %v", err)
	}
	for _, sum := range sums {
		if sum.ID == matchID {
			return sum
		}
	}
	t.Fatalf("MatchesByUser(%s) does not list match %s", userID, matchID)
	return nil
}

// assertMatch compares every field of a match.
func assertMatch(t *testing.T, what string, got, want *meetpin.Match) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil match", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": RoomID", got.RoomID, want.RoomID)
	assertEq(t, what+": HostID", got.HostID, want.HostID)
	assertEq(t, what+": GuestID", got.GuestID, want.GuestID)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
}
