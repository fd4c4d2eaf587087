package healthcache_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"meetpin.app"
	"meetpin.app/healthcache"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestProbesAtMostOncePerInterval(t *testing.T) {
	clk := &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	var calls atomic.Int32
	fail := atomic.Bool{}
	c := &healthcache.Check{Now: clk.now, Probe: func(ctx context.Context) error {
		calls.Add(1)
		if fail.Load() {
			return errors.New("connection refused")
		}
		return nil
	}}
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if h := c.Get(ctx); h.Status != meetpin.StatusHealthy {
				t.Errorf("status %q", h.Status)
			}
		}()
	}
	wg.Wait()
	if n := calls.Load(); n != 1 {
		t.Fatalf("50 concurrent probes made %d outbound checks, want 1", n)
	}
	clk.add(59 * time.Second)
	c.Get(ctx)
	if n := calls.Load(); n != 1 {
		t.Fatalf("a probe within the interval checked again (%d)", n)
	}
	fail.Store(true)
	clk.add(2 * time.Second)
	h := c.Get(ctx)
	if calls.Load() != 2 || h.Status != meetpin.StatusUnhealthy || h.Details["error"] != "connection refused" {
		t.Fatalf("after the interval: calls %d, %+v", calls.Load(), h)
	}
	// A real call's success counts as a check and resets the interval.
	clk.add(time.Minute)
	c.Observe(nil, 30*time.Millisecond)
	if h := c.Get(ctx); h.Status != meetpin.StatusHealthy || h.ResponseTime != 30 || calls.Load() != 2 {
		t.Fatalf("after Observe: calls %d, %+v", calls.Load(), h)
	}
	if c.Probes() != 2 {
		t.Fatalf("Probes() = %d", c.Probes())
	}
}

// TestProbeTimeout: a probe that hangs is cut off after the default
// timeout of 2 s, on synctest's clock (no real wait).
func TestProbeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := &healthcache.Check{Probe: func(ctx context.Context) error {
			<-ctx.Done()
			return ctx.Err()
		}}
		start := time.Now()
		h := c.Get(t.Context())
		if h.Status != meetpin.StatusUnhealthy || h.Details["error"] != context.DeadlineExceeded.Error() {
			t.Fatalf("%+v", h)
		}
		if d := time.Since(start); d != 2*time.Second {
			t.Errorf("the probe was cut off after %s, want the default 2s", d)
		}
	})
}
