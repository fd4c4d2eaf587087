package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"meetpin.app"
)

// ClearExpiredBoosts implements meetpin.MaintenanceStore.
func (db *DB) ClearExpiredBoosts(ctx context.Context, now time.Time) ([]string, error) {
	rows, err := db.write.QueryContext(ctx, `UPDATE rooms SET boost_until = NULL, updated_at = ?1
		WHERE boost_until IS NOT NULL AND boost_until <= ?1 RETURNING id`, ms(now))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// DeleteWebhookEventsBefore implements meetpin.MaintenanceStore.
func (db *DB) DeleteWebhookEventsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM stripe_webhook_events
		WHERE processed_at < ?
		AND NOT EXISTS (SELECT 1 FROM boost_payments p WHERE p.stripe_event_id = stripe_webhook_events.event_id)`, ms(t))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// ClaimJobRun implements meetpin.MaintenanceStore: the partial unique index
// on (job, slot) of scheduled runs decides the winner, and the one writer
// connection serializes the claims of this process.
func (db *DB) ClaimJobRun(ctx context.Context, run *meetpin.JobRun) (bool, error) {
	err := db.write.QueryRowContext(ctx, `INSERT INTO job_runs (job, kind, slot, runner, started_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		run.Job, run.Kind, ms(run.Slot), run.Runner, ms(run.StartedAt)).Scan(&run.ID)
	if err == sql.ErrNoRows {
		return false, nil
	}
	if err != nil {
		return false, mapErr(err, "job run not found")
	}
	return true, nil
}

// FinishJobRun implements meetpin.MaintenanceStore.
func (db *DB) FinishJobRun(ctx context.Context, run *meetpin.JobRun) error {
	detail, err := json.Marshal(run.Detail)
	if err != nil || run.Detail == nil {
		detail = []byte("{}")
	}
	res, err := db.write.ExecContext(ctx, `UPDATE job_runs SET finished_at = ?, result = ?, count = ?, detail = ? WHERE id = ?`,
		nullMS(run.FinishedAt), run.Result, run.Count, string(detail), run.ID)
	return affectedOne(res, err, "job run not found")
}

const jobRunColumns = `id, job, kind, slot, runner, started_at, finished_at, result, count, detail`

func (db *DB) queryJobRuns(ctx context.Context, query string, args ...any) ([]*meetpin.JobRun, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.JobRun{}
	for rows.Next() {
		var r meetpin.JobRun
		var slot, started int64
		var finished sql.NullInt64
		var result sql.NullString
		var detail string
		if err := rows.Scan(&r.ID, &r.Job, &r.Kind, &slot, &r.Runner, &started, &finished, &result, &r.Count, &detail); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(detail), &r.Detail); err != nil {
			return nil, err
		}
		r.Slot, r.StartedAt, r.FinishedAt, r.Result = fromMS(slot), fromMS(started), fromNullMS(finished), result.String
		out = append(out, &r)
	}
	return out, rows.Err()
}

// LastJobRuns implements meetpin.MaintenanceStore.
func (db *DB) LastJobRuns(ctx context.Context) ([]*meetpin.JobRun, error) {
	return db.queryJobRuns(ctx, `SELECT `+jobRunColumns+` FROM (
			SELECT *, row_number() OVER (PARTITION BY job ORDER BY started_at DESC, id DESC) AS n FROM job_runs)
		WHERE n = 1 ORDER BY job`)
}

// JobRuns implements meetpin.MaintenanceStore.
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]*meetpin.JobRun, error) {
	return db.queryJobRuns(ctx, `SELECT `+jobRunColumns+` FROM job_runs WHERE job = ?
		ORDER BY started_at DESC, id DESC LIMIT ?`, job, limit)
}

// DeleteJobRunsBefore implements meetpin.MaintenanceStore.
func (db *DB) DeleteJobRunsBefore(ctx context.Context, t time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM job_runs WHERE started_at < ?`, ms(t))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
