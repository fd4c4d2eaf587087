package web

import (
	"log/slog"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"meetpin.app"
	"meetpin.app/config"
)

// Rate-limit classes. Every /api/ request but the probes belongs to api;
// some routes belong to one more class (routeClasses). A request counts
// against every class it belongs to, and is refused when any of them is
// exhausted.
const (
	classAPI      = "api"      // per client IP
	classAuth     = "auth"     // per client IP
	classRooms    = "rooms"    // per user
	classMessages = "messages" // per user
	classUploads  = "uploads"  // per user
)

// routeClasses maps route patterns of routes.go to their second class.
// TestRateLimitRoutes checks that each pattern is a registered route.
var routeClasses = map[string]string{
	"POST /api/auth/signup":           classAuth,
	"POST /api/auth/login":            classAuth,
	"POST /api/rooms":                 classRooms,
	"POST /api/matches/{id}/messages": classMessages,
	"POST /api/host-messages":         classMessages,
	"POST /api/profile/avatar":        classUploads,
}

// probePaths are never limited: an orchestrator must always reach them.
var probePaths = map[string]bool{
	"/api/livez": true, "/api/healthz": true, "/api/readyz": true,
	"/api/ready": true, "/api/health": true, "/api/status": true,
}

// limitClass is one class and its configured rate.
type limitClass struct {
	rate    config.Rate
	perUser bool
}

// rateLimits is the state of the rate-limit middleware.
type rateLimits struct {
	limiter  meetpin.Limiter // nil: limiting is off
	classes  map[string]limitClass
	proxies  []netip.Prefix
	rejected map[string]*atomic.Int64 // per class; fixed at New

	failures    atomic.Int64 // Allow errors, each answered by letting the request in
	failLogged  atomic.Int64 // unix ns of the last failure log line
	proxyWarned atomic.Bool
}

func newRateLimits(o Options) *rateLimits {
	rl := o.Config.RateLimit
	l := &rateLimits{
		proxies: o.Config.TrustedProxies,
		classes: map[string]limitClass{
			classAPI:      {rate: rl.API},
			classAuth:     {rate: rl.Auth},
			classRooms:    {rate: rl.Rooms, perUser: true},
			classMessages: {rate: rl.Messages, perUser: true},
			classUploads:  {rate: rl.Uploads, perUser: true},
		},
		rejected: make(map[string]*atomic.Int64),
	}
	for c := range l.classes {
		l.rejected[c] = new(atomic.Int64)
	}
	if !rl.Off {
		l.limiter = o.Limiter
	}
	return l
}

// Rejections reports, per class, how many requests were refused with 429
// because of that class (each refusal counts for one class: the one whose
// Retry-After was sent).
func (s *Server) Rejections() map[string]int64 {
	out := make(map[string]int64, len(s.limits.rejected))
	for c, n := range s.limits.rejected {
		out[c] = n.Load()
	}
	return out
}

// limitFailLogEvery is the most often a failing limiter is logged.
const limitFailLogEvery = time.Minute

// rateLimit applies the classes to /api/ requests. It runs after
// authenticate, so the per-user classes know the user; an anonymous request
// is not counted in them (those routes answer 401 anyway). Every limited
// response carries RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset
// (seconds) of the class closest to its limit; a refusal is 429
// RATE_LIMIT_EXCEEDED with Retry-After. A limiter that fails lets the
// request in (the redis limiter already falls back to local limits, so this
// is the last resort), logged at most once a minute. The client IP never
// reaches the logs.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	l := s.limits
	if l.limiter == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/api/") || probePaths[r.URL.Path] {
			next.ServeHTTP(w, r)
			return
		}
		classes := []string{classAPI}
		_, pattern := s.mux.Handler(r)
		infoOf(r).pattern = pattern // a refused request is still counted under its route
		if routeClasses[pattern] != "" {
			classes = append(classes, routeClasses[pattern])
		}
		var (
			shown      meetpin.RateResult
			shownClass string
			ipKey      string
		)
		for _, c := range classes {
			lc := l.classes[c]
			if lc.rate.Limit <= 0 {
				continue
			}
			var key string
			if lc.perUser {
				u := userOf(r)
				if u == nil {
					continue
				}
				key = c + ":user:" + u.ID
			} else {
				if ipKey == "" {
					ipKey = clientKey(s.clientIP(r))
				}
				key = c + ":ip:" + ipKey
			}
			res, err := l.limiter.Allow(r.Context(), key, lc.rate.Limit, lc.rate.Window)
			if err != nil {
				l.failed(s.log, err)
				continue
			}
			// Show the refusal with the longest wait, else the class with
			// the fewest places left.
			if shownClass == "" || (!res.Allowed && (shown.Allowed || res.Reset > shown.Reset)) ||
				(res.Allowed && shown.Allowed && res.Remaining <= shown.Remaining) {
				shown, shownClass = res, c
			}
		}
		if shownClass == "" {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("RateLimit-Limit", strconv.Itoa(shown.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(shown.Remaining))
		h.Set("RateLimit-Reset", strconv.Itoa(seconds(shown.Reset)))
		if shown.Allowed {
			next.ServeHTTP(w, r)
			return
		}
		l.rejected[shownClass].Add(1)
		wait := max(seconds(shown.Reset), 1)
		h.Set("Retry-After", strconv.Itoa(wait))
		s.writeError(w, r, meetpin.Errorf(meetpin.ERATELIMIT, "too many requests (%s): try again in %d seconds", shownClass, wait))
	})
}

// clientIP is the client address of r (see clientIP). When a peer that
// looks like a proxy (loopback or private) sends X-Forwarded-For but is not
// trusted, it says once that MEETPIN_TRUSTED_PROXIES may be missing: without
// it, every client behind the proxy shares one limit.
func (s *Server) clientIP(r *http.Request) netip.Addr {
	ip := clientIP(r, s.limits.proxies)
	if r.Header.Get("X-Forwarded-For") != "" && (ip.IsLoopback() || ip.IsPrivate()) && !isTrusted(ip, s.limits.proxies) &&
		s.limits.proxyWarned.CompareAndSwap(false, true) {
		s.log.Warn("X-Forwarded-For received from an untrusted proxy-like peer and ignored: if a reverse proxy runs there, list it in MEETPIN_TRUSTED_PROXIES, or every client behind it shares one rate limit",
			slog.String("peer", ip.String()))
	}
	return ip
}

// failed counts a limiter error and logs it at most once a minute.
func (l *rateLimits) failed(log *slog.Logger, err error) {
	n := l.failures.Add(1)
	now := time.Now().UnixNano()
	if last := l.failLogged.Load(); now-last >= int64(limitFailLogEvery) && l.failLogged.CompareAndSwap(last, now) {
		log.Error("rate limiter failed: requests are let in unlimited", slog.Any("error", err), slog.Int64("failures", n))
	}
}

// seconds rounds d up to whole seconds, as the headers carry it.
func seconds(d time.Duration) int {
	return int(math.Ceil(d.Seconds()))
}
