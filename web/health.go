package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"meetpin.app"
	"meetpin.app/buildinfo"
	"meetpin.app/metrics"
)

// dbPingTimeout bounds the database ping and the checkers of /api/health,
// /api/status and /api/monitoring.
const dbPingTimeout = 2 * time.Second

// optionalServices are reported even when no checker is configured for
// them, as not_configured, so that the shape of /api/health is stable.
var optionalServices = []string{"redis", "kakaoMaps", "stripe"}

// healthReport is the state of the database and of the outside services.
type healthReport struct {
	status   string // meetpin.StatusHealthy, StatusDegraded or StatusUnhealthy
	database meetpin.ServiceHealth
	dbErr    error
	services map[string]meetpin.ServiceHealth // by checker name
}

// checkHealth pings the database and asks every checker, concurrently. The
// database decides between healthy and unhealthy; any optional service that
// is not healthy makes the whole degraded. Checkers cache their results, so
// this costs no outbound call per request.
func (s *Server) checkHealth(ctx context.Context) healthReport {
	rep := healthReport{status: meetpin.StatusHealthy, services: map[string]meetpin.ServiceHealth{}}
	for _, name := range optionalServices {
		rep.services[name] = meetpin.ServiceHealth{Status: meetpin.StatusNotConfigured}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	cctx, ccancel := context.WithTimeout(ctx, dbPingTimeout)
	defer ccancel()
	for _, c := range s.checks {
		wg.Go(func() {
			h := c.Health(cctx)
			mu.Lock()
			rep.services[c.Name()] = h
			mu.Unlock()
		})
	}
	pctx, cancel := context.WithTimeout(ctx, dbPingTimeout)
	start := time.Now()
	rep.dbErr = s.store.Ping(pctx)
	cancel()
	rep.database = meetpin.ServiceHealth{Status: meetpin.StatusHealthy, ResponseTime: time.Since(start).Milliseconds(), CheckedAt: start.UTC()}
	wg.Wait()

	for _, h := range rep.services {
		if h.Status != meetpin.StatusHealthy && h.Status != meetpin.StatusNotConfigured {
			rep.status = meetpin.StatusDegraded
		}
	}
	if rep.dbErr != nil {
		rep.database.Status = meetpin.StatusUnhealthy
		rep.status = meetpin.StatusUnhealthy
	}
	return rep
}

// publicDetails are the only details the public endpoints show: figures,
// never error text (it may name hosts) nor anything that tells which keys
// or modes are configured (Stripe's mode, fake payments); /api/monitoring
// shows everything to operators.
var publicDetails = []string{"keyCount", "lastWebhookAt"}

// publicService is a service's state for the public endpoints.
func publicService(h meetpin.ServiceHealth) map[string]any {
	out := map[string]any{}
	for _, k := range publicDetails {
		if v, ok := h.Details[k]; ok {
			out[k] = v
		}
	}
	out["status"] = h.Status
	if !h.CheckedAt.IsZero() {
		out["responseTime"] = h.ResponseTime
	}
	return out
}

// uptime is the server's age in whole seconds.
func (s *Server) uptime() int64 { return int64(time.Since(s.started).Seconds()) }

// handleHealth: GET /api/health, the runbook's full health check. 200 when
// healthy or degraded (an optional service is down), 503 when unhealthy
// (the database does not answer). Performance figures cover the last 5
// minutes.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	rep := s.checkHealth(r.Context())
	services := map[string]any{"database": map[string]any{"status": rep.database.Status, "responseTime": rep.database.ResponseTime}}
	for name, h := range rep.services {
		services[name] = publicService(h)
	}
	perf := s.metrics.Window().Total(metrics.AlertSpan)
	status := http.StatusOK
	if rep.status == meetpin.StatusUnhealthy {
		status = http.StatusServiceUnavailable
	}
	probeJSON(w, status, map[string]any{
		"status":    rep.status,
		"timestamp": time.Now().UTC(),
		"uptime":    s.uptime(),
		"version":   buildinfo.Version,
		"services":  services,
		"performance": map[string]any{
			"avgResponseTime": perf.AvgMs,
			"requestCount":    perf.Requests,
			"errorRate":       perf.ErrorRate,
		},
	})
}

// handleStatus: GET /api/status, a small public summary for a status page:
// one word per service and last hour's traffic. It answers 200 whatever
// the state, which the body says.
func (s *Server) handleStatus(w http.ResponseWriter, r *http.Request) {
	rep := s.checkHealth(r.Context())
	words := map[string]string{"database": rep.database.Status}
	for name, h := range rep.services {
		words[name] = h.Status
	}
	hour := s.metrics.Window().Total(time.Hour)
	probeJSON(w, http.StatusOK, map[string]any{
		"status":    rep.status,
		"timestamp": time.Now().UTC(),
		"uptime":    s.uptime(),
		"version":   buildinfo.Version,
		"services":  words,
		"lastHour":  map[string]any{"requests": hour.Requests, "errorRate": hour.ErrorRate},
	})
}
