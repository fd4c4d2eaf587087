package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"meetpin.app"
)

// authData is the data of a signup or login answer.
type authData struct {
	User  meetpin.User `json:"user"`
	Token string       `json:"token"`
}

// sessionCookie returns the meetpin_session cookie a reply sets, or nil.
func sessionCookie(r *reply) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "meetpin_session" {
			return c
		}
	}
	return nil
}

// withCookie sends a request authenticated by the session cookie only, with
// extra headers (Origin, Sec-Fetch-Site …).
func (s *testServer) withCookie(method, path string, body any, token string, header map[string]string) *reply {
	s.t.Helper()
	var rd io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ct = strings.NewReader(b), "application/json"
	default:
		rd, ct = strings.NewReader(mustJSON(s.t, b)), "application/json"
	}
	h := map[string]string{"Cookie": "meetpin_session=" + token}
	for k, v := range header {
		h[k] = v
	}
	return s.request(method, path, ct, rd, h)
}

// noSecrets fails when an answer carries a password or a hash.
func noSecrets(t *testing.T, r *reply, password string) {
	t.Helper()
	low := strings.ToLower(r.Raw)
	for _, bad := range []string{password, "password", "hash", "$2a$", "$2b$"} {
		if strings.Contains(low, strings.ToLower(bad)) {
			t.Fatalf("answer carries %q: %s", bad, r.Raw)
		}
	}
}

func TestSignupAndLogin(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		const pw = "correct horse battery"
		r := s.call("POST", "/api/auth/signup", map[string]any{
			"email": "  Mixed.Case@Example.COM ", "password": pw, "nickname": "김민수_01", "age_range": "30s_early",
		}, "").want(t, 201, "")
		noSecrets(t, r, pw)
		var su authData
		r.into(t, &su)
		if su.User.ID == "" || su.User.Email != "mixed.case@example.com" || su.User.Role != meetpin.RoleUser || len(su.Token) < 32 {
			t.Fatalf("signup data %s", r.Data)
		}
		c := sessionCookie(r)
		if c == nil || c.Value != su.Token || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Path != "/" || c.MaxAge <= 0 {
			t.Fatalf("session cookie %+v", c)
		}
		// The profile was created with the account.
		var me struct {
			User    meetpin.User    `json:"user"`
			Profile meetpin.Profile `json:"profile"`
		}
		s.call("GET", "/api/auth/me", nil, su.Token).want(t, 200, "").into(t, &me)
		if me.User.ID != su.User.ID || me.Profile.Nickname != "김민수_01" || me.Profile.AgeRange == nil || *me.Profile.AgeRange != "30s_early" {
			t.Fatalf("me = %+v", me)
		}

		// Taken: the same email in another case, and the same nickname in another case.
		s.call("POST", "/api/auth/signup", map[string]any{"email": "MIXED.CASE@example.com", "password": pw, "nickname": "other"}, "").
			wantError(t, 409, meetpin.ECONFLICT)
		s.signup("Taken")
		s.call("POST", "/api/auth/signup", map[string]any{"email": "new@example.com", "password": pw, "nickname": "tAKEN"}, "").
			wantError(t, 409, meetpin.ECONFLICT)
		if _, err := store.UserByEmail(t.Context(), "new@example.com"); meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
			t.Fatalf("a refused signup stored its user: %v", err)
		}

		// Login, with the email in any case: the same shape, a new session.
		r = s.call("POST", "/api/auth/login", map[string]any{"email": "MIXED.case@example.com", "password": pw}, "").want(t, 200, "")
		noSecrets(t, r, pw)
		var li authData
		r.into(t, &li)
		if li.User.ID != su.User.ID || li.User.Email != su.User.Email || li.Token == "" || li.Token == su.Token {
			t.Fatalf("login data %s", r.Data)
		}
		if c := sessionCookie(r); c == nil || c.Value != li.Token || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure {
			t.Fatalf("login cookie %+v", c)
		}
		s.call("GET", "/api/auth/me", nil, su.Token).want(t, 200, "") // both sessions live
		s.call("GET", "/api/auth/me", nil, li.Token).want(t, 200, "")

		// A wrong password and an unknown email cannot be told apart.
		wrong := s.call("POST", "/api/auth/login", map[string]any{"email": "mixed.case@example.com", "password": pw + "!"}, "").
			wantError(t, 401, meetpin.EUNAUTHORIZED)
		unknown := s.call("POST", "/api/auth/login", map[string]any{"email": "nobody@example.com", "password": pw}, "").
			wantError(t, 401, meetpin.EUNAUTHORIZED)
		if wrong.Raw != unknown.Raw {
			t.Fatalf("wrong password %s, unknown email %s", wrong.Raw, unknown.Raw)
		}
		if sessionCookie(wrong) != nil {
			t.Fatal("a failed login set a cookie")
		}
		s.call("POST", "/api/auth/login", map[string]any{"email": "mixed.case@example.com"}, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
	})
}

