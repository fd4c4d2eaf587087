package web

import (
	"crypto/subtle"
	"net/http"
	"strings"

	"meetpin.app"
)

// bearerToken returns the request's bearer token, or "".
func bearerToken(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if !strings.HasPrefix(h, "Bearer ") {
		return ""
	}
	return strings.TrimSpace(h[len("Bearer "):])
}

// secretMatches compares a presented token with a configured secret in
// constant time. An unconfigured secret matches nothing.
func secretMatches(presented, secret string) bool {
	if secret == "" || presented == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(presented), []byte(secret)) == 1
}

// requireAdminToken guards operator endpoints with ADMIN_TOKEN: 401 when the
// token is missing or wrong, and also when none is configured.
func requireAdminToken(s *Server, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !secretMatches(bearerToken(r), s.cfg.AdminToken) {
			s.writeError(w, r, meetpin.Errorf(meetpin.EUNAUTHORIZED, "this endpoint needs Authorization: Bearer $ADMIN_TOKEN"))
			return
		}
		h(w, r)
	}
}

// requireCronSecret guards the cron endpoints with CRON_SECRET, like
// requireAdminToken.
func requireCronSecret(s *Server, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !secretMatches(bearerToken(r), s.cfg.CronSecret) {
			s.writeError(w, r, meetpin.Errorf(meetpin.EUNAUTHORIZED, "this endpoint needs Authorization: Bearer $CRON_SECRET"))
			return
		}
		h(w, r)
	}
}
