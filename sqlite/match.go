package sqlite

import (
	"context"
	"database/sql"

	"meetpin.app"
)

const matchColumns = `m.id, m.room_id, m.host_uid, m.guest_uid, m.created_at`

func scanMatch(s scanner, extra ...any) (*meetpin.Match, error) {
	var m meetpin.Match
	var created int64
	if err := s.Scan(append([]any{&m.ID, &m.RoomID, &m.HostID, &m.GuestID, &created}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt = fromMS(created)
	return &m, nil
}

// MatchByID implements meetpin.MatchStore.
func (db *DB) MatchByID(ctx context.Context, id string) (*meetpin.Match, error) {
	var blocked bool
	m, err := scanMatch(db.read.QueryRowContext(ctx, `SELECT `+matchColumns+`,
		EXISTS (SELECT 1 FROM blocked_users b WHERE (b.blocker_uid = m.host_uid AND b.blocked_uid = m.guest_uid)
			OR (b.blocker_uid = m.guest_uid AND b.blocked_uid = m.host_uid))
		FROM matches m WHERE m.id = ?`, id), &blocked)
	if m != nil {
		m.Blocked = blocked
	}
	return m, mapErr(err, "match not found")
}

// MatchByRoomGuest implements meetpin.MatchStore.
func (db *DB) MatchByRoomGuest(ctx context.Context, roomID, guestID string) (*meetpin.Match, error) {
	m, err := scanMatch(db.read.QueryRowContext(ctx, `SELECT `+matchColumns+` FROM matches m WHERE m.room_id = ? AND m.guest_uid = ?`, roomID, guestID))
	return m, mapErr(err, "match not found")
}

// MatchesByUser implements meetpin.MatchStore.
func (db *DB) MatchesByUser(ctx context.Context, userID string) ([]*meetpin.MatchSummary, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+matchColumns+`,
		(SELECT count(*) FROM messages x WHERE x.match_id = m.id AND x.sender_uid <> ?1
			AND x.id > CASE WHEN m.host_uid = ?1 THEN m.host_read_id ELSE m.guest_read_id END),
		lm.id, lm.sender_uid, lm.text, lm.created_at
		FROM matches m
		LEFT JOIN messages lm ON lm.id = (SELECT max(id) FROM messages WHERE match_id = m.id)
		WHERE m.host_uid = ?1 OR m.guest_uid = ?1
		ORDER BY m.created_at DESC, m.id`, userID)
	if err != nil {
		return nil, err
	}
	var out []*meetpin.MatchSummary
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var sum meetpin.MatchSummary
			var lastID, lastAt sql.NullInt64
			var lastSender, lastText sql.NullString
			m, err := scanMatch(rows, &sum.Unread, &lastID, &lastSender, &lastText, &lastAt)
			if err != nil {
				return err
			}
			sum.Match = *m
			if lastID.Valid {
				sum.LastMessage = &meetpin.Message{ID: lastID.Int64, MatchID: m.ID, SenderID: lastSender.String, Text: lastText.String, CreatedAt: fromMS(lastAt.Int64)}
			}
			out = append(out, &sum)
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, err
	}
	for _, sum := range out {
		if sum.Room, err = db.RoomByID(ctx, sum.RoomID); err != nil {
			return nil, err
		}
	}
	if out == nil {
		out = []*meetpin.MatchSummary{}
	}
	return out, nil
}
