package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"meetpin.app"
)

// CreateUser inserts the user and its profile in one transaction.
// ECONFLICT when the email or the nickname (in any case) is taken.
func (db *DB) CreateUser(ctx context.Context, u *meetpin.User, p *meetpin.Profile) error {
	err := db.atomic(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO users (id, email, password_hash, role, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)`,
			u.ID, u.Email, u.PasswordHash, u.Role, ms(u.CreatedAt), ms(u.UpdatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO profiles (uid, nickname, age_range, avatar_url, intro, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			u.ID, p.Nickname, p.AgeRange, p.AvatarURL, p.Intro, ms(p.CreatedAt), ms(p.UpdatedAt))
		return err
	})
	return dbError(err, "user")
}

// userColumns are the columns scanUser reads.
const userColumns = `id, email, password_hash, role, created_at, updated_at`

// scanUser reads userColumns, then the extra columns into extra.
func scanUser(row pgx.Row, extra ...any) (*meetpin.User, error) {
	var u meetpin.User
	if err := row.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &u.Role, &u.CreatedAt, &u.UpdatedAt}, extra...)...); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = ms(u.CreatedAt), ms(u.UpdatedAt)
	return &u, nil
}

// UserByID returns the user with id; ENOTFOUND if absent.
func (db *DB) UserByID(ctx context.Context, id string) (*meetpin.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	return u, dbError(err, "user")
}

// UserByEmail returns the user with the (lower-cased) email; ENOTFOUND if
// absent.
func (db *DB) UserByEmail(ctx context.Context, email string) (*meetpin.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, email))
	return u, dbError(err, "user")
}

// SetUserRole changes a user's role; ENOTFOUND if the user does not exist,
// EVALIDATION for an unknown role.
func (db *DB) SetUserRole(ctx context.Context, id, role string) error {
	tag, err := db.pool.Exec(ctx, `UPDATE users SET role = $2 WHERE id = $1`, id, role)
	if err == nil && tag.RowsAffected() == 0 {
		return notFound("user")
	}
	return dbError(err, "user")
}

// profileColumns are the columns scanProfile reads, from profiles p joined
// with users u for the role.
const profileColumns = `p.uid, p.nickname, p.age_range, p.avatar_url, p.intro, u.role, p.created_at, p.updated_at`

func scanProfile(row pgx.Row) (*meetpin.Profile, error) {
	var p meetpin.Profile
	if err := row.Scan(&p.UserID, &p.Nickname, &p.AgeRange, &p.AvatarURL, &p.Intro, &p.Role, &p.CreatedAt, &p.UpdatedAt); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = ms(p.CreatedAt), ms(p.UpdatedAt)
	return &p, nil
}

// ProfileByID returns the profile of user id; ENOTFOUND if absent.
func (db *DB) ProfileByID(ctx context.Context, id string) (*meetpin.Profile, error) {
	p, err := scanProfile(db.pool.QueryRow(ctx, `
		SELECT `+profileColumns+`
		FROM profiles p JOIN users u ON u.id = p.uid
		WHERE p.uid = $1`, id))
	return p, dbError(err, "profile")
}

// UpdateProfile applies the non-nil fields of upd and returns the new
// profile. A Clear* flag wins over a value given for the same field.
// ENOTFOUND if absent; ECONFLICT when the nickname is taken.
func (db *DB) UpdateProfile(ctx context.Context, id string, upd meetpin.ProfileUpdate, now time.Time) (*meetpin.Profile, error) {
	p, err := scanProfile(db.pool.QueryRow(ctx, `
		UPDATE profiles p SET
			nickname   = COALESCE(@nickname, p.nickname),
			age_range  = CASE WHEN @clear_age_range THEN NULL ELSE COALESCE(@age_range, p.age_range) END,
			intro      = COALESCE(@intro, p.intro),
			avatar_url = CASE WHEN @clear_avatar_url THEN NULL ELSE COALESCE(@avatar_url, p.avatar_url) END,
			updated_at = @now
		FROM users u
		WHERE p.uid = @id AND u.id = p.uid
		RETURNING `+profileColumns, pgx.NamedArgs{
		"id":               id,
		"nickname":         upd.Nickname,
		"age_range":        upd.AgeRange,
		"clear_age_range":  upd.ClearAgeRange,
		"intro":            upd.Intro,
		"avatar_url":       upd.AvatarURL,
		"clear_avatar_url": upd.ClearAvatarURL,
		"now":              ms(now),
	}))
	return p, dbError(err, "profile")
}

// ProfileStats counts the rooms the user hosts, the requests of theirs that
// were accepted, the matches they are in (as host or guest) and the
// messages they sent. ENOTFOUND if the user does not exist.
func (db *DB) ProfileStats(ctx context.Context, id string) (*meetpin.ProfileStats, error) {
	var s meetpin.ProfileStats
	err := db.pool.QueryRow(ctx, `
		SELECT u.created_at,
			(SELECT count(*) FROM rooms WHERE host_uid = u.id),
			(SELECT count(*) FROM requests WHERE requester_uid = u.id AND status = 'accepted'),
			(SELECT count(*) FROM matches WHERE host_uid = u.id OR guest_uid = u.id),
			(SELECT count(*) FROM messages WHERE sender_uid = u.id)
		FROM users u
		WHERE u.id = $1`, id).Scan(&s.MemberSince, &s.HostedRooms, &s.JoinedRooms, &s.Matches, &s.MessagesSent)
	if err != nil {
		return nil, dbError(err, "user")
	}
	s.MemberSince = ms(s.MemberSince)
	return &s, nil
}
