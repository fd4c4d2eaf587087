// Package errortrack reports panics and server errors to Sentry
// (SENTRY_DSN), over the official github.com/getsentry/sentry-go SDK, the
// one package that imports it.
//
// A report carries what helps find the bug and nothing about the people
// who use the service: the request id, the route pattern (never the raw
// path), the method and status, the release (buildinfo.Version), and the
// error or panic text with e-mail addresses and token-like strings
// replaced. No request (URL, headers, cookies, body), no user, no
// breadcrumbs are sent.
//
// A nil *Tracker is valid and does nothing: with SENTRY_DSN unset the
// server holds nil, and a report costs one nil check.
package errortrack

import (
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/getsentry/sentry-go"

	"meetpin.app/buildinfo"
)

// Options configure a Tracker.
type Options struct {
	DSN         string
	Environment string // MEETPIN_ENV
	// Transport replaces the SDK's HTTP transport (tests); nil: the SDK's.
	Transport sentry.Transport
}

// Tracker sends reports to one Sentry project.
type Tracker struct {
	hub *sentry.Hub
}

// New returns the tracker of o.DSN; nil, nil when the DSN is empty.
func New(o Options) (*Tracker, error) {
	if o.DSN == "" {
		return nil, nil
	}
	client, err := sentry.NewClient(sentry.ClientOptions{
		Dsn:              o.DSN,
		Release:          buildinfo.Version,
		Environment:      o.Environment,
		AttachStacktrace: true,
		MaxBreadcrumbs:   -1,
		ServerName:       "meetpin",
		BeforeSend:       scrub,
		Transport:        o.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("SENTRY_DSN: %w", err)
	}
	return &Tracker{hub: sentry.NewHub(client, sentry.NewScope())}, nil
}

// Request is what a report says about the request that failed.
type Request struct {
	ID     string // X-Request-ID
	Route  string // the ServeMux pattern, "unmatched" when none
	Method string
	Status int
}

// Error reports a server error (a 5xx answer) with its cause, which may be
// nil when only the status is known.
func (t *Tracker) Error(err error, r Request) {
	if t == nil {
		return
	}
	if err == nil {
		err = fmt.Errorf("HTTP %d", r.Status)
	}
	hub := t.hub.Clone()
	tag(hub.Scope(), r)
	hub.CaptureException(err)
}

// Panic reports a recovered panic.
func (t *Tracker) Panic(p any, r Request) {
	if t == nil {
		return
	}
	hub := t.hub.Clone()
	tag(hub.Scope(), r)
	hub.Scope().SetLevel(sentry.LevelFatal)
	err, ok := p.(error)
	if !ok {
		err = errors.New(fmt.Sprint(p))
	}
	hub.CaptureException(fmt.Errorf("panic: %w", err))
}

// Flush waits up to timeout for the reports in flight; false when some
// were not sent. At shutdown.
func (t *Tracker) Flush(timeout time.Duration) bool {
	if t == nil {
		return true
	}
	return t.hub.Flush(timeout)
}

func tag(s *sentry.Scope, r Request) {
	s.SetTags(map[string]string{"request_id": r.ID, "route": r.Route, "method": r.Method, "status": fmt.Sprint(r.Status)})
	s.SetFingerprint([]string{"{{ default }}", r.Route})
}

var (
	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// tokenRE: long runs of token alphabet (session tokens, keys, JWT
	// parts), which no useful error text needs.
	tokenRE = regexp.MustCompile(`[A-Za-z0-9_\-]{24,}`)
)

// Clean replaces e-mail addresses and token-like strings in s.
func Clean(s string) string {
	return tokenRE.ReplaceAllString(emailRE.ReplaceAllString(s, "[email]"), "[redacted]")
}

// scrub is the last step before an event leaves: it drops everything about
// the request and the user, and cleans the texts.
func scrub(e *sentry.Event, _ *sentry.EventHint) *sentry.Event {
	e.Request = nil
	e.User = sentry.User{}
	e.Breadcrumbs = nil
	e.Message = Clean(e.Message)
	for i := range e.Exception {
		e.Exception[i].Value = Clean(e.Exception[i].Value)
	}
	return e
}
