package web

import (
	"net/http"
	"strings"

	"meetpin.app"
)

// safeNext returns a local path to go to after signing in: only paths on
// this site ("/…", never "//host" or "/\host"), /map by default.
func safeNext(v string) string {
	if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") || strings.HasPrefix(v, "/\\") || strings.ContainsAny(v, "\r\n") {
		return "/map"
	}
	return v
}

type authPage struct {
	Next      string
	AgeRanges []string
}

// handleLoginPage: GET /auth/login?next=/path.
func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if userOf(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	d := s.page(w, r, "login.title")
	d.Page = authPage{Next: next}
	s.render(w, r, "login", http.StatusOK, d)
}

// handleSignupPage: GET /auth/signup?next=/path.
func (s *Server) handleSignupPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if userOf(r) != nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	d := s.page(w, r, "signup.title")
	d.Page = authPage{Next: next, AgeRanges: meetpin.AgeRanges}
	s.render(w, r, "signup", http.StatusOK, d)
}
