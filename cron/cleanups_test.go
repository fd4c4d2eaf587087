package cron_test

import (
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/cron"
	"meetpin.app/dispatch"
	"meetpin.app/inmem"
)

const day = 24 * time.Hour

// cleanups is the scheduler of the real jobs on store at the clock's time.
func cleanups(t *testing.T, store meetpin.Store, c *clock) *cron.Scheduler {
	return newScheduler(t, store, c, "test", cron.Cleanups(dispatch.New(dispatch.Options{Store: store}))...)
}

// runJob runs a job by hand and fails the test unless it succeeds.
func runJob(t *testing.T, s *cron.Scheduler, name string) *meetpin.JobRun {
	t.Helper()
	out, err := s.RunNow(t.Context(), name)
	if err != nil || out.Err != nil {
		t.Fatalf("%s: %v / %v", name, err, out.Err)
	}
	return out.Run
}

func mustUser(t *testing.T, store meetpin.Store, at time.Time) *meetpin.User {
	t.Helper()
	tag := uuid.NewString()[:8]
	u := &meetpin.User{ID: uuid.NewString(), Email: "u" + tag + "@example.com", PasswordHash: "x", Role: meetpin.RoleUser, CreatedAt: at, UpdatedAt: at}
	if err := store.CreateUser(t.Context(), u, &meetpin.Profile{Nickname: "n" + tag, CreatedAt: at, UpdatedAt: at}); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCleanupExpiredBoosts(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Millisecond)
		c := newClock(now)
		host := mustUser(t, store, now)
		room := func(title string, created time.Time, boost *time.Time) *meetpin.Room {
			r := &meetpin.Room{ID: uuid.NewString(), HostID: host.ID, Title: title, Category: meetpin.CategoryDrink,
				Lat: 37.5, Lng: 127.0, PlaceText: "강남역", StartAt: now.Add(3 * time.Hour), MaxPeople: 4,
				Visibility: meetpin.VisibilityPublic, Status: meetpin.RoomActive, BoostUntil: boost, CreatedAt: created, UpdatedAt: created}
			if err := store.CreateRoom(ctx, r); err != nil {
				t.Fatal(err)
			}
			return r
		}
		past, future := now.Add(-time.Hour), now.Add(day)
		expired := room("expired boost", now.Add(-3*time.Hour), &past)
		room("plain newer", now.Add(-2*time.Hour), nil)
		active := room("active boost", now.Add(-4*time.Hour), &future)

		run := runJob(t, cleanups(t, store, c), cron.ExpiredBoosts)
		if run.Count != 1 || !slices.Equal(run.Detail["room_ids"].([]string), []string{expired.ID}) {
			t.Fatalf("run: count %d, detail %v; want the expired room", run.Count, run.Detail)
		}
		got, err := store.RoomByID(ctx, expired.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.BoostUntil != nil || !got.UpdatedAt.Equal(now) {
			t.Fatalf("expired room after the job: boost_until %v, updated_at %v", got.BoostUntil, got.UpdatedAt)
		}
		if got, _ := store.RoomByID(ctx, active.ID); got.BoostUntil == nil || !got.BoostUntil.Equal(future) {
			t.Fatalf("active boost touched: %v", got.BoostUntil)
		}
		// Active boost first, then the rest newest first: the cleared room
		// sorts like the never-boosted one, behind it.
		rooms, _, err := store.ListRooms(ctx, meetpin.RoomFilter{BBox: meetpin.BBox{South: 37, West: 126, North: 38, East: 128}, Now: now, Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, r := range rooms {
			titles = append(titles, r.Title)
		}
		if want := []string{"active boost", "plain newer", "expired boost"}; !slices.Equal(titles, want) {
			t.Fatalf("list = %q, want %q", titles, want)
		}
		// Recorded, and nothing left the second time.
		runs, err := store.JobRuns(ctx, cron.ExpiredBoosts, 10)
		if err != nil || len(runs) != 1 || runs[0].Count != 1 {
			t.Fatalf("recorded runs %+v, %v", runs, err)
		}
		if again := runJob(t, cleanups(t, store, c), cron.ExpiredBoosts); again.Count != 0 {
			t.Fatalf("second run cleared %d rooms", again.Count)
		}
	})
}

func TestCleanupOldNotifications(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Millisecond)
		u := mustUser(t, store, now.Add(-200*day))
		type note struct {
			title string
			age   time.Duration
			read  bool
		}
		for _, n := range []note{
			{"read 31d", 31 * day, true},    // deleted: read, past 30 days
			{"unread 31d", 31 * day, false}, // kept: unread
			{"read 29d", 29 * day, true},    // kept: recent
			{"unread 91d", 91 * day, false}, // deleted: past 90 days
			{"read 91d", 91 * day, true},    // deleted
			{"unread new", time.Minute, false},
		} {
			nt := &meetpin.Notification{UserID: u.ID, Type: meetpin.NotifyMessage, Title: n.title, Message: "m", CreatedAt: now.Add(-n.age)}
			if err := store.CreateNotification(ctx, nt); err != nil {
				t.Fatal(err)
			}
			if n.read {
				if err := store.MarkNotificationRead(ctx, u.ID, nt.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		run := runJob(t, cleanups(t, store, newClock(now)), cron.OldNotifications)
		if run.Count != 3 || run.Detail["read_deleted"] != int64(2) || run.Detail["all_deleted"] != int64(1) {
			t.Fatalf("run: count %d, detail %v", run.Count, run.Detail)
		}
		list, err := store.Notifications(ctx, u.ID, false, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, n := range list.Items {
			titles = append(titles, n.Title)
		}
		if want := []string{"unread new", "read 29d", "unread 31d"}; !slices.Equal(titles, want) {
			t.Fatalf("kept %q, want %q", titles, want)
		}
	})
}

func TestCleanupExpiredSessions(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Millisecond)
		u := mustUser(t, store, now)
		for _, s := range []*meetpin.Session{
			{TokenHash: "expired", UserID: u.ID, CreatedAt: now.Add(-2 * day), LastSeenAt: now.Add(-2 * day), ExpiresAt: now.Add(-time.Second)},
			{TokenHash: "valid", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(time.Hour)},
		} {
			if err := store.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
		}
		if run := runJob(t, cleanups(t, store, newClock(now)), cron.ExpiredSessions); run.Count != 1 {
			t.Fatalf("deleted %d sessions, want 1", run.Count)
		}
		if _, err := store.SessionByTokenHash(ctx, "valid", now); err != nil {
			t.Fatalf("valid session gone: %v", err)
		}
		// Read as of the past, the expired session would still be valid: it
		// is really gone, not just filtered.
		if _, err := store.SessionByTokenHash(ctx, "expired", now.Add(-day)); meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
			t.Fatalf("expired session still stored: %v", err)
		}
	})
}

