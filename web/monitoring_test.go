package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/alert"
	"meetpin.app/metrics"
	"meetpin.app/sqlite/sqlitetest"
)

// monitoringBody is the data of GET /api/monitoring.
type monitoringBody struct {
	Status        string                   `json:"status"`
	Uptime        *int64                   `json:"uptime"`
	Engine        string                   `json:"engine"`
	Runtime       metrics.Runtime          `json:"runtime"`
	WindowMinutes int                      `json:"windowMinutes"`
	Requests      metrics.Stats            `json:"requests"`
	Routes        map[string]metrics.Stats `json:"routes"`
	Database      struct {
		Status string            `json:"status"`
		Pool   meetpin.PoolStats `json:"pool"`
	} `json:"database"`
	Cache    *meetpin.CacheStats              `json:"cache"`
	Services map[string]meetpin.ServiceHealth `json:"services"`
	Series   []metrics.Point                  `json:"series"`
	Alerts   []metrics.Alert                  `json:"alerts"`
}

func (s *testServer) monitoring(t *testing.T) monitoringBody {
	t.Helper()
	var m monitoringBody
	s.call("GET", "/api/monitoring", nil, adminToken).want(t, 200, "").into(t, &m)
	return m
}

func alertNames(m monitoringBody) []string {
	var names []string
	for _, a := range m.Alerts {
		names = append(names, a.Name)
	}
	return names
}

// TestMonitoringNeedsTheAdminToken: 401 unless the right ADMIN_TOKEN is
// presented, and always 401 when none is configured. A user's session is
// not an admin token.
func TestMonitoringNeedsTheAdminToken(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		with := newObsServer(t, store, map[string]string{"ADMIN_TOKEN": adminToken})
		without := newObsServer(t, store, nil)
		user := with.signup("monitorUser")
		cases := []struct {
			name   string
			s      *testServer
			header string
			want   int
		}{
			{"configured, no token", with, "", 401},
			{"configured, wrong token", with, "Bearer " + strings.Replace(adminToken, "0", "1", 1), 401},
			{"configured, token prefix", with, "Bearer " + adminToken[:len(adminToken)-1], 401},
			{"configured, user session", with, "Bearer " + user.Token, 401},
			{"configured, not bearer", with, "Basic " + adminToken, 401},
			{"configured, right token", with, "Bearer " + adminToken, 200},
			{"unconfigured, no token", without, "", 401},
			{"unconfigured, a token", without, "Bearer " + adminToken, 401},
			{"unconfigured, empty bearer", without, "Bearer ", 401},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				req, _ := http.NewRequest("GET", c.s.URL+"/api/monitoring", nil)
				if c.header != "" {
					req.Header.Set("Authorization", c.header)
				}
				r := c.s.with(t).do(req)
				var code meetpin.Code
				if c.want == 401 {
					code = meetpin.EUNAUTHORIZED
				}
				r.want(t, c.want, code)
				if c.want == 200 && !strings.Contains(string(r.Data), `"routes"`) {
					t.Fatalf("no monitoring data: %s", r.Raw)
				}
				if c.want == 401 && strings.Contains(r.Raw, "routes") {
					t.Fatalf("401 with data: %s", r.Raw)
				}
			})
		}
	})
}

