package web

import (
	"context"
	"net/http"
	"time"

	"meetpin.app/buildinfo"
)

func probeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Cache-Control", "no-cache, no-store, must-revalidate")
	writeJSON(w, status, v)
}

// handleLivez answers while the process runs; it touches no dependency.
func (s *Server) handleLivez(w http.ResponseWriter, r *http.Request) {
	probeJSON(w, http.StatusOK, map[string]any{"status": "ok", "timestamp": time.Now().UTC()})
}

// handleHealthz reports basic application state, without dependencies.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	probeJSON(w, http.StatusOK, map[string]any{
		"status":    "ok",
		"timestamp": time.Now().UTC(),
		"uptime":    int64(time.Since(s.started).Seconds()),
		"version":   buildinfo.Version,
		"commit":    buildinfo.CommitID(),
		"engine":    s.store.Engine(),
		"draining":  s.draining.Load(),
		"requests":  s.requests.Load(),
	})
}

// handleReadyz answers 200 when the process takes traffic: not shutting
// down, the database answers, and the schema is current. Otherwise 503 with
// the failing check named.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	checks := map[string]string{"shutdown": "ok", "database": "ok", "schema": "ok"}
	ready := true
	fail := func(name, why string) { checks[name], ready = why, false }
	if s.draining.Load() {
		fail("shutdown", "draining: the server is shutting down")
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		fail("database", "unreachable")
		fail("schema", "unknown: database unreachable")
	} else if s.schema != nil {
		if current, err := s.schema(ctx); err != nil {
			fail("schema", "cannot read the schema version")
		} else if !current {
			fail("schema", "outdated: run `meetpin migrate up`")
		}
	}
	status, word := http.StatusOK, "ready"
	if !ready {
		status, word = http.StatusServiceUnavailable, "not_ready"
	}
	probeJSON(w, status, map[string]any{"status": word, "timestamp": time.Now().UTC(), "checks": checks})
}
