package metrics

import (
	"fmt"
	"math"
	rtmetrics "runtime/metrics"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newClock starts at a minute boundary plus offset.
func newClock(offset time.Duration) *clock {
	return &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC).Add(offset)}
}

func ms(v float64) time.Duration { return time.Duration(v * float64(time.Millisecond)) }

func TestWindowExactPercentiles(t *testing.T) {
	c := newClock(10 * time.Second)
	w := NewWindow(c.now)
	for i := 1; i <= 100; i++ {
		w.Record("GET /api/rooms/{id}", 200, ms(float64(i)), true)
	}
	s := w.Summary(5 * time.Minute)
	r, ok := s.Routes["GET /api/rooms/{id}"]
	if !ok {
		t.Fatalf("no route in %+v", s.Routes)
	}
	for name, c := range map[string][2]float64{
		"p50": {r.P50Ms, 50}, "p95": {r.P95Ms, 95}, "p99": {r.P99Ms, 99}, "avg": {r.AvgMs, 50.5},
		"requests": {float64(r.Requests), 100}, "timed": {float64(r.Timed), 100},
	} {
		if c[0] != c[1] {
			t.Errorf("%s = %v, want %v", name, c[0], c[1])
		}
	}
	if s.Total != r {
		t.Errorf("total %+v differs from the only route %+v", s.Total, r)
	}
}

func TestWindowErrorsAndStreams(t *testing.T) {
	c := newClock(0)
	w := NewWindow(c.now)
	for _, st := range []int{200, 201, 404, 429, 500, 503, 200, 200} {
		w.Record("POST /api/rooms", st, ms(10), true)
	}
	// A stream that lasted an hour is counted but not timed.
	w.Record("GET /api/matches/{id}/events", 200, time.Hour, false)
	s := w.Summary(time.Minute)
	if s.Total.Requests != 9 || s.Total.Errors != 2 || s.Total.Timed != 8 {
		t.Fatalf("total %+v: want 9 requests, 2 errors (5xx only), 8 timed", s.Total)
	}
	if got := s.Routes["POST /api/rooms"].ErrorRate; got != 0.25 {
		t.Fatalf("route error rate %v, want 0.25", got)
	}
	if s.Total.P99Ms != 10 || s.Total.AvgMs != 10 {
		t.Fatalf("the stream's hour leaked into latencies: %+v", s.Total)
	}
	ev := s.Routes["GET /api/matches/{id}/events"]
	if ev.Requests != 1 || ev.Timed != 0 || ev.P50Ms != 0 || ev.AvgMs != 0 {
		t.Fatalf("stream route %+v", ev)
	}
}

func TestWindowRollsOver(t *testing.T) {
	c := newClock(30 * time.Second)
	w := NewWindow(c.now)
	w.Record("a", 200, ms(1), true) // minute 0
	c.add(3 * time.Minute)
	w.Record("a", 500, ms(2), true) // minute 3
	if got := w.Summary(5 * time.Minute).Total.Requests; got != 2 {
		t.Fatalf("at minute 3, last 5 min: %d requests, want 2", got)
	}
	if got := w.Summary(time.Minute).Total.Requests; got != 1 {
		t.Fatalf("at minute 3, last 1 min: %d requests, want 1", got)
	}
	c.add(2 * time.Minute) // minute 5: minute 0 is out of the last 5 (1..5)
	if s := w.Summary(5 * time.Minute).Total; s.Requests != 1 || s.Errors != 1 {
		t.Fatalf("at minute 5, last 5 min: %+v, want only minute 3", s)
	}
	if got := w.Summary(time.Hour).Total.Requests; got != 2 {
		t.Fatalf("last hour: %d, want 2", got)
	}
	// 60 minutes after minute 3, its slot is reused for the new minute.
	c.add(58 * time.Minute) // minute 63
	w.Record("b", 200, ms(3), true)
	s := w.Summary(time.Hour)
	if s.Total.Requests != 1 || len(s.Routes) != 1 || s.Routes["b"].Requests != 1 {
		t.Fatalf("after an hour: %+v, want only the new request", s)
	}
	c.add(2 * time.Hour)
	if s := w.Summary(time.Hour); s.Total.Requests != 0 || len(s.Routes) != 0 {
		t.Fatalf("idle for 2 hours: %+v", s)
	}
}

func TestWindowRate(t *testing.T) {
	c := newClock(30 * time.Second)
	w := NewWindow(c.now)
	for range 30 {
		w.Record("a", 200, ms(1), true)
	}
	// Started 0 s ago: the rate is over at least one minute.
	if got := w.Summary(5 * time.Minute).Total.RatePerMinute; got != 30 {
		t.Fatalf("rate at start %v, want 30", got)
	}
	c.add(2 * time.Minute) // 2 minutes since the start
	if got := w.Summary(5 * time.Minute).Total.RatePerMinute; got != 15 {
		t.Fatalf("rate after 2 min %v, want 15", got)
	}
	c.add(10 * time.Minute) // the window is full: 5 min span covers 4.5 min
	for range 45 {
		w.Record("a", 200, ms(1), true)
	}
	if got := w.Summary(5 * time.Minute).Total.RatePerMinute; got != 10 {
		t.Fatalf("rate over a full span %v, want 10", got)
	}
}

