package web_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"meetpin.app"
)

const testAdminToken = "admin-token-for-telemetry-tests"

// newTelemetryServer is a server with ADMIN_TOKEN set.
func newTelemetryServer(t *testing.T, store meetpin.Store) *testServer {
	t.Helper()
	s, _, _ := newServerEnv(t, store, map[string]string{"ADMIN_TOKEN": testAdminToken})
	return s
}

// post sends a raw body with a content type ("" sends none).
func (s *testServer) post(path, contentType, body string, header map[string]string) *reply {
	s.t.Helper()
	return s.request("POST", path, contentType, strings.NewReader(body), header)
}

// cspTotal is the number of violations the store counted.
func cspTotal(t *testing.T, store meetpin.Store) int64 {
	t.Helper()
	sum, err := store.CSPSummary(t.Context(), 100)
	if err != nil {
		t.Fatal(err)
	}
	return sum.Total
}

const legacyReport = `{"csp-report":{
	"document-uri":"https://meetpin.example/rooms/0190e7a4-1111-7000-8000-000000000000?token=secret#chat",
	"referrer":"https://www.google.com/",
	"violated-directive":"script-src-elem",
	"effective-directive":"script-src-elem",
	"original-policy":"default-src 'self'; script-src 'self' 'nonce-abc' 'strict-dynamic'",
	"disposition":"enforce",
	"blocked-uri":"https://evil.example:8443/x.js?email=minji@example.com",
	"line-number":12,"column-number":7,"source-file":"https://meetpin.example/static/app.js",
	"status-code":200,"script-sample":""}}`

const reportsJSON = `[
	{"type":"csp-violation","age":10,"url":"https://meetpin.example/map?lat=1","user_agent":"Mozilla/5.0",
	 "body":{"documentURL":"https://meetpin.example/map?lat=37.5","referrer":"","blockedURL":"inline",
	         "effectiveDirective":"script-src-elem","originalPolicy":"…","sourceFile":"https://meetpin.example/map",
	         "sample":"alert(1)","disposition":"enforce","statusCode":200,"lineNumber":3,"columnNumber":1}},
	{"type":"deprecation","age":1,"url":"https://meetpin.example/","body":{"id":"x","message":"old API","lineNumber":"not a number"}},
	{"type":"csp-violation","age":20,"url":"https://meetpin.example/map",
	 "body":{"documentURL":"https://meetpin.example/map","blockedURL":"data:image/png;base64,AAAA",
	         "effectiveDirective":"img-src","disposition":"report"}}
]`

