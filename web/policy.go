package web

import (
	"context"
	"net/http"
	"strings"

	"meetpin.app"
)

// access is who may call a route, declared on its line in routes.go. Only
// the session kinds read the session store; the others never touch it.
type access int

const (
	public       access = iota // anyone; no session is loaded
	withSession                // anyone; the session is loaded when one is presented (pages, public reads)
	signedIn                   // a signed-in user, else 401
	adminRole                  // a signed-in user with the admin role, else 401 or 403
	adminToken                 // Authorization: Bearer $ADMIN_TOKEN, else 401; no session
	cronSecret                 // Authorization: Bearer $CRON_SECRET, else 401; no session
	metricsToken               // Bearer $MEETPIN_METRICS_TOKEN when one is configured; no session
)

var accessNames = [...]string{"public", "withSession", "signedIn", "adminRole", "adminToken", "cronSecret", "metricsToken"}

func (a access) String() string { return accessNames[a] }

// loadsSession reports whether the route looks up the presented session.
func (a access) loadsSession() bool { return a == withSession || a == signedIn || a == adminRole }

// limit is the rate-limit class of a route, declared on its line in
// routes.go. Every limited route counts against the per-IP api class;
// some count against one more class. A request is refused when any of its
// classes is exhausted.
type limit int

const (
	unlimited     limit = iota // probes and the non-API surface: never limited
	limitAPI                   // the per-IP api class only
	limitAuth                  // api + per-IP auth (signup, login)
	limitRooms                 // api + per-user rooms
	limitMessages              // api + per-user messages
	limitUploads               // api + per-user uploads
)

// classes are the rate-limit classes of l, per-IP ones first.
func (l limit) classes() []string {
	switch l {
	case limitAPI:
		return []string{classAPI}
	case limitAuth:
		return []string{classAPI, classAuth}
	case limitRooms:
		return []string{classAPI, classRooms}
	case limitMessages:
		return []string{classAPI, classMessages}
	case limitUploads:
		return []string{classAPI, classUploads}
	}
	return nil
}

// policy is what a route declares besides its handler.
type policy struct {
	access access
	limit  limit
}

// route registers a handler under its policy. The wrapper, in order:
// records the pattern (logs, metrics); refuses cross-origin cookie writes
// (CSRF); applies the per-IP rate limits, before any database read; loads
// the session when the route's access needs one; applies the per-user rate
// limits; then enforces the access.
func (s *Server) route(mux *http.ServeMux, pattern string, a access, l limit, h http.HandlerFunc) {
	p := policy{access: a, limit: l}
	if s.policies == nil {
		s.policies = make(map[string]policy)
	}
	s.policies[pattern] = p
	classes := l.classes()
	mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		info := infoOf(r)
		info.pattern = pattern
		token, bearer := presentedToken(r)
		if !bearer {
			if err := s.csrf.Check(r); err != nil {
				s.writeError(w, r, meetpin.Errorf(meetpin.EFORBIDDEN, "cross-origin request refused"))
				return
			}
		}
		var lim limitResult
		if len(classes) > 0 && s.limits.limiter != nil {
			if !s.limitRequest(w, r, classes, false, &lim) {
				return
			}
		}
		if a.loadsSession() && token != "" {
			u, renewed, err := s.app.Authenticate(r.Context(), token)
			switch {
			case err == nil:
				info.userID, info.token, info.bearer = u.ID, token, bearer
				r = r.WithContext(context.WithValue(r.Context(), userKey, u))
				if renewed && !bearer {
					s.setSessionCookie(w, token)
				}
			case meetpin.ErrorCode(err) == meetpin.EUNAUTHORIZED:
				if !bearer {
					s.clearSessionCookie(w)
				}
			default:
				s.writeError(w, r, err)
				return
			}
		}
		if len(classes) > 0 && s.limits.limiter != nil {
			if !s.limitRequest(w, r, classes, true, &lim) {
				return
			}
			lim.setHeaders(w)
		}
		if err := s.allowed(w, r, a); err != nil {
			s.writeError(w, r, err)
			return
		}
		h(w, r)
	})
}

// presentedToken returns the bearer token, else the session cookie.
func presentedToken(r *http.Request) (token string, bearer bool) {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")), true
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		return c.Value, false
	}
	return "", false
}

// allowed enforces the access of a route on a request whose session (when
// the access loads one) is in its context.
func (s *Server) allowed(w http.ResponseWriter, r *http.Request, a access) error {
	switch a {
	case signedIn:
		if userOf(r) == nil {
			return meetpin.Errorf(meetpin.EUNAUTHORIZED, "sign in first")
		}
	case adminRole:
		u := userOf(r)
		if u == nil {
			return meetpin.Errorf(meetpin.EUNAUTHORIZED, "sign in first")
		}
		if u.Role != meetpin.RoleAdmin {
			return meetpin.Errorf(meetpin.EFORBIDDEN, "only administrators may do this")
		}
	case adminToken:
		if !secretMatches(bearerToken(r), s.cfg.AdminToken) {
			return meetpin.Errorf(meetpin.EUNAUTHORIZED, "this endpoint needs Authorization: Bearer $ADMIN_TOKEN")
		}
	case cronSecret:
		if !secretMatches(bearerToken(r), s.cfg.CronSecret) {
			return meetpin.Errorf(meetpin.EUNAUTHORIZED, "this endpoint needs Authorization: Bearer $CRON_SECRET")
		}
	case metricsToken:
		if s.cfg.MetricsToken != "" && !secretMatches(bearerToken(r), s.cfg.MetricsToken) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="metrics"`)
			return meetpin.Errorf(meetpin.EUNAUTHORIZED, "this endpoint needs Authorization: Bearer $MEETPIN_METRICS_TOKEN")
		}
	}
	return nil
}
