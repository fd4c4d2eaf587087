package meetpintest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"meetpin.app"
)

func testMaintenance(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("ClearExpiredBoosts", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		host := mustCreateUser(t, s)
		n := now()
		created := n.Add(-time.Hour)
		boosted := func(title string, until *time.Time, created time.Time) func(*meetpin.Room) {
			return func(r *meetpin.Room) {
				r.Title, r.BoostUntil, r.CreatedAt, r.UpdatedAt, r.StartAt = title, until, created, created, n.Add(2*time.Hour)
			}
		}
		// Oldest first: the expired boosts would sort first if they counted.
		expired := mustCreateRoom(t, s, host, boosted("expired", ptr(n.Add(-time.Minute)), created))
		endsNow := mustCreateRoom(t, s, host, boosted("ends now", ptr(n), created.Add(time.Second)))
		active := mustCreateRoom(t, s, host, boosted("active", ptr(n.Add(time.Hour)), created.Add(2*time.Second)))
		plain := mustCreateRoom(t, s, host, boosted("plain", nil, created.Add(3*time.Second)))

		ids, err := s.ClearExpiredBoosts(ctx, n)
		assertCode(t, err, "")
		slices.Sort(ids)
		want := []string{expired.ID, endsNow.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Fatalf("ClearExpiredBoosts = %q, want %q (expired, ends now)", ids, want)
		}
		for _, r := range []*meetpin.Room{expired, endsNow} {
			got := mustRoom(t, s, r.ID)
			assertTimePtr(t, r.Title+" boost_until", got.BoostUntil, nil)
			assertTime(t, r.Title+" updated_at", got.UpdatedAt, n)
			assertTime(t, r.Title+" created_at", got.CreatedAt, r.CreatedAt)
		}
		got := mustRoom(t, s, active.ID)
		assertTimePtr(t, "active boost_until", got.BoostUntil, active.BoostUntil)
		assertTime(t, "active updated_at", got.UpdatedAt, active.UpdatedAt)
		got = mustRoom(t, s, plain.ID)
		assertTime(t, "plain updated_at", got.UpdatedAt, plain.UpdatedAt)

		// The cleared rooms sort like never-boosted ones: by creation.
		rooms, _, err := s.ListRooms(ctx, meetpin.RoomFilter{BBox: seoulBox, Now: n, Limit: 10})
		assertCode(t, err, "")
		assertRoomTitles(t, "list after the clean-up", rooms, "active", "plain", "ends now", "expired")

		// Nothing left to clear: an empty list, not nil.
		ids, err = s.ClearExpiredBoosts(ctx, n)
		assertCode(t, err, "")
		if ids == nil || len(ids) != 0 {
			t.Fatalf("second ClearExpiredBoosts = %#v, want []", ids)
		}
		// Later, the active boost expires too.
		ids, err = s.ClearExpiredBoosts(ctx, n.Add(2*time.Hour))
		assertCode(t, err, "")
		if !slices.Equal(ids, []string{active.ID}) {
			t.Fatalf("ClearExpiredBoosts two hours later = %q, want the active room", ids)
		}
	})

	t.Run("DeleteWebhookEventsEmpty", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		n, err := s.DeleteWebhookEventsBefore(t.Context(), now())
		assertCode(t, err, "")
		assertEq(t, "deleted", n, int64(0))
	})

	newRun := func(job, kind string, slot time.Time) *meetpin.JobRun {
		return &meetpin.JobRun{Job: job, Kind: kind, Slot: slot, Runner: "host-1/42", StartedAt: now()}
	}

	t.Run("ClaimJobRun", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		slot := now().Truncate(5 * time.Minute)

		first := newRun("cleanup-a", meetpin.JobRunScheduled, slot)
		ok, err := s.ClaimJobRun(ctx, first)
		assertCode(t, err, "")
		if !ok || first.ID <= 0 {
			t.Fatalf("first claim: ok=%v id=%d", ok, first.ID)
		}
		again := newRun("cleanup-a", meetpin.JobRunScheduled, slot)
		ok, err = s.ClaimJobRun(ctx, again)
		assertCode(t, err, "")
		if ok || again.ID != 0 {
			t.Fatalf("second claim of the slot: ok=%v id=%d, want false and no id", ok, again.ID)
		}
		// Another slot, another job, and manual runs are all free.
		for _, r := range []*meetpin.JobRun{
			newRun("cleanup-a", meetpin.JobRunScheduled, slot.Add(5*time.Minute)),
			newRun("cleanup-b", meetpin.JobRunScheduled, slot),
			newRun("cleanup-a", meetpin.JobRunManual, slot),
			newRun("cleanup-a", meetpin.JobRunManual, slot),
		} {
			ok, err := s.ClaimJobRun(ctx, r)
			assertCode(t, err, "")
			if !ok || r.ID <= first.ID {
				t.Errorf("claim %s %s %v: ok=%v id=%d", r.Job, r.Kind, r.Slot, ok, r.ID)
			}
		}
		runs, err := s.JobRuns(ctx, "cleanup-a", 10)
		assertCode(t, err, "")
		assertEq(t, "runs of cleanup-a", len(runs), 4)
	})

	t.Run("ClaimJobRunConcurrently", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		slot := now().Truncate(time.Hour)
		for round := range 5 {
			slot := slot.Add(time.Duration(round) * time.Hour)
			runs := make([]*meetpin.JobRun, 8)
			won := make([]bool, len(runs))
			errs := together(len(runs), func(i int) error {
				runs[i] = newRun("race", meetpin.JobRunScheduled, slot)
				var err error
				won[i], err = s.ClaimJobRun(t.Context(), runs[i])
				return err
			})
			if c := countCodes(errs); c[""] != len(runs) {
				t.Fatalf("round %d: errors %v", round, errs)
			}
			winners := 0
			for _, w := range won {
				if w {
					winners++
				}
			}
			assertEq(t, "winners of one slot", winners, 1)
		}
		runs, err := s.JobRuns(t.Context(), "race", 100)
		assertCode(t, err, "")
		assertEq(t, "stored runs", len(runs), 5)
	})

	t.Run("ClaimJobRunInvalid", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		slot := now()
		for name, r := range map[string]*meetpin.JobRun{
			"EmptyJob":    newRun("", meetpin.JobRunScheduled, slot),
			"LongJob":     newRun(strings.Repeat("j", 65), meetpin.JobRunScheduled, slot),
			"UnknownKind": newRun("cleanup-a", "sometimes", slot),
			"LongRunner": func() *meetpin.JobRun {
				r := newRun("cleanup-a", meetpin.JobRunManual, slot)
				r.Runner = strings.Repeat("r", 201)
				return r
			}(),
		} {
			_, err := s.ClaimJobRun(t.Context(), r)
			if meetpin.ErrorCode(err) != meetpin.EVALIDATION {
				t.Errorf("%s: err = %v, want %s", name, err, meetpin.EVALIDATION)
			}
		}
		ok, err := s.ClaimJobRun(t.Context(), newRun(strings.Repeat("잡", 64), meetpin.JobRunScheduled, slot))
		assertCode(t, err, "")
		assertEq(t, "64-character job name claimed", ok, true)
	})

	t.Run("FinishAndRead", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		slot := now().Truncate(time.Hour)
		kst := time.FixedZone("KST", 9*60*60)

		a1 := newRun("cleanup-a", meetpin.JobRunScheduled, slot.In(kst))
		a1.StartedAt = slot.Add(time.Second)
		a2 := newRun("cleanup-a", meetpin.JobRunScheduled, slot.Add(time.Hour))
		a2.StartedAt = slot.Add(time.Hour + time.Second)
		b1 := newRun("cleanup-b", meetpin.JobRunManual, slot.Add(10*time.Minute))
		b1.StartedAt = b1.Slot
		for _, r := range []*meetpin.JobRun{a1, a2, b1} {
			if ok, err := s.ClaimJobRun(ctx, r); err != nil || !ok {
				t.Fatalf("claim: %v %v", ok, err)
			}
		}
		a1.FinishedAt, a1.Result, a1.Count = ptr(a1.StartedAt.Add(1500*time.Millisecond)), meetpin.JobResultOK, 3
		a1.Detail = map[string]any{"room_ids": []any{"r1", "r2", "r3"}, "note": "부스트 만료", "nested": map[string]any{"read": float64(2)}}
		assertCode(t, s.FinishJobRun(ctx, a1), "")
		b1.FinishedAt, b1.Result = ptr(b1.StartedAt.Add(time.Millisecond)), meetpin.JobResultError
		b1.Detail = map[string]any{"error": `connection "refused" \ again`}
		assertCode(t, s.FinishJobRun(ctx, b1), "")

		runs, err := s.JobRuns(ctx, "cleanup-a", 10)
		assertCode(t, err, "")
		if len(runs) != 2 || runs[0].ID != a2.ID || runs[1].ID != a1.ID {
			t.Fatalf("JobRuns = %+v, want a2 then a1", runs)
		}
		assertJobRun(t, "finished run", runs[1], a1)
		// a2 is still running: no result, no finish time.
		a2.Detail = map[string]any{}
		assertJobRun(t, "running run", runs[0], a2)

		if runs, err := s.JobRuns(ctx, "cleanup-a", 1); err != nil || len(runs) != 1 || runs[0].ID != a2.ID {
			t.Fatalf("JobRuns limit 1 = %+v, %v", runs, err)
		}
		if runs, err := s.JobRuns(ctx, "nothing", 10); err != nil || runs == nil || len(runs) != 0 {
			t.Fatalf("JobRuns of an unknown job = %#v, %v; want []", runs, err)
		}

		last, err := s.LastJobRuns(ctx)
		assertCode(t, err, "")
		if len(last) != 2 {
			t.Fatalf("LastJobRuns = %d runs, want 2", len(last))
		}
		assertJobRun(t, "last of a", last[0], a2)
		assertJobRun(t, "last of b", last[1], b1)

		// Unknown id, unknown result.
		ghost := *a1
		ghost.ID = a2.ID + 1000
		assertCode(t, s.FinishJobRun(ctx, &ghost), meetpin.ENOTFOUND)
		bad := *a2
		bad.Result = "maybe"
		bad.FinishedAt = ptr(now())
		assertCode(t, s.FinishJobRun(ctx, &bad), meetpin.EVALIDATION)
	})

	t.Run("DeleteJobRunsBefore", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		n := now()
		for i, age := range []time.Duration{40 * 24 * time.Hour, 31 * 24 * time.Hour, 29 * 24 * time.Hour, time.Minute} {
			r := newRun("cleanup-a", meetpin.JobRunScheduled, n.Add(-age).Add(time.Duration(i)*time.Millisecond))
			r.StartedAt = n.Add(-age)
			if ok, err := s.ClaimJobRun(ctx, r); err != nil || !ok {
				t.Fatalf("claim: %v %v", ok, err)
			}
		}
		deleted, err := s.DeleteJobRunsBefore(ctx, n.Add(-30*24*time.Hour))
		assertCode(t, err, "")
		assertEq(t, "deleted", deleted, int64(2))
		runs, err := s.JobRuns(ctx, "cleanup-a", 10)
		assertCode(t, err, "")
		assertEq(t, "runs left", len(runs), 2)
	})
}

