package meetpintest

import (
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testHostMessages(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, user := mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		base := now().Add(-time.Hour)
		toUser := mustCreateHostMessage(t, s, room, host, user, "자리 있어요?", base)
		toHost := mustCreateHostMessage(t, s, room, user, host, strings.Repeat("가", 1000), base.Add(time.Minute))
		for _, want := range []*meetpin.HostMessage{toUser, toHost} {
			got, err := s.HostMessageByID(ctx, want.ID)
			assertCode(t, err, "")
			assertHostMessage(t, "HostMessageByID", got, want)
		}
		for _, id := range []string{uuid.NewString(), malformedID} {
			_, err := s.HostMessageByID(ctx, id)
			assertCode(t, err, meetpin.ENOTFOUND)
		}

		// The id is unique.
		dup := newHostMessage(room, user, host, "again", now())
		dup.ID = toUser.ID
		assertCode(t, s.CreateHostMessage(ctx, dup), meetpin.ECONFLICT)
		got, err := s.HostMessageByID(ctx, toUser.ID)
		assertCode(t, err, "")
		assertHostMessage(t, "message after a duplicate id", got, toUser)
	})

	t.Run("ListFor", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, u1, u2, x, y := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		r1, r2 := mustCreateRoom(t, s, host), mustCreateRoom(t, s, host)
		r3 := mustCreateRoom(t, s, x)
		base := now().Add(-time.Hour)
		at := func(min int) time.Time { return base.Add(time.Duration(min) * time.Minute) }
		h1 := mustCreateHostMessage(t, s, r1, host, u1, "h→u1", at(1))
		h4 := mustCreateHostMessage(t, s, r1, u2, host, "u2→h", at(4))
		h2 := mustCreateHostMessage(t, s, r1, u1, host, "u1→h", at(2))
		h3 := mustCreateHostMessage(t, s, r2, host, u2, "h→u2", at(3))
		h5 := mustCreateHostMessage(t, s, r3, x, y, "x→y", at(5))

		for _, tc := range []struct {
			name  string
			user  string
			limit int
			want  []*meetpin.HostMessage
		}{
			{"host", host.ID, 10, []*meetpin.HostMessage{h4, h3, h2, h1}},
			{"host, limit 2", host.ID, 2, []*meetpin.HostMessage{h4, h3}},
			{"u1", u1.ID, 10, []*meetpin.HostMessage{h2, h1}},
			{"u2", u2.ID, 10, []*meetpin.HostMessage{h4, h3}},
			{"u2, limit 1", u2.ID, 1, []*meetpin.HostMessage{h4}},
			{"x", x.ID, 10, []*meetpin.HostMessage{h5}},
			{"y", y.ID, 10, []*meetpin.HostMessage{h5}},
			{"unknown", uuid.NewString(), 10, nil},
			{"malformed", malformedID, 10, nil},
		} {
			got, err := s.HostMessagesFor(ctx, tc.user, tc.limit)
			assertCode(t, err, "")
			if len(got) != len(tc.want) {
				t.Errorf("HostMessagesFor(%s) returned %d messages, want %d", tc.name, len(got), len(tc.want))
				continue
			}
			for i := range got {
				assertHostMessage(t, "HostMessagesFor("+tc.name+")", got[i], tc.want[i])
			}
		}
	})

	t.Run("MarkRead", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, user := mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		hm := mustCreateHostMessage(t, s, room, user, host, "hi", now().Add(-time.Hour))
		other := mustCreateHostMessage(t, s, room, host, user, "hello", now().Add(-time.Hour))

		at := now()
		got, err := s.MarkHostMessageRead(ctx, hm.ID, at)
		assertCode(t, err, "")
		want := *hm
		want.IsRead, want.UpdatedAt = true, at
		assertHostMessage(t, "returned message", got, &want)
		got, err = s.HostMessageByID(ctx, hm.ID)
		assertCode(t, err, "")
		assertHostMessage(t, "stored message", got, &want)
		got, err = s.HostMessageByID(ctx, other.ID)
		assertCode(t, err, "")
		assertHostMessage(t, "other message", got, other)

		// Marking again is not an error, and it stays read.
		got, err = s.MarkHostMessageRead(ctx, hm.ID, at.Add(time.Second))
		assertCode(t, err, "")
		assertEq(t, "IsRead after a second mark", got.IsRead, true)

		for _, id := range []string{uuid.NewString(), malformedID} {
			_, err = s.MarkHostMessageRead(ctx, id, now())
			assertCode(t, err, meetpin.ENOTFOUND)
		}
	})

	t.Run("HasHostMessage", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, user, other := mustCreateUser(t, s), mustCreateUser(t, s), mustCreateUser(t, s)
		room, room2 := mustCreateRoom(t, s, host), mustCreateRoom(t, s, host)
		mustCreateHostMessage(t, s, room, host, user, "come along", now())
		mustCreateHostMessage(t, s, room2, other, host, "question", now())

		for _, tc := range []struct {
			name                   string
			room, sender, receiver string
			want                   bool
		}{
			{"host → user", room.ID, host.ID, user.ID, true},
			{"user → host (direction matters)", room.ID, user.ID, host.ID, false},
			{"host → user in another room", room2.ID, host.ID, user.ID, false},
			{"host → other", room.ID, host.ID, other.ID, false},
			{"other → host in room2", room2.ID, other.ID, host.ID, true},
			{"other → host in room", room.ID, other.ID, host.ID, false},
			{"host → other in room2", room2.ID, host.ID, other.ID, false},
			{"unknown room", uuid.NewString(), host.ID, user.ID, false},
			{"malformed room", malformedID, host.ID, user.ID, false},
			{"malformed sender", room.ID, malformedID, user.ID, false},
			{"malformed receiver", room.ID, host.ID, malformedID, false},
		} {
			got, err := s.HasHostMessage(ctx, tc.room, tc.sender, tc.receiver)
			assertCode(t, err, "")
			assertEq(t, "HasHostMessage("+tc.name+")", got, tc.want)
		}
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, user := mustCreateUser(t, s), mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		for _, tc := range []struct {
			name string
			hm   *meetpin.HostMessage
			code meetpin.Code
		}{
			{"sender is receiver", newHostMessage(room, host, host, "me to me", now()), meetpin.EVALIDATION},
			{"empty text", newHostMessage(room, host, user, "", now()), meetpin.EVALIDATION},
			{"1001 chars", newHostMessage(room, host, user, strings.Repeat("m", 1001), now()), meetpin.EVALIDATION},
			{"1001 Hangul chars", newHostMessage(room, host, user, strings.Repeat("가", 1001), now()), meetpin.EVALIDATION},
			{"unknown room", newHostMessage(&meetpin.Room{ID: uuid.NewString()}, host, user, "hi", now()), meetpin.ENOTFOUND},
			{"malformed room", newHostMessage(&meetpin.Room{ID: malformedID}, host, user, "hi", now()), meetpin.ENOTFOUND},
			{"unknown sender", newHostMessage(room, &meetpin.User{ID: uuid.NewString()}, user, "hi", now()), meetpin.ENOTFOUND},
			{"unknown receiver", newHostMessage(room, host, &meetpin.User{ID: uuid.NewString()}, "hi", now()), meetpin.ENOTFOUND},
			{"malformed receiver", newHostMessage(room, host, &meetpin.User{ID: malformedID}, "hi", now()), meetpin.ENOTFOUND},
		} {
			if got := meetpin.ErrorCode(s.CreateHostMessage(ctx, tc.hm)); got != tc.code {
				t.Errorf("CreateHostMessage(%s): error code = %q, want %q", tc.name, got, tc.code)
			}
			_, err := s.HostMessageByID(ctx, tc.hm.ID)
			assertCode(t, err, meetpin.ENOTFOUND)
		}
		for _, u := range []*meetpin.User{host, user} {
			got, err := s.HostMessagesFor(ctx, u.ID, 10)
			assertCode(t, err, "")
			assertEq(t, "len(HostMessagesFor) after refused inserts", len(got), 0)
		}
	})

	t.Run("DeletedWithRoom", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, user := mustCreateUser(t, s), mustCreateUser(t, s)
		room, kept := mustCreateRoom(t, s, host), mustCreateRoom(t, s, host)
		gone := mustCreateHostMessage(t, s, room, user, host, "bye", now())
		stays := mustCreateHostMessage(t, s, kept, user, host, "still here", now())
		assertCode(t, s.DeleteRoom(ctx, room.ID), "")
		_, err := s.HostMessageByID(ctx, gone.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		has, err := s.HasHostMessage(ctx, room.ID, user.ID, host.ID)
		assertCode(t, err, "")
		assertEq(t, "HasHostMessage in the deleted room", has, false)
		got, err := s.HostMessageByID(ctx, stays.ID)
		assertCode(t, err, "")
		assertHostMessage(t, "message of the other room", got, stays)
	})
}

