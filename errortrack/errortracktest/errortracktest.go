// Package errortracktest is a local Sentry endpoint for tests: it receives
// the SDK's envelopes and decodes their events.
package errortracktest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Event is the part of a Sentry event the tests read.
type Event struct {
	Release     string            `json:"release"`
	Environment string            `json:"environment"`
	Level       string            `json:"level"`
	Tags        map[string]string `json:"tags"`
	User        map[string]any    `json:"user"`
	Request     map[string]any    `json:"request"`
	Exception   []struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	} `json:"exception"`
	// Raw is the event as received.
	Raw string `json:"-"`
}

// Sentry is a local endpoint that receives the SDK's envelopes.
type Sentry struct {
	srv    *httptest.Server
	mu     sync.Mutex
	events []Event
}

// NewSentry starts the endpoint; DSN points the SDK at it.
func NewSentry(t testing.TB) *Sentry {
	s := &Sentry{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/42/envelope/" {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		body, _ := io.ReadAll(r.Body)
		// An envelope: a header line, then item header and payload lines.
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(nil, 1<<20)
		sc.Scan()
		for sc.Scan() {
			var item struct {
				Type string `json:"type"`
			}
			_ = json.Unmarshal(sc.Bytes(), &item)
			if !sc.Scan() {
				break
			}
			if item.Type == "event" {
				var e Event
				if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
					t.Errorf("event is not JSON: %v", err)
				}
				e.Raw = sc.Text()
				s.mu.Lock()
				s.events = append(s.events, e)
				s.mu.Unlock()
			}
		}
		w.Write([]byte(`{"id":"0"}`))
	}))
	t.Cleanup(s.srv.Close)
	return s
}

// DSN is the endpoint's DSN.
func (s *Sentry) DSN() string {
	return "http://publickey@" + strings.TrimPrefix(s.srv.URL, "http://") + "/42"
}

// Events returns the events received.
func (s *Sentry) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}
