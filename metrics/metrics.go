// Package metrics is meetpin's instrumentation: the Prometheus metrics
// behind GET /metrics (over prometheus/client_golang, the one package that
// imports it) and the in-process recent window behind the JSON health and
// monitoring endpoints.
//
// Every Metrics has its own registry, never the global one, so that two
// servers can run in one process (tests do). Figures owned by other
// components — database pool, cache, rate limiter, cron — are read when
// scraped, through small interfaces; any of them may be absent.
//
// Route labels are ServeMux patterns ("GET /api/rooms/{id}"), never raw
// paths, so that label values stay a small fixed set.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"meetpin.app"
	"meetpin.app/buildinfo"
)

// namespace prefixes every meetpin metric.
const namespace = "meetpin"

// LatencyBuckets are the upper bounds, in seconds, of the request latency
// histogram. 3 s is the runbook's response-time alert threshold.
var LatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10}

// RejectionCounter reports how many requests the rate limiter refused, by
// limit class ("api", "auth", "room_create" …), since the process started.
type RejectionCounter interface {
	Rejections() map[string]int64
}

// JobStats reports how often each cron job ran, by job and result
// ("ok", "error", "skipped" …): job → result → count, since the process
// started.
type JobStats interface {
	JobRuns() map[string]map[string]int64
}

// Options are the sources Metrics reads at scrape time. Each may be nil.
type Options struct {
	Store      meetpin.Store    // connection pool gauges
	Cache      meetpin.Cache    // cache hits and misses
	Rejections RejectionCounter // rate-limit rejections by class
	Jobs       JobStats         // cron runs by job and result
	Streams    func() int64     // event streams open now
	// StreamCaps reports the caps on event streams: the process's
	// maximum, streams closed because their user opened one too many, and
	// streams refused because the process was at its maximum.
	StreamCaps func() (max, replaced, refused int64)
	// Now is the clock of the recent window (time.Now when nil).
	Now func() time.Time
}

// Metrics records requests and exposes them, with the sources' figures.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	window   *Window
	handler  http.Handler
}

// New returns the metrics of one server, on a registry of its own that also
// holds the Go runtime and process collectors.
func New(o Options) *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: namespace, Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: namespace, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer an HTTP request, by route pattern (event streams excluded).",
			Buckets: LatencyBuckets,
		}, []string{"route"}),
		window: NewWindow(o.Now),
	}
	m.reg.MustRegister(
		m.requests, m.latency,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newSourceCollector(o),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: namespace, Name: "build_info", Help: "Always 1; the labels say which build runs.",
			ConstLabels: prometheus.Labels{"version": buildinfo.Version, "goversion": buildinfo.GoVersion()},
		}, func() float64 { return 1 }),
	)
	m.handler = promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg, ErrorHandling: promhttp.ContinueOnError})
	return m
}

// Observe records one finished request: route is its ServeMux pattern
// ("unmatched" when none matched). timed is false for event streams, whose
// duration is not a response time: they are counted but not timed.
func (m *Metrics) Observe(route, method string, status int, d time.Duration, timed bool) {
	m.requests.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Inc()
	if timed {
		m.latency.WithLabelValues(route).Observe(d.Seconds())
	}
	m.window.Record(route, status, d, timed)
}

// ObserveNotConfigured records a request answered 5xx because a feature is
// not configured (place search without a Kakao key): counted by its status
// in Prometheus, but not as a server error in the recent window that the
// error-rate alert reads.
func (m *Metrics) ObserveNotConfigured(route, method string, status int, d time.Duration, timed bool) {
	m.requests.WithLabelValues(route, methodLabel(method), strconv.Itoa(status)).Inc()
	if timed {
		m.latency.WithLabelValues(route).Observe(d.Seconds())
	}
	m.window.record(route, d, timed, false)
}

// Window returns the recent window of the requests observed.
func (m *Metrics) Window() *Window { return m.window }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler { return m.handler }

// Registry returns the registry, for components that add their own
// metrics.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// methodLabel keeps the method label to the standard methods: a client can
// send any token as a method, and each would be a new series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}
