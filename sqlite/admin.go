package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"meetpin.app"
)

var reportStatuses = []string{meetpin.ReportPending, meetpin.ReportReviewed, meetpin.ReportResolved}

// AdminCounts implements meetpin.AdminStore.
func (db *DB) AdminCounts(ctx context.Context, now time.Time) (*meetpin.AdminCounts, error) {
	var c meetpin.AdminCounts
	err := db.read.QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM users),
		(SELECT count(*) FROM rooms),
		(SELECT count(*) FROM rooms WHERE status = 'active' AND start_at >= ?),
		(SELECT count(*) FROM matches),
		(SELECT count(*) FROM messages),
		(SELECT count(*) FROM reports),
		(SELECT count(*) FROM reports WHERE status = 'pending')`, ms(now)).
		Scan(&c.Users, &c.Rooms, &c.ActiveRooms, &c.Matches, &c.Messages, &c.Reports, &c.PendingReports)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// ReportsByStatus implements meetpin.AdminStore.
func (db *DB) ReportsByStatus(ctx context.Context, status string, limit int) ([]*meetpin.Report, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, reporter_uid, target_uid, room_id, reason, status, created_at
		FROM reports WHERE status = ? ORDER BY created_at, id LIMIT ?`, status, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SetReportStatus implements meetpin.AdminStore.
func (db *DB) SetReportStatus(ctx context.Context, id, status string) (*meetpin.Report, error) {
	if !slices.Contains(reportStatuses, status) {
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "status: must be pending, reviewed or resolved")
	}
	var r *meetpin.Report
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = scanReport(tx.QueryRowContext(ctx, `UPDATE reports SET status = ? WHERE id = ?
			RETURNING id, reporter_uid, target_uid, room_id, reason, status, created_at`, status, id))
		return err
	})
	return r, mapErr(err, "report not found")
}

func scanReport(row scanner) (*meetpin.Report, error) {
	var r meetpin.Report
	var created int64
	if err := row.Scan(&r.ID, &r.ReporterID, &r.TargetID, &r.RoomID, &r.Reason, &r.Status, &created); err != nil {
		return nil, err
	}
	r.CreatedAt = fromMS(created)
	return &r, nil
}
