// Package cron runs meetpin's maintenance jobs (cleanups.go) on an
// in-process schedule, and on demand for POST /api/cron/{job}.
//
// Each job has an interval, and its schedule is cut into slots: the
// scheduled time truncated to the interval (in UTC, so a daily job's slot
// starts at 00:00 UTC). Every replica runs a Scheduler; before running a
// slot, a scheduler claims it in the database (meetpin.MaintenanceStore's
// ClaimJobRun, a row in job_runs that is unique per job and slot). The one
// replica whose claim wins runs the slot and records its result; the others
// count it as skipped. docs/adr/0003-cron-once-per-slot.md says why a row
// rather than a lock.
//
// On one replica a job never runs twice at once: a slot that comes while
// the previous run still goes waits for a later check, and an on-demand run
// is refused (ECONFLICT).
//
// The scheduler does not read the clock by itself: Run takes a channel of
// check times, so tests drive it tick by tick, and Start feeds it from a
// time.Ticker.
package cron

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"meetpin.app"
)

// Results counted by JobRuns, besides meetpin.JobResultOK and
// meetpin.JobResultError: a slot that another replica claimed first.
const ResultSkipped = "skipped"

// Defaults.
const (
	// DefaultPeriod is how often Start checks whether a slot is due.
	DefaultPeriod = 15 * time.Second
	// DefaultTimeout bounds one run of a job without its own Timeout.
	DefaultTimeout = 5 * time.Minute
	// finishTimeout bounds the write of a run's result, which happens even
	// when the run was cancelled.
	finishTimeout = 10 * time.Second
)

// Job is one maintenance job.
type Job struct {
	// Name is the job's name in URLs, logs, metrics and job_runs (at most
	// 64 characters).
	Name string
	// Interval is the length of the job's schedule slots.
	Interval time.Duration
	// Timeout bounds one run; 0 means DefaultTimeout.
	Timeout time.Duration
	// Run does the work as of now and says what it did.
	Run func(ctx context.Context, now time.Time) (Result, error)
}

// Result is what a run did: how many rows it changed and, in Detail, what
// an operator wants to see (ids, cutoffs), stored as JSON in job_runs.
type Result struct {
	Count  int64
	Detail map[string]any
}

// Store records the runs. meetpin.Store implements it.
type Store interface {
	ClaimJobRun(ctx context.Context, run *meetpin.JobRun) (bool, error)
	FinishJobRun(ctx context.Context, run *meetpin.JobRun) error
	LastJobRuns(ctx context.Context) ([]*meetpin.JobRun, error)
}

// Options configure a Scheduler.
type Options struct {
	Log   *slog.Logger
	Store Store
	Jobs  []Job
	// Runner names this replica in job_runs; empty means
	// hostname/pid/random.
	Runner string
	// Now is the clock of the runs' records; nil means time.Now.
	Now func() time.Time
	// Period is how often Start checks the schedule; 0 means DefaultPeriod.
	Period time.Duration
}

// Scheduler runs the jobs of one replica.
type Scheduler struct {
	log    *slog.Logger
	store  Store
	jobs   []*job // in the order given
	byName map[string]*job
	runner string
	now    func() time.Time
	period time.Duration

	scheduled atomic.Bool // Run is running
	wg        sync.WaitGroup
	mu        sync.Mutex // guards job.settled and job.counts
}

// job is a Job with its state on this replica.
type job struct {
	Job
	busy    atomic.Bool      // a run is in progress here
	settled time.Time        // the last slot claimed here or lost to another replica
	counts  map[string]int64 // result → runs, on this replica
}

// New checks the jobs and returns their scheduler.
func New(o Options) (*Scheduler, error) {
	s := &Scheduler{log: o.Log, store: o.Store, byName: map[string]*job{}, runner: o.Runner, now: o.Now, period: o.Period}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.store == nil {
		return nil, errors.New("cron: no store")
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.period <= 0 {
		s.period = DefaultPeriod
	}
	if s.runner == "" {
		// The host and pid say where; the random part tells apart two
		// schedulers of one process, and a restarted container (pid 1 again).
		host, _ := os.Hostname()
		s.runner = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), strings.ToLower(rand.Text()[:6]))
	}
	for _, j := range o.Jobs {
		switch {
		case j.Name == "" || len([]rune(j.Name)) > 64 || strings.ContainsAny(j.Name, "/ "):
			return nil, fmt.Errorf("cron: bad job name %q", j.Name)
		case s.byName[j.Name] != nil:
			return nil, fmt.Errorf("cron: job %s is listed twice", j.Name)
		case j.Interval <= 0:
			return nil, fmt.Errorf("cron: job %s has no interval", j.Name)
		case j.Run == nil:
			return nil, fmt.Errorf("cron: job %s has no Run", j.Name)
		}
		if j.Timeout <= 0 {
			j.Timeout = DefaultTimeout
		}
		jj := &job{Job: j, counts: map[string]int64{}}
		s.jobs = append(s.jobs, jj)
		s.byName[j.Name] = jj
	}
	return s, nil
}

