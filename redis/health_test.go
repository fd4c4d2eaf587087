package redis_test

import (
	"crypto/rand"
	"net"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/redis"
)

func keyCount(t *testing.T, h meetpin.ServiceHealth) int64 {
	t.Helper()
	n, ok := h.Details["keyCount"].(int64)
	if !ok {
		t.Fatalf("no keyCount in %+v", h)
	}
	return n
}

// TestHealthPrefixCount counts the keys under a prefix on the shared test
// server (whose other keys belong to other tests), glob characters in the
// prefix included.
func TestHealthPrefixCount(t *testing.T) {
	t.Parallel()
	c := openClient(t)
	prefix := "meetpin-health-test:" + rand.Text() + ":*?["
	keys := []string{prefix + "a", prefix + "b", prefix + "c"}
	decoy := strings.TrimSuffix(prefix, "*?[") + "xyz" // matches the unescaped pattern only
	t.Cleanup(func() { c.Del(t.Context(), append(keys, decoy)...) })
	for _, k := range append(keys, decoy) {
		if err := c.Set(t.Context(), k, "1", time.Minute).Err(); err != nil {
			t.Fatal(err)
		}
	}
	h := redis.NewHealth(c, redis.HealthOptions{KeyPrefix: prefix, Timeout: 5 * time.Second})
	res := h.Health(t.Context())
	if h.Name() != "redis" || res.Status != meetpin.StatusHealthy || res.CheckedAt.IsZero() {
		t.Fatalf("%s: %+v", h.Name(), res)
	}
	if n := keyCount(t, res); n != 3 {
		t.Fatalf("keyCount %d, want 3", n)
	}
	// Without a prefix: the whole database, which holds at least ours.
	if n := keyCount(t, redis.HealthChecker(c).Health(t.Context())); n < 4 {
		t.Fatalf("DBSIZE keyCount %d, want ≥ 4", n)
	}
}

// TestHealthFollowsTheServer: on a redis-server of the test's own, the
// checker reuses a result for its TTL (no round trip per call), reports the
// server's death, and its return.
func TestHealthFollowsTheServer(t *testing.T) {
	meetpintest.RequireRedis(t)
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	c, err := redis.NewClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	const ttl = 200 * time.Millisecond
	h := redis.NewHealth(c, redis.HealthOptions{TTL: ttl, Timeout: 2 * time.Second})

	first := h.Health(t.Context())
	if first.Status != meetpin.StatusHealthy || keyCount(t, first) != 0 {
		t.Fatalf("fresh server: %+v", first)
	}
	// Within the TTL the cached result comes back, although the server
	// changed.
	c.Set(t.Context(), "k1", "v", 0)
	c.Set(t.Context(), "k2", "v", 0)
	if again := h.Health(t.Context()); !again.CheckedAt.Equal(first.CheckedAt) || keyCount(t, again) != 0 {
		t.Fatalf("second call within the TTL was not cached: %+v", again)
	}
	time.Sleep(ttl + 50*time.Millisecond)
	if fresh := h.Health(t.Context()); fresh.CheckedAt.Equal(first.CheckedAt) || keyCount(t, fresh) != 2 {
		t.Fatalf("after the TTL: %+v, want a new check with keyCount 2", fresh)
	}

	srv.Stop()
	time.Sleep(ttl + 50*time.Millisecond)
	down := h.Health(t.Context())
	if down.Status != meetpin.StatusUnhealthy || down.Details["keyCount"] != nil {
		t.Fatalf("server stopped: %+v", down)
	}
	if why, _ := down.Details["error"].(string); why == "" || strings.Contains(why, "\n") {
		t.Fatalf("error detail %q", why)
	}

	srv.Start()
	deadline := time.Now().Add(15 * time.Second)
	for h.Health(t.Context()).Status != meetpin.StatusHealthy {
		if time.Now().After(deadline) {
			t.Fatal("the checker never saw the server come back")
		}
		time.Sleep(ttl)
	}
}

// TestHealthNothingListens: a closed port is unhealthy, with a one-line
// reason that names no address.
func TestHealthNothingListens(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c := goredis.NewClient(&goredis.Options{Addr: addr, Password: "s3cret", MaxRetries: -1})
	defer c.Close()
	res := redis.HealthChecker(c).Health(t.Context())
	why, _ := res.Details["error"].(string)
	if res.Status != meetpin.StatusUnhealthy || why == "" {
		t.Fatalf("%+v", res)
	}
	if strings.Contains(why, addr) || strings.Contains(why, "s3cret") {
		t.Fatalf("error detail %q leaks the address or password", why)
	}
}