// TestCSPReports: both report formats are counted, normalised (no query
// strings, ids or users), and summarised for the operator only; every bad
// request is refused with the right status and counts nothing.
func TestCSPReports(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newTelemetryServer(t, store)
		u := s.signup("cspReporter")

		// A signed-in browser sends its cookie along; a cross-site upload
		// is still accepted (the endpoint loads no session).
		r := s.post("/api/security/csp-report", "application/csp-report", legacyReport, map[string]string{"Cookie": "meetpin_session=" + u.Token})
		if r.Status != 204 || r.Raw != "" {
			t.Fatalf("legacy report: %d %q", r.Status, r.Raw)
		}
		r = s.post("/api/security/csp-report", "application/reports+json", reportsJSON, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://elsewhere.example"})
		if r.Status != 204 {
			t.Fatalf("reports+json: %d %s", r.Status, r.Raw)
		}
		// The same violation again, legacy format without
		// effective-directive (older browsers): violated-directive counts.
		old := `{"csp-report":{"document-uri":"https://meetpin.example/map","violated-directive":"script-src-elem 'self'","blocked-uri":"inline"}}`
		s.post("/api/security/csp-report", "application/csp-report; charset=utf-8", old, nil).want(t, 204, "")

		var sum meetpin.CSPSummary
		s.call("GET", "/api/security/csp-report", nil, testAdminToken).want(t, 200, "").into(t, &sum)
		if sum.Total != 4 || sum.Groups != 3 || len(sum.Top) != 3 {
			t.Fatalf("summary %+v", sum)
		}
		type group struct {
			Directive, Blocked string
			Count, Pages       int64
		}
		var got []group
		for _, c := range sum.Top {
			got = append(got, group{c.Directive, c.BlockedURI, c.Count, c.Pages})
			if c.FirstSeen.IsZero() || c.LastSeen.Before(c.FirstSeen) {
				t.Errorf("times of %+v", c)
			}
		}
		want := []group{
			{"script-src-elem", "inline", 2, 1},
			{"img-src", "data", 1, 1},
			{"script-src-elem", "https://evil.example:8443", 1, 1},
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("top = %+v, want %+v", got, want)
		}
		// Pages are paths only, with ids replaced.
		wantPages := []meetpin.CSPPageCount{{DocumentPath: "/map", Count: 3}, {DocumentPath: "/rooms/{id}", Count: 1}}
		if !reflect.DeepEqual(sum.Pages, wantPages) {
			t.Fatalf("pages = %+v, want %+v", sum.Pages, wantPages)
		}
		// Nothing personal was stored: no query string, id, user, sample
		// or referrer.
		raw := fmt.Sprint(sum)
		for _, secret := range []string{"token=secret", "minji@example.com", "0190e7a4", "lat=", "alert(1)", "google"} {
			if strings.Contains(raw, secret) {
				t.Errorf("summary keeps %q: %s", secret, raw)
			}
		}
		s.call("GET", "/api/security/csp-report?limit=1", nil, testAdminToken).want(t, 200, "").into(t, &sum)
		if len(sum.Top) != 1 || sum.Total != 4 || sum.Groups != 3 {
			t.Fatalf("limit=1: %+v", sum)
		}

		// Refused requests.
		before := cspTotal(t, store)
		big := `{"csp-report":{"document-uri":"https://meetpin.example/","violated-directive":"img-src","blocked-uri":"https://a.example/` + strings.Repeat("x", 16<<10) + `"}}`
		for _, c := range []struct {
			name, contentType, body string
			status                  int
			code                    meetpin.Code
		}{
			{"application/json", "application/json", legacyReport, 415, meetpin.EUNSUPPORTEDMEDIA},
			{"text/plain", "text/plain", legacyReport, 415, meetpin.EUNSUPPORTEDMEDIA},
			{"no content type", "", legacyReport, 415, meetpin.EUNSUPPORTEDMEDIA},
			{"bad content type", "application/", legacyReport, 415, meetpin.EUNSUPPORTEDMEDIA},
			{"over 16 KiB", "application/csp-report", big, 413, meetpin.EPAYLOADTOOLARGE},
			{"over 16 KiB, reports", "application/reports+json", "[" + strings.Repeat(`{"type":"csp-violation","body":{}},`, 600) + "{}]", 413, meetpin.EPAYLOADTOOLARGE},
			{"no csp-report", "application/csp-report", `{"report":{}}`, 400, meetpin.EVALIDATION},
			{"csp-report null", "application/csp-report", `{"csp-report":null}`, 400, meetpin.EVALIDATION},
			{"no directive", "application/csp-report", `{"csp-report":{"blocked-uri":"inline"}}`, 400, meetpin.EVALIDATION},
			{"bad directive", "application/csp-report", `{"csp-report":{"violated-directive":"<script>","blocked-uri":"inline"}}`, 400, meetpin.EVALIDATION},
			{"wrong type", "application/csp-report", `{"csp-report":{"blocked-uri":42,"violated-directive":"img-src"}}`, 400, meetpin.EVALIDATION},
			{"malformed", "application/csp-report", `{"csp-report":`, 400, meetpin.EINVALIDJSON},
			{"empty", "application/csp-report", ``, 400, meetpin.EINVALIDJSON},
			{"array for legacy", "application/csp-report", `[{"csp-report":{}}]`, 400, meetpin.EINVALIDJSON},
			{"trailing data", "application/csp-report", legacyReport + `{}`, 400, meetpin.EINVALIDJSON},
			{"object for reports", "application/reports+json", `{"type":"csp-violation","body":{"effectiveDirective":"img-src"}}`, 400, meetpin.EINVALIDJSON},
			// One bad report refuses the batch: the good one is not counted.
			{"one bad in a batch", "application/reports+json", `[{"type":"csp-violation","body":{"effectiveDirective":"img-src","blockedURL":"https://a.example/"}},{"type":"csp-violation","body":{"blockedURL":"inline"}}]`, 400, meetpin.EVALIDATION},
			{"bad body type", "application/reports+json", `[{"type":"csp-violation","body":{"effectiveDirective":["img-src"]}}]`, 400, meetpin.EVALIDATION},
		} {
			t.Run(c.name, func(t *testing.T) {
				s.with(t).post("/api/security/csp-report", c.contentType, c.body, nil).wantError(t, c.status, c.code)
			})
		}
		// Only non-CSP reports: accepted, nothing to count.
		s.post("/api/security/csp-report", "application/reports+json", `[{"type":"intervention","body":{}}]`, nil).want(t, 204, "")
		s.post("/api/security/csp-report", "application/reports+json", `[]`, nil).want(t, 204, "")
		if after := cspTotal(t, store); after != before {
			t.Fatalf("refused requests changed the total from %d to %d", before, after)
		}

		// The summary is the operator's: no token, a wrong one, a user's
		// session token, the cron secret's place: 401.
		for name, token := range map[string]string{"none": "", "wrong": "admin-token-for-telemetry-testz", "user session": u.Token, "prefix": testAdminToken[:16]} {
			t.Run("GET with token "+name, func(t *testing.T) {
				s.with(t).call("GET", "/api/security/csp-report", nil, token).wantError(t, 401, meetpin.EUNAUTHORIZED)
			})
		}
		for _, q := range []string{"limit=0", "limit=501", "limit=abc", "limit=-1", "limit=1.5"} {
			s.call("GET", "/api/security/csp-report?"+q, nil, testAdminToken).wantError(t, 400, meetpin.EVALIDATION)
		}
		s.call("PUT", "/api/security/csp-report", nil, testAdminToken).wantError(t, 405, meetpin.EMETHODNOTALLOWED)
	})
}