func TestCleanupWebhookEventsAndJobRuns(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Millisecond)
		for id, age := range map[string]time.Duration{"evt_old": 91 * day, "evt_recent": 89 * day} {
			rawExec(t, store,
				`INSERT INTO stripe_webhook_events (event_id, event_type, processed_at) VALUES (?, 'checkout.session.completed', ?)`,
				`INSERT INTO stripe_webhook_events (event_id, event_type, processed_at) VALUES ($1, 'checkout.session.completed', $2)`,
				id, now.Add(-age))
		}
		// An old run of another job, and one of this month.
		for _, age := range []time.Duration{31 * day, 29 * day} {
			r := &meetpin.JobRun{Job: "old", Kind: meetpin.JobRunManual, Slot: now.Add(-age), StartedAt: now.Add(-age)}
			if _, err := store.ClaimJobRun(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		s := cleanups(t, store, newClock(now))
		if run := runJob(t, s, cron.WebhookEvents); run.Count != 1 {
			t.Fatalf("deleted %d webhook events, want 1", run.Count)
		}
		if n, err := store.DeleteWebhookEventsBefore(ctx, now); err != nil || n != 1 {
			t.Fatalf("the recent event should have been left: %d, %v", n, err)
		}
		if run := runJob(t, s, cron.OldJobRuns); run.Count != 1 {
			t.Fatalf("deleted %d job runs, want 1", run.Count)
		}
		if runs, err := store.JobRuns(ctx, "old", 10); err != nil || len(runs) != 1 {
			t.Fatalf("runs of old: %d, %v", len(runs), err)
		}
	})
}

