package sqlite

import (
	"context"
	"database/sql"

	"meetpin.app"
)

// CreateMessage implements meetpin.MessageStore. SQLite has one writer, so
// ids are assigned and committed in order.
func (db *DB) CreateMessage(ctx context.Context, m *meetpin.Message) error {
	err := db.write.QueryRowContext(ctx, `INSERT INTO messages (match_id, sender_uid, text, created_at) VALUES (?, ?, ?, ?) RETURNING id`,
		m.MatchID, m.SenderID, m.Text, ms(m.CreatedAt)).Scan(&m.ID)
	return mapErr(err, "match not found")
}

func (db *DB) queryMessages(ctx context.Context, query string, args ...any) ([]*meetpin.Message, error) {
	rows, err := db.read.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.Message{}
	for rows.Next() {
		var m meetpin.Message
		var created int64
		if err := rows.Scan(&m.ID, &m.MatchID, &m.SenderID, &m.Text, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromMS(created)
		out = append(out, &m)
	}
	return out, rows.Err()
}

// Messages implements meetpin.MessageStore.
func (db *DB) Messages(ctx context.Context, matchID string, beforeID int64, limit int) ([]*meetpin.Message, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	return db.queryMessages(ctx, `SELECT id, match_id, sender_uid, text, created_at FROM messages
		WHERE match_id = ? AND id < ? ORDER BY id DESC LIMIT ?`, matchID, beforeID, limit)
}

// MessagesAfter implements meetpin.MessageStore.
func (db *DB) MessagesAfter(ctx context.Context, matchID string, afterID int64, limit int) ([]*meetpin.Message, error) {
	return db.queryMessages(ctx, `SELECT id, match_id, sender_uid, text, created_at FROM messages
		WHERE match_id = ? AND id > ? ORDER BY id LIMIT ?`, matchID, afterID, limit)
}

// MarkMatchRead implements meetpin.MessageStore.
func (db *DB) MarkMatchRead(ctx context.Context, matchID, userID string, upTo int64) error {
	res, err := db.write.ExecContext(ctx, `UPDATE matches SET
		host_read_id = CASE WHEN host_uid = ?2 THEN max(host_read_id, ?3) ELSE host_read_id END,
		guest_read_id = CASE WHEN guest_uid = ?2 THEN max(guest_read_id, ?3) ELSE guest_read_id END
		WHERE id = ?1 AND (host_uid = ?2 OR guest_uid = ?2)`, matchID, userID, upTo)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return mapErr(sql.ErrNoRows, "match not found")
	}
	return nil
}