// Runner is the name of this replica in job_runs.
func (s *Scheduler) Runner() string { return s.runner }

// Start runs the schedule in the background: a check right away, then one
// every Period. stop ends it, cancelling the runs in progress, and returns
// once they have recorded their result.
func (s *Scheduler) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	ticks := make(chan time.Time)
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(s.period)
		defer t.Stop()
		next := s.now()
		for {
			select {
			case ticks <- next:
			case <-ctx.Done():
				return
			}
			select {
			case next = <-t.C:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		defer close(done)
		s.Run(ctx, ticks)
	}()
	return func() {
		cancel()
		<-done
	}
}

// Run checks the schedule at every time received from ticks, until ctx is
// done or ticks is closed, and then waits for the runs in progress. When
// ctx is done they are cancelled (and recorded as errors); when ticks is
// closed they finish.
func (s *Scheduler) Run(ctx context.Context, ticks <-chan time.Time) {
	s.scheduled.Store(true)
	defer s.scheduled.Store(false)
	defer s.wg.Wait()
	for {
		select {
		case <-ctx.Done():
			return
		case t, ok := <-ticks:
			if !ok {
				return
			}
			s.Tick(ctx, t)
		}
	}
}

// Tick checks the schedule at time t: every job whose current slot this
// replica has not settled yet, and that is not running here, claims the
// slot and, when the claim wins, runs in the background (Wait waits for
// it). A claim that fails (database unreachable) leaves the slot open for
// the next tick.
func (s *Scheduler) Tick(ctx context.Context, t time.Time) {
	for _, j := range s.jobs {
		slot := t.UTC().Truncate(j.Interval)
		s.mu.Lock()
		settled := !j.settled.Before(slot)
		s.mu.Unlock()
		if settled || !j.busy.CompareAndSwap(false, true) {
			continue
		}
		run := &meetpin.JobRun{Job: j.Name, Kind: meetpin.JobRunScheduled, Slot: slot, Runner: s.runner, StartedAt: s.stamp()}
		won, err := s.store.ClaimJobRun(ctx, run)
		if err != nil {
			j.busy.Store(false)
			if ctx.Err() == nil {
				s.log.Warn("cron claim failed; the next check retries", slog.String("job", j.Name), slog.Time("slot", slot), slog.Any("error", err))
			}
			continue
		}
		s.mu.Lock()
		j.settled = slot
		if !won {
			j.counts[ResultSkipped]++
		}
		s.mu.Unlock()
		if !won {
			j.busy.Store(false)
			s.log.Debug("cron slot taken by another replica", slog.String("job", j.Name), slog.Time("slot", slot))
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer j.busy.Store(false)
			s.execute(ctx, j, run)
		}()
	}
}

// Wait waits for the runs that Tick started.
func (s *Scheduler) Wait() { s.wg.Wait() }

// Outcome is the result of a run.
type Outcome struct {
	Run      *meetpin.JobRun
	Duration time.Duration
	// Err is the job's failure, also recorded in Run (Result "error").
	Err error
}

// RunNow runs the named job now, outside the schedule, and records it as a
// manual run. ENOTFOUND for an unknown job; ECONFLICT while the job runs on
// this replica. A job that fails is no error of RunNow: see Outcome.Err.
func (s *Scheduler) RunNow(ctx context.Context, name string) (*Outcome, error) {
	j := s.byName[name]
	if j == nil {
		return nil, meetpin.Errorf(meetpin.ENOTFOUND, "no cron job %q (jobs: %s)", name, strings.Join(s.Names(), ", "))
	}
	if !j.busy.CompareAndSwap(false, true) {
		return nil, meetpin.Errorf(meetpin.ECONFLICT, "%s is already running on this replica", name)
	}
	defer j.busy.Store(false)
	at := s.stamp()
	run := &meetpin.JobRun{Job: j.Name, Kind: meetpin.JobRunManual, Slot: at, Runner: s.runner, StartedAt: at}
	if _, err := s.store.ClaimJobRun(ctx, run); err != nil {
		return nil, fmt.Errorf("cron: recording the start of %s: %w", name, err)
	}
	return s.execute(ctx, j, run), nil
}

