package cron_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/cron"
)

// base is a slot boundary of every interval the tests use.
var base = time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)

// TestOncePerSlotAcrossReplicas: two schedulers, each on its own
// connection pool to ONE database, check the same slots at the same moment.
// Every slot runs exactly once, is recorded once, and the loser counts it
// as skipped.
func TestOncePerSlotAcrossReplicas(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		const slots = 12
		var mu sync.Mutex
		ran := map[time.Time][]string{} // slot → runners that executed it
		c := newClock(base)
		job := func(runner string) cron.Job {
			return cron.Job{Name: "count", Interval: 5 * time.Minute, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
				mu.Lock()
				defer mu.Unlock()
				slot := now.Truncate(5 * time.Minute)
				ran[slot] = append(ran[slot], runner)
				return cron.Result{Count: 1}, nil
			}}
		}
		store1, store2 := open(), open()
		s1 := newScheduler(t, store1, c, "replica-1", job("replica-1"))
		s2 := newScheduler(t, store2, c, "replica-2", job("replica-2"))

		for i := range slots {
			at := base.Add(time.Duration(i)*5*time.Minute + 7*time.Second)
			c.Set(at)
			start := make(chan struct{})
			var wg sync.WaitGroup
			for _, s := range []*cron.Scheduler{s1, s2} {
				wg.Go(func() {
					<-start
					s.Tick(t.Context(), at)
					s.Wait()
				})
			}
			close(start)
			wg.Wait()
		}

		for i := range slots {
			slot := base.Add(time.Duration(i) * 5 * time.Minute)
			if got := ran[slot]; len(got) != 1 {
				t.Errorf("slot %s executed by %v, want exactly one runner", slot.Format("15:04"), got)
			}
		}
		runs, err := store1.JobRuns(t.Context(), "count", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != slots {
			t.Fatalf("%d runs recorded, want %d", len(runs), slots)
		}
		seen := map[time.Time]bool{}
		for _, r := range runs {
			if seen[r.Slot] || r.Result != meetpin.JobResultOK || r.Kind != meetpin.JobRunScheduled || r.FinishedAt == nil || r.Count != 1 {
				t.Errorf("run %+v: want one finished ok scheduled run per slot", r)
			}
			seen[r.Slot] = true
			if ran[r.Slot] == nil || ran[r.Slot][0] != r.Runner {
				t.Errorf("slot %s recorded as run by %s, executed by %v", r.Slot, r.Runner, ran[r.Slot])
			}
		}
		c1, c2 := s1.JobRuns()["count"], s2.JobRuns()["count"]
		if c1["ok"]+c2["ok"] != slots || c1["skipped"]+c2["skipped"] != slots || c1["error"]+c2["error"] != 0 {
			t.Errorf("counts: replica 1 %v, replica 2 %v; want ok and skipped to add up to %d each", c1, c2, slots)
		}
	})
}

