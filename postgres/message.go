package postgres

import (
	"context"
	"errors"
	"math"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateMessage inserts m and sets m.ID. ENOTFOUND when the match or the
// sender does not exist.
//
// Message ids are the event ids of the chat stream: a stream that has seen
// id N of a match replays from `id > N`, so it must never happen that a
// smaller id of that match becomes visible after N did. An identity column
// alone does not promise that: two transactions draw 7 and 8, the one with
// 8 commits first, a reader sees 8, and 7 — committed a moment later — is
// skipped by every later `id > 8`. (SQLite cannot do this: it has one
// writer.) So inserts into one match are serialized on the match's row:
// the transaction locks it, draws the id with the insert and commits, and
// only then can the next insert into that match lock it and draw its own,
// larger id. By the time that second id is drawn the first transaction has
// committed, so any snapshot that sees the second sees the first too. This
// relies on the identity's sequence having CACHE 1, the default; with a
// larger cache each connection would draw from its own block of numbers.
//
// The lock is FOR NO KEY UPDATE: it does not conflict with the FOR KEY
// SHARE locks that foreign key checks take on the match row (the insert's
// own check among them), so it holds up only other inserts into the match
// and updates of the match row (MarkMatchRead, briefly).
//
// Lock and insert are one statement, one round trip: the insert's rows come
// from the locked CTE, so the identity draws its id only once the lock is
// held. No match row, no insert: ENOTFOUND.
func (db *DB) CreateMessage(ctx context.Context, m *meetpin.Message) error {
	if uuid.Validate(m.MatchID) != nil {
		return notFound("match")
	}
	err := db.pool.QueryRow(ctx, `
		WITH locked AS (SELECT id FROM matches WHERE id = $1 FOR NO KEY UPDATE)
		INSERT INTO messages (match_id, sender_uid, text, created_at)
		SELECT locked.id, $2, $3, $4 FROM locked
		RETURNING id`, m.MatchID, m.SenderID, m.Text, ms(m.CreatedAt)).Scan(&m.ID)
	if errors.Is(err, pgx.ErrNoRows) {
		return notFound("match")
	}
	return dbError(err, "user") // the match is locked: what can be missing now is the sender
}

// messageColumns are the columns scanMessage reads.
const messageColumns = `id, match_id, sender_uid, text, created_at`

func scanMessage(row pgx.Row) (*meetpin.Message, error) {
	var m meetpin.Message
	if err := row.Scan(&m.ID, &m.MatchID, &m.SenderID, &m.Text, &m.CreatedAt); err != nil {
		return nil, err
	}
	m.CreatedAt = ms(m.CreatedAt)
	return &m, nil
}

// Messages returns up to limit messages of a match with id < beforeID (all
// when beforeID is 0 or less), newest first. A malformed id has none.
func (db *DB) Messages(ctx context.Context, matchID string, beforeID int64, limit int) ([]*meetpin.Message, error) {
	if beforeID <= 0 {
		beforeID = math.MaxInt64
	}
	rows, err := db.pool.Query(ctx, `
		SELECT `+messageColumns+` FROM messages
		WHERE match_id = $1 AND id < $2
		ORDER BY id DESC LIMIT $3`, matchID, beforeID, limitArg(limit))
	msgs, err := collect(rows, err, scanMessage)
	return msgs, listError(err, "match")
}

// MessagesAfter returns up to limit messages of a match with id > afterID,
// oldest first: what a reconnecting stream missed. CreateMessage keeps
// this gap-free. A malformed id has none.
func (db *DB) MessagesAfter(ctx context.Context, matchID string, afterID int64, limit int) ([]*meetpin.Message, error) {
	rows, err := db.pool.Query(ctx, `
		SELECT `+messageColumns+` FROM messages
		WHERE match_id = $1 AND id > $2
		ORDER BY id LIMIT $3`, matchID, afterID, limitArg(limit))
	msgs, err := collect(rows, err, scanMessage)
	return msgs, listError(err, "match")
}

// MarkMatchRead records that userID, host or guest of the match, has read
// up to message upTo; ENOTFOUND when the match does not exist or userID is
// neither. The mark never moves backwards: GREATEST is evaluated on the
// row's latest version (an UPDATE that waited for a concurrent one
// re-reads the row under READ COMMITTED), so of two concurrent marks the
// larger wins whichever commits last.
func (db *DB) MarkMatchRead(ctx context.Context, matchID, userID string, upTo int64) error {
	tag, err := db.pool.Exec(ctx, `
		UPDATE matches SET
			host_read_id  = CASE WHEN host_uid  = $2 THEN GREATEST(host_read_id, $3)  ELSE host_read_id END,
			guest_read_id = CASE WHEN guest_uid = $2 THEN GREATEST(guest_read_id, $3) ELSE guest_read_id END
		WHERE id = $1 AND (host_uid = $2 OR guest_uid = $2)`, matchID, userID, upTo)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("match")
	}
	return dbError(err, "match")
}
