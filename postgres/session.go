package postgres

import (
	"context"
	"time"

	"meetpin.app"
)

// CreateSession inserts s. ENOTFOUND when its user does not exist,
// ECONFLICT when the token hash is already stored.
func (db *DB) CreateSession(ctx context.Context, s *meetpin.Session) error {
	_, err := db.pool.Exec(ctx, `
		INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
		VALUES ($1, $2, $3, $4, $5)`,
		s.TokenHash, s.UserID, ms(s.CreatedAt), ms(s.LastSeenAt), ms(s.ExpiresAt))
	return dbError(err, "user")
}

// SessionByTokenHash returns the session with hash that is still valid at
// now; ENOTFOUND for an unknown or expired (ExpiresAt <= now) one.
func (db *DB) SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*meetpin.Session, error) {
	var s meetpin.Session
	err := db.pool.QueryRow(ctx, `
		SELECT token_hash, user_id, created_at, last_seen_at, expires_at
		FROM sessions
		WHERE token_hash = $1 AND expires_at > $2`, hash, ms(now)).
		Scan(&s.TokenHash, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if err != nil {
		return nil, dbError(err, "session")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = ms(s.CreatedAt), ms(s.LastSeenAt), ms(s.ExpiresAt)
	return &s, nil
}

// SessionUser returns the session with hash that is still valid at now and
// its user, with the nickname, in one query; ENOTFOUND otherwise.
func (db *DB) SessionUser(ctx context.Context, hash string, now time.Time) (*meetpin.Session, *meetpin.User, error) {
	var s meetpin.Session
	var nick string
	u, err := scanUser(db.pool.QueryRow(ctx, `
		SELECT u.id, u.email, u.password_hash, u.role, u.created_at, u.updated_at,
			s.token_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, coalesce(p.nickname, '')
		FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN profiles p ON p.uid = u.id
		WHERE s.token_hash = $1 AND s.expires_at > $2`, hash, ms(now)),
		&s.TokenHash, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &nick)
	if err != nil {
		return nil, nil, dbError(err, "session")
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = ms(s.CreatedAt), ms(s.LastSeenAt), ms(s.ExpiresAt)
	u.Nickname = nick
	return &s, u, nil
}

// TouchSession records lastSeen and slides the expiry to expiresAt.
// Touching an unknown session is not an error, as in the sqlite engine: it
// was signed out meanwhile.
func (db *DB) TouchSession(ctx context.Context, hash string, lastSeen, expiresAt time.Time) error {
	_, err := db.pool.Exec(ctx, `
		UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1`,
		hash, ms(lastSeen), ms(expiresAt))
	return dbError(err, "session")
}

// DeleteSession removes one session; deleting an unknown one is not an error.
func (db *DB) DeleteSession(ctx context.Context, hash string) error {
	_, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return dbError(err, "session")
}

// DeleteExpiredSessions removes the sessions expired at now (ExpiresAt <=
// now, as SessionByTokenHash sees them) and returns how many.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error) {
	tag, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, ms(now))
	return tag.RowsAffected(), dbError(err, "session")
}
