package metrics

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// routes of a busy server: the ServeMux patterns meetpin has.
var benchRoutes = func() []string {
	r := make([]string, 50)
	for i := range r {
		r[i] = fmt.Sprintf("GET /api/route%d/{id}", i)
	}
	return r
}()

// BenchmarkObserve is the cost each request pays: counter, histogram and
// window, from all cores at once.
func BenchmarkObserve(b *testing.B) {
	m := New(Options{})
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			m.Observe(benchRoutes[i%len(benchRoutes)], "GET", 200, time.Duration(i%1000)*time.Microsecond, true)
			i++
		}
	})
}

// fullWindow returns a window whose 60 minutes all saw every route with
// full reservoirs: the largest it gets.
func fullWindow(b *testing.B) (*Window, *clock) {
	c := newClock(0)
	w := NewWindow(c.now)
	for range windowMinutes {
		for i := range allSamples * 2 {
			w.Record(benchRoutes[i%len(benchRoutes)], 200, time.Duration(i)*time.Microsecond, true)
		}
		for _, r := range benchRoutes {
			for i := range routeSamples {
				w.Record(r, 200, time.Duration(i)*time.Microsecond, true)
			}
		}
		c.add(time.Minute)
	}
	c.add(-time.Second)
	return w, c
}

// BenchmarkSummary is the cost of /api/monitoring reading the last 5
// minutes of a full window, percentiles of every route included.
func BenchmarkSummary(b *testing.B) {
	w, _ := fullWindow(b)
	b.ReportAllocs()
	for b.Loop() {
		w.Summary(5 * time.Minute)
	}
}

// BenchmarkTotal is the cost of /api/health and /api/status.
func BenchmarkTotal(b *testing.B) {
	w, _ := fullWindow(b)
	b.ReportAllocs()
	for b.Loop() {
		w.Total(time.Hour)
	}
}

// BenchmarkSeries is the cost of the 60-minute chart series.
func BenchmarkSeries(b *testing.B) {
	w, _ := fullWindow(b)
	b.ReportAllocs()
	for b.Loop() {
		w.Series()
	}
}

// BenchmarkWindowMemory reports the heap a full window holds.
func BenchmarkWindowMemory(b *testing.B) {
	var before, after runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&before)
		w, _ := fullWindow(b)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB")
		runtime.KeepAlive(w)
	}
}
