package meetpintest

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"meetpin.app"
)

// BenchTelemetry measures the telemetry store on s, which must be empty:
//
//   - Summary: WebVitalsSummary over the last 24 h with
//     MEETPIN_BENCH_VITALS samples stored (default 100 000, spread evenly
//     over 48 h, 6 metrics, 20 pages), as the operator's GET runs it;
//   - Beacon: RecordWebVitals of one page view's 5 samples;
//   - CSPReport: RecordCSPViolations of one violation into 200 counters.
//
// Seeding (in batches of 1000) is reported as seed-rows/s on Summary.
func BenchTelemetry(b *testing.B, s meetpin.Store) {
	n := 100_000
	if v, err := strconv.Atoi(os.Getenv("MEETPIN_BENCH_VITALS")); err == nil && v > 0 {
		n = v
	}
	ctx := b.Context()
	now := time.Now().UTC().Truncate(time.Millisecond)
	rng := rand.New(rand.NewPCG(1, 2))
	sample := func(at time.Time) meetpin.WebVital {
		m := meetpin.WebVitalNames[rng.IntN(len(meetpin.WebVitalNames))]
		v := rng.ExpFloat64() * 1500
		if m == meetpin.VitalCLS {
			v = min(rng.ExpFloat64()*0.08, 10)
		}
		v = min(v, 60000)
		return meetpin.WebVital{Metric: m, Value: v, Path: fmt.Sprintf("/page/%d", rng.IntN(20)), Rating: meetpin.RateWebVital(m, v), At: at}
	}

	// Seed once, outside the sub-benchmarks: the framework may run a
	// sub-benchmark's function more than once.
	start := time.Now()
	batch := make([]meetpin.WebVital, 0, 1000)
	for i := range n {
		batch = append(batch, sample(now.Add(-time.Duration(i)*48*time.Hour/time.Duration(n))))
		if len(batch) == cap(batch) || i == n-1 {
			if err := s.RecordWebVitals(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	seeded := time.Since(start)

	b.Run("Summary", func(b *testing.B) {
		var groups int
		for b.Loop() {
			stats, err := s.WebVitalsSummary(ctx, now.Add(-24*time.Hour))
			if err != nil {
				b.Fatal(err)
			}
			groups = len(stats)
		}
		b.ReportMetric(float64(n)/seeded.Seconds(), "seed-rows/s")
		b.ReportMetric(float64(groups), "groups")
	})

	b.Run("Beacon", func(b *testing.B) {
		for b.Loop() {
			vs := make([]meetpin.WebVital, 5)
			for i := range vs {
				vs[i] = sample(now)
			}
			if err := s.RecordWebVitals(ctx, vs); err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("CSPReport", func(b *testing.B) {
		for b.Loop() {
			v := meetpin.CSPViolation{Directive: "img-src", BlockedURI: fmt.Sprintf("https://h%d.example", rng.IntN(200)), DocumentPath: "/map", At: now}
			if err := s.RecordCSPViolations(ctx, []meetpin.CSPViolation{v}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
