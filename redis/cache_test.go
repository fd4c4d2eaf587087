package redis_test

import (
	"errors"
	"strconv"
	"syscall"
	"testing"
	"time"

	"meetpin.app"
	"meetpin.app/meetpintest"
	"meetpin.app/redis"
)

// openCache returns a cache on a client of its own of the Redis server at
// url, like a replica's.
func openCache(t *testing.T, url string) *redis.Cache {
	t.Helper()
	c, err := redis.NewClient(url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return redis.NewCache(c, testLog(t))
}

func TestCache(t *testing.T) {
	url := meetpintest.RequireRedis(t)
	meetpintest.RunCache(t, func(t *testing.T) meetpin.Cache { return openCache(t, url) })
}

// TestCacheSharedByReplicas: what one replica stores or deletes, another
// sees; counters stay per replica.
func TestCacheSharedByReplicas(t *testing.T) {
	t.Parallel()
	url := meetpintest.RequireRedis(t)
	a, b := openCache(t, url), openCache(t, url)
	p := meetpintest.CacheKeyPrefix("replicas")
	meetpintest.MustCacheSet(t, a, p+"rooms:1", "from a", time.Minute)
	meetpintest.ExpectCached(t, b, p+"rooms:1", "from a")
	if n, err := b.DeletePrefix(t.Context(), p+"rooms:"); err != nil || n != 1 {
		t.Fatalf("DeletePrefix = %d, %v", n, err)
	}
	meetpintest.ExpectNotCached(t, a, p+"rooms:1")
	if sa, sb := a.Stats(t.Context()), b.Stats(t.Context()); sa.Hits != 0 || sa.Misses != 1 || sb.Hits != 1 || sb.Misses != 0 {
		t.Errorf("hits/misses a %d/%d b %d/%d, want 0/1 and 1/0", sa.Hits, sa.Misses, sb.Hits, sb.Misses)
	}
}

// TestCacheKeysInRedis checks, on a Redis server of the test's own, the
// key layout in Redis and an exact KeyCount over several SCAN rounds; keys
// outside the cache prefix are neither counted nor deleted.
func TestCacheKeysInRedis(t *testing.T) {
	t.Parallel()
	meetpintest.RequireRedis(t)
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	c := openCache(t, srv.URL())
	admin := openClientURL(t, srv.URL())
	if err := admin.Set(t.Context(), "rooms:not-ours", "x", 0).Err(); err != nil {
		t.Fatal(err)
	}
	meetpintest.MustCacheSet(t, c, "rooms:1", "v", 30*time.Second)
	if v, err := admin.Get(t.Context(), "meetpin:cache:rooms:1").Result(); err != nil || v != "v" {
		t.Fatalf("GET meetpin:cache:rooms:1 = %q, %v", v, err)
	}
	if ttl, err := admin.PTTL(t.Context(), "meetpin:cache:rooms:1").Result(); err != nil || ttl <= 0 || ttl > 30*time.Second {
		t.Fatalf("PTTL = %s, %v, want within 30s", ttl, err)
	}
	const n = 2345
	for i := range n {
		meetpintest.MustCacheSet(t, c, "messages:"+strconv.Itoa(i), "v", time.Minute)
	}
	if got := c.Stats(t.Context()).KeyCount; got != n+1 {
		t.Errorf("KeyCount = %d, want %d", got, n+1)
	}
	if removed, err := c.DeletePrefix(t.Context(), "rooms:"); err != nil || removed != 1 {
		t.Errorf("DeletePrefix(rooms:) = %d, %v, want 1", removed, err)
	}
	if v, err := admin.Get(t.Context(), "rooms:not-ours").Result(); err != nil || v != "x" {
		t.Errorf("a key outside the cache prefix was touched: %q, %v", v, err)
	}
	if got := c.Stats(t.Context()).KeyCount; got != n {
		t.Errorf("KeyCount after DeletePrefix = %d, want %d", got, n)
	}
}

// TestCacheRedisRestart stops the cache's Redis server and starts it again:
// meanwhile every call fails (never hangs) and Stats says disconnected;
// afterwards the cache works again by itself.
func TestCacheRedisRestart(t *testing.T) {
	t.Parallel()
	meetpintest.RequireRedis(t)
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	c := openCache(t, srv.URL())
	meetpintest.MustCacheSet(t, c, "rooms:1", "v", time.Minute)
	meetpintest.ExpectCached(t, c, "rooms:1", "v")
	if s := c.Stats(t.Context()); !s.Connected || s.KeyCount != 1 || !c.Healthy() {
		t.Fatalf("Stats = %+v, Healthy %v before the stop", s, c.Healthy())
	}

	srv.Stop()
	for i := range 20 {
		start := time.Now()
		_, ok, err := c.Get(t.Context(), "rooms:1")
		if err == nil || ok {
			t.Fatalf("Get #%d with Redis down = %v, %v, want an error", i, ok, err)
		}
		if i < 2 || !errors.Is(err, redis.ErrCacheDown) {
			t.Logf("Get #%d with Redis down: %v (%s)", i, err, time.Since(start).Round(time.Millisecond))
		}
		if err := c.Set(t.Context(), "rooms:2", []byte("v"), time.Minute); err == nil {
			t.Fatalf("Set #%d with Redis down: no error", i)
		}
	}
	if s := c.Stats(t.Context()); s.Connected || s.KeyCount != 0 || c.Healthy() {
		t.Fatalf("Stats = %+v, Healthy %v with Redis down", s, c.Healthy())
	}
	misses := c.Stats(t.Context()).Misses
	if misses < 20 {
		t.Errorf("misses = %d: failed reads must count as misses", misses)
	}

	srv.Start() // empty: --save ''
	deadline := time.Now().Add(15 * time.Second)
	for !c.Stats(t.Context()).Connected {
		if time.Now().After(deadline) {
			t.Fatal("the cache did not reconnect within 15s of the restart")
		}
		time.Sleep(100 * time.Millisecond)
	}
	meetpintest.MustCacheSet(t, c, "rooms:1", "after", time.Minute)
	meetpintest.ExpectCached(t, c, "rooms:1", "after")
	if !c.Healthy() {
		t.Error("Healthy() = false after the restart")
	}
}

// The app layer reads generations with Peek, so that they do not count.
var _ meetpintest.Peeker = (*redis.Cache)(nil)

// TestCacheHungRedis stops the cache's Redis server without closing its
// connections (SIGSTOP), as a hung host would: calls fail within their
// budget instead of waiting for the socket timeout, then fail at once; when
// the server resumes, the cache works again.
func TestCacheHungRedis(t *testing.T) {
	t.Parallel()
	meetpintest.RequireRedis(t)
	srv := meetpintest.NewRedisServer(t)
	srv.Start()
	c := openCache(t, srv.URL())
	meetpintest.MustCacheSet(t, c, "rooms:1", "v", time.Minute)
	if err := srv.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	resumed := false
	defer func() {
		if !resumed {
			srv.Signal(syscall.SIGCONT)
		}
	}()
	start := time.Now()
	if _, _, err := c.Get(t.Context(), "rooms:1"); err == nil {
		t.Fatal("Get from a hung Redis: no error")
	}
	t.Logf("first Get from a hung Redis failed after %s", time.Since(start).Round(time.Millisecond))
	if _, _, err := c.Get(t.Context(), "rooms:1"); !errors.Is(err, redis.ErrCacheDown) {
		t.Fatalf("second Get = %v, want ErrCacheDown at once", err)
	}
	if c.Stats(t.Context()).Connected {
		t.Fatal("Stats says connected to a hung Redis")
	}
	srv.Signal(syscall.SIGCONT)
	resumed = true
	deadline := time.Now().Add(15 * time.Second)
	for !c.Stats(t.Context()).Connected {
		if time.Now().After(deadline) {
			t.Fatal("not connected 15s after the server resumed")
		}
		time.Sleep(100 * time.Millisecond)
	}
	meetpintest.ExpectCached(t, c, "rooms:1", "v")
}
