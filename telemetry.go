package meetpin

import (
	"cmp"
	"context"
	"slices"
	"time"
)

// CSPViolation is one Content-Security-Policy violation a browser reported,
// reduced to what helps fix the policy and nothing that identifies a
// person: no query strings, no user agent, no address.
type CSPViolation struct {
	// Directive is the effective directive, e.g. "script-src-elem".
	Directive string
	// BlockedURI is the scheme and host of what was blocked
	// ("https://cdn.example"), or a keyword: inline, eval, wasm-eval, data,
	// blob, self, trusted-types-sink …, or "unknown".
	BlockedURI string
	// DocumentPath is the path of the page, with ids replaced by {id}.
	DocumentPath string
	// At is when the report arrived.
	At time.Time
}

// CSPCounter is the stored form of CSP violations: how often one directive
// blocked one URI on one page, and when first and last.
type CSPCounter struct {
	Directive, BlockedURI, DocumentPath string
	Count                               int64
	FirstSeen, LastSeen                 time.Time
}

// CountCSPViolations groups violations into counters, sorted by key, so
// that an engine writes each counter once and concurrent writers lock rows
// in the same order.
func CountCSPViolations(vs []CSPViolation) []CSPCounter {
	byKey := map[[3]string]*CSPCounter{}
	for _, v := range vs {
		k := [3]string{v.Directive, v.BlockedURI, v.DocumentPath}
		c := byKey[k]
		if c == nil {
			c = &CSPCounter{Directive: v.Directive, BlockedURI: v.BlockedURI, DocumentPath: v.DocumentPath, FirstSeen: v.At, LastSeen: v.At}
			byKey[k] = c
		}
		c.Count++
		if v.At.Before(c.FirstSeen) {
			c.FirstSeen = v.At
		}
		if v.At.After(c.LastSeen) {
			c.LastSeen = v.At
		}
	}
	out := make([]CSPCounter, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b CSPCounter) int {
		return cmp.Or(cmp.Compare(a.Directive, b.Directive), cmp.Compare(a.BlockedURI, b.BlockedURI), cmp.Compare(a.DocumentPath, b.DocumentPath))
	})
	return out
}

// CSPViolationCount aggregates the violations of one directive and blocked
// URI over every page.
type CSPViolationCount struct {
	Directive  string    `json:"directive"`
	BlockedURI string    `json:"blocked_uri"`
	Count      int64     `json:"count"`
	Pages      int64     `json:"pages"` // distinct document paths
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
}

// CSPSummary is the state of the CSP violation counters.
type CSPSummary struct {
	// Total is the number of violations counted.
	Total int64 `json:"total"`
	// Groups is the number of distinct (directive, blocked URI) pairs.
	Groups int64 `json:"groups"`
	// Top are the largest groups, by count.
	Top []CSPViolationCount `json:"top"`
	// Pages are the pages with the most violations, of any kind.
	Pages []CSPPageCount `json:"pages"`
}

// CSPPageCount is the number of violations on one page.
type CSPPageCount struct {
	DocumentPath string `json:"document_path"`
	Count        int64  `json:"count"`
}

// Web-vitals metric names, as the web-vitals library reports them.
const (
	VitalLCP  = "LCP"  // Largest Contentful Paint, ms
	VitalFID  = "FID"  // First Input Delay, ms
	VitalINP  = "INP"  // Interaction to Next Paint, ms
	VitalCLS  = "CLS"  // Cumulative Layout Shift, unitless
	VitalTTFB = "TTFB" // Time to First Byte, ms
	VitalFCP  = "FCP"  // First Contentful Paint, ms
)

// WebVitalNames lists the metrics meetpin records.
var WebVitalNames = []string{VitalLCP, VitalFID, VitalINP, VitalCLS, VitalTTFB, VitalFCP}

// Ratings of a web-vitals value.
const (
	RatingGood             = "good"
	RatingNeedsImprovement = "needs-improvement"
	RatingPoor             = "poor"
)

// webVitalLimits are, per metric, the largest good value, the largest value
// that needs improvement (above it: poor), and the largest plausible value
// (above it a sample is refused). The thresholds are those of web.dev and
// the web-vitals library, which the runbook quotes as LCP < 2.5 s,
// FID < 100 ms and CLS < 0.1; like the library, a value equal to the
// threshold still counts as good.
var webVitalLimits = map[string][3]float64{
	VitalLCP:  {2500, 4000, 60000},
	VitalFID:  {100, 300, 60000},
	VitalINP:  {200, 500, 60000},
	VitalCLS:  {0.1, 0.25, 10},
	VitalTTFB: {800, 1800, 60000},
	VitalFCP:  {1800, 3000, 60000},
}

// WebVitalLimits returns, for a metric, the largest good value, the
// largest value that needs improvement, and the largest plausible value
// (the smallest is 0); ok is false for an unknown metric.
func WebVitalLimits(metric string) (good, poor, max float64, ok bool) {
	l, ok := webVitalLimits[metric]
	return l[0], l[1], l[2], ok
}

