package meetpintest

import (
	"bytes"
	"context"
	"crypto/rand"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"meetpin.app"
)

// RunCache is the contract of meetpin.Cache: the inmem and redis packages
// both call it from their tests. open must return a fresh cache for the
// (sub)test it is given, with zeroed counters, and register its own
// clean-up. The subtests run in parallel, so run the suite under -race.
//
// Keys are unique per subtest (CacheKeyPrefix), so that caches sharing a
// server do not see each other's entries; for the same reason KeyCount is
// only checked as a lower bound here. Expiry is checked by polling with a
// bound (cacheWait), never by asserting how long something took.
func RunCache(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	t.Run("GetSet", func(t *testing.T) { t.Parallel(); testCacheGetSet(t, open) })
	t.Run("Values", func(t *testing.T) { t.Parallel(); testCacheValues(t, open) })
	t.Run("TTL", func(t *testing.T) { t.Parallel(); testCacheTTL(t, open) })
	t.Run("Delete", func(t *testing.T) { t.Parallel(); testCacheDelete(t, open) })
	t.Run("DeletePrefix", func(t *testing.T) { t.Parallel(); testCacheDeletePrefix(t, open) })
	t.Run("Stats", func(t *testing.T) { t.Parallel(); testCacheStats(t, open) })
	t.Run("Concurrent", func(t *testing.T) { t.Parallel(); testCacheConcurrent(t, open) })
}

// cacheWait bounds every wait of the cache suite.
const cacheWait = 10 * time.Second

// CacheKeyPrefix returns a key prefix named after name that no other test
// uses, ending in ":".
func CacheKeyPrefix(name string) string {
	return "test:" + name + ":" + strings.ToLower(rand.Text()[:10]) + ":"
}

// MustCacheSet stores val under key for ttl or fails the test now.
func MustCacheSet(t testing.TB, c meetpin.Cache, key, val string, ttl time.Duration) {
	t.Helper()
	if err := c.Set(t.Context(), key, []byte(val), ttl); err != nil {
		t.Fatalf("Set(%q): %v", key, err)
	}
}

// ExpectCached fails the test now unless key holds val.
func ExpectCached(t testing.TB, c meetpin.Cache, key, val string) {
	t.Helper()
	got, ok, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if !ok {
		t.Fatalf("Get(%q): miss, want %q", key, val)
	}
	if string(got) != val {
		t.Fatalf("Get(%q) = %q, want %q", key, got, val)
	}
}

