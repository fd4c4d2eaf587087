package inmem_test

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"meetpin.app"
	"meetpin.app/inmem"
	"meetpin.app/meetpintest"
)

func TestLimiter(t *testing.T) {
	meetpintest.RunLimiter(t, func(t *testing.T) meetpin.Limiter { return inmem.NewLimiter(0) })
}

// TestLimiterSweep: keys whose window has passed are dropped by the
// periodic sweep, so a flood of one-off keys does not stay in memory. It
// runs on synctest's clock: the minute between sweeps passes at once.
func TestLimiterSweep(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := inmem.NewLimiter(0)
		for i := range 1000 {
			meetpintest.MustAllow(t, l, fmt.Sprint("idle-", i), 10, 20*time.Millisecond)
		}
		meetpintest.MustAllow(t, l, "busy", 1, time.Hour)
		if got := l.Stats().Keys; got != 1001 {
			t.Fatalf("%d keys before the sweep, want 1001", got)
		}
		time.Sleep(time.Minute - time.Millisecond)
		meetpintest.MustAllow(t, l, "early", 1000, time.Hour)
		if got := l.Stats().Keys; got != 1002 {
			t.Fatalf("%d keys just before the sweep is due, want 1002", got)
		}
		time.Sleep(time.Millisecond)
		meetpintest.MustAllow(t, l, "trigger", 1000, 10*time.Millisecond)
		// "busy" and "early" are within their window; "trigger" came after the sweep.
		if got := l.Stats().Keys; got != 3 {
			t.Fatalf("%d keys after the sweep, want 3", got)
		}
		// The key still in its window kept its count through the sweep.
		if r := meetpintest.MustAllow(t, l, "busy", 1, time.Hour); r.Allowed {
			t.Fatalf("busy key forgot its count in the sweep: %+v", r)
		}
	})
}

// TestLimiterBounded: the table never holds more than maxKeys keys. A full
// table first drops idle keys, then forgets arbitrary ones.
func TestLimiterBounded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const maxKeys = 100
		l := inmem.NewLimiter(maxKeys)
		for i := range maxKeys {
			meetpintest.MustAllow(t, l, fmt.Sprint("short-", i), 1, 10*time.Millisecond)
		}
		time.Sleep(10 * time.Millisecond)
		// The short keys are idle now: a new key makes room by dropping them.
		meetpintest.MustAllow(t, l, "new", 1, time.Hour)
		if s := l.Stats(); s.Keys != 1 || s.Evicted != 0 {
			t.Fatalf("after the idle keys: %+v, want 1 key and nothing evicted", s)
		}
		for i := range 3 * maxKeys {
			r := meetpintest.MustAllow(t, l, fmt.Sprint("long-", i), 1, time.Hour)
			if !r.Allowed {
				t.Fatalf("new key %d refused: %+v", i, r)
			}
			if s := l.Stats(); s.Keys > maxKeys {
				t.Fatalf("%d keys held, bound %d", s.Keys, maxKeys)
			}
		}
		if s := l.Stats(); s.Keys != maxKeys || s.Evicted != 2*maxKeys+1 {
			t.Fatalf("after the flood: %+v, want %d keys and %d evicted", s, maxKeys, 2*maxKeys+1)
		}
	})
}

// TestLimiterSmooth pins the algorithm down (GCRA): after a burst of the
// whole quota, the next place comes back after window/limit, not after the
// whole window.
func TestLimiterSmooth(t *testing.T) {
	l := inmem.NewLimiter(0)
	const limit, window = 4, 40 * time.Second
	for range limit {
		meetpintest.MustAllow(t, l, "k", limit, window)
	}
	r := meetpintest.MustAllow(t, l, "k", limit, window)
	if r.Allowed || r.Reset > window/limit || r.Reset < window/limit-time.Second {
		t.Fatalf("refusal %+v: want a Reset just under %s", r, window/limit)
	}
}

func BenchmarkLimiter(b *testing.B) {
	l := inmem.NewLimiter(0)
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			l.Allow(b.Context(), fmt.Sprint("bench-", i%1000), 100, time.Minute)
			i++
		}
	})
}
