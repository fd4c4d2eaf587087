package web_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/sqlite/sqlitetest"
)

// metricValue reads one sample of /metrics ("" when absent).
func (s *testServer) metricValue(name string) string {
	s.t.Helper()
	res, err := http.Get(s.URL + "/metrics")
	if err != nil {
		s.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// waitMetric polls /metrics until name has the value want (streams end
// on the server a moment after their client leaves).
func (s *testServer) waitMetric(name, want string) {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := s.metricValue(name)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("%s = %q, want %q", name, got, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestStreamCaps is the stream flood of issue 14: one token used to open
// as many event streams as it liked (5,000 in the review). A user holds at
// most 8 (a ninth closes the oldest with "event: replaced"); the process
// holds at most MEETPIN_SSE_MAX (beyond it 503 with Retry-After); /metrics
// counts both.
func TestStreamCaps(t *testing.T) {
	t.Parallel()
	s, _, _ := newServerEnv(t, sqlitetest.New(t), map[string]string{"MEETPIN_SSE_MAX": "10"})
	a, b, c := s.signup("streamerA"), s.signup("streamerB"), s.signup("streamerC")
	s.waitMetric("meetpin_sse_max_streams", "10")

	var mine []*stream
	for range 8 {
		mine = append(mine, s.openStream("/api/notifications/stream", a.Token, -1))
	}
	s.waitMetric("meetpin_sse_open_streams", "8")
	// The ninth replaces the oldest, which is told so and ended.
	ninth := s.openStream("/api/notifications/stream", a.Token, -1)
	mine[0].next("replaced")
	mine[0].ended()
	s.waitMetric("meetpin_sse_open_streams", "8")
	s.waitMetric("meetpin_sse_replaced_streams_total", "1")
	// The other seven and the ninth are still live.
	for _, st := range append(mine[1:], ninth) {
		select {
		case <-st.done:
			t.Fatal("a stream other than the oldest was ended")
		default:
		}
	}

	// Another user fills the process; a third is refused, with no stream
	// left open for it.
	s.call("GET", "/api/matches/none/events", nil, b.Token).want(t, 404, meetpin.ENOTFOUND) // refused before counting
	b1 := s.openStream("/api/notifications/stream", b.Token, -1)
	s.openStream("/api/notifications/stream", b.Token, -1)
	s.waitMetric("meetpin_sse_open_streams", "10")
	r := s.call("GET", "/api/notifications/stream", nil, c.Token)
	r.wantError(t, 503, meetpin.EUNAVAILABLE)
	if r.Header.Get("Retry-After") == "" {
		t.Fatal("503 without Retry-After")
	}
	s.waitMetric("meetpin_sse_refused_streams_total", "1")
	s.waitMetric("meetpin_sse_open_streams", "10")

	// A stream that ends frees its place.
	b1.close()
	s.waitMetric("meetpin_sse_open_streams", "9")
	s.openStream("/api/notifications/stream", c.Token, -1)
	s.waitMetric("meetpin_sse_open_streams", "10")
}