// TestSlots: a slot runs once however often it is checked; the next slot
// runs again; a job still running when its next slot comes is not started
// twice on one replica, and that slot runs at the first check after.
func TestSlots(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		c := newClock(base)
		started := make(chan time.Time, 10)
		release := make(chan struct{})
		var runs atomic.Int32
		s := newScheduler(t, store, c, "r", cron.Job{Name: "slow", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
			runs.Add(1)
			started <- now
			<-release
			return cron.Result{}, nil
		}})
		ctx := t.Context()

		s.Tick(ctx, base.Add(time.Minute))
		within(t, started, "the first slot")
		// Still running: later checks, in this slot and in the next, start
		// nothing, and a manual run is refused.
		s.Tick(ctx, base.Add(2*time.Minute))
		s.Tick(ctx, base.Add(time.Hour+time.Minute))
		if _, err := s.RunNow(ctx, "slow"); meetpin.ErrorCode(err) != meetpin.ECONFLICT {
			t.Fatalf("RunNow while running: %v, want %s", err, meetpin.ECONFLICT)
		}
		release <- struct{}{}
		s.Wait()
		if n := runs.Load(); n != 1 {
			t.Fatalf("%d runs while the first one went, want 1", n)
		}
		// The first slot is done; checking it again does nothing.
		s.Tick(ctx, base.Add(59*time.Minute))
		s.Wait()
		// The next slot, left open while the job ran, runs now.
		c.Set(base.Add(time.Hour + 3*time.Minute))
		s.Tick(ctx, base.Add(time.Hour+3*time.Minute))
		within(t, started, "the second slot")
		release <- struct{}{}
		s.Wait()
		if n := runs.Load(); n != 2 {
			t.Fatalf("%d runs, want 2", n)
		}
		recorded, err := store.JobRuns(ctx, "slow", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(recorded) != 2 || !recorded[0].Slot.Equal(base.Add(time.Hour)) || !recorded[1].Slot.Equal(base) {
			t.Fatalf("recorded runs %+v, want the slots 01:00 and 00:00", recorded)
		}
		if got := s.JobRuns()["slow"]; got["ok"] != 2 || got["skipped"] != 0 {
			t.Fatalf("counts %v", got)
		}
	})
}

// TestStopOnCancel: cancelling Run's context cancels the run in progress,
// records it as an error, and Run returns only after that.
func TestStopOnCancel(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		c := newClock(base)
		started := make(chan struct{})
		var ended atomic.Bool
		s := newScheduler(t, store, c, "r", cron.Job{Name: "blocking", Interval: time.Minute, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
			close(started)
			<-ctx.Done()
			time.Sleep(10 * time.Millisecond) // still cleaning up when cancelled
			ended.Store(true)
			return cron.Result{}, ctx.Err()
		}})
		ctx, cancel := context.WithCancel(context.Background())
		ticks := make(chan time.Time)
		returned := make(chan struct{})
		go func() {
			s.Run(ctx, ticks)
			close(returned)
		}()
		ticks <- base
		within(t, started, "the run to start")
		if !s.Scheduled() {
			t.Error("Scheduled() is false while Run runs")
		}
		cancel()
		within(t, returned, "Run to return")
		if !ended.Load() {
			t.Fatal("Run returned before the job did")
		}
		if s.Scheduled() {
			t.Error("Scheduled() is true after Run returned")
		}
		runs, err := store.JobRuns(t.Context(), "blocking", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 1 || runs[0].Result != meetpin.JobResultError || runs[0].FinishedAt == nil ||
			!strings.Contains(runs[0].Detail["error"].(string), "context canceled") {
			t.Fatalf("runs %+v, want one run recorded as cancelled", runs)
		}
		if got := s.JobRuns()["blocking"]; got["error"] != 1 {
			t.Fatalf("counts %v", got)
		}
	})
}

// TestStartStop: Start checks the schedule right away; stop returns.
func TestStartStop(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		ran := make(chan struct{}, 1)
		s := newScheduler(t, store, newClock(base), "r", cron.Job{Name: "once", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
			ran <- struct{}{}
			return cron.Result{}, nil
		}})
		stop := s.Start(context.Background())
		within(t, ran, "the first check")
		done := make(chan struct{})
		go func() { stop(); close(done) }()
		within(t, done, "stop")
		if s.Scheduled() {
			t.Error("still scheduled after stop")
		}
	})
}

