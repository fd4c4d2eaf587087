package app

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"meetpin.app"
)

// CSPReport is one violation as a browser reports it, in the legacy
// report-uri format or the Reporting API's, before normalisation.
type CSPReport struct {
	DocumentURI string
	BlockedURI  string
	// Directive is the effective directive, or else the violated one
	// (older browsers send the whole directive with its sources).
	Directive string
}

// securityDirectives are the directives whose violations may be an attack
// rather than a policy gap; they are logged as warnings.
var securityDirectives = []string{"script-src", "script-src-elem", "script-src-attr", "object-src", "base-uri", "form-action", "frame-ancestors"}

// RecordCSPReports normalises violation reports (see cspDirective,
// blockedSource, pagePath) and counts them. EVALIDATION when a report has
// no usable directive; then none is counted.
func (a *App) RecordCSPReports(ctx context.Context, reports []CSPReport) error {
	at := a.Now()
	var f meetpin.FieldErrors
	vs := make([]meetpin.CSPViolation, 0, len(reports))
	for i, r := range reports {
		dir, ok := cspDirective(r.Directive)
		if !ok {
			f.Add(indexed(len(reports), i, "effective-directive"), "must be a CSP directive name such as script-src")
			continue
		}
		vs = append(vs, meetpin.CSPViolation{Directive: dir, BlockedURI: blockedSource(r.BlockedURI), DocumentPath: pagePath(r.DocumentURI), At: at})
	}
	if err := f.Err(); err != nil {
		return err
	}
	if err := a.store.RecordCSPViolations(ctx, vs); err != nil {
		return err
	}
	for _, v := range vs {
		level := slog.LevelDebug
		if slices.Contains(securityDirectives, v.Directive) {
			level = slog.LevelWarn
		}
		a.log.LogAttrs(ctx, level, "csp violation", slog.String("directive", v.Directive),
			slog.String("blocked", v.BlockedURI), slog.String("page", v.DocumentPath))
	}
	return nil
}

// CSPSummary returns the CSP violation totals and the limit largest groups.
func (a *App) CSPSummary(ctx context.Context, limit int) (*meetpin.CSPSummary, error) {
	return a.store.CSPSummary(ctx, limit)
}

// WebVitalInput is one sample as the beacon sends it: the web-vitals
// library's metric (name, value, rating, delta, id, navigationType) plus
// the page's path. Only name, value and path are kept; the rating is
// recomputed here, not trusted.
type WebVitalInput struct {
	Name           string   `json:"name"`
	Value          *float64 `json:"value"`
	Path           string   `json:"path"`
	Rating         string   `json:"rating"`
	Delta          *float64 `json:"delta"`
	ID             string   `json:"id"`
	NavigationType string   `json:"navigationType"`
}

// MaxWebVitalSamples is the most samples one request may carry.
const MaxWebVitalSamples = 20

// RecordWebVitals validates and stores samples, all or none. EVALIDATION
// names every bad field ("value", or "[2].value" in a batch).
func (a *App) RecordWebVitals(ctx context.Context, in []WebVitalInput) error {
	if len(in) == 0 || len(in) > MaxWebVitalSamples {
		return &meetpin.Error{Code: meetpin.EVALIDATION, Message: fmt.Sprintf("samples: send 1 to %d samples", MaxWebVitalSamples),
			Fields: map[string]string{"samples": fmt.Sprintf("must hold 1 to %d samples", MaxWebVitalSamples)}}
	}
	at := a.Now()
	var f meetpin.FieldErrors
	vs := make([]meetpin.WebVital, 0, len(in))
	for i, s := range in {
		field := func(name string) string { return indexed(len(in), i, name) }
		_, _, max, ok := meetpin.WebVitalLimits(s.Name)
		if !ok {
			f.Add(field("name"), "must be one of "+strings.Join(meetpin.WebVitalNames, ", "))
		}
		switch {
		case s.Value == nil:
			f.Add(field("value"), "is required")
		case math.IsNaN(*s.Value) || math.IsInf(*s.Value, 0) || *s.Value < 0:
			f.Add(field("value"), "must be a number of 0 or more")
		case ok && *s.Value > max:
			f.Add(field("value"), fmt.Sprintf("must be at most %g for %s", max, s.Name))
		}
		path := pagePath(s.Path)
		if strings.TrimSpace(s.Path) == "" || !strings.HasPrefix(path, "/") {
			f.Add(field("path"), "must be the page's path, e.g. /map")
		}
		if ok && s.Value != nil {
			v := *s.Value
			if v == 0 {
				v = 0 // not -0
			}
			vs = append(vs, meetpin.WebVital{Metric: s.Name, Value: v, Path: path, Rating: meetpin.RateWebVital(s.Name, v), At: at})
		}
	}
	if err := f.Err(); err != nil {
		return err
	}
	return a.store.RecordWebVitals(ctx, vs)
}

// WebVitalThreshold is how a metric is rated: good up to Good, poor above
// Poor, needs-improvement between.
type WebVitalThreshold struct {
	Good float64 `json:"good"`
	Poor float64 `json:"poor"`
	Unit string  `json:"unit"`
}

