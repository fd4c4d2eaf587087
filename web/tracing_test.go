package web_test

import (
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/tracing"
	"meetpin.app/tracing/tracingtest"
	"meetpin.app/web"
)

// TestRequestsBecomeSpans: each request is a server span named by its
// route pattern, exported over OTLP/HTTP.
func TestRequestsBecomeSpans(t *testing.T) {
	rc := tracingtest.NewReceiver(t)
	tr, err := tracing.New(t.Context(), tracing.Options{Endpoint: rc.URL(), Environment: "development"})
	if err != nil {
		t.Fatal(err)
	}
	s := newServerEdit(t, sqlitetest.New(t), func(_ *app.Options, wo *web.Options) { wo.Tracer = tr })
	s.call("GET", "/api/rooms/00000000-0000-4000-8000-000000000000", nil, "").want(t, 404, meetpin.ENOTFOUND)
	s.call("GET", "/api/rooms/00000000-0000-4000-8000-000000000001/requests", nil, "")
	s.Close()
	if err := tr.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	byName := map[string]tracingtest.Span{}
	for _, sp := range rc.Spans() {
		byName[sp.Name] = sp
	}
	sp, ok := byName["GET /api/rooms/{id}"]
	if !ok {
		t.Fatalf("no span named by the route pattern; got %v", byName)
	}
	if sp.Attr("http.route") != "GET /api/rooms/{id}" || sp.Attr("http.response.status_code") != "404" ||
		sp.Attr("http.request.method") != "GET" || sp.Resource["service.name"] != "meetpin" || sp.Kind.String() != "SPAN_KIND_SERVER" {
		t.Fatalf("span %v resource %v", sp.Span, sp.Resource)
	}
	if _, ok := byName["GET /api/rooms/{id}/requests"]; !ok {
		t.Fatalf("no second route span: %v", byName)
	}
}
