package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"meetpin.app"
	"meetpin.app/errortrack"
)

type ctxKey int

const (
	infoKey ctxKey = iota
	userKey
	nonceKey // the page's CSP nonce, see CSPNonce
)

// reqInfo is filled as the request travels through the chain, and read by
// the access log at the end: the matched route pattern, the user, the error
// code. It is a pointer in the context, so inner layers can write to it.
type reqInfo struct {
	id      string
	pattern string
	userID  string
	code    meetpin.Code
	token   string // the session token used, for logout
	bearer  bool
	stream  bool // an event stream: its duration is no response time
	// notConfigured marks a 5xx that is the expected answer of a feature
	// the operator did not configure (place search without a Kakao key):
	// not logged as an error, nor counted in the error-rate alert.
	notConfigured bool
	err           error // the cause of a 5xx answer, for the error tracker
	panicked      bool
}

func infoOf(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(infoKey).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

func requestIDOf(r *http.Request) string { return infoOf(r).id }

func setErrorCode(r *http.Request, code meetpin.Code) { infoOf(r).code = code }

// userOf returns the signed-in user, or nil.
func userOf(r *http.Request) *meetpin.User {
	u, _ := r.Context().Value(userKey).(*meetpin.User)
	return u
}

// statusWriter remembers the status and size of a response. Unwrap lets
// http.ResponseController reach Flush and the deadlines (SSE needs them).
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// withRequest gives each request an id (X-Request-ID, echoed; generated when
// absent or unusable), recovers panics into a 500 envelope, and writes one
// access-log line with fixed keys.
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{id: cleanRequestID(r.Header.Get("X-Request-ID"))}
		if info.id == "" {
			info.id = newRequestID()
		}
		w.Header().Set("X-Request-ID", info.id)
		r = r.WithContext(context.WithValue(r.Context(), infoKey, info))
		r, endSpan := s.tracer.StartRequest(r)
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(r.Context(), "panic", slog.String("request_id", info.id), slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
				info.panicked = true
				s.tracker.Panic(p, errortrack.Request{ID: info.id, Route: routeOf(info), Method: r.Method, Status: http.StatusInternalServerError})
				if sw.status == 0 {
					s.writeError(sw, r, fmt.Errorf("panic: %v", p))
				}
			}
			dur := time.Since(start)
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			route := routeOf(info)
			if status >= 500 && !info.notConfigured && !info.panicked {
				s.tracker.Error(info.err, errortrack.Request{ID: info.id, Route: route, Method: r.Method, Status: status})
			}
			endSpan(route, status)
			s.observe(route, r.Method, status, dur, !info.stream, info.notConfigured)
			level := slog.LevelInfo
			if status >= 500 && !info.notConfigured {
				level = slog.LevelError
			}
			s.log.LogAttrs(r.Context(), level, "request",
				slog.String("request_id", info.id),
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.String("route", route),
				slog.Int("status", status),
				slog.Int("bytes", sw.size),
				slog.Float64("duration_ms", float64(dur.Microseconds())/1000),
				slog.String("user_id", info.userID),
				slog.String("code", string(info.code)),
			)
		}()
		next.ServeHTTP(sw, r)
	})
}

// routeOf is the request's ServeMux pattern, "unmatched" when none.
func routeOf(info *reqInfo) string {
	if info.pattern == "" {
		return "unmatched"
	}
	return info.pattern
}

func newRequestID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// cleanRequestID accepts a client's request id only when it is short and
// made of safe characters, so it cannot inject anything into logs.
func cleanRequestID(id string) string {
	if len(id) == 0 || len(id) > 64 {
		return ""
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return ""
		}
	}
	return id
}

// securityHeaders sets the headers every response carries, and the
// Content-Security-Policy (csp.go): under /api/ one that allows nothing;
// elsewhere the page policy with a fresh nonce, which it puts in the
// request's context for the templates (CSPNonce).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	page := newPagePolicy(s.cfg)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if s.cfg.Production() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			h.Set("Content-Security-Policy", apiPolicy)
		} else {
			nonce := newNonce()
			h.Set("Content-Security-Policy", page.with(nonce))
			if page.reportTo {
				h.Set("Reporting-Endpoints", `csp="`+cspReportPath+`"`)
			}
			r = r.WithContext(context.WithValue(r.Context(), nonceKey, nonce))
		}
		next.ServeHTTP(w, r)
	})
}

// sessionCookie is the name of the session cookie.
const sessionCookie = "meetpin_session"

// apiCatchAll is the pattern of the JSON 404 for unknown /api/ paths.
const apiCatchAll = "/api/"

// apiAllow returns the methods allowed on r's path, for a request that
// reached the /api/ catch-all: "" when the path exists under no method.
// ServeMux answers 405 by itself only when no pattern matches at all; the
// method-less catch-all matches first, which would turn PUT /api/rooms into a
// 404.
func apiAllow(mux *http.ServeMux, r *http.Request) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.WithContext(r.Context())
		probe.Method = m
		if _, p := mux.Handler(probe); p != "" && p != apiCatchAll {
			allow = append(allow, m)
		}
	}
	return strings.Join(allow, ", ")
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: int(s.cfg.SessionTTL.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Production(),
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.Production()})
}
