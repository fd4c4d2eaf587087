package meetpintest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

// testTx is the contract of Store.Tx: everything written through the
// transaction commits together, or nothing does.
func testTx(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("Commit", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		guest := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		before := mustRoom(t, s, room.ID).ParticipantsCount
		var match *meetpin.Match
		var msg *meetpin.Message
		var n *meetpin.Notification
		err := s.Tx(ctx, func(tx meetpin.Tx) error {
			req := newRequest(room.ID, guest.ID, now())
			if err := tx.CreateRequest(ctx, req); err != nil {
				return err
			}
			res, err := tx.AcceptRequest(ctx, req.ID, uuid.NewString(), now())
			if err != nil {
				return err
			}
			match = res.Match
			// Reads through the transaction see its own writes.
			if got, err := tx.MatchByID(ctx, match.ID); err != nil || got.GuestID != guest.ID {
				t.Errorf("MatchByID inside the transaction = %v, %v", got, err)
			}
			msg = &meetpin.Message{MatchID: match.ID, SenderID: guest.ID, Text: "안녕하세요", CreatedAt: now()}
			if err := tx.CreateMessage(ctx, msg); err != nil {
				return err
			}
			n = newNotification(host, now())
			return tx.CreateNotification(ctx, n)
		})
		assertCode(t, err, "")
		if msg.ID == 0 || n.ID == 0 {
			t.Fatalf("ids not set: message %d, notification %d", msg.ID, n.ID)
		}
		got, err := s.Messages(ctx, match.ID, 0, 10)
		assertCode(t, err, "")
		if len(got) != 1 || got[0].ID != msg.ID || got[0].Text != "안녕하세요" {
			t.Errorf("messages after commit = %+v, want the one message", got)
		}
		list, err := s.Notifications(ctx, host.ID, false, 0, 10)
		assertCode(t, err, "")
		if len(list.Items) != 1 || list.Items[0].ID != n.ID {
			t.Errorf("notifications after commit = %+v, want the one notification", list.Items)
		}
		assertEq(t, "participants after commit", mustRoom(t, s, room.ID).ParticipantsCount, before+1)
		// Later writes outside a transaction keep the ids increasing.
		after := mustCreateMessage(t, s, match, host, "next")
		if after.ID <= msg.ID {
			t.Errorf("message id after the transaction = %d, want > %d", after.ID, msg.ID)
		}
	})

	t.Run("RollbackOnError", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		guest := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		req := mustCreateRequest(t, s, room, guest)
		before := mustRoom(t, s, room.ID).ParticipantsCount
		u, p := newUser(now())
		var matchID string
		boom := errors.New("the use case changed its mind")
		err := s.Tx(ctx, func(tx meetpin.Tx) error {
			if err := tx.CreateUser(ctx, u, p); err != nil {
				return err
			}
			res, err := tx.AcceptRequest(ctx, req.ID, uuid.NewString(), now())
			if err != nil {
				return err
			}
			matchID = res.Match.ID
			if err := tx.CreateMessage(ctx, &meetpin.Message{MatchID: matchID, SenderID: guest.ID, Text: "gone", CreatedAt: now()}); err != nil {
				return err
			}
			if err := tx.CreateNotification(ctx, newNotification(host, now())); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx = %v, want the error fn returned", err)
		}
		_, err = s.UserByID(ctx, u.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		_, err = s.MatchByID(ctx, matchID)
		assertCode(t, err, meetpin.ENOTFOUND)
		got, err := s.RequestByID(ctx, req.ID)
		assertCode(t, err, "")
		assertEq(t, "request status", got.Status, meetpin.RequestPending)
		assertEq(t, "participants", mustRoom(t, s, room.ID).ParticipantsCount, before)
		list, err := s.Notifications(ctx, host.ID, false, 0, 10)
		assertCode(t, err, "")
		assertEq(t, "notifications", len(list.Items), 0)
		// The writer is free again: a write outside a transaction works.
		mustCreateUser(t, s)
	})

	t.Run("RollbackOnStoreError", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		taken := mustCreateUser(t, s)
		u, p := newUser(now())
		err := s.Tx(ctx, func(tx meetpin.Tx) error {
			if err := tx.CreateUser(ctx, u, p); err != nil {
				return err
			}
			u2, p2 := newUser(now())
			u2.Email = taken.Email
			return tx.CreateUser(ctx, u2, p2) // ECONFLICT
		})
		assertCode(t, err, meetpin.ECONFLICT)
		_, err = s.UserByID(ctx, u.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
	})

	t.Run("RollbackOnPanic", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u, p := newUser(now())
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the panic of fn did not reach the caller")
				}
			}()
			_ = s.Tx(ctx, func(tx meetpin.Tx) error {
				if err := tx.CreateUser(ctx, u, p); err != nil {
					return err
				}
				panic("fn panics")
			})
		}()
		_, err := s.UserByID(ctx, u.ID)
		assertCode(t, err, meetpin.ENOTFOUND)
		mustCreateUser(t, s) // the writer was released
	})

	t.Run("Isolation", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u, p := newUser(now())
		seen := make(chan error, 1)
		err := s.Tx(ctx, func(tx meetpin.Tx) error {
			if err := tx.CreateUser(ctx, u, p); err != nil {
				return err
			}
			// Another reader does not see the uncommitted user.
			go func() { _, err := s.UserByID(ctx, u.ID); seen <- err }()
			select {
			case err := <-seen:
				assertCode(t, err, meetpin.ENOTFOUND)
			case <-time.After(10 * time.Second):
				t.Error("a read outside the transaction waited for it")
			}
			return nil
		})
		assertCode(t, err, "")
		_, err = s.UserByID(ctx, u.ID)
		assertCode(t, err, "")
	})
}

