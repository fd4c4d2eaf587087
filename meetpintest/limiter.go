package meetpintest

import (
	"context"
	"crypto/rand"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
)

// RunLimiter is the contract of meetpin.Limiter: the inmem and redis
// packages both call it from their tests. open must return a limiter for
// the (sub)test it is given and register its own clean-up. The subtests
// run in parallel, so run the suite under -race.
//
// Keys are unique per subtest, so limiters sharing a server do not count
// each other's requests. The contract, beyond "at most limit per window":
// a refused request is not counted, so a client that keeps knocking is let
// in again after the Reset it was told; Remaining never promises a place
// that is not there; concurrent calls never admit more than the limit.
// Nothing here asserts how fast an operation is.
func RunLimiter(t *testing.T, open func(t *testing.T) meetpin.Limiter) {
	t.Run("LimitReached", func(t *testing.T) { t.Parallel(); testLimitReached(t, open(t)) })
	t.Run("KeysIndependent", func(t *testing.T) { t.Parallel(); testLimitKeys(t, open(t)) })
	t.Run("WindowPasses", func(t *testing.T) { t.Parallel(); testLimitWindow(t, open(t)) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testLimitConcurrent(t, open(t)) })
	t.Run("BadArguments", func(t *testing.T) { t.Parallel(); testLimitBadArguments(t, open(t)) })
}

// LimiterKey returns a key named after name that no other test uses.
func LimiterKey(name string) string {
	return "test:" + name + ":" + strings.ToLower(rand.Text()[:10])
}

// MustAllow calls Allow, failing the test now on an error.
func MustAllow(t testing.TB, l meetpin.Limiter, key string, limit int, window time.Duration) meetpin.RateResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	r, err := l.Allow(ctx, key, limit, window)
	if err != nil {
		t.Fatalf("Allow(%q, %d, %s): %v", key, limit, window, err)
	}
	return r
}

// wantAllowed fails unless r admits a request with remaining places left
// and a Reset within the window.
func wantAllowed(t testing.TB, r meetpin.RateResult, limit, remaining int, window time.Duration) {
	t.Helper()
	if !r.Allowed || r.Limit != limit || r.Remaining != remaining || r.Reset <= 0 || r.Reset > window {
		t.Fatalf("got %+v, want allowed with Limit %d, Remaining %d and 0 < Reset <= %s", r, limit, remaining, window)
	}
}

// wantRefused fails unless r refuses a request with a Reset within the
// window.
func wantRefused(t testing.TB, r meetpin.RateResult, limit int, window time.Duration) {
	t.Helper()
	if r.Allowed || r.Limit != limit || r.Remaining != 0 || r.Reset <= 0 || r.Reset > window {
		t.Fatalf("got %+v, want refused with Limit %d, Remaining 0 and 0 < Reset <= %s", r, limit, window)
	}
}

func testLimitReached(t *testing.T, l meetpin.Limiter) {
	const limit, window = 5, time.Hour
	key := LimiterKey("reached")
	for i := range limit {
		wantAllowed(t, MustAllow(t, l, key, limit, window), limit, limit-1-i, window)
	}
	first := MustAllow(t, l, key, limit, window)
	wantRefused(t, first, limit, window)
	// Knocking again is refused too, and does not push the reset back: a
	// refused request is not counted.
	for range 3 {
		r := MustAllow(t, l, key, limit, window)
		wantRefused(t, r, limit, window)
		if r.Reset > first.Reset {
			t.Fatalf("Reset grew from %s to %s on refused requests: they were counted", first.Reset, r.Reset)
		}
	}
}

func testLimitKeys(t *testing.T, l meetpin.Limiter) {
	const limit, window = 3, time.Hour
	a, b, c := LimiterKey("a"), LimiterKey("b"), LimiterKey("c")
	for range limit {
		MustAllow(t, l, a, limit, window)
	}
	wantRefused(t, MustAllow(t, l, a, limit, window), limit, window)
	wantAllowed(t, MustAllow(t, l, b, limit, window), limit, limit-1, window)
	wantAllowed(t, MustAllow(t, l, c, 10, window), 10, 9, window)
	wantAllowed(t, MustAllow(t, l, b, limit, window), limit, limit-2, window)
	wantRefused(t, MustAllow(t, l, a, limit, window), limit, window)
}

func testLimitWindow(t *testing.T, l meetpin.Limiter) {
	const limit, window = 2, 2 * time.Second
	key := LimiterKey("window")
	for range limit {
		MustAllow(t, l, key, limit, window)
	}
	r := MustAllow(t, l, key, limit, window)
	wantRefused(t, r, limit, window)
	// The Reset of a refusal is honest: waiting it out is enough.
	time.Sleep(r.Reset)
	if again := MustAllow(t, l, key, limit, window); !again.Allowed {
		t.Fatalf("refused %+v after waiting the %s the refusal said", again, r.Reset)
	}
	// After a whole window of silence, the whole quota is back.
	time.Sleep(window)
	start := time.Now()
	for i := range limit {
		wantAllowed(t, MustAllow(t, l, key, limit, window), limit, limit-1-i, window)
	}
	last := MustAllow(t, l, key, limit, window)
	if time.Since(start) < window/time.Duration(2*limit) {
		wantRefused(t, last, limit, window)
	} else {
		t.Logf("the burst took %s: a place may have come back meanwhile", time.Since(start))
	}
}

func testLimitConcurrent(t *testing.T, l meetpin.Limiter) {
	const limit, window, workers, calls = 20, time.Hour, 8, 10
	key := LimiterKey("concurrent")
	var (
		mu        sync.Mutex
		remaining []int
		refused   int
		wg        sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			for range calls {
				r, err := l.Allow(t.Context(), key, limit, window)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if r.Allowed {
					remaining = append(remaining, r.Remaining)
				} else {
					refused++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(remaining) != limit || refused != workers*calls-limit {
		t.Fatalf("%d allowed and %d refused of %d calls, want exactly %d allowed", len(remaining), refused, workers*calls, limit)
	}
	// Each place was handed out once: the Remaining values are limit-1 … 0.
	slices.Sort(remaining)
	for i, r := range remaining {
		if r != i {
			t.Fatalf("Remaining values %v: want each of 0…%d once", remaining, limit-1)
		}
	}
}

func testLimitBadArguments(t *testing.T, l meetpin.Limiter) {
	key := LimiterKey("bad")
	for _, c := range []struct {
		limit  int
		window time.Duration
	}{{0, time.Minute}, {-1, time.Minute}, {5, 0}, {5, -time.Second}} {
		if r, err := l.Allow(t.Context(), key, c.limit, c.window); err == nil {
			t.Errorf("Allow(limit %d, window %s) = %+v, want an error", c.limit, c.window, r)
		}
	}
}
