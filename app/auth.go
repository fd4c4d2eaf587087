package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"meetpin.app"
	"meetpin.app/password"
)

// SignupInput is what a new account needs.
type SignupInput struct {
	Email    string  `json:"email"`
	Password string  `json:"password"`
	Nickname string  `json:"nickname"`
	AgeRange *string `json:"age_range"`
}

// AuthResult is a signed-in user and the session token to send back.
type AuthResult struct {
	User  *meetpin.User `json:"user"`
	Token string        `json:"token"`
}

// sessionTouchEvery limits how often a session's sliding expiry is written.
const sessionTouchEvery = time.Hour

func normalizeEmail(f *meetpin.FieldErrors, v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		f.Add("email", "is required")
		return v
	}
	addr, err := mail.ParseAddress(v)
	if err != nil || addr.Address != v || len(v) > 254 || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		f.Add("email", "must be a valid email address")
	}
	return v
}

func checkPassword(f *meetpin.FieldErrors, v string) {
	switch {
	case len([]rune(v)) < 8:
		f.Add("password", "must be at least 8 characters")
	case len(v) > 72:
		f.Add("password", "must be at most 72 bytes")
	case password.Common(v):
		f.Add("password", "is too common: choose one that is harder to guess")
	}
}

// Signup creates an account with its profile and signs it in.
func (a *App) Signup(ctx context.Context, in SignupInput) (*AuthResult, error) {
	u, err := a.CreateUser(ctx, in, meetpin.RoleUser)
	if err != nil {
		return nil, err
	}
	return a.openSession(ctx, u)
}

// CreateUser creates an account with the given role, for the shell command
// that makes admins. It does not open a session.
func (a *App) CreateUser(ctx context.Context, in SignupInput, role string) (*meetpin.User, error) {
	var f meetpin.FieldErrors
	email := normalizeEmail(&f, in.Email)
	checkPassword(&f, in.Password)
	nick := nickname(&f, in.Nickname)
	if in.AgeRange != nil {
		oneOf(&f, "age_range", *in.AgeRange, meetpin.AgeRanges)
	}
	if role != meetpin.RoleUser && role != meetpin.RoleAdmin {
		f.Add("role", "must be user or admin")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(in.Password), a.cost)
	if err != nil {
		return nil, err
	}
	now := a.Now()
	u := &meetpin.User{ID: newID(), Email: email, PasswordHash: string(hash), Role: role, CreatedAt: now, UpdatedAt: now}
	p := &meetpin.Profile{UserID: u.ID, Nickname: nick, AgeRange: in.AgeRange, CreatedAt: now, UpdatedAt: now}
	if err := a.store.CreateUser(ctx, u, p); err != nil {
		if meetpin.ErrorCode(err) == meetpin.ECONFLICT {
			return nil, meetpin.Errorf(meetpin.ECONFLICT, "this email or nickname is already in use")
		}
		return nil, err
	}
	return u, nil
}

// Login checks an email and password. A wrong email and a wrong password get
// the same error, after comparable work.
func (a *App) Login(ctx context.Context, email, password string) (*AuthResult, error) {
	bad := meetpin.Errorf(meetpin.EUNAUTHORIZED, "wrong email or password")
	u, err := a.store.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if meetpin.ErrorCode(err) == meetpin.ENOTFOUND {
		bcrypt.CompareHashAndPassword(a.dummyHash, []byte(password))
		return nil, bad
	} else if err != nil {
		return nil, err
	}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		return nil, bad
	}
	return a.openSession(ctx, u)
}

func (a *App) openSession(ctx context.Context, u *meetpin.User) (*AuthResult, error) {
	raw := make([]byte, 32)
	rand.Read(raw)
	token := base64.RawURLEncoding.EncodeToString(raw)
	now := a.Now()
	s := &meetpin.Session{TokenHash: hashToken(token), UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(a.sessionTTL)}
	if err := a.store.CreateSession(ctx, s); err != nil {
		return nil, err
	}
	return &AuthResult{User: u, Token: token}, nil
}

// Logout ends the session of token everywhere.
func (a *App) Logout(ctx context.Context, token string) error {
	if err := a.store.DeleteSession(ctx, hashToken(token)); err != nil {
		return err
	}
	a.disp.Dispatch(ctx, meetpin.SessionEnded{TokenHash: hashToken(token)})
	return nil
}

// Authenticate returns the user of a session token, EUNAUTHORIZED for an
// unknown or expired one. renewed reports that the expiry slid forward (at
// most once an hour), so a cookie may be re-sent.
func (a *App) Authenticate(ctx context.Context, token string) (u *meetpin.User, renewed bool, err error) {
	if token == "" || len(token) > 128 {
		return nil, false, meetpin.Errorf(meetpin.EUNAUTHORIZED, "invalid session")
	}
	now := a.Now()
	s, u, err := a.store.SessionUser(ctx, hashToken(token), now)
	if meetpin.ErrorCode(err) == meetpin.ENOTFOUND {
		return nil, false, meetpin.Errorf(meetpin.EUNAUTHORIZED, "session expired or signed out")
	} else if err != nil {
		return nil, false, err
	}
	if now.Sub(s.LastSeenAt) >= sessionTouchEvery {
		if err := a.store.TouchSession(ctx, s.TokenHash, now, now.Add(a.sessionTTL)); err != nil {
			return nil, false, err
		}
		renewed = true
	}
	return u, renewed, nil
}

// hashToken is how a session token is stored: its SHA-256, hex.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