// TestSignupValidation: every bad value is a 400 naming its field, and
// nothing is stored.
func TestSignupValidation(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		cases := []struct {
			field string
			edit  map[string]any
		}{
			{"password", map[string]any{"password": "7chars!"}},
			{"password", map[string]any{"password": ""}},
			{"password", map[string]any{"password": strings.Repeat("p", 73)}},
			// Common passwords (issue 14): the 10,000 most common, a common
			// word and digits, one character repeated.
			{"password", map[string]any{"password": "password"}},
			{"password", map[string]any{"password": "12345678"}},
			{"password", map[string]any{"password": "aaaaaaaa"}},
			{"password", map[string]any{"password": "qwerty123"}},
			{"password", map[string]any{"password": "Iloveyou"}},
			{"email", map[string]any{"email": ""}},
			{"email", map[string]any{"email": "not-an-email"}},
			{"email", map[string]any{"email": "a@localhost"}},
			{"email", map[string]any{"email": "Someone <someone@example.com>"}},
			{"email", map[string]any{"email": "two@@example.com"}},
			{"email", map[string]any{"email": "@example.com"}},
			{"nickname", map[string]any{"nickname": "x"}},
			{"nickname", map[string]any{"nickname": strings.Repeat("n", 21)}},
			{"nickname", map[string]any{"nickname": "bad nick"}},
			{"nickname", map[string]any{"nickname": "bad!nick"}},
			{"nickname", map[string]any{"nickname": "<b>nick</b>"}},
			{"nickname", map[string]any{"nickname": "émile"}},
			{"nickname", map[string]any{"nickname": "admin123"}},
			{"nickname", map[string]any{"nickname": "TheAdmin"}},
			{"nickname", map[string]any{"nickname": "MeetPin_fan"}},
			{"nickname", map[string]any{"nickname": "운영자님"}},
			{"nickname", map[string]any{"nickname": ""}},
			{"age_range", map[string]any{"age_range": "teen"}},
			{"age_range", map[string]any{"age_range": ""}},
			{"age_range", map[string]any{"age_range": 25}},
		}
		for i, c := range cases {
			email := "valid" + string(rune('a'+i)) + "@example.com"
			body := map[string]any{"email": email, "password": "correct horse", "nickname": "valid" + string(rune('a'+i))}
			for k, v := range c.edit {
				body[k] = v
			}
			t.Run(c.field+"="+mustJSON(t, c.edit[c.field]), func(t *testing.T) {
				r := s.call("POST", "/api/auth/signup", body, "").wantField(t, c.field)
				if sessionCookie(r) != nil {
					t.Fatal("a refused signup set a cookie")
				}
				if e, ok := body["email"].(string); ok && e != "" {
					if _, err := store.UserByEmail(t.Context(), strings.ToLower(e)); meetpin.ErrorCode(err) != meetpin.ENOTFOUND {
						t.Fatalf("a refused signup stored %s: %v", e, err)
					}
					s.call("POST", "/api/auth/login", map[string]any{"email": e, "password": body["password"]}, "").
						wantError(t, 401, meetpin.EUNAUTHORIZED)
				}
			})
		}
		// Several bad fields are all named.
		r := s.call("POST", "/api/auth/signup", map[string]any{"email": "x", "password": "short", "nickname": "!"}, "").wantField(t, "email")
		for _, f := range []string{"password", "nickname"} {
			if !strings.Contains(r.Message, f) {
				t.Fatalf("message %q does not name %s", r.Message, f)
			}
		}
		// The boundaries are allowed.
		s.call("POST", "/api/auth/signup", map[string]any{"email": "edge1@example.com", "password": "8 chars!", "nickname": "ab"}, "").want(t, 201, "")
		s.call("POST", "/api/auth/signup", map[string]any{"email": "edge2@example.com", "password": strings.Repeat("pq", 36), "nickname": strings.Repeat("가", 20)}, "").want(t, 201, "")
	})
}