// RateWebVital rates a value of a metric as RatingGood,
// RatingNeedsImprovement or RatingPoor; "" for an unknown metric.
func RateWebVital(metric string, v float64) string {
	l, ok := webVitalLimits[metric]
	switch {
	case !ok:
		return ""
	case v <= l[0]:
		return RatingGood
	case v <= l[1]:
		return RatingNeedsImprovement
	}
	return RatingPoor
}

// WebVital is one web-vitals sample from a browser.
type WebVital struct {
	Metric string  // one of WebVitalNames
	Value  float64 // ms, except CLS
	Path   string  // page path, ids replaced by {id}
	Rating string  // RateWebVital(Metric, Value)
	At     time.Time
}

// WebVitalStat summarises the samples of one metric on one page, or on all
// pages when Path is "".
type WebVitalStat struct {
	Metric string `json:"metric"`
	Path   string `json:"path,omitempty"`
	Count  int64  `json:"count"`
	// P75 is the 75th percentile by the nearest-rank method: the smallest
	// sample with at least 75 % of the samples at or below it.
	P75 float64 `json:"p75"`
	// Rating rates P75.
	Rating           string `json:"rating"`
	Good             int64  `json:"good"`
	NeedsImprovement int64  `json:"needs_improvement"`
	Poor             int64  `json:"poor"`
}

// WebVitalSummarizer computes the WebVitalStats of the samples added to
// it. Both engines feed it their rows, so they agree to the bit; the zero
// value is ready to use.
type WebVitalSummarizer struct {
	groups map[[2]string]*vitalGroup
}

type vitalGroup struct {
	values      []float64
	good, poor  int64
	metric, pth string
}

// Add counts one sample of metric on page path, rated rating.
func (z *WebVitalSummarizer) Add(metric, path string, value float64, rating string) {
	if z.groups == nil {
		z.groups = map[[2]string]*vitalGroup{}
	}
	for _, p := range [2]string{path, ""} {
		g := z.groups[[2]string{metric, p}]
		if g == nil {
			g = &vitalGroup{metric: metric, pth: p}
			z.groups[[2]string{metric, p}] = g
		}
		g.values = append(g.values, value)
		switch rating {
		case RatingGood:
			g.good++
		case RatingPoor:
			g.poor++
		}
	}
}

// Stats returns one WebVitalStat per metric and page and one per metric
// (Path ""), ordered by metric then path in byte order. P75 is the
// nearest-rank percentile: the sample of rank ceil(3n/4) in value order.
func (z *WebVitalSummarizer) Stats() []WebVitalStat {
	out := make([]WebVitalStat, 0, len(z.groups))
	for _, g := range z.groups {
		slices.Sort(g.values)
		n := int64(len(g.values))
		p75 := g.values[(3*n+3)/4-1]
		out = append(out, WebVitalStat{
			Metric: g.metric, Path: g.pth, Count: n, P75: p75, Rating: RateWebVital(g.metric, p75),
			Good: g.good, NeedsImprovement: n - g.good - g.poor, Poor: g.poor,
		})
	}
	slices.SortFunc(out, func(a, b WebVitalStat) int {
		return cmp.Or(cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Path, b.Path))
	})
	return out
}

// TelemetryStore keeps the browser telemetry that the original kept in
// process memory: CSP violation counters and web-vitals samples.
type TelemetryStore interface {
	// RecordCSPViolations counts each violation once against its
	// (directive, blocked URI, document path), keeping the earliest and
	// latest At. EVALIDATION when a field breaks the schema (empty, or
	// longer than 255 characters); then nothing is counted.
	RecordCSPViolations(ctx context.Context, vs []CSPViolation) error
	// CSPSummary returns, from one snapshot, the totals, the limit largest
	// (directive, blocked URI) groups, largest first, ties by directive
	// then blocked URI in byte order, and the limit pages with the most
	// violations, ties by path. A limit below 1 counts as 1.
	CSPSummary(ctx context.Context, limit int) (*CSPSummary, error)
	// DeleteCSPViolationsBefore drops the counters last seen before t and
	// returns how many it dropped.
	DeleteCSPViolationsBefore(ctx context.Context, t time.Time) (int64, error)

	// RecordWebVitals stores the samples, all or none: EVALIDATION when one
	// breaks the schema (unknown metric or rating, a value outside 0 to
	// its WebVitalLimits maximum, an empty path).
	RecordWebVitals(ctx context.Context, vs []WebVital) error
	// WebVitalsSummary summarises the samples taken at or after since: one
	// WebVitalStat per metric and page, and one per metric over all pages
	// (Path ""), ordered by metric then path in byte order.
	WebVitalsSummary(ctx context.Context, since time.Time) ([]WebVitalStat, error)
	// DeleteWebVitalsBefore drops the samples taken before t and returns
	// how many it dropped.
	DeleteWebVitalsBefore(ctx context.Context, t time.Time) (int64, error)
}
