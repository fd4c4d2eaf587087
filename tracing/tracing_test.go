package tracing_test

import (
	"net/http/httptest"
	"testing"
	"time"

	"meetpin.app/tracing"
	"meetpin.app/tracing/tracingtest"
)

func TestOffWithoutEndpoint(t *testing.T) {
	tr, err := tracing.New(t.Context(), tracing.Options{})
	if tr != nil || err != nil {
		t.Fatalf("New without endpoint = %v, %v", tr, err)
	}
	r := httptest.NewRequest("GET", "/api/livez", nil)
	if n := testing.AllocsPerRun(100, func() {
		r2, end := tr.StartRequest(r)
		end("GET /api/livez", 200)
		_ = r2
	}); n != 0 {
		t.Fatalf("an untraced request allocates %v times", n)
	}
	if err := tr.Shutdown(time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestContinuesCallersTraceAndMarksErrors(t *testing.T) {
	rc := tracingtest.NewReceiver(t)
	tr, err := tracing.New(t.Context(), tracing.Options{Endpoint: rc.URL()})
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("POST", "/api/rooms", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	r2, end := tr.StartRequest(r)
	if r2 == r {
		t.Fatal("the span is not in the request's context")
	}
	end("POST /api/rooms", 500)
	if err := tr.Shutdown(5 * time.Second); err != nil {
		t.Fatal(err)
	}
	spans := rc.Spans()
	if len(spans) != 1 {
		t.Fatalf("%d spans, want 1", len(spans))
	}
	sp := spans[0]
	if sp.Name != "POST /api/rooms" || sp.Status.GetCode().String() != "STATUS_CODE_ERROR" || sp.Attr("http.response.status_code") != "500" {
		t.Fatalf("span %v", sp.Span)
	}
	if got := sp.TraceId; len(got) != 16 || got[0] != 0x4b || got[15] != 0x36 {
		t.Fatalf("trace id %x does not continue the caller's", got)
	}
}
