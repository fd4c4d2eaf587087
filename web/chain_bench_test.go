package web_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"meetpin.app/sqlite/sqlitetest"
)

// BenchmarkChain measures what the middleware chain and the route policy
// cost: a bare handler writing the livez answer, the whole server on
// /api/livez without and with a session cookie, and a static file sent with
// a session cookie (which its route never reads). The results are in
// docs/benchmarks.md.
func BenchmarkChain(b *testing.B) {
	s := newServer(b, sqlitetest.New(b))
	u := s.signup("benchChain")
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		json.NewEncoder(w).Encode(map[string]any{"status": "ok", "timestamp": time.Now().UTC()})
	})
	run := func(name string, h http.Handler, path, cookie string) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := httptest.NewRequest("GET", path, nil)
				if cookie != "" {
					r.Header.Set("Cookie", "meetpin_session="+cookie)
				}
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", path, w.Code)
				}
			}
		})
	}
	run("bare", bare, "/api/livez", "")
	run("livez", s.Srv, "/api/livez", "")
	run("livez_cookie", s.Srv, "/api/livez", u.Token)
	run("static_cookie", s.Srv, "/static/css/app.css", u.Token)
}