// newHostMessage builds an unread host message about room.
func newHostMessage(room *meetpin.Room, sender, receiver *meetpin.User, text string, at time.Time) *meetpin.HostMessage {
	return &meetpin.HostMessage{
		ID:         uuid.NewString(),
		RoomID:     room.ID,
		SenderID:   sender.ID,
		ReceiverID: receiver.ID,
		Text:       text,
		CreatedAt:  at,
		UpdatedAt:  at,
	}
}

// mustCreateHostMessage stores a host message and returns it.
func mustCreateHostMessage(t *testing.T, s meetpin.Store, room *meetpin.Room, sender, receiver *meetpin.User, text string, at time.Time) *meetpin.HostMessage {
	t.Helper()
	hm := newHostMessage(room, sender, receiver, text, at)
	if err := s.CreateHostMessage(t.Context(), hm); err != nil {
		t.Fatalf("CreateHostMessage(%q): %v", text, err)
	}
	return hm
}

// assertHostMessage compares every field of a host message.
func assertHostMessage(t *testing.T, what string, got, want *meetpin.HostMessage) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil host message", what)
	}
	assertEq(t, what+": ID", got.ID, want.ID)
	assertEq(t, what+": RoomID", got.RoomID, want.RoomID)
	assertEq(t, what+": SenderID", got.SenderID, want.SenderID)
	assertEq(t, what+": ReceiverID", got.ReceiverID, want.ReceiverID)
	assertEq(t, what+": Text", got.Text, want.Text)
	assertEq(t, what+": IsRead", got.IsRead, want.IsRead)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	assertTime(t, what+": UpdatedAt", got.UpdatedAt, want.UpdatedAt)
}
