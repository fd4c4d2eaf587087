package sqlite

import (
	"context"
	"time"

	"meetpin.app"
)

// CreateSession implements meetpin.SessionStore.
func (db *DB) CreateSession(ctx context.Context, s *meetpin.Session) error {
	_, err := db.write.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, s.TokenHash, s.UserID, ms(s.CreatedAt), ms(s.LastSeenAt), ms(s.ExpiresAt))
	return mapErr(err, "user not found")
}

// SessionByTokenHash implements meetpin.SessionStore.
func (db *DB) SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*meetpin.Session, error) {
	var s meetpin.Session
	var created, seen, expires int64
	err := db.read.QueryRowContext(ctx, `SELECT token_hash, user_id, created_at, last_seen_at, expires_at
		FROM sessions WHERE token_hash = ? AND expires_at > ?`, hash, ms(now)).
		Scan(&s.TokenHash, &s.UserID, &created, &seen, &expires)
	if err != nil {
		return nil, mapErr(err, "session not found")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	return &s, nil
}

// SessionUser implements meetpin.SessionStore.
func (db *DB) SessionUser(ctx context.Context, hash string, now time.Time) (*meetpin.Session, *meetpin.User, error) {
	var s meetpin.Session
	var created, seen, expires int64
	var nick string
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT u.id, u.email, u.password_hash, u.role, u.created_at, u.updated_at,
		s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, coalesce(p.nickname, '')
		FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN profiles p ON p.uid = u.id
		WHERE s.token_hash = ? AND s.expires_at > ?`, hash, ms(now)),
		&s.TokenHash, &s.UserID, &created, &seen, &expires, &nick)
	if err != nil {
		return nil, nil, mapErr(err, "session not found")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMS(created), fromMS(seen), fromMS(expires)
	u.Nickname = nick
	return &s, u, nil
}

// TouchSession implements meetpin.SessionStore.
func (db *DB) TouchSession(ctx context.Context, hash string, lastSeen, expiresAt time.Time) error {
	_, err := db.write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?`,
		ms(lastSeen), ms(expiresAt), hash)
	return mapErr(err, "session not found")
}

// DeleteSession implements meetpin.SessionStore.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hash)
	return mapErr(err, "session not found")
}

// DeleteExpiredSessions implements meetpin.SessionStore.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	res, err := db.write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, ms(now))
	if err != nil {
		return 0, mapErr(err, "session not found")
	}
	return res.RowsAffected()
}
