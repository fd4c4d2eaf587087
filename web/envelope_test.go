package web_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"meetpin.app"
)

// logBuffer collects a server's log output; safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// records returns the JSON log records written so far.
func (b *logBuffer) records(t *testing.T) []map[string]any {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(b.buf.Bytes()))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q", sc.Text())
		}
		out = append(out, rec)
	}
	return out
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedServer is newServer with the log captured. stop closes the
// server and waits for every request to finish, so that every access-log
// line has been written when it returns.
func newLoggedServer(t *testing.T, store meetpin.Store) (s *testServer, logs *logBuffer, stop func()) {
	t.Helper()
	return newServerEnv(t, store, nil)
}

// newServerEnv is newLoggedServer with extra configuration variables.
func newServerEnv(t *testing.T, store meetpin.Store, env map[string]string) (s *testServer, logs *logBuffer, stop func()) {
	t.Helper()
	logs = &logBuffer{}
	s = buildServer(t, store, serverOpts{env: env, log: logs})
	return s, logs, s.Close
}

// request sends a raw request with the given headers.
func (s *testServer) request(method, path, contentType string, body io.Reader, header map[string]string) *reply {
	s.t.Helper()
	req, err := http.NewRequest(method, s.URL+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return s.do(req)
}

// wantError checks the shape every error answer has: JSON, and exactly
// {"ok":false,"code":…,"message":…} (plus "fields" for validation).
func (r *reply) wantError(t testing.TB, status int, code meetpin.Code) *reply {
	t.Helper()
	r.want(t, status, code)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q", ct)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal([]byte(r.Raw), &body); err != nil {
		t.Fatalf("error body %q: %v", r.Raw, err)
	}
	if string(body["ok"]) != "false" || r.Message == "" {
		t.Fatalf("error body %s", r.Raw)
	}
	for k := range body {
		if !slices.Contains([]string{"ok", "code", "message", "fields"}, k) {
			t.Fatalf("error body has %q: %s", k, r.Raw)
		}
	}
	return r
}

// wantField checks a 400 VALIDATION_ERROR that names field.
func (r *reply) wantField(t *testing.T, field string) *reply {
	t.Helper()
	r.wantError(t, 400, meetpin.EVALIDATION)
	if !strings.Contains(r.Message, field) {
		t.Fatalf("message %q does not name %s", r.Message, field)
	}
	return r
}

// TestBadBodies sends malformed bodies to a public write route (signup) and
// to a signed-in one (profile edit).
func TestBadBodies(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("bodyCheck")
		big := `{"intro":"` + strings.Repeat("x", 65<<10) + `"}`
		cases := []struct {
			name, contentType, body string
			status                  int
			code                    meetpin.Code
			field                   string
		}{
			{"malformed", "application/json", `{"email":`, 400, meetpin.EINVALIDJSON, ""},
			{"not JSON at all", "application/json", `email=a@b.co`, 400, meetpin.EINVALIDJSON, ""},
			{"empty", "application/json", ``, 400, meetpin.EINVALIDJSON, ""},
			{"only spaces", "application/json", "  \n", 400, meetpin.EINVALIDJSON, ""},
			{"trailing garbage", "application/json", `{"intro":"hi"} trailing`, 400, meetpin.EINVALIDJSON, ""},
			{"two objects", "application/json", `{"intro":"a"}{"intro":"b"}`, 400, meetpin.EINVALIDJSON, ""},
			{"array", "application/json", `[{"intro":"hi"}]`, 400, meetpin.EINVALIDJSON, ""},
			{"string", "application/json", `"hi"`, 400, meetpin.EINVALIDJSON, ""},
			{"unknown field", "application/json", `{"intro":"hi","favourite_colour":"blue"}`, 400, meetpin.EVALIDATION, "favourite_colour"},
			{"wrong type", "application/json", `{"intro":42}`, 400, meetpin.EVALIDATION, "intro"},
			{"wrong type, nullable", "application/json", `{"age_range":30}`, 400, meetpin.EVALIDATION, "age_range"},
			{"wrong type, object", "application/json", `{"nickname":{"a":1}}`, 400, meetpin.EVALIDATION, "nickname"},
			{"over 64 KiB", "application/json", big, 413, meetpin.EPAYLOADTOOLARGE, ""},
			{"text/plain", "text/plain", `{"intro":"hi"}`, 415, meetpin.EUNSUPPORTEDMEDIA, ""},
			{"form", "application/x-www-form-urlencoded", `intro=hi`, 415, meetpin.EUNSUPPORTEDMEDIA, ""},
			{"bad media type", "application/", `{"intro":"hi"}`, 415, meetpin.EUNSUPPORTEDMEDIA, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := s.request("PATCH", "/api/profile", c.contentType, strings.NewReader(c.body),
					map[string]string{"Authorization": "Bearer " + u.Token}).wantError(t, c.status, c.code)
				if c.field != "" && !strings.Contains(r.Message, c.field) {
					t.Fatalf("message %q does not name %s", r.Message, c.field)
				}
			})
		}
		var p meetpin.Profile
		s.call("GET", "/api/profile", nil, u.Token).want(t, 200, "").into(t, &p)
		if p.Intro != "" || p.AgeRange != nil {
			t.Fatalf("a rejected body changed the profile: %+v", p)
		}

		// The same rules hold on a public route, before any validation.
		signup := func(body string) *reply {
			return s.request("POST", "/api/auth/signup", "application/json", strings.NewReader(body), nil)
		}
		signup(`{"email":"late@example.com","password":"correct horse","nickname":"late"} {}`).wantError(t, 400, meetpin.EINVALIDJSON)
		signup(`{"email":"late@example.com","password":"correct horse","nickname":"late","role":"admin"}`).wantField(t, "role")
		signup(`{"email":"late@example.com","password":12345678,"nickname":"late"}`).wantField(t, "password")
		signup(`{"email":"late@example.com","password":"correct horse","nickname":"`+strings.Repeat("x", 70<<10)+`"}`).
			wantError(t, 413, meetpin.EPAYLOADTOOLARGE)
		s.request("POST", "/api/auth/signup", "text/plain", strings.NewReader(`{"email":"late@example.com","password":"correct horse","nickname":"late"}`), nil).
			wantError(t, 415, meetpin.EUNSUPPORTEDMEDIA)
		s.call("POST", "/api/auth/login", map[string]any{"email": "late@example.com", "password": "correct horse"}, "").
			wantError(t, 401, meetpin.EUNAUTHORIZED)
	})
}

