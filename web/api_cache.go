package web

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"meetpin.app"
	"meetpin.app/readcache"
)

// cachePatterns are the patterns POST /api/cache/clear accepts, with the
// namespace each one deletes.
var cachePatterns = map[string]string{
	"rooms:*":         readcache.NamespaceRooms,
	"messages:*":      readcache.NamespaceMessages,
	"notifications:*": readcache.NamespaceNotifications,
}

// handleCacheStats: GET /api/cache/stats (ADMIN_TOKEN) →
// {backend, connected, hits, misses, hitRate, keyCount}. Hits and misses
// count this replica's cached reads.
func (s *Server) handleCacheStats(w http.ResponseWriter, r *http.Request) {
	if s.cache == nil {
		writeOK(w, http.StatusOK, meetpin.CacheStats{Backend: "none"}, "caching is off")
		return
	}
	writeOK(w, http.StatusOK, s.cache.Stats(r.Context()), "")
}

// handleCacheClear: POST /api/cache/clear (ADMIN_TOKEN) with an optional
// body {"pattern":"rooms:*"} (or messages:*, notifications:*); without a
// body, all three. → {deleted, patterns}.
func (s *Server) handleCacheClear(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Pattern string `json:"pattern"`
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		s.writeError(w, r, decodeError(err))
		return
	}
	patterns := []string{"rooms:*", "messages:*", "notifications:*"}
	if len(bytes.TrimSpace(body)) > 0 {
		r.Body = io.NopCloser(bytes.NewReader(body))
		if err := decode(w, r, &in, 0); err != nil {
			s.writeError(w, r, err)
			return
		}
		if _, ok := cachePatterns[in.Pattern]; !ok {
			s.writeError(w, r, &meetpin.Error{Code: meetpin.EVALIDATION,
				Message: "pattern: must be one of rooms:*, messages:*, notifications:*",
				Fields:  map[string]string{"pattern": "must be one of rooms:*, messages:*, notifications:*"}})
			return
		}
		patterns = []string{in.Pattern}
	}
	deleted := 0
	if s.cache != nil {
		for _, p := range patterns {
			n, err := s.app.ClearCache(r.Context(), cachePatterns[p])
			deleted += n
			if err != nil {
				s.writeError(w, r, meetpin.Errorf(meetpin.EUNAVAILABLE, "the cache is unavailable: %d keys deleted before it failed", deleted))
				return
			}
		}
	}
	writeOK(w, http.StatusOK, map[string]any{"deleted": deleted, "patterns": patterns}, "cleared "+strings.Join(patterns, ", "))
}