// TestMonitoringRoutesAndAlerts drives traffic, then 5xx errors, and
// reads the per-route figures and the alerts. The errors are real: the
// store is closed under the running server, so that reading a room fails
// with a 500 and the database check fails too.
func TestMonitoringRoutesAndAlerts(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newObsServer(t, store, map[string]string{"ADMIN_TOKEN": adminToken})
		host := s.signup("monitorHost")
		var created struct{ Room meetpin.Room }
		s.call("POST", "/api/rooms", roomBody(nil), host.Token).want(t, 201, "").into(t, &created)
		id := created.Room.ID
		const reads = 30
		for range reads {
			s.call("GET", "/api/rooms/"+id, nil, "").want(t, 200, "")
		}
		s.call("GET", "/api/rooms/00000000-0000-4000-8000-000000000000", nil, "").want(t, 404, meetpin.ENOTFOUND)
		s.call("GET", "/api/no-such-thing", nil, "").want(t, 404, meetpin.ENOTFOUND)

		m := s.monitoring(t)
		if m.Status != meetpin.StatusHealthy || m.Uptime == nil || m.Engine != store.Engine() || m.WindowMinutes != 5 {
			t.Fatalf("monitoring %+v", m)
		}
		if m.Runtime.Goroutines < 1 || m.Runtime.HeapAllocBytes == 0 || m.Runtime.GoVersion == "" {
			t.Fatalf("runtime %+v", m.Runtime)
		}
		if m.Database.Status != meetpin.StatusHealthy || m.Database.Pool.MaxOpen < 1 {
			t.Fatalf("database %+v", m.Database)
		}
		if m.Cache != nil || len(m.Alerts) != 0 {
			t.Fatalf("cache %+v alerts %+v", m.Cache, m.Alerts)
		}
		rt, ok := m.Routes["GET /api/rooms/{id}"]
		if !ok {
			t.Fatalf("no figures for the pattern GET /api/rooms/{id}: %v", keys(m.Routes))
		}
		if rt.Requests != reads+1 || rt.Errors != 0 || rt.Timed != reads+1 || rt.RatePerMinute <= 0 {
			t.Fatalf("GET /api/rooms/{id}: %+v", rt)
		}
		if rt.P50Ms <= 0 || rt.P50Ms > rt.P95Ms || rt.P95Ms > rt.P99Ms || rt.AvgMs <= 0 {
			t.Fatalf("GET /api/rooms/{id} latencies: %+v", rt)
		}
		for route := range m.Routes {
			if strings.Contains(route, id) || strings.Contains(route, "no-such-thing") {
				t.Fatalf("a raw path became a route key: %q", route)
			}
		}
		if m.Routes["/api/"].Requests != 1 || m.Routes["POST /api/rooms"].Requests != 1 || m.Routes["POST /api/auth/signup"].Requests != 1 {
			t.Fatalf("routes %v", m.Routes)
		}
		if m.Requests.Requests < reads+4 || m.Requests.ErrorRate != 0 {
			t.Fatalf("totals %+v", m.Requests)
		}
		if len(m.Series) != 60 {
			t.Fatalf("%d series points", len(m.Series))
		}
		var seen int64
		for _, p := range m.Series {
			seen += p.Requests
		}
		if seen != m.Requests.Requests {
			t.Fatalf("series hold %d requests, the 5-minute total %d", seen, m.Requests.Requests)
		}
		if last := m.Series[59]; last.Requests == 0 && m.Series[58].Requests == 0 {
			t.Fatalf("no requests in the last two minutes of the series: %+v", m.Series[58:])
		}

		// 5xx: close the store under the server. 5 failures in ~45
		// requests is over 1 %, and over the minimum count.
		store.Close()
		for range 5 {
			if r := s.call("GET", "/api/rooms/"+id, nil, ""); r.Status < 500 {
				t.Fatalf("closed store answered %d: %s", r.Status, r.Raw)
			}
		}
		m = s.monitoring(t)
		names := alertNames(m)
		if !contains(names, metrics.AlertHighErrorRate) || !contains(names, metrics.AlertDatabaseDown) || contains(names, metrics.AlertHighLatency) {
			t.Fatalf("alerts %v, want %s and %s", names, metrics.AlertHighErrorRate, metrics.AlertDatabaseDown)
		}
		if m.Status != meetpin.StatusUnhealthy || m.Database.Status != meetpin.StatusUnhealthy {
			t.Fatalf("status %s, database %s", m.Status, m.Database.Status)
		}
		rt = m.Routes["GET /api/rooms/{id}"]
		if rt.Errors != 5 || rt.ErrorRate <= 0.01 {
			t.Fatalf("GET /api/rooms/{id} after the failures: %+v", rt)
		}
		for _, a := range m.Alerts {
			if a.Name == metrics.AlertHighErrorRate && (a.Value <= a.Threshold || a.Threshold != metrics.AlertErrorRate) {
				t.Fatalf("alert %+v", a)
			}
		}
	})
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func scrape(t *testing.T, s *testServer, token string) *reply {
	t.Helper()
	return s.with(t).call("GET", "/metrics", nil, token)
}

