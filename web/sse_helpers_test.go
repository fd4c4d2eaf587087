package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sse is one parsed Server-Sent Event.
type sse struct {
	ID   int64
	Name string
	Data string
}

// stream is an open event stream read by a goroutine.
type stream struct {
	t      testing.TB
	events chan sse
	cancel context.CancelFunc
	done   chan struct{}
}

// openStream connects to an SSE route with a bearer token and, when
// lastID >= 0, a Last-Event-ID. It returns once the response headers came.
func (s *testServer) openStream(path, token string, lastID int64) *stream {
	s.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	if lastID >= 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(lastID, 10))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		s.t.Fatal(err)
	}
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		cancel()
		res.Body.Close()
		s.t.Fatalf("stream %s: status %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	}
	st := &stream{t: s.t, events: make(chan sse, 256), cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(st.done)
		defer close(st.events)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev sse
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.Name != "" {
					st.events <- ev
				}
				ev = sse{}
			case strings.HasPrefix(line, "id: "):
				ev.ID, _ = strconv.ParseInt(line[4:], 10, 64)
			case strings.HasPrefix(line, "event: "):
				ev.Name = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[6:]
			}
		}
	}()
	s.t.Cleanup(st.close)
	return st
}

// next waits for the next event (named name when not empty, skipping
// others) for at most 10 s.
func (st *stream) next(name string) sse {
	st.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-st.events:
			if !ok {
				st.t.Fatalf("stream closed while waiting for %q", name)
			}
			if name == "" || ev.Name == name {
				return ev
			}
		case <-timeout:
			st.t.Fatalf("no %q event within 10s", name)
		}
	}
}

// none checks that no event named name arrives within a short while.
func (st *stream) none(name string, wait time.Duration) {
	st.t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case ev, ok := <-st.events:
			if !ok {
				return
			}
			if ev.Name == name {
				st.t.Fatalf("unexpected %q event: %+v", name, ev)
			}
		case <-timeout:
			return
		}
	}
}

// ended waits until the server ends the stream.
func (st *stream) ended() {
	st.t.Helper()
	select {
	case <-st.done:
	case <-time.After(10 * time.Second):
		st.t.Fatal("stream did not end")
	}
}

func (st *stream) close() {
	st.cancel()
	<-st.done
}

func decodeJSON[T any](t testing.TB, s string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("decoding %s: %v", s, err)
	}
	return v
}
