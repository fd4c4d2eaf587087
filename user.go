package meetpin

import (
	"context"
	"time"
)

// Roles. The role is never writable through the profile: only an admin
// command or an admin API changes it.
const (
	RoleUser  = "user"
	RoleAdmin = "admin"
)

// AgeRanges lists the allowed profile age ranges (everyone is an adult).
var AgeRanges = []string{"20s_early", "20s_late", "30s_early", "30s_late", "40s", "50s+"}

// User is an account. Email is stored lower-cased and is unique.
type User struct {
	ID           string `json:"id"`
	Email        string `json:"email"`
	PasswordHash string `json:"-"`
	Role         string `json:"role"`
	// Nickname is the profile's nickname, set by SessionUser only (for
	// the texts of notifications), never sent as part of the user.
	Nickname  string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Profile is the public face of a user: one row per user, created together
// with the user.
type Profile struct {
	UserID    string    `json:"id"`
	Nickname  string    `json:"nickname"`
	AgeRange  *string   `json:"age_range"`
	AvatarURL *string   `json:"avatar_url"`
	Intro     string    `json:"intro"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ProfileUpdate is a partial profile change; nil fields are left alone.
// To clear AgeRange or AvatarURL set the Clear* flag.
type ProfileUpdate struct {
	Nickname       *string
	AgeRange       *string
	ClearAgeRange  bool
	Intro          *string
	AvatarURL      *string
	ClearAvatarURL bool
}

// ProfileStats counts what a user has done.
type ProfileStats struct {
	HostedRooms  int       `json:"hostedRooms"`
	JoinedRooms  int       `json:"joinedRooms"`
	Matches      int       `json:"completedMatches"`
	MessagesSent int       `json:"totalMessages"`
	MemberSince  time.Time `json:"memberSince"`
}

// Session is a signed-in session. Only the SHA-256 hash of the token is
// stored, so a leaked database does not leak usable tokens.
type Session struct {
	TokenHash  string
	UserID     string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
}

// UserStore stores accounts and profiles.
type UserStore interface {
	// CreateUser inserts the user and its profile in one transaction.
	// ECONFLICT when the email or the nickname is taken.
	CreateUser(ctx context.Context, u *User, p *Profile) error
	// UserByID returns ENOTFOUND when there is no such user.
	UserByID(ctx context.Context, id string) (*User, error)
	// UserByEmail looks the (lower-cased) email up; ENOTFOUND if absent.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// SetUserRole changes a role; ENOTFOUND if the user does not exist.
	SetUserRole(ctx context.Context, id, role string) error
	// ProfileByID returns ENOTFOUND when there is no such profile.
	ProfileByID(ctx context.Context, id string) (*Profile, error)
	// UpdateProfile applies a partial update and returns the new profile.
	// ENOTFOUND if absent; ECONFLICT when the nickname is taken.
	UpdateProfile(ctx context.Context, id string, upd ProfileUpdate, now time.Time) (*Profile, error)
	// ProfileStats counts hosted rooms, accepted requests, matches and sent
	// messages. ENOTFOUND if the user does not exist.
	ProfileStats(ctx context.Context, id string) (*ProfileStats, error)
}

// SessionStore stores sessions by token hash.
type SessionStore interface {
	CreateSession(ctx context.Context, s *Session) error
	// SessionByTokenHash returns ENOTFOUND for an unknown or expired
	// (ExpiresAt <= now) session.
	SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*Session, error)
	// SessionUser is SessionByTokenHash and the session's user (with
	// Nickname) in one read; ENOTFOUND as SessionByTokenHash, and when the
	// user is gone.
	SessionUser(ctx context.Context, hash string, now time.Time) (*Session, *User, error)
	// TouchSession slides a session's expiry forward.
	TouchSession(ctx context.Context, hash string, lastSeen, expiresAt time.Time) error
	// DeleteSession removes one session; deleting an unknown one is not an error.
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions removes sessions that expired before now.
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int64, error)
}