// TestCSPReportsWithoutAdminToken: with no ADMIN_TOKEN configured the
// summary is closed to everyone, while reports are still taken.
func TestCSPReportsWithoutAdminToken(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newServer(t, store)
		s.post("/api/security/csp-report", "application/csp-report", legacyReport, nil).want(t, 204, "")
		s.call("GET", "/api/security/csp-report", nil, "").wantError(t, 401, meetpin.EUNAUTHORIZED)
		s.call("GET", "/api/telemetry/web-vitals", nil, "anything-at-all-long-enough").wantError(t, 401, meetpin.EUNAUTHORIZED)
		if cspTotal(t, store) != 1 {
			t.Fatal("report not counted")
		}
	})
}

// vitalsSummary reads the operator's web-vitals summary.
type vitalsSummary struct {
	Since      time.Time              `json:"since"`
	Overall    []meetpin.WebVitalStat `json:"overall"`
	Pages      []meetpin.WebVitalStat `json:"pages"`
	PagesTotal int                    `json:"pages_total"`
	Thresholds map[string]struct {
		Good, Poor float64
		Unit       string
	} `json:"thresholds"`
}

func (s *testServer) vitals(t *testing.T, query string) vitalsSummary {
	t.Helper()
	var v vitalsSummary
	s.call("GET", "/api/telemetry/web-vitals"+query, nil, testAdminToken).want(t, 200, "").into(t, &v)
	return v
}

