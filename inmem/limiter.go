package inmem

import (
	"context"
	"errors"
	"sync"
	"time"

	"meetpin.app"
)

// DefaultMaxKeys bounds the keys a Limiter holds when NewLimiter is given
// no bound: about 25 MB at most.
const DefaultMaxKeys = 1 << 18

// sweepEvery is how often Allow drops the keys that have gone idle.
const sweepEvery = time.Minute

// Limiter is a meetpin.Limiter for one process. It applies GCRA (the
// generic cell rate algorithm, the "virtual scheduling" form of a token
// bucket) per key: a limit of N per window lets a burst of N through, then
// one request every window/N. It keeps one number per key, the theoretical
// arrival time (TAT) of the next request; a key whose TAT has passed is
// idle, the same as an absent key, and Allow drops such keys once a minute
// and whenever the table is full. When the table is still full, an
// arbitrary key is forgotten, which only ever loosens a limit: the memory
// stays bounded whatever keys clients make up.
//
// The redis package runs the same algorithm in Redis, so the two agree.
type Limiter struct {
	start   time.Time // the clock is monotonic time since start
	maxKeys int

	mu         sync.Mutex
	tat        map[string]time.Duration
	nextSweep  time.Duration
	sweepEvery time.Duration
	evicted    int64
}

var _ meetpin.Limiter = (*Limiter)(nil)

// NewLimiter returns a limiter that holds at most maxKeys keys
// (DefaultMaxKeys when maxKeys ≤ 0).
func NewLimiter(maxKeys int) *Limiter {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	return &Limiter{start: time.Now(), maxKeys: maxKeys, tat: make(map[string]time.Duration), sweepEvery: sweepEvery, nextSweep: sweepEvery}
}

// ErrBadRate is returned by Allow for a limit or a window that is not
// positive.
var ErrBadRate = errors.New("limiter: limit and window must be positive")

// Allow counts one request for key against limit per window. A refused
// request is not counted. Reset is, when allowed, how long until the key's
// whole quota is back; when refused, how long until one request will be
// allowed again (Retry-After).
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (meetpin.RateResult, error) {
	if limit <= 0 || window <= 0 {
		return meetpin.RateResult{}, ErrBadRate
	}
	interval := max(window/time.Duration(limit), 1)
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Since(l.start)
	if now >= l.nextSweep {
		l.sweep(now)
	}
	tat, known := l.tat[key]
	res, next := gcra(now, tat, limit, interval)
	if !res.Allowed {
		return res, nil
	}
	if !known && len(l.tat) >= l.maxKeys {
		l.sweep(now)
		for k := range l.tat { // still full: forget any one key
			if len(l.tat) < l.maxKeys {
				break
			}
			delete(l.tat, k)
			l.evicted++
		}
	}
	l.tat[key] = next
	return res, nil
}

// gcra decides one request at now for a key whose theoretical arrival time
// is tat (zero for a new key), and returns the key's next TAT. A request
// takes one interval; the key may run at most limit intervals ahead of now.
// Places are counted whole (a partly paid-back interval is still taken), so
// Remaining never promises a request that would be refused.
func gcra(now, tat time.Duration, limit int, interval time.Duration) (meetpin.RateResult, time.Duration) {
	tat = max(tat, now)
	used := int((tat - now + interval - 1) / interval)
	if used >= limit {
		wait := tat - time.Duration(limit-1)*interval - now
		return meetpin.RateResult{Allowed: false, Limit: limit, Remaining: 0, Reset: wait}, tat
	}
	tat += interval
	return meetpin.RateResult{Allowed: true, Limit: limit, Remaining: limit - used - 1, Reset: tat - now}, tat
}

// sweep drops the idle keys. The caller holds mu.
func (l *Limiter) sweep(now time.Duration) {
	for k, tat := range l.tat {
		if tat <= now {
			delete(l.tat, k)
		}
	}
	l.nextSweep = now + l.sweepEvery
}

// LimiterStats are a limiter's figures.
type LimiterStats struct {
	Keys    int   // keys held
	Evicted int64 // keys forgotten because the table was full
}

// Stats reports the keys held and evicted.
func (l *Limiter) Stats() LimiterStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return LimiterStats{Keys: len(l.tat), Evicted: l.evicted}
}
