// Package web is meetpin's HTTP surface: the JSON API, the probes and the
// pages, on Go's net/http router. routes.go lists every route; each
// api_*.go file holds the handlers of one aggregate, each page_*.go file a
// group of pages (templates/ and static/ are embedded). Handlers decode,
// call the app layer (which owns the rules and the authorization) and
// encode or render.
package web

import (
	"context"
	"html/template"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"meetpin.app"
	"meetpin.app/alert"
	"meetpin.app/app"
	"meetpin.app/config"
	"meetpin.app/cron"
	"meetpin.app/errortrack"
	"meetpin.app/inmem"
	"meetpin.app/media"
	"meetpin.app/metrics"
	"meetpin.app/tracing"
)

// SchemaChecker reports whether the database schema is current.
type SchemaChecker func(ctx context.Context) (current bool, err error)

// Options are the server's dependencies.
type Options struct {
	Log      *slog.Logger
	Config   config.Config
	App      *app.App
	Store    meetpin.Store
	Schema   SchemaChecker
	MediaDir string // where uploaded files live
	// Broker wakes event streams; nil means streams only poll.
	Broker meetpin.Broker
	// Heartbeat is the interval of stream heartbeats and polls (default 15s).
	Heartbeat time.Duration
	// Limiter counts requests for the rate limits of Config.RateLimit; nil
	// (as in most tests) or MEETPIN_RATELIMIT=off means no rate limits.
	Limiter meetpin.Limiter

	// Observability: /api/health, /api/status, /api/monitoring, /metrics.
	// Each may be nil (empty).
	Cache      meetpin.Cache            // the app's cache: figures, /api/cache/stats and /clear
	Checks     []meetpin.HealthChecker  // outside services by name: "redis", "kakaoMaps", "stripe" …
	Rejections metrics.RejectionCounter // rate-limit rejections by class
	Jobs       metrics.JobStats         // cron runs by job and result
	// Cron runs the maintenance jobs for /api/cron; nil answers 503 there.
	Cron *cron.Scheduler

	// Tracer traces requests (OTEL_EXPORTER_OTLP_ENDPOINT); nil: off.
	Tracer *tracing.Tracer
	// ErrorTracker reports panics and 5xx answers (SENTRY_DSN); nil: off.
	ErrorTracker *errortrack.Tracker

	// Payments (Stripe) and places (Kakao Local).
	// FakeCheckout serves /payments/fake-checkout (development only); nil:
	// those pages answer 404.
	FakeCheckout FakeCheckout
	// PlacesLimiter limits the place endpoints; nil: an in-process limiter.
	PlacesLimiter meetpin.Limiter
	// Images decodes uploads within the process's memory and time limits;
	// nil: a processor with media.DefaultLimits.
	Images *media.Processor
}

// Server is the HTTP handler of one meetpin process.
type Server struct {
	log    *slog.Logger
	cfg    config.Config
	app    *app.App
	store  meetpin.Store
	schema SchemaChecker
	media  string
	broker meetpin.Broker
	csrf   *http.CrossOriginProtection
	// heartbeat is the interval of stream pings and safety-net polls.
	heartbeat time.Duration
	cron      *cron.Scheduler
	sseOpen   atomic.Int64
	streams   *streamSet // caps on event streams
	started   time.Time
	handler   http.Handler
	mux       *http.ServeMux
	limits    *rateLimits
	policies  map[string]policy // route pattern → its declared policy (routes.go)

	tracker  *errortrack.Tracker           // nil: off
	tracer   *tracing.Tracer               // nil: off
	alerts   atomic.Pointer[alert.Manager] // nil until SetAlerts
	draining atomic.Bool
	closing  chan struct{} // closed by Drain
	requests atomic.Int64
	errors   atomic.Int64

	metrics    *metrics.Metrics
	cache      meetpin.Cache
	checks     []meetpin.HealthChecker
	rejections metrics.RejectionCounter
	jobs       metrics.JobStats
	// Payments (Stripe) and places (Kakao Local).
	fake          FakeCheckout
	placesLimiter meetpin.Limiter
	images        *media.Processor
	// The web pages: embedded static files and the parsed templates.
	assets    *assets
	templates map[string]*template.Template
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{
		log: o.Log, cfg: o.Config, app: o.App, store: o.Store, schema: o.Schema, media: o.MediaDir,
		csrf: http.NewCrossOriginProtection(), started: time.Now(), closing: make(chan struct{}),
		broker: o.Broker, heartbeat: o.Heartbeat, cron: o.Cron,
		cache: o.Cache, checks: o.Checks, rejections: o.Rejections, jobs: o.Jobs, tracker: o.ErrorTracker,
		tracer: o.Tracer,
	}
	if s.jobs == nil && o.Cron != nil {
		s.jobs = o.Cron // the clean-up runs of this server
	}
	if s.rejections == nil && o.Limiter != nil {
		s.rejections = s // the rate limits of this server
	}
	streamMax := o.Config.SSEMax
	if streamMax <= 0 {
		streamMax = autoStreamMax()
	}
	s.streams = newStreamSet(streamMax, streamsPerUser)
	s.metrics = metrics.New(metrics.Options{Store: o.Store, Cache: o.Cache, Rejections: s.rejections, Jobs: s.jobs,
		Streams: s.sseOpen.Load, StreamCaps: s.streams.caps})
	if s.heartbeat <= 0 {
		s.heartbeat = 15 * time.Second
	}
	s.fake, s.placesLimiter = o.FakeCheckout, o.PlacesLimiter
	if s.placesLimiter == nil {
		s.placesLimiter = o.Limiter
	}
	if s.placesLimiter == nil {
		s.placesLimiter = inmem.NewLimiter(0)
	}
	s.images = o.Images
	if s.images == nil {
		s.images = media.NewProcessor(media.Limits{})
	}
	s.assets = newAssets()
	s.templates = s.parseTemplates() // panics on a template error: fail at boot
	if o.Config.SiteURL != "" {
		s.csrf.AddTrustedOrigin(o.Config.SiteURL)
	}
	// Browser telemetry beacons load no session, and a browser's report
	// upload might not pass the origin check.
	s.csrf.AddInsecureBypassPattern("POST /api/security/csp-report")
	s.csrf.AddInsecureBypassPattern("POST /api/telemetry/web-vitals")
	s.limits = newRateLimits(o)
	s.mux = http.NewServeMux()
	s.routes(s.mux)
	s.handler = s.withRequest(s.securityHeaders(s.mux))
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Drain makes readiness answer 503 and closes Closing, so that long-lived
// streams end: the first step of a graceful shutdown. It is idempotent.
func (s *Server) Drain() {
	if s.draining.CompareAndSwap(false, true) {
		close(s.closing)
	}
}

// observe records one finished request. timed is false for event streams,
// whose duration is no response time.
// notConfigured marks an expected 5xx of a feature not configured, which
// is no server error.
func (s *Server) observe(route, method string, status int, d time.Duration, timed, notConfigured bool) {
	s.requests.Add(1)
	if status >= 500 && !notConfigured {
		s.errors.Add(1)
	}
	if notConfigured {
		s.metrics.ObserveNotConfigured(route, method, status, d, timed)
		return
	}
	s.metrics.Observe(route, method, status, d, timed)
}

// Metrics returns the server's metrics, whose recent window the alert
// rules read.
func (s *Server) Metrics() *metrics.Metrics { return s.metrics }

// SetAlerts gives the server the alert manager of this replica:
// /api/monitoring lists its active alerts, and handlers may raise alerts
// through it (a critical emergency report).
func (s *Server) SetAlerts(m *alert.Manager) { s.alerts.Store(m) }
