package metrics

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"
)

// The recent window behind the JSON endpoints (/api/health, /api/status,
// /api/monitoring) works like this:
//
//   - Time is cut into wall-clock minutes. A ring of 60 slots holds the last
//     60 of them; a slot is reused (and cleared) when its minute comes round
//     again, so memory does not grow with traffic or uptime.
//   - Each slot counts requests, 5xx errors and the sum of latencies, in
//     total and per route pattern, exactly.
//   - Latencies are also sampled, for percentiles: each slot keeps a uniform
//     random sample (reservoir sampling, Vitter's algorithm R) of at most
//     allSamples latencies over all routes and routeSamples per route. Until
//     a reservoir fills, it holds every latency and percentiles are exact.
//   - A percentile over several minutes merges their reservoirs with
//     weights: a sample of a minute that saw n timed requests but kept k
//     samples stands for n/k requests, so a busy minute counts for more than
//     a quiet one. The q-percentile is the smallest sampled latency at which
//     the cumulative weight reaches q of the total (nearest rank).
//   - "The last 5 minutes" are the current, partial minute and the 4 before
//     it: between 4 and 5 minutes of data. Rates per minute divide by the
//     time those slots cover (never before the window started), at least one
//     minute, so a quiet start does not show a huge rate.
//   - Requests that stream (SSE) are counted, but their duration is the
//     stream's lifetime, not a response time: they are recorded untimed and
//     stay out of averages and percentiles.
const (
	windowMinutes = 60
	allSamples    = 512 // latencies kept per minute over all routes
	routeSamples  = 128 // latencies kept per minute and route
	// maxRoutes bounds the routes of one minute; more are counted as
	// otherRoute (callers pass route patterns, so this is a safety net).
	maxRoutes  = 256
	otherRoute = "other"
)

// Window holds per-minute request figures of the last hour. It is safe for
// concurrent use.
type Window struct {
	mu      sync.Mutex
	now     func() time.Time
	started time.Time
	slots   [windowMinutes]slot
}

type slot struct {
	minute int64 // Unix minute the slot holds; 0 = unused
	all    figures
	routes map[string]*figures
	// p95 caches the minute's 95th percentile for Series while p95ok:
	// a past minute no longer changes, so it is computed once.
	p95   float64
	p95ok bool
}

// figures are the counts and latency sample of one minute.
type figures struct {
	requests int64
	errors   int64
	timed    int64   // requests with a latency
	sum      float64 // milliseconds, over timed requests
	samples  []float32
}

// NewWindow returns an empty window that reads the time from now (time.Now
// when nil).
func NewWindow(now func() time.Time) *Window {
	if now == nil {
		now = time.Now
	}
	return &Window{now: now, started: now()}
}

// Record counts one finished request of route. A server error (status ≥
// 500) also counts as an error. timed is false for requests whose duration
// is not a response time (event streams).
func (w *Window) Record(route string, status int, d time.Duration, timed bool) {
	w.record(route, d, timed, status >= 500)
}

// record counts one request; failed says whether it is a server error.
func (w *Window) record(route string, d time.Duration, timed, failed bool) {
	ms := float64(d) / float64(time.Millisecond)
	w.mu.Lock()
	defer w.mu.Unlock()
	sl := w.slot(w.now())
	rf := sl.routes[route]
	if rf == nil {
		if len(sl.routes) >= maxRoutes {
			route = otherRoute
			rf = sl.routes[route]
		}
		if rf == nil {
			rf = &figures{}
			sl.routes[route] = rf
		}
	}
	sl.all.add(failed, ms, timed, allSamples)
	rf.add(failed, ms, timed, routeSamples)
	sl.p95ok = false
}

// slot returns the slot of t's minute, cleared if it held an older minute.
func (w *Window) slot(t time.Time) *slot {
	m := unixMinute(t)
	sl := &w.slots[m%windowMinutes]
	if sl.minute != m {
		*sl = slot{minute: m, routes: map[string]*figures{}}
	}
	return sl
}

func unixMinute(t time.Time) int64 { return t.Unix() / 60 }

func (f *figures) add(failed bool, ms float64, timed bool, capacity int) {
	f.requests++
	if failed {
		f.errors++
	}
	if !timed {
		return
	}
	f.timed++
	f.sum += ms
	if len(f.samples) < capacity {
		f.samples = append(f.samples, float32(ms))
	} else if j := rand.Int64N(f.timed); j < int64(capacity) {
		f.samples[j] = float32(ms)
	}
}

// Stats are request figures over a span of the window. Latencies are in
// milliseconds; they are 0 when no timed request was seen.
type Stats struct {
	Requests      int64   `json:"requests"`
	Errors        int64   `json:"errors"`
	ErrorRate     float64 `json:"errorRate"`     // errors / requests, 0..1
	RatePerMinute float64 `json:"ratePerMinute"` // requests per minute
	AvgMs         float64 `json:"avgMs"`
	P50Ms         float64 `json:"p50Ms"`
	P95Ms         float64 `json:"p95Ms"`
	P99Ms         float64 `json:"p99Ms"`
	// Timed is how many requests the latencies are about.
	Timed int64 `json:"timed"`
}

