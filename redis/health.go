package redis

import (
	"context"
	"errors"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
)

// HealthOptions tune a Health checker; the zero value is usable.
type HealthOptions struct {
	// KeyPrefix, when set, makes keyCount count the keys that start with it
	// (SCAN, bounded by Timeout) instead of the whole database (DBSIZE): for
	// a Redis shared with other applications.
	KeyPrefix string
	// Timeout bounds one check (default 1s).
	Timeout time.Duration
	// TTL is how long a result is reused (default 5s).
	TTL time.Duration
}

// Health reports the state of a Redis server as a meetpin.HealthChecker
// named "redis": PING with a short timeout, and the number of keys as the
// detail keyCount. A result is reused for TTL, so that probes never cost
// one round trip each; concurrent callers share one check.
type Health struct {
	client *goredis.Client
	o      HealthOptions

	mu   sync.Mutex
	last meetpin.ServiceHealth
	at   time.Time
}

var _ meetpin.HealthChecker = (*Health)(nil)

// HealthChecker returns the checker of client's server with the default
// options.
func HealthChecker(client *goredis.Client) *Health {
	return NewHealth(client, HealthOptions{})
}

// NewHealth returns the checker of client's server.
func NewHealth(client *goredis.Client, o HealthOptions) *Health {
	if o.Timeout <= 0 {
		o.Timeout = time.Second
	}
	if o.TTL <= 0 {
		o.TTL = 5 * time.Second
	}
	return &Health{client: client, o: o}
}

// Name implements meetpin.HealthChecker.
func (h *Health) Name() string { return "redis" }

// Health implements meetpin.HealthChecker. A server that does not answer
// PING within the timeout is StatusUnhealthy; a key count that could not be
// finished in time is left out, and the server still counts as healthy.
func (h *Health) Health(ctx context.Context) meetpin.ServiceHealth {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.at.IsZero() && time.Since(h.at) < h.o.TTL {
		return h.last
	}
	// The check outlives a caller that gives up: its result serves the
	// next callers.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.o.Timeout)
	defer cancel()
	start := time.Now()
	res := meetpin.ServiceHealth{Status: meetpin.StatusHealthy, CheckedAt: start.UTC()}
	err := h.client.Ping(cctx).Err()
	res.ResponseTime = time.Since(start).Milliseconds()
	if err != nil {
		res.Status = meetpin.StatusUnhealthy
		why := reason(err)
		if errors.Is(err, context.DeadlineExceeded) {
			why = "no answer within " + h.o.Timeout.String()
		}
		res.Details = map[string]any{"error": why}
	} else if n, err := h.keyCount(cctx); err == nil {
		res.Details = map[string]any{"keyCount": n}
	}
	h.last, h.at = res, time.Now()
	return res
}

// keyCount counts the keys of the database, or of the prefix.
func (h *Health) keyCount(ctx context.Context) (int64, error) {
	if h.o.KeyPrefix == "" {
		return h.client.DBSize(ctx).Result()
	}
	var n int64
	var cursor uint64
	for {
		keys, next, err := h.client.Scan(ctx, cursor, escapeGlob(h.o.KeyPrefix)+"*", 1000).Result()
		if err != nil {
			return 0, err
		}
		n += int64(len(keys))
		if cursor = next; cursor == 0 {
			return n, nil
		}
	}
}

// escapeGlob quotes the characters that SCAN MATCH treats as a pattern.
func escapeGlob(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[', ']', '\\':
			out = append(out, '\\')
		}
		out = append(out, s[i])
	}
	return string(out)
}