// WebVitalsReport is the web-vitals summary of a recent window.
type WebVitalsReport struct {
	Since time.Time `json:"since"`
	// Overall has one entry per metric, over every page.
	Overall []meetpin.WebVitalStat `json:"overall"`
	// Pages has one entry per metric and page: the pageLimit groups with
	// the most samples, ordered by metric and path.
	Pages []meetpin.WebVitalStat `json:"pages"`
	// PagesTotal is the number of (metric, page) groups before the cut.
	PagesTotal int                          `json:"pages_total"`
	Thresholds map[string]WebVitalThreshold `json:"thresholds"`
}

// WebVitalsReport summarises the samples of the last window: p75, counts
// and ratings per metric, overall and per page (at most pageLimit groups).
func (a *App) WebVitalsReport(ctx context.Context, window time.Duration, pageLimit int) (*WebVitalsReport, error) {
	since := a.Now().Add(-window)
	stats, err := a.store.WebVitalsSummary(ctx, since)
	if err != nil {
		return nil, err
	}
	rep := &WebVitalsReport{Since: since, Overall: []meetpin.WebVitalStat{}, Pages: []meetpin.WebVitalStat{}, Thresholds: map[string]WebVitalThreshold{}}
	for _, s := range stats {
		if s.Path == "" {
			rep.Overall = append(rep.Overall, s)
		} else {
			rep.Pages = append(rep.Pages, s)
		}
	}
	rep.PagesTotal = len(rep.Pages)
	if len(rep.Pages) > pageLimit {
		// Keep the groups with the most samples, then restore the order.
		slices.SortStableFunc(rep.Pages, func(x, y meetpin.WebVitalStat) int { return cmp.Compare(y.Count, x.Count) })
		rep.Pages = rep.Pages[:max(pageLimit, 0)]
		slices.SortFunc(rep.Pages, func(x, y meetpin.WebVitalStat) int {
			return cmp.Or(cmp.Compare(x.Metric, y.Metric), cmp.Compare(x.Path, y.Path))
		})
	}
	for _, m := range meetpin.WebVitalNames {
		good, poor, _, _ := meetpin.WebVitalLimits(m)
		unit := "ms"
		if m == meetpin.VitalCLS {
			unit = "score"
		}
		rep.Thresholds[m] = WebVitalThreshold{Good: good, Poor: poor, Unit: unit}
	}
	return rep, nil
}

// indexed names a field of item i of n: "name" alone, "[i].name" in a batch.
func indexed(n, i int, name string) string {
	if n == 1 {
		return name
	}
	return fmt.Sprintf("[%d].%s", i, name)
}

// cspDirective reduces a reported directive to its name: the first word,
// lower case, letters, digits and hyphens, at most 64 characters.
func cspDirective(raw string) (string, bool) {
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return "", false
	}
	d := strings.ToLower(fields[0])
	if len(d) > 64 || d[0] < 'a' || d[0] > 'z' || strings.Trim(d, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return "", false
	}
	return d, true
}

// blockedKeywords are the non-URL values browsers put in blocked-uri.
var blockedKeywords = []string{"inline", "eval", "wasm-eval", "self", "trusted-types-policy", "trusted-types-sink", "data", "blob"}

// blockedSource reduces a blocked URI to what the policy needs: a keyword,
// scheme://host[:port] for network URLs (no path, query or user: they can
// carry personal data), the scheme alone for others (data, blob,
// chrome-extension …), or "unknown".
func blockedSource(raw string) string {
	raw = strings.TrimSpace(raw)
	if k := strings.ToLower(raw); slices.Contains(blockedKeywords, k) {
		return k
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return "unknown"
	}
	scheme := strings.ToLower(u.Scheme)
	switch scheme {
	case "http", "https", "ws", "wss":
		host := strings.ToLower(u.Host)
		if host == "" || len(host) > 200 || strings.Trim(host, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]") != "" {
			return "unknown"
		}
		return scheme + "://" + host
	}
	if len(scheme) > 32 {
		return "unknown"
	}
	return scheme
}

// pagePath reduces a page URL (absolute, or a path) to its path: no query,
// no fragment, ids and tokens replaced by {id} so that pages group by
// route and hold no identifiers, at most 255 characters. "unknown" when
// nothing usable is left.
func pagePath(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Opaque != "" {
		return "unknown"
	}
	p := u.EscapedPath()
	if p == "" {
		if u.Host == "" {
			return "unknown"
		}
		p = "/"
	}
	if !strings.HasPrefix(p, "/") {
		return "unknown"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		if isIDSegment(s) {
			segs[i] = "{id}"
		}
	}
	p = strings.Join(segs, "/")
	if len(p) > 255 {
		p = p[:255]
	}
	return p
}

// isIDSegment reports whether a path segment looks like an identifier: all
// digits, or 16 or more letters, digits, '-' and '_' with at least one
// digit (UUIDs, hex ids, tokens).
func isIDSegment(s string) bool {
	if s == "" {
		return false
	}
	digits, other := 0, 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '-', c == '_':
			other++
		default:
			return false
		}
	}
	return other == 0 || (digits > 0 && len(s) >= 16)
}