// Summary is the window's figures over a span: in total and per route.
type Summary struct {
	Minutes int              `json:"minutes"`
	Total   Stats            `json:"total"`
	Routes  map[string]Stats `json:"routes"`
}

// Summary returns the figures of the last span, rounded up to whole minutes
// (at most 60), the current minute included, in total and per route.
func (w *Window) Summary(span time.Duration) Summary { return w.summary(span, true) }

// Total returns the total figures of the last span like Summary, but
// without percentiles (they stay 0) and routes: counts, rates and the
// average, which is what the public health endpoints show, at a cost that
// does not grow with traffic.
func (w *Window) Total(span time.Duration) Stats { return w.summary(span, false).Total }

// summary adds up the slots of the span; detail adds the percentiles and
// the routes.
func (w *Window) summary(span time.Duration, detail bool) Summary {
	n := int(min(max((span+time.Minute-1)/time.Minute, 1), windowMinutes))
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	cur := unixMinute(now)
	var all []*figures
	routes := map[string][]*figures{}
	for i := range w.slots {
		sl := &w.slots[i]
		if sl.minute == 0 || sl.minute > cur || sl.minute <= cur-int64(n) {
			continue
		}
		all = append(all, &sl.all)
		if detail {
			for r, f := range sl.routes {
				routes[r] = append(routes[r], f)
			}
		}
	}
	from := time.Unix((cur-int64(n)+1)*60, 0)
	if from.Before(w.started) {
		from = w.started
	}
	minutes := max(now.Sub(from).Minutes(), 1)
	s := Summary{Minutes: n, Total: merge(all, minutes, detail), Routes: make(map[string]Stats, len(routes))}
	for r, fs := range routes {
		s.Routes[r] = merge(fs, minutes, true)
	}
	return s
}

// Point is one minute of the window's series.
type Point struct {
	T        time.Time `json:"t"` // the minute's start
	Requests int64     `json:"requests"`
	Errors   int64     `json:"errors"`
	P95Ms    *float64  `json:"p95Ms"` // null when the minute had no timed request
}

// Series returns the last 60 minutes, oldest first, the current minute
// last; minutes without traffic are zero.
func (w *Window) Series() []Point {
	w.mu.Lock()
	defer w.mu.Unlock()
	cur := unixMinute(w.now())
	pts := make([]Point, windowMinutes)
	for i := range pts {
		m := cur - windowMinutes + 1 + int64(i)
		p := Point{T: time.Unix(m*60, 0).UTC()}
		if sl := &w.slots[m%windowMinutes]; sl.minute == m {
			p.Requests, p.Errors = sl.all.requests, sl.all.errors
			if sl.all.timed > 0 {
				if !sl.p95ok {
					sl.p95, sl.p95ok = round(percentile(weighted([]*figures{&sl.all}), 0.95)), true
				}
				v := sl.p95
				p.P95Ms = &v
			}
		}
		pts[i] = p
	}
	return pts
}

// merge adds up the figures of several minutes; minutes is the time they
// cover, for the rate. Percentiles are computed when pct is true.
func merge(fs []*figures, minutes float64, pct bool) Stats {
	var s Stats
	var sum float64
	for _, f := range fs {
		s.Requests += f.requests
		s.Errors += f.errors
		s.Timed += f.timed
		sum += f.sum
	}
	if s.Requests > 0 {
		s.ErrorRate = float64(s.Errors) / float64(s.Requests)
	}
	s.RatePerMinute = round(float64(s.Requests) / minutes)
	if s.Timed > 0 {
		s.AvgMs = round(sum / float64(s.Timed))
	}
	if s.Timed > 0 && pct {
		ws := weighted(fs)
		s.P50Ms = round(percentile(ws, 0.50))
		s.P95Ms = round(percentile(ws, 0.95))
		s.P99Ms = round(percentile(ws, 0.99))
	}
	return s
}

// sample is one kept latency and how many requests it stands for.
type sample struct {
	ms     float64
	weight float64
}

// weighted returns the samples of fs sorted by latency, each weighted by
// the requests it stands for.
func weighted(fs []*figures) []sample {
	var out []sample
	for _, f := range fs {
		if len(f.samples) == 0 {
			continue
		}
		wt := float64(f.timed) / float64(len(f.samples))
		for _, v := range f.samples {
			out = append(out, sample{float64(v), wt})
		}
	}
	slices.SortFunc(out, func(a, b sample) int {
		switch {
		case a.ms < b.ms:
			return -1
		case a.ms > b.ms:
			return 1
		}
		return 0
	})
	return out
}

// percentile returns the weighted nearest-rank q-percentile (0 < q ≤ 1) of
// sorted samples, 0 for none.
func percentile(ss []sample, q float64) float64 {
	var total float64
	for _, s := range ss {
		total += s.weight
	}
	if total == 0 {
		return 0
	}
	target := q * total
	var cum float64
	for _, s := range ss {
		cum += s.weight
		// A small tolerance keeps float sums like 0.95×20 = 19 from missing
		// the 19th sample.
		if cum >= target-1e-9*total {
			return s.ms
		}
	}
	return ss[len(ss)-1].ms
}

// round keeps two decimals: enough for milliseconds, and stable in JSON.
func round(v float64) float64 { return math.Round(v*100) / 100 }
