package web_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/web"
)

// probes are the paths an orchestrator must always reach.
var probes = []string{"/api/livez", "/api/healthz", "/api/readyz", "/api/ready", "/api/health", "/api/status"}

// samplePath turns a route pattern into a path that reaches it.
func samplePath(pattern string) (method, path string) {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "GET", pattern
	}
	r := strings.NewReplacer("{id}", "00000000-0000-4000-8000-000000000000", "{uid}", "00000000-0000-4000-8000-000000000001",
		"{job}", "sessions", "{file}", "x.jpg", "{path...}", "x.css", "{doc}", "terms", "{$}", "")
	return method, r.Replace(path)
}

// TestRoutePolicyTable: the declared policies hold the invariants the rest
// of the server relies on. Every /api/ route but the probes counts against
// the per-IP api class; probes, pages, static files and media are never
// limited; /static and /media never read a session; a per-user class sits
// only on a route that needs a user (else it would count nothing).
func TestRoutePolicyTable(t *testing.T) {
	s := newServer(t, sqlitetest.New(t))
	pol := web.RoutePolicies(s.Srv)
	if len(pol) < 80 {
		t.Fatalf("%d routes declared: routes.go not read?", len(pol))
	}
	for pattern, p := range pol {
		_, path := samplePath(pattern)
		api := strings.HasPrefix(path, "/api/")
		switch {
		case slices.Contains(probes, path):
			if p.Access != "public" || len(p.Classes) != 0 {
				t.Errorf("probe %s: %+v, want public and unlimited", pattern, p)
			}
		case api:
			if len(p.Classes) == 0 || p.Classes[0] != "api" {
				t.Errorf("%s: classes %v, want the api class first", pattern, p.Classes)
			}
		default:
			if len(p.Classes) != 0 {
				t.Errorf("%s: classes %v outside /api/, where nothing is limited", pattern, p.Classes)
			}
		}
		if (strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/media/")) && p.Access != "public" {
			t.Errorf("%s: access %s, want public (no session read)", pattern, p.Access)
		}
		for _, c := range p.Classes[min(1, len(p.Classes)):] {
			perUser := c == "rooms" || c == "messages" || c == "uploads"
			if perUser && p.Access != "signedIn" {
				t.Errorf("%s: per-user class %s on a %s route", pattern, c, p.Access)
			}
		}
	}
}

// TestRoutePolicyWire: each access refuses what it should, with the error
// envelope, on every route that declares it. Anonymous calls to a signedIn
// or adminRole route are 401; a plain user on an adminRole route is 403; a
// user's session token is no operator secret (401); and the answer comes
// before the handler could touch the path's object (the ids do not exist).
func TestRoutePolicyWire(t *testing.T) {
	s := newServerWith(t, sqlitetest.New(t), map[string]string{"ADMIN_TOKEN": "admin-secret-123456", "CRON_SECRET": "cron-secret-123456", "MEETPIN_METRICS_TOKEN": "metrics-secret-123456"}, nil)
	u := s.signup("policyUser")
	counts := map[string]int{}
	for pattern, p := range web.RoutePolicies(s.Srv) {
		method, path := samplePath(pattern)
		counts[p.Access]++
		switch p.Access {
		case "signedIn":
			s.call(method, path, nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
			s.call(method, path, nil, "not-a-session").wantError(t, 401, meetpin.EUNAUTHORIZED)
		case "adminRole":
			s.call(method, path, nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
			s.call(method, path, nil, u.Token).wantError(t, 403, meetpin.EFORBIDDEN)
		case "adminToken", "cronSecret", "metricsToken":
			s.call(method, path, nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
			s.call(method, path, nil, u.Token).wantError(t, 401, meetpin.EUNAUTHORIZED)
		}
	}
	for _, a := range []string{"public", "withSession", "signedIn", "adminRole", "adminToken", "cronSecret", "metricsToken"} {
		if counts[a] == 0 {
			t.Errorf("no route declares %s: the test covers nothing for it", a)
		}
	}
	s.call("GET", "/metrics", nil, "metrics-secret-123456").want(t, 200, "")
	s.call("GET", "/api/cache/stats", nil, "admin-secret-123456").want(t, 200, "")
}

// clearsSession reports whether a reply tells the browser to drop its
// session cookie: the sign that the server looked the session up.
func clearsSession(r *reply) bool {
	c := sessionCookie(r)
	return c != nil && c.MaxAge < 0
}

// TestSessionsLoadLazily: a stale session cookie is looked up (and
// cleared) only on routes that use a user; static files, media, probes,
// operator routes and anonymous beacons never read it, and a request
// refused by the per-IP limit is refused before the session is read.
func TestSessionsLoadLazily(t *testing.T) {
	s, _ := newLimitedServer(t, sqlitetest.New(t), map[string]string{"MEETPIN_RATELIMIT_API": "2/1m"})
	stale := map[string]string{"Cookie": "meetpin_session=stale-token"}
	for _, path := range []string{"/map", "/api/rooms/00000000-0000-4000-8000-000000000000"} {
		if r := s.request("GET", path, "", nil, stale); !clearsSession(r) {
			t.Errorf("GET %s with a stale cookie: %d, no cleared cookie: the session was not read", path, r.Status)
		}
	}
	for _, path := range append([]string{"/static/app.css", "/media/avatars/x.jpg", "/robots.txt", "/api/cache/stats"}, probes...) {
		req, _ := http.NewRequest("GET", s.URL+path, nil)
		req.Header.Set("Cookie", stale["Cookie"])
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if clearsSession(&reply{Header: res.Header}) {
			t.Errorf("GET %s read the session (its cookie was cleared)", path)
		}
	}
	// The api class (2 a minute) is spent by the two /api/ calls above
	// (/api/rooms/… and /api/cache/stats); the next one is refused before
	// its session is read.
	r := s.request("GET", "/api/rooms?bbox="+seoulBBox, "", nil, stale)
	r.wantRefused(t, 2, time.Minute)
	if clearsSession(r) {
		t.Error("a request refused by the per-IP limit read the session first")
	}
	if r := s.request("GET", "/map", "", nil, stale); r.Status != http.StatusOK || !clearsSession(r) {
		t.Errorf("GET /map after the api limit: %d (pages are not limited and still read the session)", r.Status)
	}
}