// assertJobRun compares a stored run with the one written.
func assertJobRun(t *testing.T, what string, got, want *meetpin.JobRun) {
	t.Helper()
	assertEq(t, what+" ID", got.ID, want.ID)
	assertEq(t, what+" Job", got.Job, want.Job)
	assertEq(t, what+" Kind", got.Kind, want.Kind)
	assertTime(t, what+" Slot", got.Slot, want.Slot)
	assertEq(t, what+" Runner", got.Runner, want.Runner)
	assertTime(t, what+" StartedAt", got.StartedAt, want.StartedAt)
	assertTimePtr(t, what+" FinishedAt", got.FinishedAt, want.FinishedAt)
	assertEq(t, what+" Result", got.Result, want.Result)
	assertEq(t, what+" Count", got.Count, want.Count)
	if !reflect.DeepEqual(got.Detail, want.Detail) {
		t.Errorf("%s Detail = %#v, want %#v", what, got.Detail, want.Detail)
	}
}

// WebhookSeeder writes the rows that DeleteWebhookEventsBefore works on.
// No store method writes them outside a payment yet, so each engine's test
// provides one in its own SQL.
type WebhookSeeder interface {
	// InsertWebhookEvent stores a processed webhook event.
	InsertWebhookEvent(ctx context.Context, eventID string, processedAt time.Time) error
	// InsertBoostPayment stores a boost payment of room by user that refers
	// to the event.
	InsertBoostPayment(ctx context.Context, eventID, roomID, userID string, at time.Time) error
}

