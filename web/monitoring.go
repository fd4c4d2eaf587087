package web

import (
	"context"
	"net/http"
	"time"

	"meetpin.app"
	"meetpin.app/buildinfo"
	"meetpin.app/metrics"
)

// monitoring is the body of GET /api/monitoring.
type monitoring struct {
	Timestamp time.Time       `json:"timestamp"`
	Status    string          `json:"status"`
	Uptime    int64           `json:"uptime"` // seconds
	Version   string          `json:"version"`
	Engine    string          `json:"engine"`
	Runtime   metrics.Runtime `json:"runtime"`
	// WindowMinutes is the span of Requests and Routes.
	WindowMinutes int                      `json:"windowMinutes"`
	Requests      metrics.Stats            `json:"requests"`
	Routes        map[string]metrics.Stats `json:"routes"` // by route pattern
	Database      monitoringDatabase       `json:"database"`
	Cache         *meetpin.CacheStats      `json:"cache"` // null without a cache
	Streams       int64                    `json:"openStreams"`
	// Services are the outside services with their latency and, here,
	// their error text.
	Services            map[string]meetpin.ServiceHealth `json:"services"`
	RateLimitRejections map[string]int64                 `json:"rateLimitRejections,omitempty"`
	CronRuns            map[string]map[string]int64      `json:"cronRuns,omitempty"`
	// Series is the last 60 minutes, one point a minute, for charts.
	Series []metrics.Point `json:"series"`
	Alerts []metrics.Alert `json:"alerts"`
	// ActiveAlerts are the alerts the continuous checks of this replica
	// hold as firing (alert package), raised ones included; null when the
	// checks do not run.
	ActiveAlerts []metrics.Alert `json:"active_alerts"`
}

type monitoringDatabase struct {
	Status       string            `json:"status"`
	ResponseTime int64             `json:"responseTime"` // ms
	Pool         meetpin.PoolStats `json:"pool"`
}

// handleMonitoring: GET /api/monitoring, the operator's dashboard data
// (ADMIN_TOKEN): runtime, request rate, errors and latency percentiles per
// route over the last 5 minutes, database pool, cache, outside services,
// the last hour per minute, and the runbook's alerts that fire now.
func (s *Server) handleMonitoring(w http.ResponseWriter, r *http.Request) {
	rep := s.checkHealth(r.Context())
	sum := s.metrics.Window().Summary(metrics.AlertSpan)
	m := monitoring{
		Timestamp:     time.Now().UTC(),
		Status:        rep.status,
		Uptime:        s.uptime(),
		Version:       buildinfo.Version,
		Engine:        s.store.Engine(),
		Runtime:       metrics.ReadRuntime(),
		WindowMinutes: sum.Minutes,
		Requests:      sum.Total,
		Routes:        sum.Routes,
		Database: monitoringDatabase{
			Status: rep.database.Status, ResponseTime: rep.database.ResponseTime, Pool: s.store.Stats(),
		},
		Streams:  s.sseOpen.Load(),
		Services: rep.services,
		Series:   s.metrics.Window().Series(),
		Alerts:   metrics.Alerts(sum.Total, rep.dbErr),
	}
	if s.cache != nil {
		ctx, cancel := context.WithTimeout(r.Context(), dbPingTimeout)
		st := s.cache.Stats(ctx)
		cancel()
		m.Cache = &st
	}
	if am := s.alerts.Load(); am != nil {
		m.ActiveAlerts = am.Active()
	}
	if s.rejections != nil {
		m.RateLimitRejections = s.rejections.Rejections()
	}
	if s.jobs != nil {
		m.CronRuns = s.jobs.JobRuns()
	}
	writeOK(w, http.StatusOK, m, "")
}

// handleMetrics: GET /metrics, the Prometheus text format. With
// MEETPIN_METRICS_TOKEN set it needs that bearer token (the metricsToken
// access of its route); without, it is open, for a scraper on a private
// network.
func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) {
	s.metrics.Handler().ServeHTTP(w, r)
}
