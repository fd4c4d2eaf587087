package meetpintest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

func testSessions(t *testing.T, open func(t *testing.T) meetpin.Store) {
	// newSession builds a session of user that expires at exp.
	newSession := func(userID string, created, exp time.Time) *meetpin.Session {
		return &meetpin.Session{
			TokenHash:  "sha256-" + uuid.NewString(),
			UserID:     userID,
			CreatedAt:  created,
			LastSeenAt: created,
			ExpiresAt:  exp,
		}
	}
	mustCreateSession := func(t *testing.T, s meetpin.Store, sess *meetpin.Session) {
		t.Helper()
		if err := s.CreateSession(t.Context(), sess); err != nil {
			t.Fatalf("CreateSession: %v", err)
		}
	}

	t.Run("CreateAndGet", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		u := mustCreateUser(t, s)
		at := now()
		sess := newSession(u.ID, at, at.Add(24*time.Hour))
		mustCreateSession(t, s, sess)
		got, err := s.SessionByTokenHash(t.Context(), sess.TokenHash, at)
		assertCode(t, err, "")
		assertSession(t, "SessionByTokenHash", got, sess)
	})

	t.Run("NonUTCTimes", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		u := mustCreateUser(t, s)
		kst := time.FixedZone("KST", 9*60*60)
		at := now().In(kst)
		sess := newSession(u.ID, at, at.Add(time.Hour))
		mustCreateSession(t, s, sess)
		got, err := s.SessionByTokenHash(t.Context(), sess.TokenHash, at.UTC())
		assertCode(t, err, "")
		// assertSession checks the instants and that they come back in UTC.
		assertSession(t, "SessionByTokenHash", got, sess)
	})

	t.Run("DuplicateToken", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		u, other := mustCreateUser(t, s), mustCreateUser(t, s)
		at := now()
		sess := newSession(u.ID, at, at.Add(time.Hour))
		mustCreateSession(t, s, sess)
		dup := newSession(other.ID, at, at.Add(2*time.Hour))
		dup.TokenHash = sess.TokenHash
		assertCode(t, s.CreateSession(t.Context(), dup), meetpin.ECONFLICT)
		got, err := s.SessionByTokenHash(t.Context(), sess.TokenHash, at)
		assertCode(t, err, "")
		assertSession(t, "first session", got, sess)
	})

	t.Run("Unknown", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		_, err := s.SessionByTokenHash(t.Context(), "sha256-unknown", now())
		assertCode(t, err, meetpin.ENOTFOUND)
	})

	t.Run("UnknownUser", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		at := now()
		sess := newSession(uuid.NewString(), at, at.Add(time.Hour))
		assertCode(t, s.CreateSession(t.Context(), sess), meetpin.ENOTFOUND)
		_, err := s.SessionByTokenHash(t.Context(), sess.TokenHash, at)
		assertCode(t, err, meetpin.ENOTFOUND)
	})

	t.Run("Expired", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u := mustCreateUser(t, s)
		at := now()
		sess := newSession(u.ID, at.Add(-time.Hour), at)
		mustCreateSession(t, s, sess)

		// Expired means ExpiresAt <= now.
		_, err := s.SessionByTokenHash(ctx, sess.TokenHash, at)
		assertCode(t, err, meetpin.ENOTFOUND)
		_, err = s.SessionByTokenHash(ctx, sess.TokenHash, at.Add(time.Minute))
		assertCode(t, err, meetpin.ENOTFOUND)
		got, err := s.SessionByTokenHash(ctx, sess.TokenHash, at.Add(-time.Millisecond))
		assertCode(t, err, "")
		assertSession(t, "one millisecond before expiry", got, sess)
	})

	t.Run("TouchSlidesExpiry", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u := mustCreateUser(t, s)
		at := now()
		sess := newSession(u.ID, at, at.Add(time.Hour))
		mustCreateSession(t, s, sess)

		seen, exp := at.Add(30*time.Minute), at.Add(25*time.Hour)
		assertCode(t, s.TouchSession(ctx, sess.TokenHash, seen, exp), "")
		got, err := s.SessionByTokenHash(ctx, sess.TokenHash, at.Add(2*time.Hour))
		assertCode(t, err, "")
		sess.LastSeenAt, sess.ExpiresAt = seen, exp
		assertSession(t, "after touch", got, sess)
		_, err = s.SessionByTokenHash(ctx, sess.TokenHash, exp)
		assertCode(t, err, meetpin.ENOTFOUND)
	})

	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u := mustCreateUser(t, s)
		at := now()
		a := newSession(u.ID, at, at.Add(time.Hour))
		b := newSession(u.ID, at, at.Add(time.Hour))
		mustCreateSession(t, s, a)
		mustCreateSession(t, s, b)

		assertCode(t, s.DeleteSession(ctx, a.TokenHash), "")
		_, err := s.SessionByTokenHash(ctx, a.TokenHash, at)
		assertCode(t, err, meetpin.ENOTFOUND)
		_, err = s.SessionByTokenHash(ctx, b.TokenHash, at)
		assertCode(t, err, "")
		assertCode(t, s.DeleteSession(ctx, a.TokenHash), "")
		assertCode(t, s.DeleteSession(ctx, "sha256-never-existed"), "")
	})

	t.Run("DeleteExpired", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		u := mustCreateUser(t, s)
		at := now()
		old := newSession(u.ID, at.Add(-48*time.Hour), at.Add(-time.Hour))
		justGone := newSession(u.ID, at.Add(-2*time.Hour), at.Add(-time.Millisecond))
		live := newSession(u.ID, at, at.Add(time.Hour))
		for _, sess := range []*meetpin.Session{old, justGone, live} {
			mustCreateSession(t, s, sess)
		}
		n, err := s.DeleteExpiredSessions(ctx, at)
		assertCode(t, err, "")
		assertEq(t, "deleted", n, int64(2))
		n, err = s.DeleteExpiredSessions(ctx, at)
		assertCode(t, err, "")
		assertEq(t, "deleted the second time", n, int64(0))
		got, err := s.SessionByTokenHash(ctx, live.TokenHash, at)
		assertCode(t, err, "")
		assertSession(t, "live session", got, live)
		// The expired rows are gone, not merely hidden: a session looked
		// up at an earlier instant is still absent.
		_, err = s.SessionByTokenHash(ctx, old.TokenHash, at.Add(-49*time.Hour))
		assertCode(t, err, meetpin.ENOTFOUND)
	})
}

// assertSession compares every field of a session.
func assertSession(t *testing.T, what string, got, want *meetpin.Session) {
	t.Helper()
	if got == nil {
		t.Fatalf("%s: nil session", what)
	}
	assertEq(t, what+": TokenHash", got.TokenHash, want.TokenHash)
	assertEq(t, what+": UserID", got.UserID, want.UserID)
	assertTime(t, what+": CreatedAt", got.CreatedAt, want.CreatedAt)
	assertTime(t, what+": LastSeenAt", got.LastSeenAt, want.LastSeenAt)
	assertTime(t, what+": ExpiresAt", got.ExpiresAt, want.ExpiresAt)
}