func TestSessions(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("sessionUser")

		var me struct {
			User    *meetpin.User    `json:"user"`
			Profile *meetpin.Profile `json:"profile"`
		}
		r := s.call("GET", "/api/auth/me", nil, u.Token).want(t, 200, "")
		noSecrets(t, r, "correct horse")
		r.into(t, &me)
		if me.User == nil || me.User.ID != u.ID || me.Profile == nil || me.Profile.Nickname != u.Nickname || me.Profile.Role != meetpin.RoleUser {
			t.Fatalf("me by bearer: %s", r.Data)
		}
		s.withCookie("GET", "/api/auth/me", nil, u.Token, nil).want(t, 200, "").into(t, &me)
		if me.User.ID != u.ID {
			t.Fatalf("me by cookie: %+v", me.User)
		}
		s.call("GET", "/api/auth/me", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.call("GET", "/api/auth/me", nil, "not-a-token").wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.call("GET", "/api/auth/me", nil, strings.Repeat("t", 500)).wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.request("GET", "/api/auth/me", "", nil, map[string]string{"Authorization": "Basic " + u.Token}).wantError(t, 401, meetpin.EUNAUTHORIZED)
		// An unknown cookie is refused and cleared.
		r = s.withCookie("GET", "/api/auth/me", nil, "stale-cookie-value", nil).wantError(t, 401, meetpin.EUNAUTHORIZED)
		if c := sessionCookie(r); c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Fatalf("stale cookie not cleared: %+v", c)
		}

		// Logout by bearer ends the session for the bearer and the cookie alike.
		r = s.call("POST", "/api/auth/logout", nil, u.Token).want(t, 200, "")
		if c := sessionCookie(r); c == nil || c.MaxAge >= 0 {
			t.Fatalf("logout did not clear the cookie: %+v", c)
		}
		s.call("GET", "/api/auth/me", nil, u.Token).wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.withCookie("GET", "/api/auth/me", nil, u.Token, nil).wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.call("POST", "/api/auth/logout", nil, u.Token).wantError(t, 401, meetpin.EUNAUTHORIZED)

		// Logout by cookie (same origin) ends it for the bearer too, and
		// leaves the user's other sessions alone.
		login := func() string {
			var d authData
			s.call("POST", "/api/auth/login", map[string]any{"email": "sessionuser@example.com", "password": "correct horse"}, "").want(t, 200, "").into(t, &d)
			return d.Token
		}
		one, two := login(), login()
		s.withCookie("POST", "/api/auth/logout", nil, one, map[string]string{"Origin": s.URL}).want(t, 200, "")
		s.call("GET", "/api/auth/me", nil, one).wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.withCookie("GET", "/api/auth/me", nil, one, nil).wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.call("GET", "/api/auth/me", nil, two).want(t, 200, "")
	})
}

