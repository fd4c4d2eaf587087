package cron_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"

	"meetpin.app"
	"meetpin.app/cron"
	"meetpin.app/postgres/postgrestest"
	"meetpin.app/sqlite/sqlitetest"
)

// benchEngines runs fn on a fresh migrated store of each engine.
func benchEngines(b *testing.B, fn func(b *testing.B, store meetpin.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, sqlitetest.New(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, postgrestest.New(b)) })
}

// BenchmarkScheduledSlot is the overhead of one scheduled run: the claim,
// a job that does nothing, and the recorded result.
func BenchmarkScheduledSlot(b *testing.B) {
	benchEngines(b, func(b *testing.B, store meetpin.Store) {
		s, err := cron.New(cron.Options{Log: slog.New(slog.DiscardHandler), Store: store, Runner: "bench", Jobs: []cron.Job{
			{Name: "noop", Interval: time.Minute, Run: func(context.Context, time.Time) (cron.Result, error) { return cron.Result{}, nil }},
		}})
		if err != nil {
			b.Fatal(err)
		}
		at := base
		for b.Loop() {
			at = at.Add(time.Minute)
			s.Tick(b.Context(), at)
			s.Wait()
		}
		if n := s.JobRuns()["noop"]["ok"]; n != int64(b.N) {
			b.Fatalf("%d runs, want %d", n, b.N)
		}
	})
}

// BenchmarkSlotLost is what a replica pays for a slot another one claimed.
func BenchmarkSlotLost(b *testing.B) {
	benchEngines(b, func(b *testing.B, store meetpin.Store) {
		noop := []cron.Job{{Name: "noop", Interval: time.Minute, Run: func(context.Context, time.Time) (cron.Result, error) { return cron.Result{}, nil }}}
		winner, _ := cron.New(cron.Options{Store: store, Runner: "winner", Jobs: noop})
		loser, _ := cron.New(cron.Options{Store: store, Runner: "loser", Jobs: noop})
		at := base
		for range b.N {
			winner.Tick(b.Context(), at.Add(time.Minute))
			winner.Wait()
			at = at.Add(time.Minute)
		}
		at = base
		b.ResetTimer()
		for range b.N {
			at = at.Add(time.Minute)
			loser.Tick(b.Context(), at)
		}
		b.StopTimer()
		if n := loser.JobRuns()["noop"]["skipped"]; n != int64(b.N) {
			b.Fatalf("%d skipped, want %d", n, b.N)
		}
	})
}

// seedRooms stores n rooms, every tenth with a boost running for a day.
func seedRooms(b *testing.B, store meetpin.Store, n int) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	u := &meetpin.User{ID: uuid.NewString(), Email: "bench@example.com", PasswordHash: "x", Role: meetpin.RoleUser, CreatedAt: now, UpdatedAt: now}
	if err := store.CreateUser(b.Context(), u, &meetpin.Profile{Nickname: "bench", CreatedAt: now, UpdatedAt: now}); err != nil {
		b.Fatal(err)
	}
	rooms := make([]*meetpin.Room, 0, 1000)
	for i := range n {
		r := &meetpin.Room{ID: uuid.NewString(), HostID: u.ID, Title: "room", Category: meetpin.CategoryOther, Lat: 37.5, Lng: 127,
			PlaceText: "Seoul", StartAt: now.Add(time.Hour), MaxPeople: 4, Visibility: meetpin.VisibilityPublic,
			Status: meetpin.RoomActive, CreatedAt: now, UpdatedAt: now}
		if i%10 == 0 {
			until := now.Add(24 * time.Hour)
			r.BoostUntil = &until
		}
		rooms = append(rooms, r)
		if len(rooms) == cap(rooms) || i == n-1 {
			if err := store.CreateRooms(b.Context(), rooms); err != nil {
				b.Fatal(err)
			}
			rooms = rooms[:0]
		}
	}
}

// BenchmarkClearExpiredBoostsIdle is the usual 5-minute run: 50,000
// rooms, 5,000 of them boosted, none expired.
func BenchmarkClearExpiredBoostsIdle(b *testing.B) {
	benchEngines(b, func(b *testing.B, store meetpin.Store) {
		seedRooms(b, store, 50_000)
		now := time.Now()
		for b.Loop() {
			ids, err := store.ClearExpiredBoosts(b.Context(), now)
			if err != nil || len(ids) != 0 {
				b.Fatal(len(ids), err)
			}
		}
	})
}

// BenchmarkClearExpiredBoosts1000 clears 1,000 expired boosts among 50,000
// rooms (5,000 of them boosted).
func BenchmarkClearExpiredBoosts1000(b *testing.B) {
	benchEngines(b, func(b *testing.B, store meetpin.Store) {
		seedRooms(b, store, 50_000)
		for range b.N {
			b.StopTimer()
			past := time.Now().Add(-time.Hour).UTC().Truncate(time.Millisecond)
			rawExec(b, store,
				`UPDATE rooms SET boost_until = ? WHERE id IN (SELECT id FROM rooms ORDER BY id LIMIT 1000)`,
				`UPDATE rooms SET boost_until = $1 WHERE id IN (SELECT id FROM rooms ORDER BY id LIMIT 1000)`,
				past)
			b.StartTimer()
			ids, err := store.ClearExpiredBoosts(b.Context(), time.Now())
			if err != nil || len(ids) != 1000 {
				b.Fatal(len(ids), err)
			}
		}
	})
}
