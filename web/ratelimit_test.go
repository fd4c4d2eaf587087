package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/inmem"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/web"
)

// newLimitedServer is newServer with rate limits on (an in-process
// limiter), configured by env, and its log captured.
func newLimitedServer(t *testing.T, store meetpin.Store, env map[string]string) (*testServer, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	s := buildServer(t, store, serverOpts{env: env, log: logs, edit: func(_ *app.Options, wo *web.Options) { wo.Limiter = inmem.NewLimiter(0) }})
	return s, logs
}

// appUser creates a user through the app layer, which no rate limit sees.
func (s *testServer) appUser(nick string) user {
	s.t.Helper()
	res, err := s.App.Signup(context.Background(), app.SignupInput{Email: strings.ToLower(nick) + "@example.com", Password: "correct horse", Nickname: nick})
	if err != nil {
		s.t.Fatal(err)
	}
	return user{ID: res.User.ID, Token: res.Token, Nickname: nick}
}

// wantLimit fails unless the reply carries the RateLimit headers of a
// class of limit per window with remaining places left.
func (r *reply) wantLimit(t testing.TB, limit, remaining int, window time.Duration) *reply {
	t.Helper()
	l, _ := strconv.Atoi(r.Header.Get("RateLimit-Limit"))
	rem, err := strconv.Atoi(r.Header.Get("RateLimit-Remaining"))
	reset, _ := strconv.Atoi(r.Header.Get("RateLimit-Reset"))
	if l != limit || err != nil || rem != remaining || reset < 1 || reset > int(window.Seconds()) {
		t.Fatalf("RateLimit-Limit %q, -Remaining %q, -Reset %q: want %d, %d and 1…%.0f (reply %d %s)",
			r.Header.Get("RateLimit-Limit"), r.Header.Get("RateLimit-Remaining"), r.Header.Get("RateLimit-Reset"),
			limit, remaining, window.Seconds(), r.Status, r.Raw)
	}
	return r
}

// wantRefused fails unless the reply is the 429 of a class of limit per
// window: the error envelope, Retry-After and the RateLimit headers.
func (r *reply) wantRefused(t testing.TB, limit int, window time.Duration) *reply {
	t.Helper()
	r.wantError(t, http.StatusTooManyRequests, meetpin.ERATELIMIT)
	r.wantLimit(t, limit, 0, window)
	retry, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || retry < 1 || retry > int(window.Seconds()) {
		t.Fatalf("Retry-After %q, want 1…%.0f seconds", r.Header.Get("Retry-After"), window.Seconds())
	}
	return r
}

// wantUnlimited fails if the reply carries any rate-limit header.
func (r *reply) wantUnlimited(t testing.TB) *reply {
	t.Helper()
	for _, h := range []string{"RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After"} {
		if v := r.Header.Get(h); v != "" {
			t.Fatalf("%s: %s on a reply that no limit applies to (%d %s)", h, v, r.Status, r.Raw)
		}
	}
	return r
}

