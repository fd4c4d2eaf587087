package alert

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"meetpin.app"
)

// JobRunStore is the part of meetpin.Store that records claims.
type JobRunStore interface {
	ClaimJobRun(ctx context.Context, run *meetpin.JobRun) (bool, error)
	FinishJobRun(ctx context.Context, run *meetpin.JobRun) error
}

// StoreClaimer claims notices with a scheduled job_runs row per key and
// slot (job = the key), the cron's once-per-slot mechanism
// (docs/adr/0003-cron-once-per-slot.md): the row that wins is finished at
// once, so that it does not look like a dead run, and cleanup-job-runs
// deletes it after 30 days like any other.
type StoreClaimer struct {
	Store  JobRunStore
	Runner string // this replica's name in job_runs
}

// Claim implements Claimer.
func (c StoreClaimer) Claim(ctx context.Context, key string, slot time.Time) (bool, error) {
	now := time.Now().UTC().Truncate(time.Millisecond)
	run := &meetpin.JobRun{Job: jobName(key), Kind: meetpin.JobRunScheduled, Slot: slot.UTC(), Runner: c.Runner, StartedAt: now}
	won, err := c.Store.ClaimJobRun(ctx, run)
	if err != nil || !won {
		return won, err
	}
	run.FinishedAt, run.Result, run.Detail = &now, meetpin.JobResultOK, map[string]any{"notice": key}
	_ = c.Store.FinishJobRun(ctx, run) // the claim is what matters; an unfinished row is harmless
	return true, nil
}

// jobName keeps a claim key within job_runs' 64-character job names.
func jobName(key string) string {
	if len(key) <= 64 {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return key[:64-17] + "~" + hex.EncodeToString(sum[:8])
}
