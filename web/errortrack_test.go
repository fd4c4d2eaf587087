package web_test

import (
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/app"
	"meetpin.app/errortrack"
	"meetpin.app/errortrack/errortracktest"
	"meetpin.app/sqlite/sqlitetest"
	"meetpin.app/web"
)

// TestServerErrorsReachSentry: a 5xx answer is reported with its request
// id and route pattern; a 4xx and the place search without a Kakao key
// are not.
func TestServerErrorsReachSentry(t *testing.T) {
	sentry := errortracktest.NewSentry(t)
	tr, err := errortrack.New(errortrack.Options{DSN: sentry.DSN(), Environment: "development"})
	if err != nil {
		t.Fatal(err)
	}
	store := sqlitetest.New(t)
	s := newServerEdit(t, store, func(_ *app.Options, wo *web.Options) { wo.ErrorTracker = tr })
	s.call("GET", "/api/rooms/00000000-0000-4000-8000-000000000000", nil, "").want(t, 404, meetpin.ENOTFOUND)
	s.call("GET", "/api/places/search?query=카페", nil, "").want(t, 503, meetpin.EPLACESUNAVAILABLE)
	store.Close() // the database goes away
	r := s.call("GET", "/api/rooms/00000000-0000-4000-8000-000000000000", nil, "")
	if r.Status < 500 {
		t.Fatalf("with the store closed: %d %s", r.Status, r.Raw)
	}
	id := r.Header.Get("X-Request-ID")
	s.Close()
	if !tr.Flush(5 * time.Second) {
		t.Fatal("flush timed out")
	}
	ev := sentry.Events()
	if len(ev) != 1 {
		t.Fatalf("%d events, want 1 (the 5xx only)", len(ev))
	}
	if e := ev[0]; e.Tags["request_id"] != id || e.Tags["route"] != "GET /api/rooms/{id}" || e.Tags["status"] != "500" ||
		strings.Contains(e.Raw, "00000000-0000-4000-8000-000000000000") || e.Request != nil {
		t.Fatalf("event %s (request id %s)", e.Raw, id)
	}
}