// TestRunNow covers manual runs: recorded apart from the schedule, errors
// and panics recorded, unknown jobs refused.
func TestRunNow(t *testing.T) {
	engines(t, func(t *testing.T, open func() meetpin.Store) {
		store := open()
		c := newClock(base.Add(90 * time.Second))
		var calls atomic.Int32
		s := newScheduler(t, store, c, "r",
			cron.Job{Name: "fine", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
				calls.Add(1)
				return cron.Result{Count: 7, Detail: map[string]any{"ids": []string{"a", "b"}}}, nil
			}},
			cron.Job{Name: "broken", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
				return cron.Result{Count: 3}, errors.New("disk \x00 on fire")
			}},
			cron.Job{Name: "panics", Interval: time.Hour, Run: func(ctx context.Context, now time.Time) (cron.Result, error) {
				panic("boom")
			}},
		)
		ctx := t.Context()

		// A scheduled run of the slot does not stop manual runs, nor the
		// reverse: both happen.
		s.Tick(ctx, c.Now())
		s.Wait()
		for range 2 {
			out, err := s.RunNow(ctx, "fine")
			if err != nil || out.Err != nil {
				t.Fatalf("RunNow: %v / %v", err, out)
			}
			r := out.Run
			if r.ID == 0 || r.Kind != meetpin.JobRunManual || r.Result != meetpin.JobResultOK || r.Count != 7 || !r.Slot.Equal(c.Now()) {
				t.Fatalf("run %+v", r)
			}
		}
		if n := calls.Load(); n != 3 {
			t.Fatalf("%d calls, want 1 scheduled + 2 manual", n)
		}

		out, err := s.RunNow(ctx, "broken")
		if err != nil || out.Err == nil || out.Run.Result != meetpin.JobResultError || out.Run.Detail["error"] != "disk  on fire" {
			t.Fatalf("broken: %v, %+v", err, out)
		}
		out, err = s.RunNow(ctx, "panics")
		if err != nil || out.Err == nil || !strings.Contains(out.Err.Error(), "panic: boom") {
			t.Fatalf("panics: %v, %+v", err, out)
		}
		if _, err := s.RunNow(ctx, "nope"); meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
			t.Fatalf("unknown job: %v", err)
		}

		last, err := store.LastJobRuns(ctx)
		if err != nil || len(last) != 3 {
			t.Fatalf("LastJobRuns: %d, %v", len(last), err)
		}
		if last[0].Job != "broken" || last[0].Result != meetpin.JobResultError || last[0].Count != 3 {
			t.Errorf("last run of broken: %+v", last[0])
		}
		want := map[string]map[string]int64{
			"fine":   {"ok": 3, "error": 0, "skipped": 0},
			"broken": {"ok": 0, "error": 2, "skipped": 0},
			"panics": {"ok": 0, "error": 2, "skipped": 0},
		}
		got := s.JobRuns()
		for job, w := range want {
			for result, n := range w {
				if got[job][result] != n {
					t.Errorf("JobRuns()[%s][%s] = %d, want %d", job, result, got[job][result], n)
				}
			}
		}
		st, err := s.Status(ctx)
		if err != nil || len(st) != 3 || st[1].Name != "fine" || st[1].LastRun == nil || st[1].LastRun.Kind != meetpin.JobRunManual ||
			st[1].Runs["ok"] != 3 || st[1].IntervalSeconds != 3600 || st[1].NextSlot != nil {
			t.Fatalf("Status: %+v, %v", st, err)
		}
	})
}

func TestNewRefusesBadJobs(t *testing.T) {
	run := func(ctx context.Context, now time.Time) (cron.Result, error) { return cron.Result{}, nil }
	store := &struct{ cron.Store }{}
	for name, jobs := range map[string][]cron.Job{
		"NoName":     {{Interval: time.Minute, Run: run}},
		"Slash":      {{Name: "a/b", Interval: time.Minute, Run: run}},
		"NoInterval": {{Name: "a", Run: run}},
		"NoRun":      {{Name: "a", Interval: time.Minute}},
		"Twice":      {{Name: "a", Interval: time.Minute, Run: run}, {Name: "a", Interval: time.Hour, Run: run}},
	} {
		if _, err := cron.New(cron.Options{Store: store, Jobs: jobs}); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := cron.New(cron.Options{Jobs: []cron.Job{{Name: "a", Interval: time.Minute, Run: run}}}); err == nil {
		t.Error("no store: accepted")
	}
}
