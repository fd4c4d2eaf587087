package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
	"meetpin.app/inmem"
)

const (
	// limiterPrefix is put before every rate-limit key.
	limiterPrefix = "meetpin:rl:"
	// limiterTimeout bounds one Allow on Redis, reconnection included;
	// past it the request is decided locally.
	limiterTimeout = 500 * time.Millisecond
	// limiterRetry is how long Allow decides locally after Redis failed,
	// before one request tries Redis again.
	limiterRetry = time.Second
	// limiterLogEvery is the most often a Redis outage is logged.
	limiterLogEvery = time.Minute
)

// gcraScript is the limiter's algorithm, GCRA as in inmem.Limiter, run
// atomically in Redis on Redis' clock, so replicas need no common clock.
// The key holds the theoretical arrival time (TAT) of the next request in
// microseconds and expires when it passes: an absent key is an idle one.
//
// KEYS[1]: the key; ARGV[1]: the limit; ARGV[2]: the interval one request
// takes, in microseconds. The reply is {allowed (0 or 1), remaining,
// reset in microseconds}.
var gcraScript = goredis.NewScript(`
local limit = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or 0
if tat < now then tat = now end
local used = math.ceil((tat - now) / interval)
if used >= limit then
	return {0, 0, tat - (limit - 1) * interval - now}
end
tat = tat + interval
redis.call('SET', KEYS[1], string.format('%.0f', tat), 'PX', math.ceil((tat - now) / 1000))
return {1, limit - used - 1, tat - now}
`)

// Limiter is a meetpin.Limiter shared by every replica on one Redis: the
// count of a key is the same whichever replica a request reaches. Keys are
// stored under meetpin:rl: and expire by themselves.
//
// When Redis fails, the limiter does not fail open: it decides locally,
// with an inmem.Limiter, until Redis answers again. A deployment of N
// replicas then admits at most N times the limit, instead of no limit at
// all (brute force on logins stays throttled) and instead of refusing
// everyone (the API stays up). Redis is tried again a second after each
// failure, by one request at a time, and within limiterTimeout, so an
// outage adds no noticeable latency. The outage is logged when it starts
// and then at most once a minute with the number of local decisions, and
// its end once.
type Limiter struct {
	client *goredis.Client
	log    *slog.Logger
	local  *inmem.Limiter

	retryAt   atomic.Int64 // unix ns before which Redis is not tried; 0: healthy
	fallbacks atomic.Int64 // requests decided locally, in all
	unlogged  atomic.Int64 // of which not yet logged
	loggedAt  atomic.Int64 // unix ns of the last outage log line
}

var _ meetpin.Limiter = (*Limiter)(nil)

// NewLimiter returns a limiter on client, which stays the caller's to
// close. log may be nil.
func NewLimiter(client *goredis.Client, log *slog.Logger) *Limiter {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Limiter{client: client, log: log, local: inmem.NewLimiter(0)}
}

// Allow counts one request for key against limit per window, on Redis, or
// locally while Redis fails (see Limiter). It returns an error only for a
// limit or window that is not positive. Reset means what it means for
// inmem.Limiter.
func (l *Limiter) Allow(ctx context.Context, key string, limit int, window time.Duration) (meetpin.RateResult, error) {
	if limit <= 0 || window <= 0 {
		return meetpin.RateResult{}, inmem.ErrBadRate
	}
	if !l.tryRedis() {
		return l.fallback(ctx, key, limit, window, nil)
	}
	interval := max(window.Microseconds()/int64(limit), 1)
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), limiterTimeout)
	defer cancel()
	vals, err := gcraScript.Run(rctx, l.client, []string{limiterPrefix + key}, limit, interval).Int64Slice()
	if err == nil && len(vals) != 3 {
		err = fmt.Errorf("rate-limit script answered %v", vals)
	}
	if err != nil {
		l.retryAt.Store(time.Now().Add(limiterRetry).UnixNano())
		return l.fallback(ctx, key, limit, window, err)
	}
	if l.retryAt.Swap(0) != 0 {
		l.log.Info("redis: rate limits are shared again", slog.Int64("local_decisions", l.unlogged.Swap(0)))
		l.loggedAt.Store(0)
	}
	return meetpin.RateResult{
		Allowed:   vals[0] == 1,
		Limit:     limit,
		Remaining: int(vals[1]),
		Reset:     time.Duration(vals[2]) * time.Microsecond,
	}, nil
}

// tryRedis reports whether this call should go to Redis: always while it
// is healthy; after a failure, once limiterRetry has passed, for the one
// call that claims the next attempt.
func (l *Limiter) tryRedis() bool {
	at := l.retryAt.Load()
	if at == 0 {
		return true
	}
	now := time.Now()
	if now.UnixNano() < at {
		return false
	}
	return l.retryAt.CompareAndSwap(at, now.Add(limiterRetry).UnixNano())
}

// fallback decides locally, and logs the outage at most once a minute.
func (l *Limiter) fallback(ctx context.Context, key string, limit int, window time.Duration, cause error) (meetpin.RateResult, error) {
	l.fallbacks.Add(1)
	l.unlogged.Add(1)
	now := time.Now().UnixNano()
	if last := l.loggedAt.Load(); cause != nil && now-last >= int64(limiterLogEvery) && l.loggedAt.CompareAndSwap(last, now) {
		l.log.Warn("redis: rate limits unavailable; each replica limits on its own until Redis is back",
			slog.String("error", limiterReason(cause)), slog.Int64("local_decisions", l.unlogged.Swap(0)))
	}
	return l.local.Allow(ctx, key, limit, window)
}

// limiterReason is the cause of a failed Allow on one line.
func limiterReason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", limiterTimeout)
	}
	return reason(err)
}

// LimiterStats are a limiter's figures.
type LimiterStats struct {
	Shared    bool  // false while decisions are local
	Fallbacks int64 // requests decided locally since the start
}

// Stats reports whether the limits are currently shared, and how many
// requests were decided locally.
func (l *Limiter) Stats() LimiterStats {
	return LimiterStats{Shared: l.retryAt.Load() == 0, Fallbacks: l.fallbacks.Load()}
}
