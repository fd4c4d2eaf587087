package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"meetpin.app"
)

// Limits of the place endpoints, per signed-in user or, for anonymous
// callers, per client address. They protect the Kakao quota: the original
// proxy was open to anyone without limit.
const (
	coordLimit  = 60 // per minute
	searchLimit = 30 // per minute
)

// handleCoord2Address: GET /api/kakao/coord2address?lat=&lng= → the road and
// lot addresses of a point; source "none" with the coordinates as text when
// there is no key, Kakao fails, or the point has no address.
func (s *Server) handleCoord2Address(w http.ResponseWriter, r *http.Request) {
	if !s.allowPlaces(w, r, "coord2address", coordLimit) {
		return
	}
	q := r.URL.Query()
	v, err := s.app.Coord2Address(r.Context(), q.Get("lat"), q.Get("lng"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, v, "")
}

// handlePlaceSearch: GET /api/places/search?query=&lat=&lng=&radius= →
// places near a point (Kakao Local keyword search); 503 PLACES_UNAVAILABLE
// without a key or when Kakao fails.
func (s *Server) handlePlaceSearch(w http.ResponseWriter, r *http.Request) {
	if !s.allowPlaces(w, r, "places", searchLimit) {
		return
	}
	q := r.URL.Query()
	v, err := s.app.SearchPlaces(r.Context(), q.Get("query"), q.Get("lat"), q.Get("lng"), q.Get("radius"))
	if err != nil {
		// Without a key the 503 is the configured answer, not a failure.
		infoOf(r).notConfigured = !s.app.PlacesEnabled() && meetpin.ErrorCode(err) == meetpin.EPLACESUNAVAILABLE
		s.writeError(w, r, err)
		return
	}
	writeOK(w, http.StatusOK, v, "")
}

// allowPlaces counts the request against the caller's limit and answers 429
// with Retry-After when it is exhausted. A failing limiter lets the request
// through (the limit protects a quota, not the service).
func (s *Server) allowPlaces(w http.ResponseWriter, r *http.Request, name string, limit int) bool {
	key := "ip:" + clientKey(s.clientIP(r))
	if u := userOf(r); u != nil {
		key = "user:" + u.ID
	}
	res, err := s.placesLimiter.Allow(r.Context(), "places:"+name+":"+key, limit, time.Minute)
	if err != nil {
		s.log.WarnContext(r.Context(), "rate limiter failed", "error", err)
		return true
	}
	reset := strconv.Itoa(int(math.Ceil(res.Reset.Seconds())))
	w.Header().Set("RateLimit-Limit", strconv.Itoa(res.Limit))
	w.Header().Set("RateLimit-Remaining", strconv.Itoa(res.Remaining))
	w.Header().Set("RateLimit-Reset", reset)
	if !res.Allowed {
		w.Header().Set("Retry-After", reset)
		s.writeError(w, r, meetpin.Errorf(meetpin.ERATELIMIT, "too many requests: try again in %s s", reset))
		return false
	}
	return true
}
