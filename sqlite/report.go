package sqlite

import (
	"context"
	"database/sql"
	"time"

	"meetpin.app"
)

// CreateReport implements meetpin.ReportStore; the single writer makes the
// 24-hour check and the insert atomic.
func (db *DB) CreateReport(ctx context.Context, r *meetpin.Report, since time.Time) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var recent bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM reports WHERE reporter_uid = ? AND target_uid = ? AND created_at >= ?)`,
			r.ReporterID, r.TargetID, ms(since)).Scan(&recent); err != nil {
			return err
		}
		if recent {
			return meetpin.Errorf(meetpin.ECONFLICT, "you already reported this user in the last 24 hours")
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO reports (id, reporter_uid, target_uid, room_id, reason, status, created_at)
			VALUES (?, ?, ?, ?, ?, 'pending', ?)`, r.ID, r.ReporterID, r.TargetID, r.RoomID, r.Reason, ms(r.CreatedAt))
		return err
	})
	if err == nil {
		r.Status = meetpin.ReportPending
	}
	return mapErr(err, "user or room not found")
}

// ReportsByReporter implements meetpin.ReportStore.
func (db *DB) ReportsByReporter(ctx context.Context, reporterID string) ([]*meetpin.Report, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, reporter_uid, target_uid, room_id, reason, status, created_at
		FROM reports WHERE reporter_uid = ? ORDER BY created_at DESC, id`, reporterID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.Report{}
	for rows.Next() {
		var r meetpin.Report
		var created int64
		if err := rows.Scan(&r.ID, &r.ReporterID, &r.TargetID, &r.RoomID, &r.Reason, &r.Status, &created); err != nil {
			return nil, err
		}
		r.CreatedAt = fromMS(created)
		out = append(out, &r)
	}
	return out, rows.Err()
}