// TestMetricsEndpoint: the Prometheus text, labelled by route pattern, and
// MEETPIN_METRICS_TOKEN.
func TestMetricsEndpoint(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newObsServer(t, store, map[string]string{"MEETPIN_METRICS_TOKEN": metricsToken, "ADMIN_TOKEN": adminToken})
		host := s.signup("metricsHost")
		var created struct{ Room meetpin.Room }
		s.call("POST", "/api/rooms", roomBody(nil), host.Token).want(t, 201, "").into(t, &created)
		s.call("GET", "/api/rooms/"+created.Room.ID, nil, "").want(t, 200, "")

		for name, token := range map[string]string{"no token": "", "wrong token": metricsToken + "x", "admin token": adminToken, "session": host.Token} {
			r := scrape(t, s, token).want(t, 401, meetpin.EUNAUTHORIZED)
			if !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") || strings.Contains(r.Raw, "meetpin_http") {
				t.Fatalf("%s: %v %s", name, r.Header, r.Raw)
			}
		}
		r := scrape(t, s, metricsToken).want(t, 200, "")
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Fatalf("Content-Type %q", ct)
		}
		for _, line := range []string{
			`meetpin_http_requests_total{method="GET",route="GET /api/rooms/{id}",status="200"} 1`,
			`meetpin_http_requests_total{method="POST",route="POST /api/rooms",status="201"} 1`,
			`meetpin_http_request_duration_seconds_count{route="GET /api/rooms/{id}"} 1`,
			`meetpin_sse_open_streams 0`,
		} {
			if !strings.Contains(r.Raw, "\n"+line+"\n") {
				t.Errorf("metrics lack %q", line)
			}
		}
		for _, name := range []string{"meetpin_db_pool_open_connections ", "meetpin_db_pool_max_connections ", "go_goroutines ", "process_cpu_seconds_total "} {
			if !strings.Contains(r.Raw, "\n"+name) {
				t.Errorf("metrics lack %s", name)
			}
		}
		if strings.Contains(r.Raw, created.Room.ID) {
			t.Fatal("a raw path is a label value")
		}
		// The 401 scrapes were counted under their route too.
		if !strings.Contains(r.Raw, `meetpin_http_requests_total{method="GET",route="GET /metrics",status="401"} 4`) {
			t.Error("the refused scrapes are not counted")
		}

		// Without the token configured, /metrics is open.
		open := newObsServer(t, store, nil)
		getRaw(t, open, "/api/livez").want(t, 200, "")
		if r := scrape(t, open, ""); r.Status != 200 || !strings.Contains(r.Raw, `route="GET /api/livez"`) {
			t.Fatalf("open /metrics: %d", r.Status)
		}
	})
}

// TestMetricsStreams: an open event stream shows in the gauge; when it
// ends it is counted under its pattern but stays out of the latency
// histogram and percentiles, where its lifetime would read as a slow
// response.
func TestMetricsStreams(t *testing.T) {
	s := newObsServer(t, sqlitetest.New(t), map[string]string{"ADMIN_TOKEN": adminToken})
	u := s.signup("streamer")
	st := s.openStream("/api/notifications/stream", u.Token, -1)
	waitMetric(t, s, `meetpin_sse_open_streams 1`)
	st.close()
	text := waitMetric(t, s, `meetpin_http_requests_total{method="GET",route="GET /api/notifications/stream",status="200"} 1`)
	if !strings.Contains(text, "\nmeetpin_sse_open_streams 0\n") {
		t.Fatal("the gauge did not go back to 0")
	}
	if strings.Contains(text, `request_duration_seconds_count{route="GET /api/notifications/stream"}`) {
		t.Fatal("the stream's lifetime is in the latency histogram")
	}
	rt := s.monitoring(t).Routes["GET /api/notifications/stream"]
	if rt.Requests != 1 || rt.Timed != 0 || rt.P99Ms != 0 {
		t.Fatalf("stream route figures %+v", rt)
	}
}

// waitMetric scrapes until line appears (at most 10 s) and returns the
// text.
func waitMetric(t *testing.T, s *testServer, line string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := scrape(t, s, "").want(t, 200, "")
		if strings.Contains(r.Raw, "\n"+line+"\n") {
			return r.Raw
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %q within 10s", line)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMonitoringActiveAlerts: the alerts the continuous checks hold, raised
// ones included, are listed; without the checks the field is null.
func TestMonitoringActiveAlerts(t *testing.T) {
	s := newObsServer(t, sqlitetest.New(t), map[string]string{"ADMIN_TOKEN": adminToken})
	var raw struct {
		Active []metrics.Alert `json:"active_alerts"`
	}
	s.call("GET", "/api/monitoring", nil, adminToken).want(t, 200, "").into(t, &raw)
	if raw.Active != nil {
		t.Fatalf("without alert checks: %v", raw.Active)
	}
	m := alert.New(alert.Options{})
	s.Srv.SetAlerts(m)
	m.Raise(alert.Emergency("rep-1"))
	m.Check(t.Context())
	s.call("GET", "/api/monitoring", nil, adminToken).want(t, 200, "").into(t, &raw)
	if len(raw.Active) != 1 || raw.Active[0].Name != alert.EmergencyReport+"rep-1" || raw.Active[0].Severity != metrics.SeverityCritical {
		t.Fatalf("active alerts %+v", raw.Active)
	}
}
