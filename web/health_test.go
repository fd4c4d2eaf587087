package web_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/meetpintest"
	"meetpin.app/redis"
	"meetpin.app/web"
)

const (
	adminToken   = "admin-token-0123456789abcdef"
	metricsToken = "metrics-token-0123456789abcdef"
)

// newObsServer is newServer with configuration variables and health
// checkers.
func newObsServer(t testing.TB, store meetpin.Store, env map[string]string, checks ...meetpin.HealthChecker) *testServer {
	t.Helper()
	return buildServer(t, store, serverOpts{env: env, edit: func(_ *app.Options, wo *web.Options) { wo.Checks = checks }})
}

// health is the body of GET /api/health.
type health struct {
	Status    string                    `json:"status"`
	Timestamp time.Time                 `json:"timestamp"`
	Uptime    *int64                    `json:"uptime"`
	Version   string                    `json:"version"`
	Services  map[string]map[string]any `json:"services"`
	Perf      struct {
		AvgResponseTime *float64 `json:"avgResponseTime"`
		RequestCount    *int64   `json:"requestCount"`
		ErrorRate       *float64 `json:"errorRate"`
	} `json:"performance"`
}

// getRaw sends a GET and returns the answer undecoded: the probes' bodies
// are not envelopes (their "status" is a word).
func getRaw(t *testing.T, s *testServer, path string) *reply {
	t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &reply{Status: res.StatusCode, Header: res.Header, Raw: string(b)}
}

func getHealth(t *testing.T, s *testServer, status int) health {
	t.Helper()
	r := getRaw(t, s, "/api/health")
	if r.Status != status {
		t.Fatalf("GET /api/health: %d, want %d: %s", r.Status, status, r.Raw)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Fatalf("Cache-Control %q", cc)
	}
	for _, leak := range []string{"DATABASE_URL", "REDIS_URL", "ADMIN_TOKEN", "postgres://", "redis://", "127.0.0.1", adminToken, metricsToken} {
		if strings.Contains(r.Raw, leak) {
			t.Fatalf("/api/health leaks %q: %s", leak, r.Raw)
		}
	}
	return decodeJSON[health](t, r.Raw)
}

func TestHealthShape(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newObsServer(t, store, map[string]string{"ADMIN_TOKEN": adminToken, "MEETPIN_METRICS_TOKEN": metricsToken})
		s.call("GET", "/api/rooms?bbox="+seoulBBox, nil, "").want(t, 200, "")
		h := getHealth(t, s, 200)
		if h.Status != meetpin.StatusHealthy || h.Timestamp.IsZero() || time.Since(h.Timestamp) > time.Hour ||
			h.Uptime == nil || *h.Uptime < 0 || h.Version == "" {
			t.Fatalf("health %+v", h)
		}
		db := h.Services["database"]
		if db["status"] != meetpin.StatusHealthy {
			t.Fatalf("database %v", db)
		}
		if _, ok := db["responseTime"].(float64); !ok {
			t.Fatalf("database responseTime missing: %v", db)
		}
		for _, name := range []string{"redis", "kakaoMaps", "stripe"} {
			if got := h.Services[name]; len(got) != 1 || got["status"] != meetpin.StatusNotConfigured {
				t.Fatalf("%s = %v, want only status not_configured", name, got)
			}
		}
		if len(h.Services) != 4 {
			t.Fatalf("services %v", h.Services)
		}
		p := h.Perf
		if p.AvgResponseTime == nil || p.RequestCount == nil || p.ErrorRate == nil {
			t.Fatalf("performance incomplete: %+v", p)
		}
		// The rooms request, at least, is in the last 5 minutes.
		if *p.RequestCount < 1 || *p.ErrorRate != 0 {
			t.Fatalf("performance %d requests, error rate %v", *p.RequestCount, *p.ErrorRate)
		}

		// The status page summary.
		r := getRaw(t, s, "/api/status").want(t, 200, "")
		st := decodeJSON[struct {
			Status   string            `json:"status"`
			Uptime   *int64            `json:"uptime"`
			Version  string            `json:"version"`
			Services map[string]string `json:"services"`
			LastHour struct {
				Requests  *int64   `json:"requests"`
				ErrorRate *float64 `json:"errorRate"`
			} `json:"lastHour"`
		}](t, r.Raw)
		if st.Status != meetpin.StatusHealthy || st.Uptime == nil || st.Version == "" || st.Services["database"] != meetpin.StatusHealthy ||
			st.Services["redis"] != meetpin.StatusNotConfigured || st.LastHour.Requests == nil || *st.LastHour.Requests < 2 || st.LastHour.ErrorRate == nil {
			t.Fatalf("status %s", r.Raw)
		}
	})
}

// TestHealthDatabaseDown: with the store closed, the service is unhealthy
// and /api/health answers 503; the status page still answers 200.
func TestHealthDatabaseDown(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newObsServer(t, store, nil)
		getHealth(t, s, 200)
		store.Close()
		h := getHealth(t, s, 503)
		if h.Status != meetpin.StatusUnhealthy || h.Services["database"]["status"] != meetpin.StatusUnhealthy {
			t.Fatalf("closed store: %+v", h)
		}
		r := getRaw(t, s, "/api/status").want(t, 200, "")
		if !strings.Contains(r.Raw, `"status":"unhealthy"`) || !strings.Contains(r.Raw, `"database":"unhealthy"`) {
			t.Fatalf("status page %s", r.Raw)
		}
	})
}

// closedRedis returns a Redis client of a loopback port nothing listens on.
func closedRedis(t *testing.T) *redis.Health {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, err := redis.NewClient("redis://:pw-0123456789@" + addr + "/0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return redis.HealthChecker(c)
}

// TestHealthRedis: Redis down is degraded and still 200 (the service runs
// on the database); Redis up is healthy with a key count.
func TestHealthRedis(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		t.Run("down", func(t *testing.T) {
			s := newObsServer(t, store, map[string]string{"ADMIN_TOKEN": adminToken}, closedRedis(t))
			h := getHealth(t, s, 200)
			rd := h.Services["redis"]
			if h.Status != meetpin.StatusDegraded || rd["status"] != meetpin.StatusUnhealthy || h.Services["database"]["status"] != meetpin.StatusHealthy {
				t.Fatalf("redis down: %+v", h)
			}
			if _, ok := rd["error"]; ok {
				t.Fatalf("the public health shows the error text: %v", rd)
			}
			r := getRaw(t, s, "/api/status").want(t, 200, "")
			if !strings.Contains(r.Raw, `"status":"degraded"`) || !strings.Contains(r.Raw, `"redis":"unhealthy"`) {
				t.Fatalf("status page %s", r.Raw)
			}
			// The operator sees why.
			var m struct {
				Services map[string]meetpin.ServiceHealth `json:"services"`
			}
			s.call("GET", "/api/monitoring", nil, adminToken).want(t, 200, "").into(t, &m)
			if m.Services["redis"].Details["error"] == nil {
				t.Fatalf("monitoring lacks the redis error: %+v", m.Services)
			}
		})
		t.Run("up", func(t *testing.T) {
			c, err := redis.NewClient(meetpintest.RequireRedis(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { c.Close() })
			s := newObsServer(t, store, nil, redis.HealthChecker(c))
			h := getHealth(t, s, 200)
			rd := h.Services["redis"]
			if h.Status != meetpin.StatusHealthy || rd["status"] != meetpin.StatusHealthy {
				t.Fatalf("redis up: %+v", h)
			}
			if n, ok := rd["keyCount"].(float64); !ok || n < 0 {
				t.Fatalf("redis keyCount: %v", rd)
			}
		})
	})
}
