package meetpintest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
)

const day = 24 * time.Hour

// newBoost builds a paid boost of room by user, with fresh event and
// session ids, at `at`.
func newBoost(room *meetpin.Room, user *meetpin.User, days int, at time.Time) *meetpin.BoostPayment {
	return &meetpin.BoostPayment{
		ID: uuid.NewString(), EventID: "evt_" + short(), EventType: meetpin.EventCheckoutCompleted,
		SessionID: "cs_test_" + short(), RoomID: room.ID, UserID: user.ID, Days: days,
		Amount: meetpin.BoostPrices[days], Currency: "krw", CreatedAt: at,
	}
}

func mustApplyBoost(t *testing.T, s meetpin.Store, p *meetpin.BoostPayment) *meetpin.BoostOutcome {
	t.Helper()
	out, err := s.ApplyBoost(t.Context(), p, day)
	if err != nil {
		t.Fatalf("ApplyBoost(%s): %v", p.EventID, err)
	}
	return out
}

func testBoosts(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("ExtendsFromNowOrFromTheCurrentEnd", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		n := now()

		out := mustApplyBoost(t, s, newBoost(room, host, 3, n))
		if !out.Applied || !out.RoomFound {
			t.Fatalf("first boost: %+v", out)
		}
		assertTime(t, "boost after 3 days", out.BoostUntil, n.Add(3*day))
		assertTimePtr(t, "room.boost_until", mustRoom(t, s, room.ID).BoostUntil, &out.BoostUntil)

		// A second purchase extends the running boost, never shortens it.
		out = mustApplyBoost(t, s, newBoost(room, host, 1, n.Add(time.Hour)))
		assertTime(t, "boost after 3+1 days", out.BoostUntil, n.Add(4*day))

		// After the boost ended, a purchase starts from now.
		later := n.Add(10 * day)
		out = mustApplyBoost(t, s, newBoost(room, host, 7, later))
		assertTime(t, "boost after an expired one", out.BoostUntil, later.Add(7*day))

		pays, err := s.BoostPaymentsByRoom(t.Context(), room.ID)
		assertCode(t, err, "")
		if len(pays) != 3 {
			t.Fatalf("BoostPaymentsByRoom: %d payments, want 3", len(pays))
		}
		p := pays[0]
		assertEq(t, "newest payment days", p.Days, 7)
		assertEq(t, "amount", p.Amount, int64(5000))
		assertEq(t, "currency", p.Currency, "krw")
		assertEq(t, "user", p.UserID, host.ID)
		assertEq(t, "room", p.RoomID, room.ID)
		assertEq(t, "event type", p.EventType, meetpin.EventCheckoutCompleted)
		assertTime(t, "payment boost_until", p.BoostUntil, later.Add(7*day))
		assertTime(t, "payment created_at", p.CreatedAt, later)

		at, ok, err := s.LastStripeEvent(t.Context())
		assertCode(t, err, "")
		if !ok {
			t.Fatal("LastStripeEvent: none after three events")
		}
		assertTime(t, "last event", at, later)
	})

	t.Run("EventAndSessionOnce", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		n := now()
		first := newBoost(room, host, 3, n)
		mustApplyBoost(t, s, first)

		// The same event again, even later: nothing changes.
		again := *first
		again.ID, again.CreatedAt = uuid.NewString(), n.Add(time.Minute)
		if out := mustApplyBoost(t, s, &again); out.Applied {
			t.Fatalf("a replayed event applied again: %+v", out)
		}
		// Another event of the same session (async payment succeeded):
		// nothing changes either, and that event id is now claimed.
		other := newBoost(room, host, 3, n.Add(2*time.Minute))
		other.SessionID, other.EventType = first.SessionID, meetpin.EventCheckoutAsyncSucceeded
		if out := mustApplyBoost(t, s, other); out.Applied {
			t.Fatalf("a second event of one session applied: %+v", out)
		}
		if claimed, err := s.RecordStripeEvent(t.Context(), other.EventID, other.EventType, n); err != nil || claimed {
			t.Fatalf("the second event's id was not kept as claimed: %v %v", claimed, err)
		}
		assertTimePtr(t, "boost_until", mustRoom(t, s, room.ID).BoostUntil, ptr(n.Add(3*day)))
		pays, _ := s.BoostPaymentsByRoom(t.Context(), room.ID)
		assertEq(t, "payments", len(pays), 1)
	})

	t.Run("ConcurrentDeliveriesApplyOnce", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		n := now()
		p := newBoost(room, host, 7, n)
		outs := make([]*meetpin.BoostOutcome, 8)
		errs := together(len(outs), func(i int) (err error) {
			c := *p
			c.ID = uuid.NewString()
			outs[i], err = s.ApplyBoost(t.Context(), &c, day)
			return err
		})
		applied := 0
		for i, err := range errs {
			assertCode(t, err, "")
			if outs[i] != nil && outs[i].Applied {
				applied++
			}
		}
		assertEq(t, "deliveries applied", applied, 1)
		assertTimePtr(t, "boost_until", mustRoom(t, s, room.ID).BoostUntil, ptr(n.Add(7*day)))
		pays, _ := s.BoostPaymentsByRoom(t.Context(), room.ID)
		assertEq(t, "payments", len(pays), 1)
	})

	t.Run("ConcurrentPurchasesAllExtend", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		room := mustCreateRoom(t, s, host)
		n := now()
		errs := together(5, func(i int) error {
			_, err := s.ApplyBoost(t.Context(), newBoost(room, host, 1, n), day)
			return err
		})
		for _, err := range errs {
			assertCode(t, err, "")
		}
		// Five distinct one-day purchases: no lost update.
		assertTimePtr(t, "boost_until", mustRoom(t, s, room.ID).BoostUntil, ptr(n.Add(5*day)))
	})

	t.Run("MissingRoomOrUser", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		host := mustCreateUser(t, s)
		room := newRoom(host.ID, now()) // never stored
		p := newBoost(room, host, 1, now())
		p.UserID = uuid.NewString() // no such user either
		out := mustApplyBoost(t, s, p)
		if !out.Applied || out.RoomFound {
			t.Fatalf("boost of a missing room: %+v, want applied without a room", out)
		}
		// The payment is kept (for a refund) and the event is claimed.
		if claimed, err := s.RecordStripeEvent(t.Context(), p.EventID, p.EventType, now()); err != nil || claimed {
			t.Fatalf("event of a missing room not claimed: %v %v", claimed, err)
		}
		again := newBoost(room, host, 1, now())
		again.SessionID = p.SessionID
		if out := mustApplyBoost(t, s, again); out.Applied {
			t.Fatal("the session of a missing room was paid twice")
		}
	})

	t.Run("RecordStripeEvent", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		if _, ok, err := s.LastStripeEvent(t.Context()); err != nil || ok {
			t.Fatalf("LastStripeEvent on an empty store: %v %v", ok, err)
		}
		n := now()
		for i, want := range []bool{true, false} {
			claimed, err := s.RecordStripeEvent(t.Context(), "evt_same", "payment_intent.succeeded", n)
			assertCode(t, err, "")
			assertEq(t, fmt.Sprintf("claim %d", i), claimed, want)
		}
		errs := together(6, func(i int) error {
			claimed, err := s.RecordStripeEvent(t.Context(), "evt_race", "charge.refunded", n)
			if err == nil && !claimed {
				return meetpin.Errorf(meetpin.ECONFLICT, "seen")
			}
			return err
		})
		assertEq(t, "concurrent claims won", countCodes(errs)[""], 1)
		assertEq(t, "concurrent claims lost", countCodes(errs)[meetpin.ECONFLICT], 5)
		_, err := s.RecordStripeEvent(t.Context(), "", "x", n)
		assertCode(t, err, meetpin.EVALIDATION)
	})

	t.Run("Reminders", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		n := now()
		upcoming := func(r *meetpin.Room) { r.StartAt = n.Add(6 * day) }
		soon := mustCreateRoom(t, s, host, upcoming, func(r *meetpin.Room) { r.Title = "soon" })
		later := mustCreateRoom(t, s, host, upcoming, func(r *meetpin.Room) { r.Title = "later" })
		short := mustCreateRoom(t, s, host, upcoming, func(r *meetpin.Room) { r.Title = "one day" })
		cancelled := mustCreateRoom(t, s, host, upcoming, func(r *meetpin.Room) { r.Status = meetpin.RoomCancelled })
		never := mustCreateRoom(t, s, host, upcoming, func(r *meetpin.Room) { r.Title = "never boosted" })
		_ = never

		mustApplyBoost(t, s, newBoost(soon, host, 3, n.Add(-2*day-time.Hour))) // ends in 23 h
		mustApplyBoost(t, s, newBoost(later, host, 3, n))                      // ends in 3 days
		mustApplyBoost(t, s, newBoost(short, host, 1, n))                      // its confirmation is the reminder
		mustApplyBoost(t, s, newBoost(cancelled, host, 3, n.Add(-2*day-time.Hour)))

		claim := func(at time.Time) []*meetpin.Room {
			t.Helper()
			rooms, err := s.ClaimBoostReminders(ctx, at, day, 100)
			assertCode(t, err, "")
			return rooms
		}
		assertRoomTitles(t, "first claim", claim(n), "soon")
		assertRoomTitles(t, "second claim", claim(n))

		// Two days on, "later" is due; "soon" has ended.
		assertRoomTitles(t, "claim two days on", claim(n.Add(2*day+time.Hour)), "later")

		// Extending a reminded boost makes the new end due again, once.
		mustApplyBoost(t, s, newBoost(soon, host, 1, n))
		assertRoomTitles(t, "after the extension", claim(n))
		assertRoomTitles(t, "a day on", claim(n.Add(day)), "soon")
		assertRoomTitles(t, "again", claim(n.Add(day)))

		// Concurrent claimers share the due rooms without overlap.
		var due []*meetpin.Room
		for i := range 6 {
			r := mustCreateRoom(t, s, host, upcoming, func(r *meetpin.Room) { r.Title = fmt.Sprintf("due %d", i) })
			mustApplyBoost(t, s, newBoost(r, host, 3, n.Add(-2*day-time.Hour)))
			due = append(due, r)
		}
		got := make([][]*meetpin.Room, 4)
		errs := together(len(got), func(i int) (err error) {
			got[i], err = s.ClaimBoostReminders(ctx, n, day, 2)
			return err
		})
		seen := map[string]int{}
		for i, err := range errs {
			assertCode(t, err, "")
			for _, r := range got[i] {
				seen[r.ID]++
			}
		}
		for _, r := range due {
			if seen[r.ID] > 1 {
				t.Errorf("%s claimed %d times", r.Title, seen[r.ID])
			}
		}
		for len(seen) < len(due) {
			rest := claim(n)
			if len(rest) == 0 {
				break
			}
			for _, r := range rest {
				seen[r.ID]++
			}
		}
		assertEq(t, "due rooms claimed", len(seen), len(due))
		for id, c := range seen {
			if c != 1 {
				t.Errorf("room %s claimed %d times", id, c)
			}
		}
	})
}