// execute runs j as run, then records, counts and logs the outcome.
func (s *Scheduler) execute(ctx context.Context, j *job, run *meetpin.JobRun) *Outcome {
	ctx, cancel := context.WithTimeout(ctx, j.Timeout)
	defer cancel()
	start := time.Now()
	res, err := call(ctx, j, s.stamp())
	out := &Outcome{Run: run, Duration: time.Since(start), Err: err}

	run.FinishedAt = ptr(s.stamp())
	run.Count, run.Detail, run.Result = res.Count, res.Detail, meetpin.JobResultOK
	if run.Detail == nil {
		run.Detail = map[string]any{}
	}
	if err != nil {
		run.Result = meetpin.JobResultError
		run.Detail = map[string]any{"error": clean(err.Error())}
	}
	fctx, fcancel := context.WithTimeout(context.WithoutCancel(ctx), finishTimeout)
	defer fcancel()
	if ferr := s.store.FinishJobRun(fctx, run); ferr != nil {
		s.log.Error("cron: recording the result failed", slog.String("job", j.Name), slog.Int64("run_id", run.ID), slog.Any("error", ferr))
	}

	s.mu.Lock()
	j.counts[run.Result]++
	s.mu.Unlock()
	attrs := []slog.Attr{
		slog.String("job", j.Name), slog.String("kind", run.Kind), slog.Time("slot", run.Slot),
		slog.Int64("run_id", run.ID), slog.Int64("duration_ms", out.Duration.Milliseconds()),
		slog.String("result", run.Result), slog.Int64("count", run.Count),
	}
	level := slog.LevelInfo
	if err != nil {
		level = slog.LevelError
		attrs = append(attrs, slog.Any("error", err))
	}
	s.log.LogAttrs(context.WithoutCancel(ctx), level, "cron job run", attrs...)
	return out
}

// call runs the job, turning a panic into an error: a background job must
// not take the process down.
func call(ctx context.Context, j *job, now time.Time) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return j.Run(ctx, now)
}

// stamp is the clock as stored: UTC, millisecond precision.
func (s *Scheduler) stamp() time.Time { return s.now().UTC().Truncate(time.Millisecond) }

// clean keeps an error message storable as JSON text in both engines.
func clean(msg string) string {
	msg = strings.ToValidUTF8(strings.ReplaceAll(msg, "\x00", ""), "\uFFFD")
	if r := []rune(msg); len(r) > 1000 {
		msg = string(r[:1000]) + "…"
	}
	return msg
}

func ptr[T any](v T) *T { return &v }

// Names lists the jobs' names, sorted.
func (s *Scheduler) Names() []string {
	names := make([]string, 0, len(s.jobs))
	for _, j := range s.jobs {
		names = append(names, j.Name)
	}
	slices.Sort(names)
	return names
}

// JobRuns counts the runs of this replica since it started: job → result
// ("ok", "error", "skipped") → count, every job and result present.
func (s *Scheduler) JobRuns() map[string]map[string]int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]map[string]int64, len(s.jobs))
	for _, j := range s.jobs {
		out[j.Name] = map[string]int64{
			meetpin.JobResultOK:    j.counts[meetpin.JobResultOK],
			meetpin.JobResultError: j.counts[meetpin.JobResultError],
			ResultSkipped:          j.counts[ResultSkipped],
		}
	}
	return out
}

// JobStatus is one job as GET /api/cron shows it.
type JobStatus struct {
	Name            string `json:"name"`
	Interval        string `json:"interval"`
	IntervalSeconds int64  `json:"interval_seconds"`
	// Running says whether a run is in progress on this replica.
	Running bool `json:"running"`
	// NextSlot is the start of the next slot while the schedule runs here.
	NextSlot *time.Time `json:"next_slot"`
	// Runs counts this replica's runs by result.
	Runs map[string]int64 `json:"runs"`
	// LastRun is the newest run of any replica, nil before the first.
	LastRun *meetpin.JobRun `json:"last_run"`
}

// Status describes every job, in name order, with its last recorded run.
func (s *Scheduler) Status(ctx context.Context) ([]JobStatus, error) {
	last, err := s.store.LastJobRuns(ctx)
	if err != nil {
		return nil, err
	}
	lastOf := map[string]*meetpin.JobRun{}
	for _, r := range last {
		lastOf[r.Job] = r
	}
	counts := s.JobRuns()
	now := s.now().UTC()
	out := []JobStatus{}
	for _, name := range s.Names() {
		j := s.byName[name]
		st := JobStatus{Name: name, Interval: j.Interval.String(), IntervalSeconds: int64(j.Interval / time.Second),
			Running: j.busy.Load(), Runs: counts[name], LastRun: lastOf[name]}
		if s.scheduled.Load() {
			st.NextSlot = ptr(now.Truncate(j.Interval).Add(j.Interval))
		}
		out = append(out, st)
	}
	return out, nil
}

// Scheduled reports whether the schedule runs on this replica (Run or
// Start); without it, jobs run only on demand.
func (s *Scheduler) Scheduled() bool { return s.scheduled.Load() }
