package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"meetpin.app/meetpintest"
)

// getBody GETs base+path with an optional bearer token.
func getBody(t *testing.T, base, path, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// TestServeHealthWiring: `meetpin serve` reports Redis in /api/health when
// REDIS_URL is set (and not_configured without), and guards /metrics with
// MEETPIN_METRICS_TOKEN.
func TestServeHealthWiring(t *testing.T) {
	const metricsToken = "metrics-token-0123456789abcdef"
	type health struct {
		Status   string `json:"status"`
		Services map[string]struct {
			Status   string `json:"status"`
			KeyCount *int64 `json:"keyCount"`
		} `json:"services"`
	}
	read := func(t *testing.T, base string) health {
		code, body := getBody(t, base, "/api/health", "")
		if code != 200 {
			t.Fatalf("/api/health: %d %s", code, body)
		}
		var h health
		if err := json.Unmarshal([]byte(body), &h); err != nil {
			t.Fatal(err)
		}
		return h
	}

	t.Run("embedded", func(t *testing.T) {
		r := startReplica(t, map[string]string{"MEETPIN_METRICS_TOKEN": metricsToken})
		h := read(t, r.base)
		if h.Status != "healthy" || h.Services["database"].Status != "healthy" || h.Services["redis"].Status != "not_configured" {
			t.Fatalf("health %+v", h)
		}
		if code, _ := getBody(t, r.base, "/metrics", ""); code != 401 {
			t.Fatalf("/metrics without the token: %d", code)
		}
		code, body := getBody(t, r.base, "/metrics", metricsToken)
		if code != 200 || !strings.Contains(body, `meetpin_http_requests_total{method="GET",route="GET /api/health",status="200"} 1`) {
			t.Fatalf("/metrics: %d %s", code, body)
		}
	})
	t.Run("redis", func(t *testing.T) {
		r := startReplica(t, map[string]string{"REDIS_URL": meetpintest.RequireRedis(t)})
		h := read(t, r.base)
		rd := h.Services["redis"]
		if h.Status != "healthy" || rd.Status != "healthy" || rd.KeyCount == nil {
			t.Fatalf("health %+v", h)
		}
	})
}
