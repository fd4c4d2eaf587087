// Package alert evaluates the runbook's alert rules continuously inside the
// server and tells people: every Interval the rules are checked, and an
// alert that starts firing, stays unresolved for EscalateAfter (escalated,
// sent again each EscalateAfter) or resolves becomes one notice, sent to a
// Notifier (the Slack-compatible webhook of webhook.go).
//
// Every replica evaluates; only one sends each notice. Before sending, a
// replica claims the notice (Claimer): the key is the alert's name and
// state, the slot is the current EscalateAfter period. The store's claim
// (the job_runs row of docs/adr/0003-cron-once-per-slot.md) decides while
// the database answers; when it does not — the database alert itself —
// Redis decides when configured, and otherwise the replica sends anyway: a
// duplicate page is better than none. A consequence of the slot: an alert
// that resolves and fires again within one EscalateAfter period is not
// announced as firing twice; it is re-announced, escalated, at the next
// period while it lasts.
//
// Alerts come from Rules (functions of the server's state, rules.go) and
// from Raise/Resolve, for events that are alerts by themselves (a critical
// emergency report).
package alert

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"meetpin.app/metrics"
)

// Defaults.
const (
	DefaultInterval      = 30 * time.Second
	DefaultEscalateAfter = 15 * time.Minute
	// claimTimeout and sendTimeout bound one claim and one notice.
	claimTimeout = 5 * time.Second
	sendTimeout  = 10 * time.Second
)

// Alert is one firing alert: metrics.Alert, the shape /api/monitoring
// shows.
type Alert = metrics.Alert

// Rule returns the alerts that fire now. It must not block longer than
// its context allows.
type Rule func(ctx context.Context) []Alert

// Notice states.
const (
	StateFiring   = "firing"
	StateResolved = "resolved"
)

// Notice is one message to people about one alert.
type Notice struct {
	Alert Alert
	// State is StateFiring or StateResolved.
	State string
	// Escalated marks a firing alert re-sent because it stayed unresolved
	// for EscalateAfter (or longer).
	Escalated bool
	// Since is when this replica first saw the alert fire.
	Since time.Time
	// At is when the notice was made.
	At time.Time
}

// Text is the notice as one line for people.
func (n Notice) Text() string {
	a := n.Alert
	switch {
	case n.State == StateResolved:
		return fmt.Sprintf("[RESOLVED] %s: resolved after %s", a.Name, n.At.Sub(n.Since).Round(time.Second))
	case n.Escalated:
		return fmt.Sprintf("[ESCALATED %s] %s: %s (unresolved for %s)", a.Severity, a.Name, a.Message, n.At.Sub(n.Since).Round(time.Second))
	}
	return fmt.Sprintf("[FIRING %s] %s: %s", a.Severity, a.Name, a.Message)
}

// Notifier delivers notices.
type Notifier interface {
	Notify(ctx context.Context, n Notice) error
}

// Claimer decides which replica sends a notice: Claim returns true for
// exactly one caller of a key and slot, across replicas.
type Claimer interface {
	Claim(ctx context.Context, key string, slot time.Time) (bool, error)
}

// Options configure a Manager.
type Options struct {
	Log      *slog.Logger
	Rules    []Rule
	Notifier Notifier // nil: notices are only logged
	// Claimers are tried in order until one answers; nil or all failing:
	// this replica sends.
	Claimers      []Claimer
	Interval      time.Duration // 0: DefaultInterval
	EscalateAfter time.Duration // 0: DefaultEscalateAfter
	Now           func() time.Time
}

// Manager evaluates the rules and sends the notices of one replica.
type Manager struct {
	o Options

	mu     sync.Mutex
	raised map[string]Alert
	active map[string]*state
}

// state is one alert firing on this replica.
type state struct {
	alert Alert
	since time.Time
	// last is when the last firing notice was settled (sent here or
	// claimed by another replica); zero while none is.
	last time.Time
	// pending is a notice this replica claimed but could not deliver yet.
	pending *Notice
}

