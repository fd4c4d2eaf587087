package redis_test

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/redis"
)

func TestLimiter(t *testing.T) {
	meetpintest.RequireRedis(t)
	meetpintest.RunLimiter(t, func(t *testing.T) meetpin.Limiter { return redis.NewLimiter(openClient(t), testLog(t)) })
}

// TestLimiterKeys: the keys live under meetpin:rl: and expire with their
// window.
func TestLimiterKeys(t *testing.T) {
	c := openClient(t)
	l := redis.NewLimiter(c, testLog(t))
	key := meetpintest.LimiterKey("keys")
	meetpintest.MustAllow(t, l, key, 10, time.Minute)
	ttl, err := c.PTTL(t.Context(), "meetpin:rl:"+key).Result()
	if err != nil {
		t.Fatal(err)
	}
	// One request of 10 per minute holds the key for 6s.
	if ttl <= 0 || ttl > 6*time.Second {
		t.Fatalf("PTTL of meetpin:rl:%s = %s, want (0, 6s]", key, ttl)
	}
	if n, _ := c.Exists(t.Context(), key).Result(); n != 0 {
		t.Fatalf("the key is stored without its prefix too")
	}
}

// TestLimiterShared: two replicas, each with its own client, share one
// count.
func TestLimiterShared(t *testing.T) {
	a := redis.NewLimiter(openClient(t), testLog(t))
	b := redis.NewLimiter(openClient(t), testLog(t))
	const limit, window = 6, time.Hour
	key := meetpintest.LimiterKey("shared")
	for i := range limit {
		l := a
		if i%2 == 1 {
			l = b
		}
		if r := meetpintest.MustAllow(t, l, key, limit, window); !r.Allowed || r.Remaining != limit-1-i {
			t.Fatalf("request %d: %+v", i+1, r)
		}
	}
	for _, l := range []*redis.Limiter{a, b} {
		if r := meetpintest.MustAllow(t, l, key, limit, window); r.Allowed {
			t.Fatalf("request %d admitted: %+v", limit+1, r)
		}
	}
}

// logBuffer is a log destination safe for concurrent writers.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestLimiterRedisDown stops the limiter's own Redis: requests are still
// decided, without an error, and the limits still hold, locally; the
// outage is logged once, not once per request. When Redis is back the
// limits are shared again.
func TestLimiterRedisDown(t *testing.T) {
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	logs := &logBuffer{}
	l := redis.NewLimiter(openClientURL(t, srv.URL()), slog.New(slog.NewJSONHandler(logs, nil)))
	const limit, window = 3, time.Hour

	meetpintest.MustAllow(t, l, "before", limit, window)
	if s := l.Stats(); !s.Shared || s.Fallbacks != 0 {
		t.Fatalf("with Redis up: %+v", s)
	}

	srv.Stop()
	key := meetpintest.LimiterKey("down")
	for i := range limit {
		if r := meetpintest.MustAllow(t, l, key, limit, window); !r.Allowed || r.Remaining != limit-1-i {
			t.Fatalf("request %d with Redis down: %+v", i+1, r)
		}
	}
	for range 20 {
		if r := meetpintest.MustAllow(t, l, key, limit, window); r.Allowed {
			t.Fatalf("admitted past the limit with Redis down: %+v", r)
		}
	}
	if s := l.Stats(); s.Shared || s.Fallbacks != limit+20 {
		t.Fatalf("with Redis down: %+v, want not shared and %d local decisions", s, limit+20)
	}
	if n := strings.Count(logs.String(), "rate limits unavailable"); n != 1 {
		t.Fatalf("the outage was logged %d times, want once:\n%s", n, logs)
	}

	srv.Start()
	deadline := time.Now().Add(10 * time.Second)
	for !l.Stats().Shared {
		if time.Now().After(deadline) {
			t.Fatalf("limits still local 10s after Redis came back: %+v", l.Stats())
		}
		time.Sleep(100 * time.Millisecond)
		meetpintest.MustAllow(t, l, meetpintest.LimiterKey("probe"), limit, window)
	}
	if !strings.Contains(logs.String(), "rate limits are shared again") {
		t.Fatalf("the recovery was not logged:\n%s", logs)
	}
	// Shared again: the new key is counted on Redis (a fresh server).
	key = meetpintest.LimiterKey("after")
	meetpintest.MustAllow(t, l, key, limit, window)
	c := openClientURL(t, srv.URL())
	if n, err := c.Exists(t.Context(), "meetpin:rl:"+key).Result(); err != nil || n != 1 {
		t.Fatalf("key not on Redis after recovery: %d %v", n, err)
	}
}

// TestLimiterRedisAbsent: a replica that starts while Redis is down limits
// locally from the first request.
func TestLimiterRedisAbsent(t *testing.T) {
	srv := meetpintest.NewRedisServer(t) // picked a port, never started
	c, err := redis.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	l := redis.NewLimiter(c, testLog(t))
	if r := meetpintest.MustAllow(t, l, "k", 1, time.Hour); !r.Allowed {
		t.Fatalf("first request: %+v", r)
	}
	if r := meetpintest.MustAllow(t, l, "k", 1, time.Hour); r.Allowed {
		t.Fatalf("second request admitted: %+v", r)
	}
	if s := l.Stats(); s.Shared || s.Fallbacks != 2 {
		t.Fatalf("stats %+v", s)
	}
}

func BenchmarkLimiter(b *testing.B) {
	l := redis.NewLimiter(openClient(b), nil)
	key := meetpintest.LimiterKey("bench")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := l.Allow(b.Context(), key, 1_000_000, time.Minute); err != nil {
				b.Error(err)
			}
		}
	})
	if s := l.Stats(); !s.Shared {
		b.Fatalf("some requests were decided locally: %+v", s)
	}
}
