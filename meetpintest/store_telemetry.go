package meetpintest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"meetpin.app"
)

func testTelemetry(t *testing.T, open func(t *testing.T) meetpin.Store) {
	t.Run("CSPCounters", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()

		empty, err := s.CSPSummary(ctx, 10)
		assertCode(t, err, "")
		if empty.Total != 0 || empty.Groups != 0 || empty.Top == nil || len(empty.Top) != 0 || empty.Pages == nil || len(empty.Pages) != 0 {
			t.Fatalf("empty summary = %+v, want zero totals and empty, non-nil lists", empty)
		}

		base := now().Add(-time.Hour)
		v := func(dir, blocked, path string, minutes int) meetpin.CSPViolation {
			return meetpin.CSPViolation{Directive: dir, BlockedURI: blocked, DocumentPath: path, At: base.Add(time.Duration(minutes) * time.Minute)}
		}
		// One batch with repeats, then a second batch whose times are
		// earlier and later than the first's: first_seen and last_seen
		// widen both ways.
		assertCode(t, s.RecordCSPViolations(ctx, []meetpin.CSPViolation{
			v("script-src-elem", "inline", "/map", 10),
			v("script-src-elem", "inline", "/map", 12),
			v("script-src-elem", "inline", "/rooms/{id}", 11),
			v("img-src", "https://tiles.example", "/map", 10),
		}), "")
		assertCode(t, s.RecordCSPViolations(ctx, []meetpin.CSPViolation{
			v("script-src-elem", "inline", "/map", 5),
			v("script-src-elem", "inline", "/", 20),
			v("style-src-elem", "https://fonts.example", "/", 7),
		}), "")
		assertCode(t, s.RecordCSPViolations(ctx, nil), "")

		sum, err := s.CSPSummary(ctx, 10)
		assertCode(t, err, "")
		assertEq(t, "Total", sum.Total, int64(7))
		assertEq(t, "Groups", sum.Groups, int64(3))
		if len(sum.Top) != 3 {
			t.Fatalf("Top = %+v, want 3 groups", sum.Top)
		}
		top := sum.Top[0]
		if top.Directive != "script-src-elem" || top.BlockedURI != "inline" || top.Count != 5 || top.Pages != 3 {
			t.Errorf("Top[0] = %+v, want script-src-elem inline ×5 on 3 pages", top)
		}
		assertTime(t, "Top[0].FirstSeen", top.FirstSeen, base.Add(5*time.Minute))
		assertTime(t, "Top[0].LastSeen", top.LastSeen, base.Add(20*time.Minute))
		// The two groups of one violation each tie: byte order of directive.
		if sum.Top[1].Directive != "img-src" || sum.Top[2].Directive != "style-src-elem" || sum.Top[1].Count != 1 || sum.Top[1].Pages != 1 {
			t.Errorf("Top[1:] = %+v, want img-src then style-src-elem", sum.Top[1:])
		}
		assertTime(t, "Top[1].FirstSeen", sum.Top[1].FirstSeen, base.Add(10*time.Minute))
		// Pages: /map 3 + 1, / 1 + 1, /rooms/{id} 1; ties in byte order.
		wantPages := []meetpin.CSPPageCount{{DocumentPath: "/map", Count: 4}, {DocumentPath: "/", Count: 2}, {DocumentPath: "/rooms/{id}", Count: 1}}
		if !reflect.DeepEqual(sum.Pages, wantPages) {
			t.Errorf("Pages = %+v, want %+v", sum.Pages, wantPages)
		}

		// A limit cuts the list, not the totals; below 1 it counts as 1.
		for _, limit := range []int{1, 0, -5} {
			one, err := s.CSPSummary(ctx, limit)
			assertCode(t, err, "")
			if len(one.Top) != 1 || one.Top[0].Count != 5 || one.Total != 7 || one.Groups != 3 || len(one.Pages) != 1 || one.Pages[0].DocumentPath != "/map" {
				t.Errorf("CSPSummary(%d) = %+v", limit, one)
			}
		}

		// Ties on count sort by blocked URI in byte order, whatever the
		// database's collation: '-' < '.' < letters.
		for _, b := range []string{"https://ab.example", "https://a-b.example", "https://a.example", "https://B.example"} {
			assertCode(t, s.RecordCSPViolations(ctx, []meetpin.CSPViolation{v("connect-src", b, "/", 0)}), "")
		}
		sum, err = s.CSPSummary(ctx, 10)
		assertCode(t, err, "")
		var order []string
		for _, c := range sum.Top {
			if c.Directive == "connect-src" {
				order = append(order, c.BlockedURI)
			}
		}
		want := []string{"https://B.example", "https://a-b.example", "https://a.example", "https://ab.example"}
		if !reflect.DeepEqual(order, want) {
			t.Errorf("tied groups in order %q, want byte order %q", order, want)
		}
	})

	t.Run("CSPInvalid", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		ok := meetpin.CSPViolation{Directive: "script-src", BlockedURI: "inline", DocumentPath: "/", At: now()}
		for name, mod := range map[string]func(*meetpin.CSPViolation){
			"empty directive":       func(v *meetpin.CSPViolation) { v.Directive = "" },
			"long directive":        func(v *meetpin.CSPViolation) { v.Directive = strings.Repeat("d", 65) },
			"empty blocked URI":     func(v *meetpin.CSPViolation) { v.BlockedURI = "" },
			"long blocked URI":      func(v *meetpin.CSPViolation) { v.BlockedURI = "https://" + strings.Repeat("b", 250) },
			"empty path":            func(v *meetpin.CSPViolation) { v.DocumentPath = "" },
			"long path":             func(v *meetpin.CSPViolation) { v.DocumentPath = "/" + strings.Repeat("p", 255) },
			"long path, Hangul":     func(v *meetpin.CSPViolation) { v.DocumentPath = "/" + strings.Repeat("방", 255) },
			"255 Hangul characters": nil, // valid
		} {
			if mod == nil {
				// 255 characters of 3 bytes each: the limit counts
				// characters on both engines.
				good := ok
				good.DocumentPath = strings.Repeat("방", 255)
				assertCode(t, s.RecordCSPViolations(ctx, []meetpin.CSPViolation{good}), "")
				continue
			}
			bad := ok
			mod(&bad)
			if got := meetpin.ErrorCode(s.RecordCSPViolations(ctx, []meetpin.CSPViolation{ok, bad})); got != meetpin.EVALIDATION {
				t.Errorf("%s: error code %q, want %q", name, got, meetpin.EVALIDATION)
			}
		}
		sum, err := s.CSPSummary(ctx, 10)
		assertCode(t, err, "")
		if sum.Total != 1 {
			t.Fatalf("after refused batches Total = %d, want 1 (the valid violation of a refused batch is not counted)", sum.Total)
		}
	})

	t.Run("CSPConcurrent", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		const n = 24
		a := meetpin.CSPViolation{Directive: "script-src", BlockedURI: "eval", DocumentPath: "/a", At: now()}
		b := meetpin.CSPViolation{Directive: "script-src", BlockedURI: "inline", DocumentPath: "/b", At: now()}
		// Half the writers send a then b, half b then a: the engine must
		// not deadlock, and no increment may be lost.
		errs := together(n, func(i int) error {
			if i%2 == 0 {
				return s.RecordCSPViolations(ctx, []meetpin.CSPViolation{a, b})
			}
			return s.RecordCSPViolations(ctx, []meetpin.CSPViolation{b, a})
		})
		if c := countCodes(errs); c[""] != n {
			t.Fatalf("concurrent records: %v (errors %v)", c, errs)
		}
		sum, err := s.CSPSummary(ctx, 10)
		assertCode(t, err, "")
		if sum.Total != 2*n || len(sum.Top) != 2 || sum.Top[0].Count != n || sum.Top[1].Count != n {
			t.Fatalf("summary = %+v, want %d of each", sum, n)
		}
	})

	t.Run("CSPDeleteBefore", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		cut := now().Add(-24 * time.Hour)
		old := meetpin.CSPViolation{Directive: "img-src", BlockedURI: "https://old.example", DocumentPath: "/", At: cut.Add(-time.Millisecond)}
		edge := meetpin.CSPViolation{Directive: "img-src", BlockedURI: "https://edge.example", DocumentPath: "/", At: cut}
		// Seen long ago and again recently: its last_seen keeps it.
		again := meetpin.CSPViolation{Directive: "img-src", BlockedURI: "https://again.example", DocumentPath: "/", At: cut.Add(-time.Hour)}
		assertCode(t, s.RecordCSPViolations(ctx, []meetpin.CSPViolation{old, edge, again}), "")
		again.At = now()
		assertCode(t, s.RecordCSPViolations(ctx, []meetpin.CSPViolation{again}), "")
		n, err := s.DeleteCSPViolationsBefore(ctx, cut)
		assertCode(t, err, "")
		assertEq(t, "deleted", n, int64(1))
		sum, err := s.CSPSummary(ctx, 10)
		assertCode(t, err, "")
		if sum.Groups != 2 || sum.Total != 3 {
			t.Fatalf("after delete: %+v", sum)
		}
		for _, c := range sum.Top {
			if c.BlockedURI == old.BlockedURI {
				t.Fatalf("the old counter survived: %+v", c)
			}
		}
	})

	t.Run("WebVitalsP75", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		at := now().Add(-time.Hour)
		var samples []meetpin.WebVital
		add := func(metric, path string, values ...float64) {
			for _, v := range values {
				samples = append(samples, webVital(metric, path, v, at))
			}
		}
		// Nearest rank ceil(0.75 n): n=1 → 1st, 2 → 2nd, 3 → 3rd, 4 → 3rd,
		// 5 → 4th, 8 → 6th smallest.
		add("LCP", "/n1", 1200)
		add("LCP", "/n2", 3000, 1000)
		add("LCP", "/n3", 900, 4500, 2000)
		add("LCP", "/n4", 400, 100, 300, 200)
		add("LCP", "/n5", 5000, 1000, 2500, 4000, 3000)
		add("CLS", "/map", 0.3, 0, 0.05, 0.1, 0.25, 0.02, 0.11, 0.07)
		add("TTFB", "/map", 800, 800, 800, 1801)
		rand.Shuffle(len(samples), func(i, j int) { samples[i], samples[j] = samples[j], samples[i] })
		assertCode(t, s.RecordWebVitals(ctx, samples), "")

		got, err := s.WebVitalsSummary(ctx, at)
		assertCode(t, err, "")
		want := []meetpin.WebVitalStat{
			// CLS sorted: 0 0.02 0.05 0.07 0.1 0.11 0.25 0.3 → 6th = 0.11.
			{Metric: "CLS", Path: "", Count: 8, P75: 0.11, Rating: "needs-improvement", Good: 5, NeedsImprovement: 2, Poor: 1},
			{Metric: "CLS", Path: "/map", Count: 8, P75: 0.11, Rating: "needs-improvement", Good: 5, NeedsImprovement: 2, Poor: 1},
			// All 15 LCP samples: rank ceil(11.25) = 12 →
			// 100 200 300 400 900 1000 1000 1200 2000 2500 3000 3000 4000 4500 5000 → 3000.
			{Metric: "LCP", Path: "", Count: 15, P75: 3000, Rating: "needs-improvement", Good: 10, NeedsImprovement: 3, Poor: 2},
			{Metric: "LCP", Path: "/n1", Count: 1, P75: 1200, Rating: "good", Good: 1},
			{Metric: "LCP", Path: "/n2", Count: 2, P75: 3000, Rating: "needs-improvement", Good: 1, NeedsImprovement: 1},
			{Metric: "LCP", Path: "/n3", Count: 3, P75: 4500, Rating: "poor", Good: 2, Poor: 1},
			{Metric: "LCP", Path: "/n4", Count: 4, P75: 300, Rating: "good", Good: 4},
			{Metric: "LCP", Path: "/n5", Count: 5, P75: 4000, Rating: "needs-improvement", Good: 2, NeedsImprovement: 2, Poor: 1},
			// A value equal to the threshold is still good.
			{Metric: "TTFB", Path: "", Count: 4, P75: 800, Rating: "good", Good: 3, Poor: 1},
			{Metric: "TTFB", Path: "/map", Count: 4, P75: 800, Rating: "good", Good: 3, Poor: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("WebVitalsSummary:\n got %s\nwant %s", fmtStats(got), fmtStats(want))
		}

		// Only samples at or after since count.
		later := at.Add(time.Minute)
		assertCode(t, s.RecordWebVitals(ctx, []meetpin.WebVital{webVital("INP", "/", 150, later), webVital("INP", "/", 600, later.Add(-time.Millisecond))}), "")
		got, err = s.WebVitalsSummary(ctx, later)
		assertCode(t, err, "")
		want = []meetpin.WebVitalStat{
			{Metric: "INP", Count: 1, P75: 150, Rating: "good", Good: 1},
			{Metric: "INP", Path: "/", Count: 1, P75: 150, Rating: "good", Good: 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("WebVitalsSummary(since later):\n got %s\nwant %s", fmtStats(got), fmtStats(want))
		}
		got, err = s.WebVitalsSummary(ctx, now().Add(time.Hour))
		assertCode(t, err, "")
		if got == nil || len(got) != 0 {
			t.Errorf("summary of the future = %#v, want an empty, non-nil list", got)
		}
	})

	t.Run("WebVitalsInvalid", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		ok := webVital("LCP", "/map", 1000, now())
		for name, mod := range map[string]func(*meetpin.WebVital){
			"unknown metric":  func(v *meetpin.WebVital) { v.Metric = "TTI" },
			"lower-case name": func(v *meetpin.WebVital) { v.Metric = "lcp" },
			"bad rating":      func(v *meetpin.WebVital) { v.Rating = "great" },
			"negative":        func(v *meetpin.WebVital) { v.Value = -1 },
			"too large":       func(v *meetpin.WebVital) { v.Value = 60000.5 },
			"CLS above 10":    func(v *meetpin.WebVital) { v.Metric, v.Value = "CLS", 10.01 },
			"NaN":             func(v *meetpin.WebVital) { v.Value = math.NaN() },
			"+Inf":            func(v *meetpin.WebVital) { v.Value = math.Inf(1) },
			"empty path":      func(v *meetpin.WebVital) { v.Path = "" },
			"long path":       func(v *meetpin.WebVital) { v.Path = "/" + strings.Repeat("p", 255) },
		} {
			bad := ok
			mod(&bad)
			if got := meetpin.ErrorCode(s.RecordWebVitals(ctx, []meetpin.WebVital{ok, bad, ok})); got != meetpin.EVALIDATION {
				t.Errorf("%s: error code %q, want %q", name, got, meetpin.EVALIDATION)
			}
		}
		got, err := s.WebVitalsSummary(ctx, now().Add(-time.Hour))
		assertCode(t, err, "")
		if len(got) != 0 {
			t.Fatalf("refused batches stored samples: %s", fmtStats(got))
		}
		// The edges of the ranges are fine.
		edges := []meetpin.WebVital{webVital("CLS", "/", 0, now()), webVital("CLS", "/", 10, now()), webVital("FID", "/", 60000, now()), webVital("FCP", "/", 0, now())}
		assertCode(t, s.RecordWebVitals(ctx, edges), "")
	})

	t.Run("WebVitalsDeleteBefore", func(t *testing.T) {
		t.Parallel()
		s := open(t)
		ctx := t.Context()
		cut := now().Add(-7 * 24 * time.Hour)
		assertCode(t, s.RecordWebVitals(ctx, []meetpin.WebVital{
			webVital("FCP", "/", 100, cut.Add(-time.Hour)),
			webVital("FCP", "/", 200, cut.Add(-time.Millisecond)),
			webVital("FCP", "/", 300, cut),
			webVital("FCP", "/", 400, now()),
		}), "")
		n, err := s.DeleteWebVitalsBefore(ctx, cut)
		assertCode(t, err, "")
		assertEq(t, "deleted", n, int64(2))
		got, err := s.WebVitalsSummary(ctx, cut.Add(-48*time.Hour))
		assertCode(t, err, "")
		if len(got) != 2 || got[0].Count != 2 || got[0].P75 != 400 {
			t.Fatalf("after delete: %s", fmtStats(got))
		}
	})
}

// webVital builds a sample rated the way the app rates it.
func webVital(metric, path string, v float64, at time.Time) meetpin.WebVital {
	return meetpin.WebVital{Metric: metric, Value: v, Path: path, Rating: meetpin.RateWebVital(metric, v), At: at}
}

func fmtStats(stats []meetpin.WebVitalStat) string {
	var b strings.Builder
	for _, s := range stats {
		fmt.Fprintf(&b, "\n  %+v", s)
	}
	return b.String()
}
