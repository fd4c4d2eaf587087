package sqlite

import (
	"context"
	"database/sql"
	"time"

	"meetpin.app"
)

// CreateUser implements meetpin.UserStore.
func (db *DB) CreateUser(ctx context.Context, u *meetpin.User, p *meetpin.Profile) error {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, email, password_hash, role, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, u.ID, u.Email, u.PasswordHash, u.Role, ms(u.CreatedAt), ms(u.UpdatedAt)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO profiles (uid, nickname, age_range, avatar_url, intro, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.ID, p.Nickname, p.AgeRange, p.AvatarURL, p.Intro, ms(p.CreatedAt), ms(p.UpdatedAt))
		return err
	})
	return renameConflict(mapErr(err, "user not found"), "email or nickname already taken")
}

const userColumns = `id, email, password_hash, role, created_at, updated_at`

// scanUser reads userColumns, then the extra columns into extra.
func scanUser(s scanner, extra ...any) (*meetpin.User, error) {
	var u meetpin.User
	var created, updated int64
	if err := s.Scan(append([]any{&u.ID, &u.Email, &u.PasswordHash, &u.Role, &created, &updated}, extra...)...); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = fromMS(created), fromMS(updated)
	return &u, nil
}

// UserByID implements meetpin.UserStore.
func (db *DB) UserByID(ctx context.Context, id string) (*meetpin.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	return u, mapErr(err, "user not found")
}

// UserByEmail implements meetpin.UserStore.
func (db *DB) UserByEmail(ctx context.Context, email string) (*meetpin.User, error) {
	u, err := scanUser(db.read.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, email))
	return u, mapErr(err, "user not found")
}

// SetUserRole implements meetpin.UserStore.
func (db *DB) SetUserRole(ctx context.Context, id, role string) error {
	res, err := db.write.ExecContext(ctx, `UPDATE users SET role = ?, updated_at = ? WHERE id = ?`, role, ms(time.Now()), id)
	if err != nil {
		return mapErr(err, "user not found")
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return meetpin.Errorf(meetpin.ENOTFOUND, "user not found")
	}
	return nil
}

const profileColumns = `p.uid, p.nickname, p.age_range, p.avatar_url, p.intro, u.role, p.created_at, p.updated_at`

func scanProfile(s scanner) (*meetpin.Profile, error) {
	var p meetpin.Profile
	var created, updated int64
	if err := s.Scan(&p.UserID, &p.Nickname, &p.AgeRange, &p.AvatarURL, &p.Intro, &p.Role, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	return &p, nil
}

// ProfileByID implements meetpin.UserStore.
func (db *DB) ProfileByID(ctx context.Context, id string) (*meetpin.Profile, error) {
	return profileByID(ctx, db.read, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func profileByID(ctx context.Context, q querier, id string) (*meetpin.Profile, error) {
	p, err := scanProfile(q.QueryRowContext(ctx, `SELECT `+profileColumns+`
		FROM profiles p JOIN users u ON u.id = p.uid WHERE p.uid = ?`, id))
	return p, mapErr(err, "profile not found")
}

// UpdateProfile implements meetpin.UserStore.
func (db *DB) UpdateProfile(ctx context.Context, id string, upd meetpin.ProfileUpdate, now time.Time) (*meetpin.Profile, error) {
	var out *meetpin.Profile
	err := db.tx(ctx, func(tx *sql.Tx) error {
		p, err := profileByID(ctx, tx, id)
		if err != nil {
			return err
		}
		if upd.Nickname != nil {
			p.Nickname = *upd.Nickname
		}
		if upd.ClearAgeRange {
			p.AgeRange = nil
		} else if upd.AgeRange != nil {
			p.AgeRange = upd.AgeRange
		}
		if upd.Intro != nil {
			p.Intro = *upd.Intro
		}
		if upd.ClearAvatarURL {
			p.AvatarURL = nil
		} else if upd.AvatarURL != nil {
			p.AvatarURL = upd.AvatarURL
		}
		p.UpdatedAt = now
		if _, err := tx.ExecContext(ctx, `UPDATE profiles SET nickname = ?, age_range = ?, intro = ?, avatar_url = ?, updated_at = ?
			WHERE uid = ?`, p.Nickname, p.AgeRange, p.Intro, p.AvatarURL, ms(now), id); err != nil {
			return err
		}
		out = p
		return nil
	})
	return out, renameConflict(mapErr(err, "profile not found"), "nickname already taken")
}

// ProfileStats implements meetpin.UserStore.
func (db *DB) ProfileStats(ctx context.Context, id string) (*meetpin.ProfileStats, error) {
	var st meetpin.ProfileStats
	var created int64
	err := db.read.QueryRowContext(ctx, `SELECT u.created_at,
		(SELECT count(*) FROM rooms WHERE host_uid = u.id),
		(SELECT count(*) FROM requests WHERE requester_uid = u.id AND status = 'accepted'),
		(SELECT count(*) FROM matches WHERE host_uid = u.id OR guest_uid = u.id),
		(SELECT count(*) FROM messages WHERE sender_uid = u.id)
		FROM users u WHERE u.id = ?`, id).Scan(&created, &st.HostedRooms, &st.JoinedRooms, &st.Matches, &st.MessagesSent)
	if err != nil {
		return nil, mapErr(err, "user not found")
	}
	st.MemberSince = fromMS(created)
	return &st, nil
}
