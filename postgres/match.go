package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// matchColumns are the columns scanMatch reads, from matches m.
const matchColumns = `m.id, m.room_id, m.host_uid, m.guest_uid, m.created_at`

// scanMatch reads matchColumns, then the extra columns into extra.
func scanMatch(row pgx.Row, extra ...any) (*meetpin.Match, error) {
	var m meetpin.Match
	if err := row.Scan(append([]any{&m.ID, &m.RoomID, &m.HostID, &m.GuestID, &m.CreatedAt}, extra...)...); err != nil {
		return nil, err
	}
	m.CreatedAt = ms(m.CreatedAt)
	return &m, nil
}

// MatchByID returns the match with id; ENOTFOUND when absent.
func (db *DB) MatchByID(ctx context.Context, id string) (*meetpin.Match, error) {
	var blocked bool
	m, err := scanMatch(db.pool.QueryRow(ctx, `SELECT `+matchColumns+`,
		EXISTS (SELECT 1 FROM blocked_users b WHERE (b.blocker_uid = m.host_uid AND b.blocked_uid = m.guest_uid)
			OR (b.blocker_uid = m.guest_uid AND b.blocked_uid = m.host_uid))
		FROM matches m WHERE m.id = $1`, id), &blocked)
	if m != nil {
		m.Blocked = blocked
	}
	return m, dbError(err, "match")
}

// MatchByRoomGuest returns the match of a guest in a room; ENOTFOUND when
// there is none.
func (db *DB) MatchByRoomGuest(ctx context.Context, roomID, guestID string) (*meetpin.Match, error) {
	m, err := scanMatch(db.pool.QueryRow(ctx, `
		SELECT `+matchColumns+` FROM matches m WHERE m.room_id = $1 AND m.guest_uid = $2`, roomID, guestID))
	return m, dbError(err, "match")
}

// MatchesByUser lists the matches where userID is host or guest, newest
// first, each with its room, its last message and how many messages of the
// other side came after the user's read mark. A malformed id has none.
func (db *DB) MatchesByUser(ctx context.Context, userID string) ([]*meetpin.MatchSummary, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+matchColumns+`,
			(SELECT count(*) FROM messages x
				WHERE x.match_id = m.id AND x.sender_uid <> $1
				AND x.id > CASE WHEN m.host_uid = $1 THEN m.host_read_id ELSE m.guest_read_id END),
			lm.id, lm.sender_uid, lm.text, lm.created_at
		FROM matches m
		LEFT JOIN LATERAL (
			SELECT id, sender_uid, text, created_at FROM messages
			WHERE match_id = m.id ORDER BY id DESC LIMIT 1
		) lm ON true
		WHERE m.host_uid = $1 OR m.guest_uid = $1
		ORDER BY m.created_at DESC, m.id`, userID)
	sums, err := collect(rows, err, func(row pgx.Row) (*meetpin.MatchSummary, error) {
		var sum meetpin.MatchSummary
		var lastID *int64
		var lastSender, lastText *string
		var lastAt *time.Time
		m, err := scanMatch(row, &sum.Unread, &lastID, &lastSender, &lastText, &lastAt)
		if err != nil {
			return nil, err
		}
		sum.Match = *m
		if lastID != nil {
			sum.LastMessage = &meetpin.Message{ID: *lastID, MatchID: m.ID, SenderID: *lastSender, Text: *lastText, CreatedAt: ms(*lastAt)}
		}
		return &sum, nil
	})
	if err != nil {
		return sums, listError(err, "user")
	}
	for _, sum := range sums {
		if sum.Room, err = db.RoomByID(ctx, sum.RoomID); err != nil {
			return nil, err
		}
	}
	return sums, nil
}
