package meetpin

import (
	"context"
	"time"
)

// Job run kinds: a scheduled run holds one slot of its job's schedule; a
// manual run (POST /api/cron/{job}) holds none.
const (
	JobRunScheduled = "scheduled"
	JobRunManual    = "manual"
)

// Job run results. A run without a result has not finished (or its replica
// died while running it).
const (
	JobResultOK    = "ok"
	JobResultError = "error"
)

// JobRun is one run of a maintenance job, as recorded in job_runs. The
// record is both the claim that makes a scheduled slot run once across
// replicas and the history operators read.
type JobRun struct {
	ID   int64  `json:"id"`
	Job  string `json:"job"`
	Kind string `json:"kind"`
	// Slot is the start of the schedule slot of a scheduled run (the
	// scheduled time truncated to the job's interval), and the start time
	// of a manual run.
	Slot       time.Time      `json:"slot"`
	Runner     string         `json:"runner"`
	StartedAt  time.Time      `json:"started_at"`
	FinishedAt *time.Time     `json:"finished_at"`
	Result     string         `json:"result"`
	Count      int64          `json:"count"`
	Detail     map[string]any `json:"detail"`
}

// MaintenanceStore holds the clean-up operations of the cron jobs and the
// job_runs record.
type MaintenanceStore interface {
	// ClearExpiredBoosts ends the boosts that expired at now (boost_until <=
	// now, so that Room.Boosted(now) is false): boost_until becomes NULL and
	// updated_at now. It returns the ids of the rooms it changed; a boost
	// extended meanwhile is left alone.
	ClearExpiredBoosts(ctx context.Context, now time.Time) ([]string, error)
	// DeleteWebhookEventsBefore deletes the Stripe webhook events processed
	// before t and returns how many. Events that a boost payment refers to
	// are kept with their receipt.
	DeleteWebhookEventsBefore(ctx context.Context, t time.Time) (int64, error)

	// ClaimJobRun records the start of run (Job, Kind, Slot, Runner,
	// StartedAt) and sets run.ID. A scheduled run claims the pair (Job,
	// Slot): when a scheduled run of that job already holds the slot,
	// ClaimJobRun stores nothing and returns false. Concurrent claims of one
	// slot, from any number of connections or replicas, have exactly one
	// winner. A manual run is always stored. EVALIDATION for an empty or
	// overlong job name or an unknown kind.
	ClaimJobRun(ctx context.Context, run *JobRun) (bool, error)
	// FinishJobRun records run's FinishedAt, Result, Count and Detail.
	// ENOTFOUND when no run has run.ID; EVALIDATION for an unknown result.
	FinishJobRun(ctx context.Context, run *JobRun) error
	// LastJobRuns returns the newest run (by StartedAt, then ID) of every
	// job that has one, ordered by job name.
	LastJobRuns(ctx context.Context) ([]*JobRun, error)
	// JobRuns returns up to limit runs of job, newest first.
	JobRuns(ctx context.Context, job string, limit int) ([]*JobRun, error)
	// DeleteJobRunsBefore deletes the runs started before t and returns how
	// many.
	DeleteJobRunsBefore(ctx context.Context, t time.Time) (int64, error)
}