func TestWindowReservoirBounded(t *testing.T) {
	c := newClock(0)
	w := NewWindow(c.now)
	const n = 20000
	for i := 1; i <= n; i++ {
		w.Record("a", 200, ms(float64(i)), true)
	}
	w.mu.Lock()
	sl := w.slot(c.now())
	routeKept, allKept := len(sl.routes["a"].samples), len(sl.all.samples)
	w.mu.Unlock()
	if routeKept != routeSamples || allKept != allSamples {
		t.Fatalf("kept %d route and %d total samples, want %d and %d", routeKept, allKept, routeSamples, allSamples)
	}
	s := w.Summary(time.Minute)
	if s.Total.Requests != n || s.Total.AvgMs != (n+1)/2.0 {
		t.Fatalf("counts and average must stay exact: %+v", s.Total)
	}
	// A uniform sample of 1..n: each estimate lies within 6 standard errors
	// of the true value (σ = n·√(q(1−q)/k) for k samples), which a biased
	// reservoir (the first or last k values) misses by far.
	for _, c := range []struct {
		name string
		got  float64
		q    float64
		k    int
	}{
		{"total p50", s.Total.P50Ms, 0.50, allSamples},
		{"total p95", s.Total.P95Ms, 0.95, allSamples},
		{"route p50", s.Routes["a"].P50Ms, 0.50, routeSamples},
		{"route p95", s.Routes["a"].P95Ms, 0.95, routeSamples},
	} {
		want, tol := c.q*n, 6*n*math.Sqrt(c.q*(1-c.q)/float64(c.k))
		if math.Abs(c.got-want) > tol {
			t.Errorf("%s = %v, want %v ± %.0f", c.name, c.got, want, tol)
		}
	}
}

// TestWindowWeightedMerge: a busy fast minute and a quiet slow one. Without
// weights the 10 slow requests would be 10 of 138 samples (7 %) and p95
// would be slow; they are 10 of 1010 requests (1 %).
func TestWindowWeightedMerge(t *testing.T) {
	c := newClock(0)
	w := NewWindow(c.now)
	for range 1000 {
		w.Record("a", 200, ms(1), true)
	}
	c.add(time.Minute)
	for range 10 {
		w.Record("a", 200, ms(1000), true)
	}
	r := w.Summary(5 * time.Minute).Routes["a"]
	if r.P95Ms != 1 || r.P50Ms != 1 {
		t.Fatalf("p50 %v p95 %v, want 1 ms (weighted by requests)", r.P50Ms, r.P95Ms)
	}
	if r.AvgMs != round((1000+10*1000)/1010.0) {
		t.Fatalf("avg %v", r.AvgMs)
	}
	if r.Timed != 1010 {
		t.Fatalf("timed %d", r.Timed)
	}
}

func TestWindowSeries(t *testing.T) {
	c := newClock(45 * time.Second)
	w := NewWindow(c.now)
	w.Record("a", 200, ms(5), true)
	w.Record("a", 500, ms(7), true)
	c.add(2 * time.Minute)
	w.Record("a", 200, time.Minute, false) // untimed only
	pts := w.Series()
	if len(pts) != windowMinutes {
		t.Fatalf("%d points", len(pts))
	}
	last, first := pts[len(pts)-1], pts[len(pts)-3]
	if want := c.now().Truncate(time.Minute); !last.T.Equal(want) {
		t.Fatalf("last point at %s, want the current minute %s", last.T, want)
	}
	if first.Requests != 2 || first.Errors != 1 || first.P95Ms == nil || *first.P95Ms != 7 {
		t.Fatalf("minute 0: %+v", first)
	}
	if last.Requests != 1 || last.P95Ms != nil {
		t.Fatalf("current minute: %+v, want 1 request and no p95", last)
	}
	if mid := pts[len(pts)-2]; mid.Requests != 0 || mid.P95Ms != nil {
		t.Fatalf("idle minute: %+v", mid)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].T.Sub(pts[i-1].T) != time.Minute {
			t.Fatalf("points %d and %d are not a minute apart", i-1, i)
		}
	}
	// A minute's p95 is cached, and recomputed when the minute changes.
	w.Record("a", 200, ms(3), true)
	if p := w.Series()[windowMinutes-1].P95Ms; p == nil || *p != 3 {
		t.Fatalf("current minute p95 %v, want 3", p)
	}
	w.Record("a", 200, ms(9), true)
	if p := w.Series()[windowMinutes-1].P95Ms; p == nil || *p != 9 {
		t.Fatalf("current minute p95 after a slower request %v, want 9", p)
	}
}

