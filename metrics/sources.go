package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// sourceTimeout bounds the cache's Stats call of one scrape (a shared cache
// may ask its server).
const sourceTimeout = 2 * time.Second

func desc(name, help string, labels ...string) *prometheus.Desc {
	return prometheus.NewDesc(prometheus.BuildFQName(namespace, "", name), help, labels, nil)
}

// sourceCollector reads the figures other components own when the metrics
// are scraped: nothing is copied between scrapes, so the numbers are never
// stale and an absent source simply has no series.
type sourceCollector struct {
	o Options

	streams                          *prometheus.Desc
	streamMax, streamsReplaced       *prometheus.Desc
	streamsRefused                   *prometheus.Desc
	poolMax, poolOpen, poolInUse     *prometheus.Desc
	poolIdle, poolWaits              *prometheus.Desc
	cacheHits, cacheMisses, cacheKey *prometheus.Desc
	cacheUp                          *prometheus.Desc
	rejections, jobRuns              *prometheus.Desc
}

func newSourceCollector(o Options) *sourceCollector {
	return &sourceCollector{
		o:         o,
		streams:   desc("sse_open_streams", "Server-Sent Event streams open now."),
		streamMax: desc("sse_max_streams", "Server-Sent Event streams this process keeps open at most (MEETPIN_SSE_MAX)."),
		streamsReplaced: desc("sse_replaced_streams_total",
			"Event streams closed (event: replaced) because their user opened more than the per-user cap."),
		streamsRefused: desc("sse_refused_streams_total", "Event streams refused with 503 because the process was at MEETPIN_SSE_MAX."),
		poolMax:        desc("db_pool_max_connections", "Largest number of database connections the pool may open."),
		poolOpen:       desc("db_pool_open_connections", "Database connections open now."),
		poolInUse:      desc("db_pool_in_use_connections", "Database connections in use now."),
		poolIdle:       desc("db_pool_idle_connections", "Database connections idle now."),
		poolWaits:      desc("db_pool_waits_total", "Times a request had to wait for a free database connection."),
		cacheHits:      desc("cache_hits_total", "Cache reads that found their key.", "backend"),
		cacheMisses:    desc("cache_misses_total", "Cache reads that missed.", "backend"),
		cacheKey:       desc("cache_keys", "Keys in the cache now.", "backend"),
		cacheUp:        desc("cache_up", "1 when the cache backend answers, else 0.", "backend"),
		rejections:     desc("ratelimit_rejections_total", "Requests refused by the rate limiter, by limit class.", "class"),
		jobRuns:        desc("cron_runs_total", "Cron job runs, by job and result.", "job", "result"),
	}
}

// Describe implements prometheus.Collector.
func (c *sourceCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.streams, c.streamMax, c.streamsReplaced, c.streamsRefused, c.poolMax, c.poolOpen, c.poolInUse, c.poolIdle, c.poolWaits,
		c.cacheHits, c.cacheMisses, c.cacheKey, c.cacheUp, c.rejections, c.jobRuns} {
		ch <- d
	}
}

// Collect implements prometheus.Collector.
func (c *sourceCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	counter := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, labels...)
	}
	if c.o.Streams != nil {
		gauge(c.streams, float64(c.o.Streams()))
	}
	if c.o.StreamCaps != nil {
		max, replaced, refused := c.o.StreamCaps()
		gauge(c.streamMax, float64(max))
		counter(c.streamsReplaced, float64(replaced))
		counter(c.streamsRefused, float64(refused))
	}
	if c.o.Store != nil {
		p := c.o.Store.Stats()
		gauge(c.poolMax, float64(p.MaxOpen))
		gauge(c.poolOpen, float64(p.Open))
		gauge(c.poolInUse, float64(p.InUse))
		gauge(c.poolIdle, float64(p.Idle))
		counter(c.poolWaits, float64(p.Waits))
	}
	if c.o.Cache != nil {
		ctx, cancel := context.WithTimeout(context.Background(), sourceTimeout)
		s := c.o.Cache.Stats(ctx)
		cancel()
		counter(c.cacheHits, float64(s.Hits), s.Backend)
		counter(c.cacheMisses, float64(s.Misses), s.Backend)
		gauge(c.cacheKey, float64(s.KeyCount), s.Backend)
		up := 0.0
		if s.Connected {
			up = 1
		}
		gauge(c.cacheUp, up, s.Backend)
	}
	if c.o.Rejections != nil {
		for class, n := range c.o.Rejections.Rejections() {
			counter(c.rejections, float64(n), class)
		}
	}
	if c.o.Jobs != nil {
		for job, results := range c.o.Jobs.JobRuns() {
			for result, n := range results {
				counter(c.jobRuns, float64(n), job, result)
			}
		}
	}
}