// TestWebVitalsValidation: every bad beacon is refused with its status and
// stores nothing, not even its valid samples.
func TestWebVitalsValidation(t *testing.T) {
	sqliteOnly(t, func(t *testing.T, store meetpin.Store) {
		s := newTelemetryServer(t, store)
		sample := func(name string, value any, path string) string {
			return fmt.Sprintf(`{"name":%q,"value":%v,"path":%q}`, name, value, path)
		}
		good := sample("LCP", 1800, "/map")
		many := make([]string, 21)
		for i := range many {
			many[i] = good
		}
		cases := []struct {
			name, contentType, body string
			status                  int
			code                    meetpin.Code
			field                   string
		}{
			{"bad name", "application/json", sample("TTI", 100, "/"), 400, meetpin.EVALIDATION, "name"},
			{"lower-case name", "application/json", sample("lcp", 100, "/"), 400, meetpin.EVALIDATION, "name"},
			{"empty name", "application/json", sample("", 100, "/"), 400, meetpin.EVALIDATION, "name"},
			{"negative", "application/json", sample("FCP", -1, "/"), 400, meetpin.EVALIDATION, "value"},
			{"NaN as a string", "application/json", sample("LCP", `"NaN"`, "/"), 400, meetpin.EVALIDATION, "value"},
			{"number as a string", "application/json", sample("LCP", `"1800"`, "/"), 400, meetpin.EVALIDATION, "value"},
			{"NaN literal", "application/json", sample("LCP", `NaN`, "/"), 400, meetpin.EINVALIDJSON, ""},
			{"Infinity literal", "application/json", sample("LCP", `Infinity`, "/"), 400, meetpin.EINVALIDJSON, ""},
			{"1e400", "application/json", sample("LCP", `1e400`, "/"), 400, meetpin.EVALIDATION, "value"},
			{"over 60 s", "application/json", sample("TTFB", 60001, "/"), 400, meetpin.EVALIDATION, "value"},
			{"CLS over 10", "application/json", sample("CLS", 10.5, "/"), 400, meetpin.EVALIDATION, "value"},
			{"null value", "application/json", sample("INP", "null", "/"), 400, meetpin.EVALIDATION, "value"},
			{"no value", "application/json", `{"name":"INP","path":"/"}`, 400, meetpin.EVALIDATION, "value"},
			{"no path", "application/json", `{"name":"INP","value":10}`, 400, meetpin.EVALIDATION, "path"},
			{"relative path", "application/json", sample("INP", 10, "map"), 400, meetpin.EVALIDATION, "path"},
			{"opaque URL", "application/json", sample("INP", 10, "about:blank"), 400, meetpin.EVALIDATION, "path"},
			{"unknown field", "application/json", `{"name":"LCP","value":1,"path":"/","email":"minji@example.com"}`, 400, meetpin.EVALIDATION, "email"},
			{"too many", "application/json", "[" + strings.Join(many, ",") + "]", 400, meetpin.EVALIDATION, "samples"},
			{"empty array", "application/json", `[]`, 400, meetpin.EVALIDATION, "samples"},
			{"one bad in a batch", "text/plain", "[" + good + "," + sample("LCP", -5, "/") + "]", 400, meetpin.EVALIDATION, "[1].value"},
			{"null in a batch", "text/plain", "[" + good + ",null]", 400, meetpin.EVALIDATION, "[1].name"},
			{"string body", "application/json", `"LCP"`, 400, meetpin.EINVALIDJSON, ""},
			{"empty body", "text/plain", ``, 400, meetpin.EINVALIDJSON, ""},
			{"malformed", "text/plain", `{"name":"LCP",`, 400, meetpin.EINVALIDJSON, ""},
			{"trailing data", "application/json", good + good, 400, meetpin.EINVALIDJSON, ""},
			{"over 16 KiB", "text/plain", `{"name":"LCP","value":1,"path":"/` + strings.Repeat("a", 16<<10) + `"}`, 413, meetpin.EPAYLOADTOOLARGE, ""},
			{"form", "application/x-www-form-urlencoded", good, 415, meetpin.EUNSUPPORTEDMEDIA, ""},
			{"csp-report type", "application/csp-report", good, 415, meetpin.EUNSUPPORTEDMEDIA, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := s.with(t).post("/api/telemetry/web-vitals", c.contentType, c.body, nil).wantError(t, c.status, c.code)
				if c.field != "" && !strings.Contains(r.Message, c.field) {
					t.Errorf("message %q does not name %s", r.Message, c.field)
				}
			})
		}
		if v := s.vitals(t, ""); len(v.Overall) != 0 || len(v.Pages) != 0 {
			t.Fatalf("refused beacons stored samples: %+v", v)
		}
		stats, err := store.WebVitalsSummary(t.Context(), time.Now().Add(-time.Hour))
		if err != nil || len(stats) != 0 {
			t.Fatalf("store holds %v, %v", stats, err)
		}
	})
}

