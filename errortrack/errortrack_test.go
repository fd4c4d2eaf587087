package errortrack_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"meetpin.app/buildinfo"
	"meetpin.app/errortrack"
	"meetpin.app/errortrack/errortracktest"
)

func TestReportsCarryContextAndNoPersonalData(t *testing.T) {
	s := errortracktest.NewSentry(t)
	tr, err := errortrack.New(errortrack.Options{DSN: s.DSN(), Environment: "production"})
	if err != nil {
		t.Fatal(err)
	}
	req := errortrack.Request{ID: "req-123", Route: "POST /api/matches/{id}/messages", Method: "POST", Status: 500}
	tr.Error(errors.New("insert message of minji@demo.meetpin.kr with token 0123456789abcdefABCDEF0123456789: disk full"), req)
	tr.Panic("boom for hyun@demo.meetpin.kr", errortrack.Request{ID: "req-456", Route: "GET /api/rooms", Method: "GET", Status: 500})
	if !tr.Flush(5 * time.Second) {
		t.Fatal("flush timed out")
	}
	ev := s.Events()
	if len(ev) != 2 {
		t.Fatalf("received %d events, want 2", len(ev))
	}
	for i, e := range ev {
		if e.Release != buildinfo.Version || e.Environment != "production" {
			t.Errorf("event %d: release %q environment %q", i, e.Release, e.Environment)
		}
		for _, leak := range []string{"minji@", "hyun@", "0123456789abcdefABCDEF0123456789", "meetpin.kr"} {
			if strings.Contains(e.Raw, leak) {
				t.Errorf("event %d leaks %q: %s", i, leak, e.Raw)
			}
		}
		if len(e.User) != 0 || e.Request != nil {
			t.Errorf("event %d has user %v request %v", i, e.User, e.Request)
		}
		if len(e.Exception) == 0 {
			t.Fatalf("event %d has no exception: %s", i, e.Raw)
		}
	}
	if e := ev[0]; e.Tags["request_id"] != "req-123" || e.Tags["route"] != "POST /api/matches/{id}/messages" || e.Tags["status"] != "500" {
		t.Errorf("error tags %v", e.Tags)
	}
	last := ev[0].Exception[len(ev[0].Exception)-1]
	if !strings.Contains(last.Value, "disk full") || !strings.Contains(last.Value, "[email]") || !strings.Contains(last.Value, "[redacted]") {
		t.Errorf("error value %q", last.Value)
	}
	if e := ev[1]; e.Tags["request_id"] != "req-456" || e.Level != "fatal" || !strings.Contains(e.Raw, "panic: boom for [email]") {
		t.Errorf("panic event: %s", e.Raw)
	}
}

func TestOffWithoutDSN(t *testing.T) {
	tr, err := errortrack.New(errortrack.Options{})
	if tr != nil || err != nil {
		t.Fatalf("New without DSN = %v, %v", tr, err)
	}
	// A nil tracker is usable and free.
	tr.Error(errors.New("x"), errortrack.Request{})
	tr.Panic("x", errortrack.Request{})
	if !tr.Flush(time.Second) {
		t.Fatal("nil Flush")
	}
	if n := testing.AllocsPerRun(100, func() { tr.Error(nil, errortrack.Request{Route: "GET /"}) }); n != 0 {
		t.Fatalf("a report with tracking off allocates %v times", n)
	}
}

func TestBadDSN(t *testing.T) {
	if _, err := errortrack.New(errortrack.Options{DSN: "http://nokey@/"}); err == nil {
		t.Fatal("a DSN without project accepted")
	}
}