// plantSession stores a session for token directly, as the app would.
func plantSession(t *testing.T, store meetpin.Store, userID, token string, lastSeen, expires time.Time) {
	t.Helper()
	sum := sha256.Sum256([]byte(token))
	err := store.CreateSession(t.Context(), &meetpin.Session{
		TokenHash: hex.EncodeToString(sum[:]), UserID: userID,
		CreatedAt: lastSeen.UTC().Truncate(time.Millisecond), LastSeenAt: lastSeen.UTC().Truncate(time.Millisecond),
		ExpiresAt: expires.UTC().Truncate(time.Millisecond),
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestExpiredSession(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("expiring")
		now := time.Now()

		// A planted live session works, so the planting is right …
		plantSession(t, store, u.ID, "planted-live-token-0123456789abcdef", now, now.Add(time.Hour))
		s.call("GET", "/api/auth/me", nil, "planted-live-token-0123456789abcdef").want(t, 200, "")

		// … and an expired one does not, by bearer or by cookie.
		plantSession(t, store, u.ID, "planted-expired-token-0123456789ab", now.Add(-3*time.Hour), now.Add(-time.Minute))
		s.call("GET", "/api/auth/me", nil, "planted-expired-token-0123456789ab").wantError(t, 401, meetpin.EUNAUTHORIZED)
		r := s.withCookie("GET", "/api/auth/me", nil, "planted-expired-token-0123456789ab", nil).wantError(t, 401, meetpin.EUNAUTHORIZED)
		if c := sessionCookie(r); c == nil || c.MaxAge >= 0 {
			t.Fatalf("expired cookie not cleared: %+v", c)
		}
		s.call("PATCH", "/api/profile", map[string]any{"intro": "late"}, "planted-expired-token-0123456789ab").wantError(t, 401, meetpin.EUNAUTHORIZED)

		// A session idle for over an hour slides forward; by cookie, the
		// cookie is sent again.
		plantSession(t, store, u.ID, "planted-idle-token-0123456789abcde", now.Add(-2*time.Hour), now.Add(10*time.Minute))
		r = s.withCookie("GET", "/api/auth/me", nil, "planted-idle-token-0123456789abcde", nil).want(t, 200, "")
		if c := sessionCookie(r); c == nil || c.Value != "planted-idle-token-0123456789abcde" || c.MaxAge <= 0 {
			t.Fatalf("renewed session did not re-send the cookie: %+v", c)
		}
		sum := sha256.Sum256([]byte("planted-idle-token-0123456789abcde"))
		sess, err := store.SessionByTokenHash(t.Context(), hex.EncodeToString(sum[:]), now)
		if err != nil || !sess.ExpiresAt.After(now.Add(30*time.Minute)) {
			t.Fatalf("session not renewed: %+v %v", sess, err)
		}
	})
}

// TestCSRF: cookie-authenticated writes must come from our own origin;
// bearer requests are not affected.
func TestCSRF(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("csrfVictim")
		evil := map[string]string{"Origin": "https://evil.example"}
		crossSite := map[string]string{"Sec-Fetch-Site": "cross-site"}
		sameOrigin := map[string]string{"Origin": s.URL}
		sameSite := map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": s.URL}

		for _, h := range []map[string]string{evil, crossSite} {
			s.withCookie("PATCH", "/api/profile", map[string]any{"intro": "pwned"}, u.Token, h).wantError(t, 403, meetpin.EFORBIDDEN)
			s.withCookie("POST", "/api/rooms", roomBody(nil), u.Token, h).wantError(t, 403, meetpin.EFORBIDDEN)
			s.withCookie("DELETE", "/api/profile/avatar", nil, u.Token, h).wantError(t, 403, meetpin.EFORBIDDEN)
			s.withCookie("POST", "/api/auth/logout", nil, u.Token, h).wantError(t, 403, meetpin.EFORBIDDEN)
			// Login CSRF: a foreign page cannot sign the browser in either.
			s.request("POST", "/api/auth/login", "application/json",
				strings.NewReader(`{"email":"csrfvictim@example.com","password":"correct horse"}`), h).wantError(t, 403, meetpin.EFORBIDDEN)
			// Reading is fine.
			s.withCookie("GET", "/api/profile", nil, u.Token, h).want(t, 200, "")
		}
		var p meetpin.Profile
		s.call("GET", "/api/profile", nil, u.Token).want(t, 200, "").into(t, &p)
		if p.Intro != "" {
			t.Fatalf("a cross-origin write changed the profile: %q", p.Intro)
		}
		if rooms, err := store.RoomsByHost(t.Context(), u.ID); err != nil || len(rooms) != 0 {
			t.Fatalf("a cross-origin write created %d rooms (%v)", len(rooms), err)
		}
		s.call("GET", "/api/auth/me", nil, u.Token).want(t, 200, "") // not logged out

		// Same origin works, with or without Sec-Fetch-Site.
		s.withCookie("PATCH", "/api/profile", map[string]any{"intro": "from home"}, u.Token, sameOrigin).want(t, 200, "").into(t, &p)
		s.withCookie("PATCH", "/api/profile", map[string]any{"intro": "from home 2"}, u.Token, sameSite).want(t, 200, "").into(t, &p)
		if p.Intro != "from home 2" {
			t.Fatalf("same-origin edit: %q", p.Intro)
		}
		// A bearer token is never sent by a browser on its own: a foreign
		// Origin does not matter.
		r := s.request("PATCH", "/api/profile", "application/json", strings.NewReader(`{"intro":"from an app"}`),
			map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site", "Authorization": "Bearer " + u.Token})
		r.want(t, 200, "").into(t, &p)
		if p.Intro != "from an app" {
			t.Fatalf("bearer edit: %q", p.Intro)
		}
	})
}