// New returns a Manager.
func New(o Options) *Manager {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.EscalateAfter <= 0 {
		o.EscalateAfter = DefaultEscalateAfter
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Manager{o: o, raised: map[string]Alert{}, active: map[string]*state{}}
}

// Raise makes an alert fire until Resolve(a.Name): for events that are
// alerts by themselves, such as a critical emergency report. It is sent at
// the next check.
func (m *Manager) Raise(a Alert) {
	m.mu.Lock()
	m.raised[a.Name] = a
	m.mu.Unlock()
}

// Resolve ends an alert raised with Raise; it is announced resolved at the
// next check.
func (m *Manager) Resolve(name string) {
	m.mu.Lock()
	delete(m.raised, name)
	m.mu.Unlock()
}

// Active lists the alerts firing on this replica, by name.
func (m *Manager) Active() []Alert {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := []Alert{}
	for _, name := range slices.Sorted(maps.Keys(m.active)) {
		out = append(out, m.active[name].alert)
	}
	return out
}

// Start checks the rules every Interval in the background, the first time
// after one Interval; stop ends it and waits for a check in progress.
func (m *Manager) Start(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(m.o.Interval)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				m.Check(ctx)
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// Check evaluates the rules once and sends what changed.
func (m *Manager) Check(ctx context.Context) {
	now := m.o.Now()
	firing := map[string]Alert{}
	for _, r := range m.o.Rules {
		rctx, cancel := context.WithTimeout(ctx, m.o.Interval)
		for _, a := range r(rctx) {
			firing[a.Name] = a
		}
		cancel()
	}
	m.mu.Lock()
	for name, a := range m.raised {
		firing[name] = a
	}
	var notices []*state
	var resolved []Notice
	for name, a := range firing {
		st := m.active[name]
		if st == nil {
			st = &state{since: now}
			m.active[name] = st
		}
		st.alert = a
		notices = append(notices, st)
	}
	for name, st := range m.active {
		if _, ok := firing[name]; !ok {
			delete(m.active, name)
			if !st.last.IsZero() || st.pending != nil {
				resolved = append(resolved, Notice{Alert: st.alert, State: StateResolved, Since: st.since, At: now})
			}
		}
	}
	m.mu.Unlock()

	for _, st := range notices {
		m.fire(ctx, st, now)
	}
	for _, n := range resolved {
		m.deliver(ctx, n, true)
	}
}

// fire sends st's firing notice when none was settled yet, or its
// escalation when the last one is EscalateAfter old.
func (m *Manager) fire(ctx context.Context, st *state, now time.Time) {
	m.mu.Lock()
	n := st.pending
	if n == nil {
		switch {
		case st.last.IsZero():
			n = &Notice{Alert: st.alert, State: StateFiring, Since: st.since, At: now}
		case now.Sub(st.last) >= m.o.EscalateAfter:
			n = &Notice{Alert: st.alert, State: StateFiring, Escalated: true, Since: st.since, At: now}
		}
	}
	m.mu.Unlock()
	if n == nil {
		return
	}
	claimed := st.pending != nil // a claimed notice is retried without a new claim
	if !claimed && !m.claim(ctx, *n) {
		m.mu.Lock()
		st.last = now // another replica sends it
		m.mu.Unlock()
		return
	}
	ok := m.send(ctx, *n)
	m.mu.Lock()
	if ok {
		st.pending, st.last = nil, now
	} else {
		st.pending = n
	}
	m.mu.Unlock()
}

// deliver claims and sends n once (a resolved notice is not retried: the
// alert is gone from this replica's state).
func (m *Manager) deliver(ctx context.Context, n Notice, claim bool) {
	if claim && !m.claim(ctx, n) {
		return
	}
	m.send(ctx, n)
}

// claim asks the claimers in order; the first that answers decides. When
// none answers, this replica sends.
func (m *Manager) claim(ctx context.Context, n Notice) bool {
	key := claimKey(n)
	slot := n.At.UTC().Truncate(m.o.EscalateAfter)
	for i, c := range m.o.Claimers {
		cctx, cancel := context.WithTimeout(ctx, claimTimeout)
		won, err := c.Claim(cctx, key, slot)
		cancel()
		if err == nil {
			return won
		}
		m.o.Log.Warn("alert claim failed", slog.String("alert", n.Alert.Name), slog.Int("claimer", i), slog.Any("error", err))
	}
	return true
}

// claimKey names a notice for the claim: alert, state and escalation.
func claimKey(n Notice) string {
	kind := n.State
	if n.Escalated {
		kind = "escalated"
	}
	return "alert:" + n.Alert.Name + ":" + kind
}

// send logs n and hands it to the notifier; false when delivery failed.
func (m *Manager) send(ctx context.Context, n Notice) bool {
	level := slog.LevelWarn
	if n.State == StateResolved {
		level = slog.LevelInfo
	} else if n.Alert.Severity == metrics.SeverityCritical {
		level = slog.LevelError
	}
	m.o.Log.Log(ctx, level, "alert", slog.String("alert", n.Alert.Name), slog.String("state", n.State),
		slog.Bool("escalated", n.Escalated), slog.String("severity", n.Alert.Severity), slog.String("message", n.Alert.Message))
	if m.o.Notifier == nil {
		return true
	}
	sctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	if err := m.o.Notifier.Notify(sctx, n); err != nil {
		m.o.Log.Warn("alert notice not delivered; retried at the next check", slog.String("alert", n.Alert.Name), slog.Any("error", err))
		return false
	}
	return true
}
