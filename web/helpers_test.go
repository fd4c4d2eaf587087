package web_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/config"
	"meetpin.app/inmem"
	"meetpin.app/postgres/postgrestest"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/web"
)

// engines runs fn once per storage engine: SQLite always, PostgreSQL when
// MEETPIN_TEST_DATABASE_URL is set (and always under CI). It is for the
// journeys and the authorization matrix, whose answers depend on what each
// engine stores; a rule that does not depend on the engine takes
// sqliteOnly.
func engines(t *testing.T, fn func(t *testing.T, store meetpin.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, sqlitetest.New(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, postgrestest.New(t))
	})
}

// sqliteOnly runs fn on SQLite only, for the rules that do not depend on
// the engine: validation, the envelope, headers, CSRF, tokens and rate
// limits. Running them on PostgreSQL as well costs CI time and proves
// nothing more: the stores' own behaviour is meetpintest's conformance
// suite, which both engines run.
func sqliteOnly(t *testing.T, fn func(t *testing.T, store meetpin.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, sqlitetest.New(t))
	})
}

// testServer is a real meetpin HTTP server on a loopback port.
type testServer struct {
	t     testing.TB
	URL   string
	App   *app.App
	Store meetpin.Store
	Srv   *web.Server
	// Close stops the server and waits for every request to finish.
	Close func()
}

// newServer returns a server on store with the in-process cache on, as
// served: every write followed by a read anywhere in the tests also checks
// the cache's invalidation.
func newServer(t testing.TB, store meetpin.Store) *testServer {
	t.Helper()
	return newServerWith(t, store, nil, inmem.NewCache(64<<20))
}

// newServerWith is newServer with more environment variables and the given
// cache (nil: caching off).
func newServerWith(t testing.TB, store meetpin.Store, env map[string]string, cache meetpin.Cache) *testServer {
	t.Helper()
	return buildServer(t, store, serverOpts{env: env, cache: cache})
}

// newServerEdit is newServer with the app's and the server's options
// changed by edit.
func newServerEdit(t testing.TB, store meetpin.Store, edit func(*app.Options, *web.Options)) *testServer {
	t.Helper()
	return buildServer(t, store, serverOpts{cache: inmem.NewCache(64 << 20), edit: edit})
}

// serverOpts are the ways test servers differ.
type serverOpts struct {
	env   map[string]string                // configuration variables beside MEETPIN_DATA_DIR
	cache meetpin.Cache                    // nil: caching off
	log   io.Writer                        // where the JSON log goes; nil: nowhere
	edit  func(*app.Options, *web.Options) // last changes to the options
}

// buildServer is the one place a test server is put together: a real app
// and web server on store, an in-process broker, on a loopback port.
func buildServer(t testing.TB, store meetpin.Store, o serverOpts) *testServer {
	t.Helper()
	e := map[string]string{"MEETPIN_DATA_DIR": t.TempDir()}
	for k, v := range o.env {
		e[k] = v
	}
	cfg, err := config.Load(func(k string) string { return e[k] })
	if err != nil {
		t.Fatal(err)
	}
	if o.log == nil {
		o.log = io.Discard
	}
	log := slog.New(slog.NewJSONHandler(o.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	broker := inmem.NewBroker()
	t.Cleanup(func() { broker.Close() })
	ao := app.Options{PasswordCost: bcrypt.MinCost, SessionTTL: time.Hour, Broker: broker, Cache: o.cache, SiteURL: cfg.SiteURL}
	wo := web.Options{Log: log, Config: cfg, Store: store, MediaDir: t.TempDir(), Broker: broker, Heartbeat: time.Second, Cache: o.cache}
	if o.edit != nil {
		o.edit(&ao, &wo)
	}
	a := app.New(store, log, ao)
	wo.App = a
	srv := web.New(wo)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return &testServer{t: t, URL: hs.URL, App: a, Store: store, Srv: srv, Close: hs.Close}
}

// with returns the server bound to a subtest, so failures land there.
func (s *testServer) with(t *testing.T) *testServer {
	c := *s
	c.t = t
	return &c
}

// reply is a decoded API answer.
type reply struct {
	Status  int
	Header  http.Header
	OK      bool            `json:"ok"`
	Code    meetpin.Code    `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data"`
	Raw     string
}

// into decodes the data of a reply.
func (r *reply) into(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decoding data %s: %v", r.Data, err)
	}
}

// call sends a request with an optional JSON body (a string is sent as is)
// and bearer token.
func (s *testServer) call(method, path string, body any, token string) *reply {
	s.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return s.do(req)
}

func (s *testServer) do(req *http.Request) *reply {
	s.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &reply{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, r); err != nil {
			s.t.Fatalf("%s %s: invalid JSON %q: %v", req.Method, req.URL.Path, raw, err)
		}
	}
	return r
}

// want fails unless the reply has the status (and, for errors, the code).
func (r *reply) want(t testing.TB, status int, code meetpin.Code) *reply {
	t.Helper()
	if r.Status != status || r.Code != code {
		t.Fatalf("got %d %q (%s), want %d %q", r.Status, r.Code, r.Raw, status, code)
	}
	return r
}

// user is a signed-up test user.
type user struct {
	ID, Token, Nickname string
}

func (s *testServer) signup(nick string) user {
	s.t.Helper()
	r := s.call("POST", "/api/auth/signup", map[string]any{
		"email": strings.ToLower(nick) + "@example.com", "password": "correct horse", "nickname": nick,
	}, "").want(s.t, 201, "")
	var d struct {
		User  meetpin.User `json:"user"`
		Token string       `json:"token"`
	}
	r.into(s.t, &d)
	return user{ID: d.User.ID, Token: d.Token, Nickname: nick}
}

// roomBody is a valid room creation body, changed by the given edits.
func roomBody(edits map[string]any) map[string]any {
	b := map[string]any{
		"title": "강남 맥주 한잔", "category": "drink", "lat": 37.4979, "lng": 127.0276,
		"place_text": "강남역 11번 출구", "start_at": time.Now().Add(3 * time.Hour).Format(time.RFC3339),
		"max_people": 4, "fee": 10000, "visibility": "public", "description": "<b>편하게</b> 오세요",
	}
	for k, v := range edits {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

const seoulBBox = "37.45,126.82,37.68,127.18"
const busanBBox = "35.0,128.9,35.3,129.2"
