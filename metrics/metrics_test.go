package metrics_test

import (
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/metrics"
	"meetpin.app/sqlite/sqlitetest"
)

// statsCache is a meetpin.Cache that only reports figures: no cache
// implementation lives in this package's dependencies, and Metrics only
// ever calls Stats.
type statsCache struct{ meetpin.Cache }

func (statsCache) Stats(context.Context) meetpin.CacheStats {
	return meetpin.CacheStats{Backend: "inmem", Connected: true, Hits: 7, Misses: 3, HitRate: 0.7, KeyCount: 4}
}

type rejections map[string]int64

func (r rejections) Rejections() map[string]int64 { return r }

type jobs map[string]map[string]int64

func (j jobs) JobRuns() map[string]map[string]int64 { return j }

func scrape(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: %d %s", rec.Code, rec.Body)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func wantLines(t *testing.T, text string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(text, "\n"+l+"\n") {
			t.Errorf("metrics lack the line %q", l)
		}
	}
}

func TestMetricsExposition(t *testing.T) {
	store := sqlitetest.New(t)
	open := int64(3)
	m := metrics.New(metrics.Options{
		Store: store, Cache: statsCache{},
		Rejections: rejections{"auth": 2, "api": 5},
		Jobs:       jobs{"cleanup-expired-boosts": {"ok": 4, "error": 1}},
		Streams:    func() int64 { return open },
	})
	m.Observe("GET /api/rooms/{id}", "GET", 200, 20*time.Millisecond, true)
	m.Observe("GET /api/rooms/{id}", "GET", 200, 4*time.Second, true)
	m.Observe("GET /api/rooms/{id}", "GET", 404, time.Millisecond, true)
	m.Observe("GET /api/matches/{id}/events", "GET", 200, time.Hour, false)
	m.Observe("unmatched", "BREW", 404, time.Millisecond, true)
	text := scrape(t, m)
	wantLines(t, text,
		`meetpin_http_requests_total{method="GET",route="GET /api/rooms/{id}",status="200"} 2`,
		`meetpin_http_requests_total{method="GET",route="GET /api/rooms/{id}",status="404"} 1`,
		`meetpin_http_requests_total{method="GET",route="GET /api/matches/{id}/events",status="200"} 1`,
		`meetpin_http_requests_total{method="OTHER",route="unmatched",status="404"} 1`,
		`meetpin_http_request_duration_seconds_count{route="GET /api/rooms/{id}"} 3`,
		`meetpin_http_request_duration_seconds_bucket{route="GET /api/rooms/{id}",le="3"} 2`,
		`meetpin_http_request_duration_seconds_bucket{route="GET /api/rooms/{id}",le="5"} 3`,
		`meetpin_sse_open_streams 3`,
		`meetpin_cache_hits_total{backend="inmem"} 7`,
		`meetpin_cache_misses_total{backend="inmem"} 3`,
		`meetpin_cache_keys{backend="inmem"} 4`,
		`meetpin_cache_up{backend="inmem"} 1`,
		`meetpin_ratelimit_rejections_total{class="auth"} 2`,
		`meetpin_ratelimit_rejections_total{class="api"} 5`,
		`meetpin_cron_runs_total{job="cleanup-expired-boosts",result="error"} 1`,
		`meetpin_cron_runs_total{job="cleanup-expired-boosts",result="ok"} 4`,
	)
	// The stream is counted but not timed.
	if strings.Contains(text, `request_duration_seconds_count{route="GET /api/matches/{id}/events"}`) {
		t.Error("a stream's lifetime went into the latency histogram")
	}
	for _, name := range []string{"meetpin_db_pool_max_connections ", "meetpin_db_pool_open_connections ",
		"meetpin_db_pool_in_use_connections ", "meetpin_db_pool_idle_connections ", "meetpin_db_pool_waits_total ",
		"go_goroutines ", "process_resident_memory_bytes ", "meetpin_build_info{"} {
		if !strings.Contains(text, "\n"+name) {
			t.Errorf("metrics lack %s", name)
		}
	}
	// Read at scrape time: a change shows on the next scrape.
	open = 5
	wantLines(t, scrape(t, m), `meetpin_sse_open_streams 5`)
}

// TestMetricsOptionalSources: without sources, their series are absent and
// nothing panics; two Metrics live in one process.
func TestMetricsOptionalSources(t *testing.T) {
	a, b := metrics.New(metrics.Options{}), metrics.New(metrics.Options{})
	a.Observe("GET /api/livez", "GET", 200, time.Millisecond, true)
	ta, tb := scrape(t, a), scrape(t, b)
	for _, absent := range []string{"meetpin_db_pool", "meetpin_cache_", "meetpin_ratelimit_", "meetpin_cron_", "meetpin_sse_open_streams "} {
		if strings.Contains(ta, "\n"+absent) {
			t.Errorf("series %s without its source", absent)
		}
	}
	if !strings.Contains(ta, `route="GET /api/livez"`) || strings.Contains(tb, `route="GET /api/livez"`) {
		t.Error("the two registries are not separate")
	}
	if got := a.Window().Summary(time.Minute).Total.Requests; got != 1 {
		t.Errorf("window saw %d requests", got)
	}
}
