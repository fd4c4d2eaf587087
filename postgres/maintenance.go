package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// ClearExpiredBoosts ends the boosts expired at now and returns the ids
// of their rooms. A webhook that extends a boost concurrently either
// commits first (its row then no longer matches when the update re-checks
// it) or waits for this update and extends from now.
func (db *DB) ClearExpiredBoosts(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := db.pool.Query(ctx, `
		UPDATE rooms SET boost_until = NULL, updated_at = $1
		WHERE boost_until IS NOT NULL AND boost_until <= $1
		RETURNING id::text`, ms(now))
	ids, err := collect(rows, err, func(row pgx.Row) (string, error) {
		var id string
		return id, row.Scan(&id)
	})
	return ids, dbError(err, "room")
}

// DeleteWebhookEventsBefore deletes the webhook events processed before t
// that no boost payment refers to, and returns how many.
func (db *DB) DeleteWebhookEventsBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `
		DELETE FROM stripe_webhook_events e
		WHERE e.processed_at < $1
		AND NOT EXISTS (SELECT 1 FROM boost_payments p WHERE p.stripe_event_id = e.event_id)`, ms(t))
	return tag.RowsAffected(), dbError(err, "webhook event")
}

// ClaimJobRun inserts run unless, for a scheduled run, the partial unique
// index on (job, slot) already holds the slot. Concurrent inserts of one
// slot wait for each other on the index entry: one commits the row, the
// others find the conflict and insert nothing.
func (db *DB) ClaimJobRun(ctx context.Context, run *meetpin.JobRun) (bool, error) {
	err := db.pool.QueryRow(ctx, `
		INSERT INTO job_runs (job, kind, slot, runner, started_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING
		RETURNING id`, run.Job, run.Kind, ms(run.Slot), run.Runner, ms(run.StartedAt)).Scan(&run.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, dbError(err, "job run")
	}
	return true, nil
}

// FinishJobRun records the outcome of run; ENOTFOUND when no run has its id.
func (db *DB) FinishJobRun(ctx context.Context, run *meetpin.JobRun) error {
	detail, err := json.Marshal(run.Detail)
	if err != nil || run.Detail == nil {
		detail = []byte("{}")
	}
	tag, err := db.pool.Exec(ctx, `
		UPDATE job_runs SET finished_at = $2, result = $3, count = $4, detail = $5::jsonb
		WHERE id = $1`, run.ID, msPtr(run.FinishedAt), run.Result, run.Count, detail)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("job run")
	}
	return dbError(err, "job run")
}

// jobRunColumns are the columns scanJobRun reads.
const jobRunColumns = `id, job, kind, slot, runner, started_at, finished_at, result, count, detail`

func scanJobRun(row pgx.Row) (*meetpin.JobRun, error) {
	var r meetpin.JobRun
	var result *string
	if err := row.Scan(&r.ID, &r.Job, &r.Kind, &r.Slot, &r.Runner, &r.StartedAt, &r.FinishedAt, &result, &r.Count, &r.Detail); err != nil {
		return nil, err
	}
	if result != nil {
		r.Result = *result
	}
	r.Slot, r.StartedAt, r.FinishedAt = ms(r.Slot), ms(r.StartedAt), msPtr(r.FinishedAt)
	return &r, nil
}

// LastJobRuns returns the newest run of every job, ordered by job.
func (db *DB) LastJobRuns(ctx context.Context) ([]*meetpin.JobRun, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT DISTINCT ON (job) `+jobRunColumns+`
		FROM job_runs
		ORDER BY job, started_at DESC, id DESC`)
	runs, err := collect(rows, err, scanJobRun)
	return runs, dbError(err, "job run")
}

// JobRuns returns up to limit runs of job, newest first.
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]*meetpin.JobRun, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+jobRunColumns+`
		FROM job_runs WHERE job = $1
		ORDER BY started_at DESC, id DESC
		LIMIT $2`, job, limitArg(limit))
	runs, err := collect(rows, err, scanJobRun)
	return runs, dbError(err, "job run")
}

// DeleteJobRunsBefore deletes the runs started before t.
func (db *DB) DeleteJobRunsBefore(ctx context.Context, t time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM job_runs WHERE started_at < $1`, ms(t))
	return tag.RowsAffected(), dbError(err, "job run")
}