func TestWindowTotal(t *testing.T) {
	c := newClock(0)
	w := NewWindow(c.now)
	for i := 1; i <= 40; i++ {
		w.Record(fmt.Sprintf("GET /r%d", i%3), 200+300*(i%20/19), ms(float64(i)), true)
	}
	sum, tot := w.Summary(5*time.Minute).Total, w.Total(5*time.Minute)
	if tot.Requests != 40 || tot.Errors != 2 || tot.ErrorRate != sum.ErrorRate || tot.AvgMs != sum.AvgMs ||
		tot.RatePerMinute != sum.RatePerMinute || tot.Timed != sum.Timed {
		t.Fatalf("Total %+v differs from Summary %+v", tot, sum)
	}
	if tot.P50Ms != 0 || tot.P99Ms != 0 || sum.P99Ms == 0 {
		t.Fatalf("Total has percentiles %+v (Summary %+v)", tot, sum)
	}
}

func TestWindowRouteCap(t *testing.T) {
	c := newClock(0)
	w := NewWindow(c.now)
	for i := range maxRoutes + 10 {
		w.Record(fmt.Sprintf("GET /r%d", i), 200, ms(1), true)
	}
	s := w.Summary(time.Minute)
	if len(s.Routes) != maxRoutes+1 || s.Routes[otherRoute].Requests != 10 || s.Total.Requests != maxRoutes+10 {
		t.Fatalf("%d routes, other %+v", len(s.Routes), s.Routes[otherRoute])
	}
}

func TestWindowConcurrent(t *testing.T) {
	w := NewWindow(nil)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 500 {
				w.Record(fmt.Sprintf("GET /r%d", g), 200+i%2*300, ms(float64(i)), true)
				if i%100 == 0 {
					w.Summary(5 * time.Minute)
					w.Series()
				}
			}
		})
	}
	wg.Wait()
	if got := w.Summary(time.Hour).Total; got.Requests != 4000 || got.Errors != 2000 {
		t.Fatalf("%+v", got)
	}
}

func TestAlerts(t *testing.T) {
	fail := fmt.Errorf("connection refused")
	cases := []struct {
		name  string
		stats Stats
		db    error
		want  []string
	}{
		{"quiet", Stats{}, nil, nil},
		{"one error in two requests", Stats{Requests: 2, Errors: 1, ErrorRate: 0.5, Timed: 2}, nil, nil},
		{"under the minimum", Stats{Requests: 19, Errors: 19, ErrorRate: 1, Timed: 19, P95Ms: 9000}, nil, nil},
		{"exactly 1 %", Stats{Requests: 100, Errors: 1, ErrorRate: 0.01, Timed: 100}, nil, nil},
		{"2 %", Stats{Requests: 100, Errors: 2, ErrorRate: 0.02, Timed: 100}, nil, []string{AlertHighErrorRate}},
		{"p95 at 3 s", Stats{Requests: 20, Timed: 20, P95Ms: 3000}, nil, nil},
		{"p95 over 3 s", Stats{Requests: 20, Timed: 20, P95Ms: 3001}, nil, []string{AlertHighLatency}},
		{"slow but few timed", Stats{Requests: 100, Timed: 5, P95Ms: 9000}, nil, nil},
		{"database", Stats{}, fail, []string{AlertDatabaseDown}},
		{"everything", Stats{Requests: 50, Errors: 50, ErrorRate: 1, Timed: 50, P95Ms: 5000}, fail,
			[]string{AlertDatabaseDown, AlertHighErrorRate, AlertHighLatency}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := Alerts(c.stats, c.db)
			if got == nil {
				t.Fatal("nil slice: the JSON must be [] not null")
			}
			var names []string
			for _, a := range got {
				names = append(names, a.Name)
				if a.Message == "" || a.Severity == "" {
					t.Errorf("incomplete alert %+v", a)
				}
			}
			if fmt.Sprint(names) != fmt.Sprint(c.want) {
				t.Fatalf("alerts %v, want %v", names, c.want)
			}
		})
	}
}

func TestHistogramQuantile(t *testing.T) {
	h := &rtmetrics.Float64Histogram{
		Counts:  []uint64{90, 9, 1},
		Buckets: []float64{0, 0.001, 0.01, math.Inf(1)},
	}
	for _, c := range []struct{ q, want float64 }{{0.5, 0.001}, {0.9, 0.001}, {0.95, 0.01}, {0.99, 0.01}, {1, 0.01}} {
		if got := histogramQuantile(h, c.q); got != c.want {
			t.Errorf("q%v = %v, want %v", c.q, got, c.want)
		}
	}
	if got := histogramQuantile(&rtmetrics.Float64Histogram{Counts: []uint64{0}, Buckets: []float64{0, 1}}, 0.99); got != 0 {
		t.Errorf("empty histogram: %v", got)
	}
	if r := ReadRuntime(); r.Goroutines < 1 || r.HeapAllocBytes == 0 || r.GoVersion == "" {
		t.Errorf("runtime snapshot %+v", r)
	}
}
