package web

import (
	"crypto/sha256"
	"encoding/hex"
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

// Rate-limit classes. Each route declares in routes.go which of them it
// counts against (its limit); every limited route counts against api.
const (
	classAPI      = "api"      // per client IP
	classAuth     = "auth"     // per client IP
	classRooms    = "rooms"    // per user
	classMessages = "messages" // per user
	classUploads  = "uploads"  // per user
	classAccount  = "account"  // sign-in attempts per account (accountLoginRate)
)

// accountLoginRate bounds the sign-in attempts on one account, whatever
// the client IPs, so that a guess spread over many addresses is slowed as
// much as one from a single address. Every attempt counts, a success too:
// nobody signs in ten times in fifteen minutes, and counting before the
// password is checked is what stops a right guess past the limit.
var accountLoginRate = config.Rate{Limit: 10, Window: 15 * time.Minute}

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
			classAccount:  {rate: accountLoginRate}, // applied by allowLoginAttempt
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

// limitResult is the answer of the classes counted so far for a request:
// the one its headers show.
type limitResult struct {
	shown meetpin.RateResult
	class string
}

// setHeaders writes RateLimit-Limit, -Remaining and -Reset (seconds) of
// the shown class, if any class counted the request.
func (lr *limitResult) setHeaders(w http.ResponseWriter) {
	if lr.class == "" {
		return
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(lr.shown.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(lr.shown.Remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(seconds(lr.shown.Reset)))
}

// limitRequest counts r against its route's per-IP classes (perUser false:
// before the session is read) or per-user classes (perUser true: after),
// adding to lr. It answers 429 RATE_LIMIT_EXCEEDED with Retry-After and the
// headers, and returns false, when a class refuses. An anonymous request is
// not counted in the per-user classes (those routes answer 401 anyway). The
// headers show the class closest to its limit. A limiter that fails lets
// the request in (the redis limiter already falls back to local limits, so
// this is the last resort), logged at most once a minute. The client IP
// never reaches the logs.
func (s *Server) limitRequest(w http.ResponseWriter, r *http.Request, classes []string, perUser bool, lr *limitResult) bool {
	l := s.limits
	for _, c := range classes {
		lc := l.classes[c]
		if lc.perUser != perUser || lc.rate.Limit <= 0 {
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
			key = c + ":ip:" + clientKey(s.clientIP(r))
		}
		res, err := l.limiter.Allow(r.Context(), key, lc.rate.Limit, lc.rate.Window)
		if err != nil {
			l.failed(s.log, err)
			continue
		}
		// Show the refusal with the longest wait, else the class with
		// the fewest places left.
		if lr.class == "" || (!res.Allowed && (lr.shown.Allowed || res.Reset > lr.shown.Reset)) ||
			(res.Allowed && lr.shown.Allowed && res.Remaining <= lr.shown.Remaining) {
			lr.shown, lr.class = res, c
		}
	}
	if lr.class == "" || lr.shown.Allowed {
		return true
	}
	lr.setHeaders(w)
	l.rejected[lr.class].Add(1)
	wait := max(seconds(lr.shown.Reset), 1)
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	s.writeError(w, r, meetpin.Errorf(meetpin.ERATELIMIT, "too many requests (%s): try again in %d seconds", lr.class, wait))
	return false
}

// allowLoginAttempt counts a sign-in attempt on the account of email and,
// past accountLoginRate, answers 429 with Retry-After and returns false.
// The key is a hash of the normalised email: no address in the limiter.
func (s *Server) allowLoginAttempt(w http.ResponseWriter, r *http.Request, email string) bool {
	l := s.limits
	if l.limiter == nil {
		return true
	}
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(email))))
	res, err := l.limiter.Allow(r.Context(), classAccount+":"+hex.EncodeToString(sum[:16]), accountLoginRate.Limit, accountLoginRate.Window)
	if err != nil {
		l.failed(s.log, err)
		return true
	}
	if res.Allowed {
		return true
	}
	l.rejected[classAccount].Add(1)
	wait := max(seconds(res.Reset), 1)
	w.Header().Set("Retry-After", strconv.Itoa(wait))
	s.writeError(w, r, meetpin.Errorf(meetpin.ERATELIMIT, "too many sign-in attempts on this account: try again in %d seconds", wait))
	return false
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
