package sqlite

import (
	"context"
	"time"

	"meetpin.app"
)

// CreateHostMessage implements meetpin.HostMessageStore.
func (db *DB) CreateHostMessage(ctx context.Context, hm *meetpin.HostMessage) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO host_messages (id, room_id, sender_uid, receiver_uid, text, is_read, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 0, ?, ?)`, hm.ID, hm.RoomID, hm.SenderID, hm.ReceiverID, hm.Text, ms(hm.CreatedAt), ms(hm.UpdatedAt))
	return mapErr(err, "room or user not found")
}

const hostMessageColumns = `id, room_id, sender_uid, receiver_uid, text, is_read, created_at, updated_at`

func scanHostMessage(s scanner) (*meetpin.HostMessage, error) {
	var hm meetpin.HostMessage
	var created, updated int64
	if err := s.Scan(&hm.ID, &hm.RoomID, &hm.SenderID, &hm.ReceiverID, &hm.Text, &hm.IsRead, &created, &updated); err != nil {
		return nil, err
	}
	hm.CreatedAt, hm.UpdatedAt = fromMS(created), fromMS(updated)
	return &hm, nil
}

// HostMessageByID implements meetpin.HostMessageStore.
func (db *DB) HostMessageByID(ctx context.Context, id string) (*meetpin.HostMessage, error) {
	hm, err := scanHostMessage(db.read.QueryRowContext(ctx, `SELECT `+hostMessageColumns+` FROM host_messages WHERE id = ?`, id))
	return hm, mapErr(err, "message not found")
}

// HostMessagesFor implements meetpin.HostMessageStore.
func (db *DB) HostMessagesFor(ctx context.Context, userID string, limit int) ([]*meetpin.HostMessage, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+hostMessageColumns+` FROM host_messages
		WHERE receiver_uid = ?1 OR sender_uid = ?1 ORDER BY created_at DESC, id LIMIT ?2`, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*meetpin.HostMessage{}
	for rows.Next() {
		hm, err := scanHostMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, hm)
	}
	return out, rows.Err()
}

// MarkHostMessageRead implements meetpin.HostMessageStore.
func (db *DB) MarkHostMessageRead(ctx context.Context, id string, now time.Time) (*meetpin.HostMessage, error) {
	hm, err := scanHostMessage(db.write.QueryRowContext(ctx, `UPDATE host_messages SET is_read = 1, updated_at = ? WHERE id = ?
		RETURNING `+hostMessageColumns, ms(now), id))
	return hm, mapErr(err, "message not found")
}

// HasHostMessage implements meetpin.HostMessageStore.
func (db *DB) HasHostMessage(ctx context.Context, roomID, senderID, receiverID string) (bool, error) {
	var ok bool
	err := db.read.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM host_messages WHERE room_id = ? AND sender_uid = ? AND receiver_uid = ?)`,
		roomID, senderID, receiverID).Scan(&ok)
	return ok, err
}
