package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateHostMessage inserts hm, unread. ENOTFOUND when the room or a user
// does not exist, EVALIDATION when sender and receiver are the same user.
func (db *DB) CreateHostMessage(ctx context.Context, hm *meetpin.HostMessage) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO host_messages (id, room_id, sender_uid, receiver_uid, text, is_read, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, false, $6, $7)`,
		hm.ID, hm.RoomID, hm.SenderID, hm.ReceiverID, hm.Text, ms(hm.CreatedAt), ms(hm.UpdatedAt))
	return dbError(err, "room or user")
}

// hostMessageColumns are the columns scanHostMessage reads.
const hostMessageColumns = `id, room_id, sender_uid, receiver_uid, text, is_read, created_at, updated_at`

func scanHostMessage(row pgx.Row) (*meetpin.HostMessage, error) {
	var hm meetpin.HostMessage
	if err := row.Scan(&hm.ID, &hm.RoomID, &hm.SenderID, &hm.ReceiverID, &hm.Text, &hm.IsRead, &hm.CreatedAt, &hm.UpdatedAt); err != nil {
		return nil, err
	}
	hm.CreatedAt, hm.UpdatedAt = ms(hm.CreatedAt), ms(hm.UpdatedAt)
	return &hm, nil
}

// HostMessageByID returns the host message with id; ENOTFOUND when absent.
func (db *DB) HostMessageByID(ctx context.Context, id string) (*meetpin.HostMessage, error) {
	hm, err := scanHostMessage(db.pool.QueryRow(ctx, `SELECT `+hostMessageColumns+` FROM host_messages WHERE id = $1`, id))
	return hm, dbError(err, "message")
}

// HostMessagesFor lists the host messages userID sent or received, newest
// first, at most limit. A malformed id has none.
func (db *DB) HostMessagesFor(ctx context.Context, userID string, limit int) ([]*meetpin.HostMessage, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+hostMessageColumns+` FROM host_messages
		WHERE receiver_uid = $1 OR sender_uid = $1
		ORDER BY created_at DESC, id LIMIT $2`, userID, limitArg(limit))
	hms, err := collect(rows, err, scanHostMessage)
	return hms, listError(err, "user")
}

// MarkHostMessageRead marks the host message read, sets its updated_at and
// returns it; ENOTFOUND when absent.
func (db *DB) MarkHostMessageRead(ctx context.Context, id string, now time.Time) (*meetpin.HostMessage, error) {
	hm, err := scanHostMessage(db.pool.QueryRow(ctx, `
		UPDATE host_messages SET is_read = true, updated_at = $2 WHERE id = $1
		RETURNING `+hostMessageColumns, id, ms(now)))
	return hm, dbError(err, "message")
}

// HasHostMessage reports whether sender wrote to receiver about the room.
// Malformed ids have written nothing.
func (db *DB) HasHostMessage(ctx context.Context, roomID, senderID, receiverID string) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, `
		SELECT EXISTS (SELECT 1 FROM host_messages WHERE room_id = $1 AND sender_uid = $2 AND receiver_uid = $3)`,
		roomID, senderID, receiverID).Scan(&ok)
	return ok, listError(err, "message")
}
