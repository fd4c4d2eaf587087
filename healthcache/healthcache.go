// Package healthcache turns an outbound reachability check into a cheap
// meetpin.HealthChecker result: the real check runs with a short timeout
// and at most once per interval, however often /api/health is probed, and
// the outcome of real calls made in between counts as a check too.
package healthcache

import (
	"context"
	"sync"
	"time"

	"meetpin.app"
)

// Check caches the outcome of Probe.
type Check struct {
	// Probe is the real outbound check; nil error means reachable.
	Probe func(ctx context.Context) error
	// Every is the least time between two probes (default 60 s).
	Every time.Duration
	// Timeout bounds one probe (default 2 s).
	Timeout time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	mu       sync.Mutex
	have     bool
	last     meetpin.ServiceHealth
	inflight chan struct{} // closed when the running probe ends
	probes   int
}

func (c *Check) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Observe records the outcome of a real call made for a user, which is as
// good as a probe: it resets the interval.
func (c *Check) Observe(err error, took time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(err, took)
}

func (c *Check) set(err error, took time.Duration) {
	h := meetpin.ServiceHealth{Status: meetpin.StatusHealthy, ResponseTime: took.Milliseconds(), CheckedAt: c.now().UTC()}
	if err != nil {
		h.Status = meetpin.StatusUnhealthy
		h.Details = map[string]any{"error": err.Error()}
	}
	c.last, c.have = h, true
}

// Probes returns how many real probes ran (for tests and monitoring).
func (c *Check) Probes() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.probes
}

// Get returns the cached state, probing first when it is older than Every.
// One caller probes at a time; others arriving meanwhile return the state
// it finds (or, when there is none yet, wait for it within ctx).
func (c *Check) Get(ctx context.Context) meetpin.ServiceHealth {
	every, timeout := c.Every, c.Timeout
	if every <= 0 {
		every = time.Minute
	}
	if timeout <= 0 {
		timeout = 2 * time.Second
	}
	c.mu.Lock()
	if c.have && c.now().Sub(c.last.CheckedAt) < every {
		h := c.last
		c.mu.Unlock()
		return h
	}
	if wait := c.inflight; wait != nil {
		h, have := c.last, c.have
		c.mu.Unlock()
		if have {
			return h
		}
		select {
		case <-wait:
		case <-ctx.Done():
			return meetpin.ServiceHealth{Status: meetpin.StatusUnhealthy, Details: map[string]any{"error": "health check still running"}}
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.last
	}
	done := make(chan struct{})
	c.inflight = done
	c.probes++
	c.mu.Unlock()

	// The probe is not bound to the caller's context: a probe cut short by
	// an impatient client would be cached as a failure.
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	start := time.Now()
	err := c.Probe(pctx)
	took := time.Since(start)
	cancel()

	c.mu.Lock()
	defer c.mu.Unlock()
	c.set(err, took)
	c.inflight = nil
	close(done)
	return c.last
}