// TestWebVitalsSummary: beacons in each accepted shape are stored with the
// page's path only, and the operator sees the nearest-rank p75, the counts
// and the ratings against the thresholds.
func TestWebVitalsSummary(t *testing.T) {
	engines(t, func(t *testing.T, store meetpin.Store) {
		s := newTelemetryServer(t, store)
		u := s.signup("vitalsUser")
		beacon := func(contentType, body string) {
			t.Helper()
			r := s.post("/api/telemetry/web-vitals", contentType, body, map[string]string{"Cookie": "meetpin_session=" + u.Token})
			if r.Status != 204 || r.Raw != "" {
				t.Fatalf("beacon %s: %d %s", body, r.Status, r.Raw)
			}
		}
		// sendBeacon with a string: text/plain;charset=UTF-8, the web-vitals
		// library's whole metric object.
		beacon("text/plain;charset=UTF-8", `{"name":"LCP","value":1200,"rating":"poor","delta":1200,"id":"v4-1","navigationType":"navigate","path":"https://meetpin.example/map?lat=37.5&lng=127"}`)
		// An array, application/json; ratings sent by the client are ignored.
		beacon("application/json", `[
			{"name":"LCP","value":2500,"path":"/map","rating":"good"},
			{"name":"LCP","value":2600,"path":"/map#x"},
			{"name":"LCP","value":5000,"path":"/map"},
			{"name":"CLS","value":0,"path":"/map"},
			{"name":"CLS","value":0.1,"path":"/rooms/0190e7a4-1111-7000-8000-000000000000"},
			{"name":"CLS","value":0.26,"path":"/rooms/0190e7a4-2222-7000-8000-000000000000?tab=chat"}
		]`)
		// No content type at all, one object.
		beacon("", `{"name":"INP","value":180.5,"path":"/"}`)

		v := s.vitals(t, "")
		wantOverall := []meetpin.WebVitalStat{
			// CLS: 0, 0.1, 0.26 → rank ceil(2.25) = 3 → 0.26, poor.
			{Metric: "CLS", Count: 3, P75: 0.26, Rating: "poor", Good: 2, Poor: 1},
			{Metric: "INP", Count: 1, P75: 180.5, Rating: "good", Good: 1},
			// LCP: 1200, 2500, 2600, 5000 → rank 3 → 2600: needs improvement.
			{Metric: "LCP", Count: 4, P75: 2600, Rating: "needs-improvement", Good: 2, NeedsImprovement: 1, Poor: 1},
		}
		if !reflect.DeepEqual(v.Overall, wantOverall) {
			t.Errorf("overall:\n got %+v\nwant %+v", v.Overall, wantOverall)
		}
		wantPages := []meetpin.WebVitalStat{
			{Metric: "CLS", Path: "/map", Count: 1, P75: 0, Rating: "good", Good: 1},
			{Metric: "CLS", Path: "/rooms/{id}", Count: 2, P75: 0.26, Rating: "poor", Good: 1, Poor: 1},
			{Metric: "INP", Path: "/", Count: 1, P75: 180.5, Rating: "good", Good: 1},
			{Metric: "LCP", Path: "/map", Count: 4, P75: 2600, Rating: "needs-improvement", Good: 2, NeedsImprovement: 1, Poor: 1},
		}
		if !reflect.DeepEqual(v.Pages, wantPages) || v.PagesTotal != 4 {
			t.Errorf("pages (%d):\n got %+v\nwant %+v", v.PagesTotal, v.Pages, wantPages)
		}
		if th := v.Thresholds["LCP"]; th.Good != 2500 || th.Poor != 4000 || th.Unit != "ms" || v.Thresholds["CLS"].Good != 0.1 || len(v.Thresholds) != 6 {
			t.Errorf("thresholds %+v", v.Thresholds)
		}
		if ago := time.Since(v.Since); ago < 23*time.Hour || ago > 25*time.Hour {
			t.Errorf("since %v: want 24 h ago", v.Since)
		}

		// ?pages= keeps the groups with the most samples.
		v = s.vitals(t, "?pages=2&hours=1")
		if len(v.Pages) != 2 || v.PagesTotal != 4 || v.Pages[0].Path != "/rooms/{id}" || v.Pages[1].Metric != "LCP" {
			t.Errorf("pages=2: %+v", v.Pages)
		}

		// Samples older than the window are left out.
		old := time.Now().Add(-30 * time.Hour).UTC().Truncate(time.Millisecond)
		if err := store.RecordWebVitals(t.Context(), []meetpin.WebVital{{Metric: "FID", Value: 50, Path: "/", Rating: "good", At: old}}); err != nil {
			t.Fatal(err)
		}
		for _, st := range s.vitals(t, "").Overall {
			if st.Metric == "FID" {
				t.Errorf("a 30-hour-old sample is in the 24-hour summary: %+v", st)
			}
		}
		if got := s.vitals(t, "?hours=48").Overall[1]; got.Metric != "FID" || got.Count != 1 {
			t.Errorf("hours=48: %+v", got)
		}

		for name, token := range map[string]string{"none": "", "wrong": "x" + testAdminToken, "user session": u.Token} {
			s.call("GET", "/api/telemetry/web-vitals", nil, token).wantError(t, 401, meetpin.EUNAUTHORIZED)
			_ = name
		}
		for _, q := range []string{"hours=0", "hours=721", "hours=x", "pages=0", "pages=1001"} {
			s.call("GET", "/api/telemetry/web-vitals?"+q, nil, testAdminToken).wantError(t, 400, meetpin.EVALIDATION)
		}
	})
}
