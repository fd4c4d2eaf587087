package postgres

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateNotification inserts n, unread, and sets n.ID. Metadata that is
// nil or cannot be encoded is stored as {}. ENOTFOUND when the user does
// not exist.
//
// Notification ids are the event ids of the user's notification stream,
// replayed with `id > N`, so inserts for one user are serialized on the
// user's row for the reason CreateMessage gives: each insert draws its id
// only after the previous insert for the user has committed, and no
// smaller id can appear after a larger one was seen. FOR NO KEY UPDATE
// does not conflict with the FOR KEY SHARE locks that foreign key checks
// take on the user (for their rooms, requests, messages …).
func (db *DB) CreateNotification(ctx context.Context, n *meetpin.Notification) error {
	meta, err := json.Marshal(n.Metadata)
	if err != nil || n.Metadata == nil {
		meta = []byte("{}")
	}
	// One statement, one round trip: the id is drawn once the lock is held
	// (see CreateMessage).
	err = db.pool.QueryRow(ctx, `
		WITH locked AS (SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE)
		INSERT INTO notifications (user_id, type, title, message, is_read, metadata, created_at)
		SELECT locked.id, $2, $3, $4, false, $5::jsonb, $6 FROM locked
		RETURNING id`, n.UserID, n.Type, n.Title, n.Message, meta, ms(n.CreatedAt)).Scan(&n.ID)
	return dbError(err, "user")
}

// lockUser locks the users row of id FOR NO KEY UPDATE until the end of
// tx, to serialize the transactions that lock it; ENOTFOUND when absent.
func lockUser(ctx context.Context, tx pgx.Tx, id string) error {
	tag, err := tx.Exec(ctx, `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, id)
	if err != nil {
		return dbError(err, "user")
	} else if tag.RowsAffected() == 0 {
		return notFound("user")
	}
	return nil
}

// notificationColumns are the columns scanNotification reads.
const notificationColumns = `id, user_id, type, title, message, is_read, metadata, created_at`

func scanNotification(row pgx.Row) (*meetpin.Notification, error) {
	var n meetpin.Notification
	if err := row.Scan(&n.ID, &n.UserID, &n.Type, &n.Title, &n.Message, &n.IsRead, &n.Metadata, &n.CreatedAt); err != nil {
		return nil, err
	}
	n.CreatedAt = ms(n.CreatedAt)
	return &n, nil
}

// Notifications returns a page of the user's notifications (only the
// unread ones when unreadOnly), newest first, with how many match the
// filter and how many of all are unread. A malformed id has none.
func (db *DB) Notifications(ctx context.Context, userID string, unreadOnly bool, offset, limit int) (*meetpin.NotificationList, error) {
	filter := `user_id = $1`
	if unreadOnly {
		filter += ` AND NOT is_read`
	}
	list := &meetpin.NotificationList{Items: []*meetpin.Notification{}}
	err := db.pool.QueryRow(ctx, `
		SELECT (SELECT count(*) FROM notifications WHERE `+filter+`),
			(SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read)`,
		userID).Scan(&list.Total, &list.Unread)
	if err != nil {
		return list, listError(err, "user")
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+notificationColumns+` FROM notifications
		WHERE `+filter+`
		ORDER BY id DESC LIMIT $2 OFFSET $3`, userID, limitArg(limit), offsetArg(offset))
	list.Items, err = collect(rows, err, scanNotification)
	return list, listError(err, "user")
}

// NotificationsAfter returns up to limit of the user's notifications with
// id > afterID, oldest first: what a reconnecting stream missed. A
// malformed id has none.
func (db *DB) NotificationsAfter(ctx context.Context, userID string, afterID int64, limit int) ([]*meetpin.Notification, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+notificationColumns+` FROM notifications
		WHERE user_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, userID, afterID, limitArg(limit))
	ns, err := collect(rows, err, scanNotification)
	return ns, listError(err, "user")
}

// MarkNotificationRead marks one of the user's notifications read;
// ENOTFOUND when the user has no notification id.
func (db *DB) MarkNotificationRead(ctx context.Context, userID string, id int64) error {
	tag, err := db.pool.Exec(ctx, `UPDATE notifications SET is_read = true WHERE id = $1 AND user_id = $2`, id, userID)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("notification")
	}
	return dbError(err, "notification")
}

// MarkAllNotificationsRead marks every unread notification of the user
// read and returns how many there were.
func (db *DB) MarkAllNotificationsRead(ctx context.Context, userID string) (int64, error) {
	tag, err := db.pool.Exec(ctx, `UPDATE notifications SET is_read = true WHERE user_id = $1 AND NOT is_read`, userID)
	return tag.RowsAffected(), listError(err, "user")
}

// DeleteNotification deletes one of the user's notifications; ENOTFOUND
// when the user has no notification id.
func (db *DB) DeleteNotification(ctx context.Context, userID string, id int64) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM notifications WHERE id = $1 AND user_id = $2`, id, userID)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("notification")
	}
	return dbError(err, "notification")
}

// DeleteNotificationsBefore deletes the notifications created before t,
// only the read ones when readOnly, and returns how many it deleted.
func (db *DB) DeleteNotificationsBefore(ctx context.Context, t time.Time, readOnly bool) (int64, error) {
	q := `DELETE FROM notifications WHERE created_at < $1`
	if readOnly {
		q += ` AND is_read`
	}
	tag, err := db.pool.Exec(ctx, q, ms(t))
	return tag.RowsAffected(), dbError(err, "notification")
}