// TestCSRFSiteURL: behind a proxy the Host header is not the public one;
// the configured SITE_URL is then trusted as our origin, and only it.
func TestCSRFSiteURL(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s, _, _ := newServerEnv(t, store, map[string]string{"SITE_URL": "https://meetpin.example/"})
		u := s.signup("proxied")
		for origin, status := range map[string]int{
			"https://meetpin.example":           200,
			"https://meetpin.example.evil.test": 403,
			"http://meetpin.example":            403,
			"https://evil.example":              403,
		} {
			r := s.withCookie("PATCH", "/api/profile", map[string]any{"intro": origin}, u.Token,
				map[string]string{"Origin": origin, "Sec-Fetch-Site": "cross-site"})
			if r.Status != status {
				t.Errorf("Origin %s: %d, want %d (%s)", origin, r.Status, status, r.Raw)
			}
		}
		if p := getProfile(t, s, u.Token); p.Intro != "https://meetpin.example" {
			t.Fatalf("intro %q", p.Intro)
		}
	})
}

func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestLoginAccountLimit is the distributed guess of issue 14: sign-in
// attempts on one account are limited whatever the client IP (each try
// here comes from another X-Forwarded-For behind a trusted proxy, so the
// per-IP auth limit never sees two from one address). The eleventh attempt
// is 429 even with the right password; other accounts are not affected.
func TestLoginAccountLimit(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s, _ := newLimitedServer(t, store, map[string]string{"MEETPIN_TRUSTED_PROXIES": "127.0.0.1/32,::1/128"})
		s.appUser("guessed")
		s.appUser("bystander")
		login := func(i int, email, pw string) *reply {
			body := strings.NewReader(mustJSON(t, map[string]any{"email": email, "password": pw}))
			return s.request("POST", "/api/auth/login", "application/json", body,
				map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i)})
		}
		for i := range 10 {
			login(i, "guessed@example.com", fmt.Sprintf("guess number %d", i)).wantError(t, 401, meetpin.EUNAUTHORIZED)
		}
		r := login(10, " GUESSED@example.com", "correct horse").wantError(t, 429, meetpin.ERATELIMIT)
		if wait, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || wait < 1 || wait > 15*60 {
			t.Fatalf("Retry-After %q", r.Header.Get("Retry-After"))
		}
		login(11, "bystander@example.com", "correct horse").want(t, 200, "")
	})
}
