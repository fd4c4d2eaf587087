package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
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