// RunWebhookEventCleanup is the contract of DeleteWebhookEventsBefore: old
// events go, recent ones and those a payment refers to stay. open returns a
// fresh, migrated store and a seeder writing to the same database.
func RunWebhookEventCleanup(t *testing.T, open func(t *testing.T) (meetpin.Store, WebhookSeeder)) {
	s, seed := open(t)
	ctx := t.Context()
	n := now()
	day := 24 * time.Hour
	host := mustCreateUser(t, s)
	room := mustCreateRoom(t, s, host)
	events := map[string]time.Duration{"evt_old": 120 * day, "evt_91d": 91 * day, "evt_89d": 89 * day, "evt_new": time.Minute, "evt_paid": 200 * day}
	for id, age := range events {
		if err := seed.InsertWebhookEvent(ctx, id, n.Add(-age)); err != nil {
			t.Fatal(err)
		}
	}
	if err := seed.InsertBoostPayment(ctx, "evt_paid", room.ID, host.ID, n.Add(-200*day)); err != nil {
		t.Fatal(err)
	}
	deleted, err := s.DeleteWebhookEventsBefore(ctx, n.Add(-90*day))
	assertCode(t, err, "")
	assertEq(t, "deleted", deleted, int64(2))
	// What is left is what the next run finds older: only the paid event.
	deleted, err = s.DeleteWebhookEventsBefore(ctx, n)
	assertCode(t, err, "")
	assertEq(t, "deleted with everything past", deleted, int64(2))
	if err := seed.InsertWebhookEvent(ctx, "evt_old", n); err != nil {
		t.Fatalf("re-inserting a deleted event id: %v", err)
	}
	if err := seed.InsertWebhookEvent(ctx, "evt_paid", n); err == nil {
		t.Fatal("the paid event was deleted: its id could be stored again")
	}
}
