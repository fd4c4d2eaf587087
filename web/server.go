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

	"meetpin"
	"meetpin/app"
	"meetpin/config"
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
	sseOpen   atomic.Int64
	started   time.Time
	handler   http.Handler

	draining atomic.Bool
	closing  chan struct{} // closed by Drain
	requests atomic.Int64
	errors   atomic.Int64

	// The web pages: embedded static files and the parsed templates.
	assets    *assets
	templates map[string]*template.Template
	series    *series // per-minute request figures for the admin charts
}

// New builds the server and its routes.
func New(o Options) *Server {
	s := &Server{
		log: o.Log, cfg: o.Config, app: o.App, store: o.Store, schema: o.Schema, media: o.MediaDir,
		csrf: http.NewCrossOriginProtection(), started: time.Now(), closing: make(chan struct{}),
		broker: o.Broker, heartbeat: o.Heartbeat,
	}
	if s.heartbeat <= 0 {
		s.heartbeat = 15 * time.Second
	}
	s.assets = newAssets()
	s.templates = s.parseTemplates() // panics on a template error: fail at boot
	s.series = newSeries(60)
	if o.Config.SiteURL != "" {
		s.csrf.AddTrustedOrigin(o.Config.SiteURL)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	s.handler = s.withRequest(s.securityHeaders(s.authenticate(mux)))
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

// handle registers a route and records its pattern for logs and metrics.
func (s *Server) handle(mux *http.ServeMux, pattern string, h http.HandlerFunc) {
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		infoOf(r).pattern = pattern
		if len(r.URL.Path) >= 5 && r.URL.Path[:5] == "/api/" {
			w = &apiFallback{ResponseWriter: w, s: s, r: r}
		}
		h(w, r)
	})
}

// observe records one finished request.
func (s *Server) observe(route, method string, status int, d time.Duration) {
	s.requests.Add(1)
	if status >= 500 {
		s.errors.Add(1)
	}
	s.series.observe(time.Now(), status, d)
}
