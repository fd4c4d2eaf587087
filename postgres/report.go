package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateReport inserts r as a pending report unless the same reporter
// reported the same target at or after since: then ECONFLICT. ENOTFOUND
// when a user or the room does not exist, EVALIDATION for reporting
// oneself.
//
// Under READ COMMITTED a check followed by an insert is not atomic: two
// concurrent reports could both find no recent one and both insert. So the
// transaction first locks the reporter's users row FOR NO KEY UPDATE;
// reports by one reporter then run one after the other, and the check,
// a statement that starts after the lock was granted, sees every report
// the previous one committed. (FOR NO KEY UPDATE leaves the foreign key
// checks on the user, which take FOR KEY SHARE, unhindered.)
func (db *DB) CreateReport(ctx context.Context, r *meetpin.Report, since time.Time) error {
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		if err := lockUser(ctx, tx, r.ReporterID); err != nil {
			return err
		}
		var recent bool
		if err := tx.QueryRow(ctx, `
			SELECT EXISTS (SELECT 1 FROM reports WHERE reporter_uid = $1 AND target_uid = $2 AND created_at >= $3)`,
			r.ReporterID, r.TargetID, ms(since)).Scan(&recent); err != nil {
			return err
		} else if recent {
			return meetpin.Errorf(meetpin.ECONFLICT, "you already reported this user in the last 24 hours")
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO reports (id, reporter_uid, target_uid, room_id, reason, status, created_at)
			VALUES ($1, $2, $3, $4, $5, 'pending', $6)`,
			r.ID, r.ReporterID, r.TargetID, r.RoomID, r.Reason, ms(r.CreatedAt))
		return err
	})
	if err != nil {
		return dbError(err, "user or room")
	}
	r.Status = meetpin.ReportPending
	return nil
}

// ReportsByReporter lists the reports a user made, newest first. A
// malformed id has made none.
func (db *DB) ReportsByReporter(ctx context.Context, reporterID string) ([]*meetpin.Report, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT id, reporter_uid, target_uid, room_id, reason, status, created_at
		FROM reports WHERE reporter_uid = $1
		ORDER BY created_at DESC, id`, reporterID)
	reports, err := collect(rows, err, func(row pgx.Row) (*meetpin.Report, error) {
		var r meetpin.Report
		if err := row.Scan(&r.ID, &r.ReporterID, &r.TargetID, &r.RoomID, &r.Reason, &r.Status, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.CreatedAt = ms(r.CreatedAt)
		return &r, nil
	})
	return reports, listError(err, "user")
}