// ExpectNotCached fails the test now unless key is a miss.
func ExpectNotCached(t testing.TB, c meetpin.Cache, key string) {
	t.Helper()
	got, ok, err := c.Get(t.Context(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	if ok {
		t.Fatalf("Get(%q) = %q, want a miss", key, got)
	}
}

func testCacheGetSet(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("getset")
	ExpectNotCached(t, c, p+"absent")
	MustCacheSet(t, c, p+"a", "1", time.Minute)
	MustCacheSet(t, c, p+"b", "2", time.Minute)
	ExpectCached(t, c, p+"a", "1")
	ExpectCached(t, c, p+"b", "2")
	MustCacheSet(t, c, p+"a", "one", time.Minute) // overwrite
	ExpectCached(t, c, p+"a", "one")
	ExpectCached(t, c, p+"b", "2")
	// Keys are compared whole: neither a prefix nor a longer key matches.
	ExpectNotCached(t, c, p)
	ExpectNotCached(t, c, p+"aa")
	// A TTL that is not positive is refused and stores nothing: with Redis,
	// 0 would mean "never expires".
	for _, ttl := range []time.Duration{0, -time.Second} {
		if err := c.Set(t.Context(), p+"bad-ttl", []byte("x"), ttl); err == nil {
			t.Errorf("Set with TTL %s: no error", ttl)
		}
	}
	ExpectNotCached(t, c, p+"bad-ttl")
}

func testCacheValues(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("values")
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	cases := []struct {
		name string
		val  []byte
	}{
		{"empty", []byte{}},
		{"json", []byte(`{"rooms":[{"title":"강남 맥주 한잔"}],"total":1}`)},
		{"every byte", all},
		{"256 KiB", bytes.Repeat([]byte("meetpin "), 32<<10)},
	}
	for _, tc := range cases {
		key := p + tc.name
		buf := bytes.Clone(tc.val)
		if err := c.Set(t.Context(), key, buf, time.Minute); err != nil {
			t.Fatalf("%s: Set: %v", tc.name, err)
		}
		for i := range buf { // the caller reuses its buffer at once
			buf[i] = 'x'
		}
		got, ok, err := c.Get(t.Context(), key)
		if err != nil || !ok {
			t.Fatalf("%s: Get = %v, %v", tc.name, ok, err)
		}
		if !bytes.Equal(got, tc.val) {
			t.Errorf("%s: Get = %q, want %q", tc.name, abbrev(got), abbrev(tc.val))
		}
		for i := range got { // nor does changing what Get returned
			got[i] = 'y'
		}
		if again, _, _ := c.Get(t.Context(), key); !bytes.Equal(again, tc.val) {
			t.Errorf("%s: changing a returned value changed the cache", tc.name)
		}
	}
	// Keys with the characters of glob patterns are plain keys.
	for _, k := range []string{"a*", "a?", "[a]", `a\b`, "공간 키"} {
		MustCacheSet(t, c, p+k, "v "+k, time.Minute)
	}
	for _, k := range []string{"a*", "a?", "[a]", `a\b`, "공간 키"} {
		ExpectCached(t, c, p+k, "v "+k)
	}
	ExpectNotCached(t, c, p+"ab")
}

func testCacheTTL(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("ttl")
	MustCacheSet(t, c, p+"short", "s", 50*time.Millisecond)
	MustCacheSet(t, c, p+"long", "l", time.Minute)
	awaitMiss(t, c, p+"short")
	ExpectCached(t, c, p+"long", "l")

	// Setting again starts a new TTL: a short one replaces a long one...
	MustCacheSet(t, c, p+"long", "l2", 50*time.Millisecond)
	awaitMiss(t, c, p+"long")
	// ...and a long one a short one.
	MustCacheSet(t, c, p+"renewed", "r1", 50*time.Millisecond)
	MustCacheSet(t, c, p+"renewed", "r2", time.Minute)
	MustCacheSet(t, c, p+"marker", "m", 50*time.Millisecond)
	awaitMiss(t, c, p+"marker") // the first TTL of renewed has passed too
	ExpectCached(t, c, p+"renewed", "r2")
}

// awaitMiss polls key until it is a miss, failing the test after cacheWait.
func awaitMiss(t *testing.T, c meetpin.Cache, key string) {
	t.Helper()
	deadline := time.Now().Add(cacheWait)
	for {
		_, ok, err := c.Get(t.Context(), key)
		if err != nil {
			t.Fatalf("Get(%q): %v", key, err)
		}
		if !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q still cached %s after its TTL", key, cacheWait)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testCacheDelete(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("delete")
	for _, k := range []string{"a", "b", "c", "d"} {
		MustCacheSet(t, c, p+k, k, time.Minute)
	}
	if err := c.Delete(t.Context(), p+"a"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	ExpectNotCached(t, c, p+"a")
	ExpectCached(t, c, p+"b", "b")
	// Several keys at once, absent ones among them.
	if err := c.Delete(t.Context(), p+"b", p+"absent", p+"c"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	ExpectNotCached(t, c, p+"b")
	ExpectNotCached(t, c, p+"c")
	ExpectCached(t, c, p+"d", "d")
	if err := c.Delete(t.Context()); err != nil {
		t.Fatalf("Delete of no key: %v", err)
	}
	// A deleted key can be set again.
	MustCacheSet(t, c, p+"a", "again", time.Minute)
	ExpectCached(t, c, p+"a", "again")
}

func testCacheDeletePrefix(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("prefix")
	inside := []string{"rooms:1", "rooms:2", "rooms:", "rooms:gen", "rooms:*x", "rooms:[1]"}
	outside := []string{"room", "roomsx", "messages:rooms:1", "notifications:1", "Rooms:1", "r*oms:1"}
	for _, k := range append(append([]string{}, inside...), outside...) {
		MustCacheSet(t, c, p+k, "v", time.Minute)
	}
	n, err := c.DeletePrefix(t.Context(), p+"rooms:")
	if err != nil {
		t.Fatalf("DeletePrefix: %v", err)
	}
	if n != len(inside) {
		t.Errorf("DeletePrefix removed %d keys, want %d", n, len(inside))
	}
	for _, k := range inside {
		ExpectNotCached(t, c, p+k)
	}
	for _, k := range outside {
		ExpectCached(t, c, p+k, "v")
	}
	// A prefix with pattern characters is taken literally.
	n, err = c.DeletePrefix(t.Context(), p+"r*")
	if err != nil {
		t.Fatalf("DeletePrefix: %v", err)
	}
	if n != 1 {
		t.Errorf(`DeletePrefix("r*") removed %d keys, want 1`, n)
	}
	ExpectNotCached(t, c, p+"r*oms:1")
	ExpectCached(t, c, p+"roomsx", "v")
	// Nothing left to remove.
	if n, err := c.DeletePrefix(t.Context(), p+"rooms:"); err != nil || n != 0 {
		t.Errorf("second DeletePrefix = %d, %v, want 0, nil", n, err)
	}
	// Many keys: more than one round of a server-side scan.
	many := p + "many:"
	const count = 2500
	for i := range count {
		MustCacheSet(t, c, many+strconv.Itoa(i), "v", time.Minute)
	}
	if n, err := c.DeletePrefix(t.Context(), many); err != nil || n != count {
		t.Errorf("DeletePrefix of %d keys = %d, %v", count, n, err)
	}
	ExpectNotCached(t, c, many+"0")
	ExpectNotCached(t, c, many+strconv.Itoa(count-1))
	ExpectCached(t, c, p+"room", "v")
}

func testCacheStats(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("stats")
	s := c.Stats(t.Context())
	if s.Backend == "" || !s.Connected {
		t.Fatalf("fresh cache: Stats = %+v, want a backend name and connected", s)
	}
	if s.Hits != 0 || s.Misses != 0 || s.HitRate != 0 {
		t.Fatalf("fresh cache: Stats = %+v, want zero counters", s)
	}
	ExpectNotCached(t, c, p+"a") // miss 1
	MustCacheSet(t, c, p+"a", "1", time.Minute)
	MustCacheSet(t, c, p+"b", "2", time.Minute)
	MustCacheSet(t, c, p+"c", "3", time.Minute)
	ExpectCached(t, c, p+"a", "1")   // hit 1
	ExpectCached(t, c, p+"b", "2")   // hit 2
	ExpectCached(t, c, p+"a", "1")   // hit 3
	ExpectNotCached(t, c, p+"other") // miss 2
	s = c.Stats(t.Context())
	if s.Hits != 3 || s.Misses != 2 {
		t.Errorf("Stats hits/misses = %d/%d, want 3/2", s.Hits, s.Misses)
	}
	if s.HitRate < 0.599 || s.HitRate > 0.601 {
		t.Errorf("Stats hitRate = %v, want 0.6", s.HitRate)
	}
	if s.KeyCount < 3 {
		t.Errorf("Stats keyCount = %d, want at least the 3 keys set", s.KeyCount)
	}
	if !s.Connected {
		t.Errorf("Stats connected = false")
	}
	// Writes count neither as hits nor as misses.
	MustCacheSet(t, c, p+"d", "4", time.Minute)
	if err := c.Delete(t.Context(), p+"d"); err != nil {
		t.Fatal(err)
	}
	if s2 := c.Stats(t.Context()); s2.Hits != 3 || s2.Misses != 2 {
		t.Errorf("after writes: hits/misses = %d/%d, want 3/2", s2.Hits, s2.Misses)
	}
	// Nor do the reads of a cache's optional Peek, which otherwise is Get.
	if pk, ok := c.(Peeker); ok {
		if v, ok, err := pk.Peek(t.Context(), p+"a"); err != nil || !ok || string(v) != "1" {
			t.Errorf("Peek(a) = %q, %v, %v, want 1", v, ok, err)
		}
		if _, ok, err := pk.Peek(t.Context(), p+"absent"); err != nil || ok {
			t.Errorf("Peek(absent) = %v, %v, want a miss", ok, err)
		}
		if s2 := c.Stats(t.Context()); s2.Hits != 3 || s2.Misses != 2 {
			t.Errorf("after Peek: hits/misses = %d/%d, want 3/2", s2.Hits, s2.Misses)
		}
	}
}

// Peeker is a cache that can read without counting a hit or a miss.
type Peeker interface {
	Peek(ctx context.Context, key string) ([]byte, bool, error)
}

func testCacheConcurrent(t *testing.T, open func(t *testing.T) meetpin.Cache) {
	c := open(t)
	p := CacheKeyPrefix("conc")
	const workers, rounds, keys = 8, 150, 10
	// Every value names its key, so a torn or misplaced value shows.
	valid := func(key string, val []byte) bool { return strings.HasPrefix(string(val), key+"|") }
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(t.Context(), 6*cacheWait)
	defer cancel()
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				key := p + "k" + strconv.Itoa((w+i)%keys)
				var err error
				switch i % 6 {
				case 0, 1:
					err = c.Set(ctx, key, []byte(key+"|"+strconv.Itoa(w)+"|"+strings.Repeat("x", i)), time.Minute)
				case 2, 3:
					var val []byte
					var ok bool
					val, ok, err = c.Get(ctx, key)
					if err == nil && ok && !valid(key, val) {
						t.Errorf("Get(%q) = %q: not a value of that key", key, abbrev(val))
					}
				case 4:
					err = c.Delete(ctx, key)
				case 5:
					if i%30 == 5 {
						_, err = c.DeletePrefix(ctx, p)
					} else {
						_ = c.Stats(ctx)
					}
				}
				if err != nil {
					t.Errorf("worker %d round %d: %v", w, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	// The cache still works normally afterwards.
	for i := range keys {
		key := p + "k" + strconv.Itoa(i)
		MustCacheSet(t, c, key, key+"|final", time.Minute)
		ExpectCached(t, c, key, key+"|final")
	}
	if _, err := c.DeletePrefix(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	ExpectNotCached(t, c, p+"k0")
}