// testJoinedReads covers the reads that answer in one query what used to
// take two: SessionUser, and MatchByID's Blocked.
func testJoinedReads(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("SessionUser", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u, p := mustCreateUserProfile(t, s)
		at := now()
		sess := &meetpin.Session{TokenHash: "h-" + short(), UserID: u.ID, CreatedAt: at, LastSeenAt: at, ExpiresAt: at.Add(time.Hour)}
		assertCode(t, s.CreateSession(ctx, sess), "")
		gs, gu, err := s.SessionUser(ctx, sess.TokenHash, at)
		assertCode(t, err, "")
		assertEq(t, "session user", gs.UserID, u.ID)
		assertEq(t, "user id", gu.ID, u.ID)
		assertEq(t, "email", gu.Email, u.Email)
		assertEq(t, "role", gu.Role, u.Role)
		assertEq(t, "password hash", gu.PasswordHash, u.PasswordHash)
		assertEq(t, "nickname", gu.Nickname, p.Nickname)
		assertTime(t, "expires", gs.ExpiresAt, sess.ExpiresAt)
		assertTime(t, "user created", gu.CreatedAt, u.CreatedAt)
		_, _, err = s.SessionUser(ctx, sess.TokenHash, at.Add(time.Hour)) // expired
		assertCode(t, err, meetpin.ENOTFOUND)
		_, _, err = s.SessionUser(ctx, "unknown", at)
		assertCode(t, err, meetpin.ENOTFOUND)
	})
	t.Run("MatchBlocked", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host, guest := mustCreateUser(t, s), mustCreateUser(t, s)
		m := mustCreateMatch(t, s, mustCreateRoom(t, s, host), guest, now())
		blocked := func() bool {
			t.Helper()
			got, err := s.MatchByID(ctx, m.ID)
			assertCode(t, err, "")
			return got.Blocked
		}
		if blocked() {
			t.Fatal("Blocked without a block")
		}
		for _, b := range [][2]string{{guest.ID, host.ID}, {host.ID, guest.ID}} {
			assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: b[0], BlockedID: b[1], CreatedAt: now()}), "")
			if !blocked() {
				t.Fatalf("not Blocked after %s blocked %s", b[0], b[1])
			}
			assertCode(t, s.DeleteBlock(ctx, b[0], b[1]), "")
			if blocked() {
				t.Fatal("still Blocked after the unblock")
			}
		}
		// A block with someone else does not count.
		other := mustCreateUser(t, s)
		assertCode(t, s.CreateBlock(ctx, &meetpin.Block{BlockerID: host.ID, BlockedID: other.ID, CreatedAt: now()}), "")
		if blocked() {
			t.Fatal("Blocked by a block with a third user")
		}
	})
}