// TestNoRoute: unknown API paths and wrong methods get JSON envelopes.
func TestNoRoute(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		u := s.signup("router")
		for _, c := range []struct{ method, path string }{
			{"GET", "/api/nope"},
			{"POST", "/api/nope/deeper"},
			{"GET", "/api/"},
			{"GET", "/api/rooms/x/y/z"},
			{"DELETE", "/api/authx/me"},
		} {
			s.call(c.method, c.path, nil, u.Token).wantError(t, 404, meetpin.ENOTFOUND)
		}
		for _, c := range []struct{ method, path, allow string }{
			{"PUT", "/api/rooms", "GET"},
			{"PUT", "/api/rooms", "POST"},
			{"DELETE", "/api/rooms", "GET"},
			{"GET", "/api/auth/signup", "POST"},
			{"DELETE", "/api/auth/login", "POST"},
			{"POST", "/api/auth/me", "GET"},
			{"PUT", "/api/profile", "PATCH"},
			{"PATCH", "/api/profile/stats", "GET"},
			{"POST", "/api/rooms/0190e7a4-0000-7000-8000-000000000000", "DELETE"},
			{"GET", "/api/profile/avatar", "POST"}, // GET /api/profile/{id} does not swallow it
		} {
			r := s.call(c.method, c.path, nil, u.Token)
			if c.path == "/api/profile/avatar" && r.Status == 404 {
				continue // also acceptable: GET /api/profile/{id} with id "avatar"
			}
			r.wantError(t, 405, meetpin.EMETHODNOTALLOWED)
			if allow := r.Header.Get("Allow"); !strings.Contains(allow, c.allow) {
				t.Errorf("%s %s: Allow %q does not list %s", c.method, c.path, allow, c.allow)
			}
		}
		// Outside /api/, a plain 404 is fine, but still with the headers.
		r := s.call("GET", "/nope", nil, "")
		if r.Status != 404 {
			t.Fatalf("GET /nope: %d", r.Status)
		}
		checkSecurityHeaders(t, r)
	})
}

func checkSecurityHeaders(t *testing.T, r *reply) {
	t.Helper()
	for k, want := range map[string]string{
		"X-Content-Type-Options":       "nosniff",
		"X-Frame-Options":              "DENY",
		"Referrer-Policy":              "strict-origin-when-cross-origin",
		"Cross-Origin-Opener-Policy":   "same-origin",
		"Cross-Origin-Resource-Policy": "same-origin",
	} {
		if got := r.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if pp := r.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "geolocation=(self)") {
		t.Errorf("Permissions-Policy = %q", pp)
	}
	if r.Header.Get("Strict-Transport-Security") != "" {
		t.Errorf("HSTS sent in development")
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q", csp)
	}
}