// TestRateLimitClasses trips every per-route class at its limit, with the
// right headers on the answers before and on the 429.
func TestRateLimitClasses(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		const minute = time.Minute
		s, _ := newLimitedServer(t, store, map[string]string{
			"MEETPIN_RATELIMIT_API": "1000/1m", "MEETPIN_RATELIMIT_AUTH": "3/1m", "MEETPIN_RATELIMIT_ROOMS": "2/1m",
			"MEETPIN_RATELIMIT_MESSAGES": "3/1m", "MEETPIN_RATELIMIT_UPLOADS": "2/1m",
		})

		t.Run("auth", func(t *testing.T) {
			s := s.with(t)
			// Signups and logins share one count per IP; a failed login counts.
			s.signup("authA")
			s.call("POST", "/api/auth/login", map[string]any{"email": "autha@example.com", "password": "wrong password"}, "").
				wantError(t, 401, meetpin.EUNAUTHORIZED).wantLimit(t, 3, 1, minute)
			s.call("POST", "/api/auth/login", map[string]any{"email": "autha@example.com", "password": "correct horse"}, "").
				want(t, 200, "").wantLimit(t, 3, 0, minute)
			s.call("POST", "/api/auth/login", map[string]any{"email": "autha@example.com", "password": "correct horse"}, "").wantRefused(t, 3, minute)
			s.call("POST", "/api/auth/signup", map[string]any{"email": "authb@example.com", "password": "correct horse", "nickname": "authB"}, "").
				wantRefused(t, 3, minute)
		})

		host, guest, other := s.appUser("limitHost"), s.appUser("limitGuest"), s.appUser("limitOther")
		t.Run("rooms", func(t *testing.T) {
			s := s.with(t)
			for i := range 2 {
				s.call("POST", "/api/rooms", roomBody(nil), host.Token).want(t, 201, "").wantLimit(t, 2, 1-i, minute)
			}
			s.call("POST", "/api/rooms", roomBody(nil), host.Token).wantRefused(t, 2, minute)
			// Per user: another user still creates rooms.
			s.call("POST", "/api/rooms", roomBody(nil), other.Token).want(t, 201, "").wantLimit(t, 2, 1, minute)
			// Reading is only in the api class.
			if r := s.call("GET", "/api/rooms/my", nil, host.Token).want(t, 200, ""); r.Header.Get("RateLimit-Limit") != "1000" {
				t.Fatalf("GET /api/rooms/my shows RateLimit-Limit %q, want the api class (1000)", r.Header.Get("RateLimit-Limit"))
			}
		})

		t.Run("messages", func(t *testing.T) {
			s := s.with(t)
			match := s.accept(other, s.joinRoom(guest, s.createRoomApp(other)))
			// Chat and host messages share one count per user.
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "안녕하세요"}, guest.Token).want(t, 201, "").wantLimit(t, 3, 2, minute)
			s.call("POST", "/api/host-messages", map[string]any{"roomId": s.createRoomApp(host), "message": "질문 있어요"}, guest.Token).
				want(t, 201, "").wantLimit(t, 3, 1, minute)
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": ""}, guest.Token).
				wantError(t, 400, meetpin.EVALIDATION).wantLimit(t, 3, 0, minute)
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "또 왔어요"}, guest.Token).wantRefused(t, 3, minute)
			s.call("POST", "/api/host-messages", map[string]any{"roomId": s.createRoomApp(host), "message": "또"}, guest.Token).wantRefused(t, 3, minute)
			s.call("POST", "/api/matches/"+match+"/messages", map[string]any{"text": "답장"}, other.Token).want(t, 201, "").wantLimit(t, 3, 2, minute)
		})

		t.Run("uploads", func(t *testing.T) {
			s := s.with(t)
			s.upload(guest.Token, "avatar", "me.png", "image/png", pngBytes(t, 32, 32)).want(t, 200, "").wantLimit(t, 2, 1, minute)
			s.request("POST", "/api/profile/avatar", "image/png", strings.NewReader("not multipart"), map[string]string{"Authorization": "Bearer " + guest.Token}).
				wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA).wantLimit(t, 2, 0, minute)
			s.upload(guest.Token, "avatar", "me.png", "image/png", pngBytes(t, 32, 32)).wantRefused(t, 2, minute)
			// Anonymous uploads are not counted per user; they are refused.
			s.upload("", "avatar", "me.png", "image/png", pngBytes(t, 32, 32)).wantError(t, 401, meetpin.EUNAUTHORIZED)
			s.upload(host.Token, "avatar", "me.png", "image/png", pngBytes(t, 32, 32)).want(t, 200, "").wantLimit(t, 2, 1, minute)
		})

		want := map[string]int64{"api": 0, "auth": 2, "rooms": 1, "messages": 2, "uploads": 1, "account": 0}
		if got := s.Srv.Rejections(); !equalCounts(got, want) {
			t.Errorf("Rejections() = %v, want %v", got, want)
		}
	})
}