// TestCleanupIsVisibleAtOnce: the clean-ups run through the app's
// dispatcher, so what they delete or change is gone from the very next
// cached read, not after the cache's TTL: the notification pages after
// cleanup-old-notifications, the room lists after cleanup-expired-boosts.
func TestCleanupIsVisibleAtOnce(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		ctx := t.Context()
		now := time.Now().UTC().Truncate(time.Millisecond)
		cache := inmem.NewCache(1 << 20)
		a := app.New(store, slog.New(slog.DiscardHandler), app.Options{Cache: cache, Now: func() time.Time { return now }})
		u := mustUser(t, store, now.Add(-200*day))
		for _, age := range []time.Duration{91 * day, time.Minute} {
			n := &meetpin.Notification{UserID: u.ID, Type: meetpin.NotifyMessage, Title: age.String(), Message: "m", CreatedAt: now.Add(-age)}
			if err := store.CreateNotification(ctx, n); err != nil {
				t.Fatal(err)
			}
		}
		page := func() *app.NotificationPage {
			t.Helper()
			p, err := a.Notifications(ctx, u, "", "", "")
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		if n := len(page().Notifications); n != 2 {
			t.Fatalf("before: %d notifications, want 2", n)
		}
		stats := func() meetpin.CacheStats { return cache.Stats(ctx) }
		hits := stats().Hits
		if n := len(page().Notifications); n != 2 || stats().Hits != hits+1 {
			t.Fatalf("the page is not served from the cache (hits %d → %d)", hits, stats().Hits)
		}

		// A room whose boost has just ended, listed (and cached) as boosted.
		ended := now.Add(-time.Second)
		r := &meetpin.Room{ID: uuid.NewString(), HostID: u.ID, Title: "boosted", Category: meetpin.CategoryDrink, Lat: 37.5, Lng: 127,
			PlaceText: "강남", StartAt: now.Add(3 * time.Hour), MaxPeople: 4, Visibility: meetpin.VisibilityPublic, Status: meetpin.RoomActive,
			BoostUntil: &ended, CreatedAt: now.Add(-2 * day), UpdatedAt: now.Add(-2 * day)}
		if err := store.CreateRoom(ctx, r); err != nil {
			t.Fatal(err)
		}
		rooms := func() *meetpin.Room {
			t.Helper()
			p, err := a.ListRooms(ctx, nil, app.RoomQuery{BBox: "37,126,38,128"})
			if err != nil || len(p.Rooms) != 1 {
				t.Fatalf("rooms: %v, %v", p, err)
			}
			return p.Rooms[0]
		}
		if rooms().BoostUntil == nil {
			t.Fatal("the room is not listed with its boost")
		}

		c := newClock(now)
		s := newScheduler(t, store, c, "test", cron.Cleanups(a.Dispatcher())...)
		runJob(t, s, cron.OldNotifications)
		if got := page(); len(got.Notifications) != 1 || got.Notifications[0].Title != time.Minute.String() {
			t.Fatalf("after the clean-up the next read lists %d notifications, want only the new one", len(got.Notifications))
		}
		runJob(t, s, cron.ExpiredBoosts)
		if rooms().BoostUntil != nil {
			t.Fatal("after the boost clean-up the next read still lists the ended boost")
		}
	})
}