func TestSecurityHeaders(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		checkSecurityHeaders(t, s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").want(t, 200, ""))
		checkSecurityHeaders(t, s.call("GET", "/api/profile", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED))
		checkSecurityHeaders(t, s.call("GET", "/api/nope", nil, "").wantError(t, 404, meetpin.ENOTFOUND))
		checkSecurityHeaders(t, s.call("POST", "/api/auth/login", `{`, "").wantError(t, 400, meetpin.EINVALIDJSON))
		r := s.call("POST", "/api/auth/signup", map[string]any{"email": "h@example.com", "password": "correct horse", "nickname": "headers"}, "").want(t, 201, "")
		checkSecurityHeaders(t, r)
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("API answer Cache-Control %q", cc)
		}
	})
}

// TestRequestID: a safe client id is echoed and logged; an absent or
// unsafe one is replaced by a fresh id. The access log carries the id, the
// route pattern and the status.
func TestRequestID(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s, logs, stop := newLoggedServer(t, store)
		signup := `{"email":"rid@example.com","password":"correct horse","nickname":"requestId"}`

		sent := "trace-01HZX.abc_42"
		r := s.request("POST", "/api/auth/signup", "application/json", strings.NewReader(signup), map[string]string{"X-Request-ID": sent}).want(t, 201, "")
		if got := r.Header.Get("X-Request-ID"); got != sent {
			t.Fatalf("X-Request-ID %q, want echo of %q", got, sent)
		}
		var signed struct{ User meetpin.User }
		r.into(t, &signed)
		var token struct{ Token string }
		r.into(t, &token)
		s.request("GET", "/api/auth/me", "", nil, map[string]string{"X-Request-ID": "me-1", "Authorization": "Bearer " + token.Token}).want(t, 200, "")
		r404 := s.request("GET", "/api/nope", "", nil, map[string]string{"X-Request-ID": "probe-404"}).wantError(t, 404, meetpin.ENOTFOUND)
		if r404.Header.Get("X-Request-ID") != "probe-404" {
			t.Fatalf("404: X-Request-ID %q", r404.Header.Get("X-Request-ID"))
		}

		seen := map[string]bool{}
		unsafe := []string{
			"",
			"line\u2028break",
			"line\u0085break",
			"tab\there",
			strings.Repeat("a", 200),
			"<script>alert(1)</script>",
			"a b",
			`"quoted"`,
			"ünïcode",
		}
		generated := map[string]string{}
		for _, id := range unsafe {
			h := map[string]string{}
			if id != "" {
				h["X-Request-ID"] = id
			}
			r := s.request("GET", "/api/rooms?bbox="+seoulBBox, "", nil, h).want(t, 200, "")
			got := r.Header.Get("X-Request-ID")
			if got == "" || got == id || seen[got] || len(got) > 64 {
				t.Fatalf("sent %q, got X-Request-ID %q", id, got)
			}
			seen[got] = true
			generated[got] = id
		}
		stop()

		find := func(id string) map[string]any {
			t.Helper()
			for _, rec := range logs.records(t) {
				if rec["msg"] == "request" && rec["request_id"] == id {
					return rec
				}
			}
			t.Fatalf("no access-log line with request_id %q in:\n%s", id, logs)
			return nil
		}
		for id, want := range map[string]struct {
			route  string
			status float64
		}{
			sent:        {"POST /api/auth/signup", 201},
			"probe-404": {"/api/", 404},
		} {
			rec := find(id)
			if rec["route"] != want.route || rec["status"] != want.status || rec["method"] == "" {
				t.Errorf("access log for %s: %v", id, rec)
			}
		}
		if rec := find("me-1"); rec["user_id"] != signed.User.ID || rec["route"] != "GET /api/auth/me" || rec["level"] != "INFO" {
			t.Errorf("signed-in log line: %v (user %s)", rec, signed.User.ID)
		}
		if rec := find("probe-404"); rec["code"] != string(meetpin.ENOTFOUND) || rec["level"] != "INFO" {
			t.Errorf("404 log line: %v", rec)
		}
		for got := range generated {
			if rec := find(got); rec["route"] != "GET /api/rooms" || rec["status"] != float64(200) {
				t.Errorf("access log for %s: %v", got, rec)
			}
		}
		// Nothing the client sent as an unsafe id reaches the log, nor the
		// password.
		for _, rec := range logs.records(t) {
			for k, v := range rec {
				if s, ok := v.(string); ok && s != "" && slices.Contains(unsafe, s) {
					t.Errorf("unsafe request id %q reached the log as %s", s, k)
				}
			}
		}
		all := logs.String()
		if strings.Contains(all, strings.Repeat("a", 65)) {
			t.Error("the 200-character request id reached the log")
		}
		if strings.Contains(all, "correct horse") {
			t.Error("a password reached the log")
		}
	})
}
