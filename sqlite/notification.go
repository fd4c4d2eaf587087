package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"meetpin.app"
)

// CreateNotification implements meetpin.NotificationStore.
func (db *DB) CreateNotification(ctx context.Context, n *meetpin.Notification) error {
	meta, err := json.Marshal(n.Metadata)
	if err != nil || n.Metadata == nil {
		meta = []byte("{}")
	}
	err = db.write.QueryRowContext(ctx, `INSERT INTO notifications (user_id, type, title, message, is_read, metadata, created_at)
		VALUES (?, ?, ?, ?, 0, ?, ?) RETURNING id`, n.UserID, n.Type, n.Title, n.Message, string(meta), ms(n.CreatedAt)).Scan(&n.ID)
	return mapErr(err, "user not found")
}

const notificationColumns = `id, user_id, type, title, message, is_read, metadata, created_at`

func (db *DB) queryNotifications(ctx context.Context, query string, args ...any) ([]*meetpin.Notification, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.Notification{}
	for rows.Next() {
		var n meetpin.Notification
		var meta string
		var created int64
		if err := rows.Scan(&n.ID, &n.UserID, &n.Type, &n.Title, &n.Message, &n.IsRead, &meta, &created); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(meta), &n.Metadata); err != nil {
			return nil, err
		}
		n.CreatedAt = fromMS(created)
		out = append(out, &n)
	}
	return out, rows.Err()
}

// Notifications implements meetpin.NotificationStore.
func (db *DB) Notifications(ctx context.Context, userID string, unreadOnly bool, offset, limit int) (*meetpin.NotificationList, error) {
	filter := `user_id = ?1`
	if unreadOnly {
		filter += ` AND is_read = 0`
	}
	var list meetpin.NotificationList
	err := db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM notifications WHERE `+filter+`),
		(SELECT count(*) FROM notifications WHERE user_id = ?1 AND is_read = 0)`, userID).Scan(&list.Total, &list.Unread)
	if err != nil {
		return nil, err
	}
	list.Items, err = db.queryNotifications(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE `+filter+`
		ORDER BY id DESC LIMIT ?2 OFFSET ?3`, userID, limit, offset)
	return &list, err
}

// NotificationsAfter implements meetpin.NotificationStore.
func (db *DB) NotificationsAfter(ctx context.Context, userID string, afterID int64, limit int) ([]*meetpin.Notification, error) {
	return db.queryNotifications(ctx, `SELECT `+notificationColumns+` FROM notifications
		WHERE user_id = ? AND id > ? ORDER BY id LIMIT ?`, userID, afterID, limit)
}

func affectedOne(res sql.Result, err error, notFound string) error {
	if err != nil {
		return mapErr(err, notFound)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mapErr(sql.ErrNoRows, notFound)
	}
	return nil
}

// MarkNotificationRead implements meetpin.NotificationStore.
func (db *DB) MarkNotificationRead(ctx context.Context, userID string, id int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE notifications SET is_read = 1 WHERE id = ? AND user_id = ?`, id, userID)
	return affectedOne(res, err, "notification not found")
}

// MarkAllNotificationsRead implements meetpin.NotificationStore.
func (db *DB) MarkAllNotificationsRead(ctx context.Context, userID string) (int64, error) {
	res, err := db.write.ExecContext(ctx, `UPDATE notifications SET is_read = 1 WHERE user_id = ? AND is_read = 0`, userID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteNotification implements meetpin.NotificationStore.
func (db *DB) DeleteNotification(ctx context.Context, userID string, id int64) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM notifications WHERE id = ? AND user_id = ?`, id, userID)
	return affectedOne(res, err, "notification not found")
}

// DeleteNotificationsBefore implements meetpin.NotificationStore.
func (db *DB) DeleteNotificationsBefore(ctx context.Context, t time.Time, readOnly bool) (int64, error) {
	q := `DELETE FROM notifications WHERE created_at < ?`
	if readOnly {
		q += ` AND is_read = 1`
	}
	res, err := db.write.ExecContext(ctx, q, ms(t))
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}
