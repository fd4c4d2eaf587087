package web

import (
	"net/http"
	"net/url"
	"strings"

	"meetpin.app"
)

// safeNext returns a local path to go to after signing in, /map by
// default. Browsers forgive a lot in a Location header or in
// location.assign: they drop tabs and newlines ("/\t/evil" is "//evil"),
// read "\" as "/", and take "//host" as another site. So a next path is
// accepted only when it starts with exactly one "/", holds nothing but
// printable ASCII other than "\" (no spaces, controls or look-alike
// slashes), does not start with "//" once unescaped either, and parses
// with no scheme and no host. web/static/js/app.js (safePath) applies the
// same rule before it navigates.
func safeNext(v string) string {
	const fallback = "/map"
	if len(v) == 0 || len(v) > 2048 || v[0] != '/' || strings.HasPrefix(v, "//") {
		return fallback
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return fallback
		}
	}
	u, err := url.Parse(v)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.HasPrefix(u.Path, "//") || strings.HasPrefix(u.Path, "/\\") {
		return fallback
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
