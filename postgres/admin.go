package postgres

import (
	"context"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

var reportStatuses = []string{meetpin.ReportPending, meetpin.ReportReviewed, meetpin.ReportResolved}

// AdminCounts implements meetpin.AdminStore.
func (db *DB) AdminCounts(ctx context.Context, now time.Time) (*meetpin.AdminCounts, error) {
	var c meetpin.AdminCounts
	err := db.pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM users),
		(SELECT count(*) FROM rooms),
		(SELECT count(*) FROM rooms WHERE status = 'active' AND start_at >= $1),
		(SELECT count(*) FROM matches),
		(SELECT count(*) FROM messages),
		(SELECT count(*) FROM reports),
		(SELECT count(*) FROM reports WHERE status = 'pending')`, ms(now)).
		Scan(&c.Users, &c.Rooms, &c.ActiveRooms, &c.Matches, &c.Messages, &c.Reports, &c.PendingReports)
	if err != nil {
		return nil, dbError(err, "counts")
	}
	return &c, nil
}

// ReportsByStatus implements meetpin.AdminStore.
func (db *DB) ReportsByStatus(ctx context.Context, status string, limit int) ([]*meetpin.Report, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT id, reporter_uid, target_uid, room_id, reason, status, created_at
		FROM reports WHERE status = $1
		ORDER BY created_at, id LIMIT $2`, status, limit)
	reports, err := collect(rows, err, scanReport)
	if err != nil {
		return nil, dbError(err, "report")
	}
	return reports, nil
}

// SetReportStatus implements meetpin.AdminStore.
func (db *DB) SetReportStatus(ctx context.Context, id, status string) (*meetpin.Report, error) {
	if !slices.Contains(reportStatuses, status) {
		return nil, meetpin.Errorf(meetpin.EVALIDATION, "status: must be pending, reviewed or resolved")
	}
	r, err := scanReport(db.pool.QueryRow(ctx, `
		UPDATE reports SET status = $2 WHERE id = $1
		RETURNING id, reporter_uid, target_uid, room_id, reason, status, created_at`, id, status))
	if err != nil {
		return nil, dbError(err, "report")
	}
	return r, nil
}

func scanReport(row pgx.Row) (*meetpin.Report, error) {
	var r meetpin.Report
	if err := row.Scan(&r.ID, &r.ReporterID, &r.TargetID, &r.RoomID, &r.Reason, &r.Status, &r.CreatedAt); err != nil {
		return nil, err
	}
	r.CreatedAt = ms(r.CreatedAt)
	return &r, nil
}