// createRoomApp creates a room for u through the app layer, outside the
// rooms class, and returns its id.
func (s *testServer) createRoomApp(u user) string {
	s.t.Helper()
	ctx := context.Background()
	usr, _, err := s.App.Authenticate(ctx, u.Token)
	if err != nil {
		s.t.Fatal(err)
	}
	var in app.RoomInput
	b, _ := json.Marshal(roomBody(nil))
	if err := json.Unmarshal(b, &in); err != nil {
		s.t.Fatal(err)
	}
	room, err := s.App.CreateRoom(ctx, usr, in)
	if err != nil {
		s.t.Fatal(err)
	}
	return room.ID
}

func equalCounts(a, b map[string]int64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestRateLimitAPI: the api class counts every /api/ request of a client,
// unknown routes and errors included, but never the probes nor anything
// outside /api/.
func TestRateLimitAPI(t *testing.T) {
	s, _ := newLimitedServer(t, sqlitetest.New(t), map[string]string{"MEETPIN_RATELIMIT_API": "3/1m"})
	s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").want(t, 200, "").wantLimit(t, 3, 2, time.Minute)
	s.call("GET", "/api/no-such-route", nil, "").wantError(t, 404, meetpin.ENOTFOUND).wantLimit(t, 3, 1, time.Minute)
	s.call("GET", "/api/rooms?bbox=nonsense", nil, "").wantError(t, 400, meetpin.EVALIDATION).wantLimit(t, 3, 0, time.Minute)
	s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").wantRefused(t, 3, time.Minute)
	s.call("GET", "/api/no-such-route", nil, "").wantRefused(t, 3, time.Minute)
	// A signed-in client is counted by IP in this class too.
	s.call("GET", "/api/auth/me", nil, s.appUser("apiUser").Token).wantRefused(t, 3, time.Minute)
	for _, p := range []string{"/api/livez", "/api/healthz", "/api/readyz", "/api/ready", "/api/health", "/api/status"} {
		for range 5 {
			res, err := http.Get(s.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			(&reply{Status: res.StatusCode, Header: res.Header}).wantUnlimited(t)
			if res.StatusCode == 429 || (res.StatusCode != 200 && !strings.Contains("/api/health /api/status", p)) {
				t.Fatalf("probe %s: %d", p, res.StatusCode)
			}
		}
	}
	s.call("GET", "/media/avatars/nothing.jpg", nil, "").wantUnlimited(t)
	if got := s.Srv.Rejections()["api"]; got != 3 {
		t.Errorf("Rejections()[api] = %d, want 3", got)
	}
}

// TestRateLimitOff: MEETPIN_RATELIMIT=off turns every limit off even with
// a limiter, and a server without a limiter (as in most tests) limits
// nothing; with a limiter and the defaults, the production limits hold.
func TestRateLimitOff(t *testing.T) {
	signups := func(s *testServer, tag string, n int) *reply {
		var r *reply
		for i := range n {
			nick := tag + strconv.Itoa(i)
			r = s.call("POST", "/api/auth/signup", map[string]any{"email": nick + "@example.com", "password": "correct horse", "nickname": nick}, "")
			if i < n-1 {
				r.want(t, 201, "")
			}
		}
		return r
	}
	off, _ := newLimitedServer(t, sqlitetest.New(t), map[string]string{"MEETPIN_RATELIMIT": "off"})
	signups(off, "off", 8).want(t, 201, "").wantUnlimited(t)

	none := newServer(t, sqlitetest.New(t))
	signups(none, "none", 8).want(t, 201, "").wantUnlimited(t)

	on, _ := newLimitedServer(t, sqlitetest.New(t), nil)
	signups(on, "on", 5).want(t, 201, "").wantLimit(t, 5, 0, 15*time.Minute)
	signups(on, "late", 1).wantRefused(t, 5, 15*time.Minute)
}

// TestRateLimitSpoofedForwardedFor: without trusted proxies, a client that
// makes up X-Forwarded-For is still counted by its own address.
func TestRateLimitSpoofedForwardedFor(t *testing.T) {
	s, _ := newLimitedServer(t, sqlitetest.New(t), map[string]string{"MEETPIN_RATELIMIT_API": "3/1m"})
	get := func(xff ...string) *reply {
		req, _ := http.NewRequest("GET", s.URL+"/api/rooms?bbox="+seoulBBox, nil)
		for _, v := range xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		return s.do(req)
	}
	get("203.0.113.1").want(t, 200, "").wantLimit(t, 3, 2, time.Minute)
	get("203.0.113.2").want(t, 200, "").wantLimit(t, 3, 1, time.Minute)
	get().want(t, 200, "").wantLimit(t, 3, 0, time.Minute)
	for _, xff := range [][]string{{"203.0.113.3"}, {"198.51.100.1, 203.0.113.4"}, {"2001:db8::1"}, {"127.0.0.2"}, {"garbage"}, {"10.0.0.1", "10.0.0.2"}} {
		get(xff...).wantRefused(t, 3, time.Minute)
	}
}

// TestRateLimitTrustedProxy: behind trusted proxies, X-Forwarded-For read
// from the right decides the client; what a client writes left of its own
// address changes nothing. IPv6 clients are counted by /64. The client
// address never reaches the log.
func TestRateLimitTrustedProxy(t *testing.T) {
	s, logs := newLimitedServer(t, sqlitetest.New(t), map[string]string{
		"MEETPIN_RATELIMIT_API": "2/1m", "MEETPIN_TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8",
	})
	get := func(xff ...string) *reply {
		req, _ := http.NewRequest("GET", s.URL+"/api/rooms?bbox="+seoulBBox, nil)
		for _, v := range xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		return s.do(req)
	}
	get("203.0.113.1").want(t, 200, "").wantLimit(t, 2, 1, time.Minute)
	get("198.51.100.9, 203.0.113.1").want(t, 200, "").wantLimit(t, 2, 0, time.Minute)
	for _, xff := range [][]string{
		{"203.0.113.1"},
		{"192.0.2.77, 203.0.113.1"},              // a made-up entry left of the real one
		{"203.0.113.1, 10.1.2.3"},                // a trusted hop is skipped
		{"203.0.113.1", "10.0.0.9"},              // two header lines are one list
		{"203.0.113.1:41000"},                    // with a port
		{"::ffff:203.0.113.1"},                   // IPv4-mapped
		{"2001:db8:9::1, 203.0.113.1, 10.0.0.1"}, // everything left of the client is ignored
	} {
		get(xff...).wantRefused(t, 2, time.Minute)
	}
	get("203.0.113.2").want(t, 200, "").wantLimit(t, 2, 1, time.Minute)
	get().want(t, 200, "").wantLimit(t, 2, 1, time.Minute) // the proxy itself is a client too

	// IPv6: one count per /64.
	get("2001:db8:1:2::1").want(t, 200, "").wantLimit(t, 2, 1, time.Minute)
	get("[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443").want(t, 200, "").wantLimit(t, 2, 0, time.Minute)
	get("2001:db8:1:2::ffff").wantRefused(t, 2, time.Minute)
	get("2001:db8:1:3::1").want(t, 200, "").wantLimit(t, 2, 1, time.Minute)

	for _, ip := range []string{"203.0.113.1", "203.0.113.2", "2001:db8:1:2"} {
		if strings.Contains(logs.String(), ip) {
			t.Fatalf("the log holds the client address %s:\n%s", ip, logs)
		}
	}
}

// TestRateLimitProxyHint: an untrusted loopback or private peer that sends
// X-Forwarded-For is most likely a proxy missing from
// MEETPIN_TRUSTED_PROXIES; the log says so, once.
func TestRateLimitProxyHint(t *testing.T) {
	s, logs := newLimitedServer(t, sqlitetest.New(t), nil)
	for range 3 {
		req, _ := http.NewRequest("GET", s.URL+"/api/rooms?bbox="+seoulBBox, nil)
		req.Header.Set("X-Forwarded-For", "203.0.113.1")
		s.do(req).want(t, 200, "")
	}
	if n := strings.Count(logs.String(), "MEETPIN_TRUSTED_PROXIES"); n != 1 {
		t.Fatalf("hint logged %d times, want once:\n%s", n, logs)
	}
}
