package inmem_test

import (
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"meetpin.app"
	"meetpin.app/inmem"
	"meetpin.app/meetpintest"
)

func TestCache(t *testing.T) {
	meetpintest.RunCache(t, func(t *testing.T) meetpin.Cache { return inmem.NewCache(64 << 20) })
}

// entrySize is what inmem charges an entry of a 2-byte key and a 100-byte
// value, measured rather than assumed.
func entrySize(t *testing.T) int64 {
	c := inmem.NewCache(1 << 20)
	meetpintest.MustCacheSet(t, c, "k0", string(make([]byte, 100)), time.Minute)
	held, _ := c.Bytes()
	return held
}

// TestCacheEvictsLeastRecentlyUsed fills a cache that holds four entries:
// the fifth evicts the one read least recently, not the oldest written.
func TestCacheEvictsLeastRecentlyUsed(t *testing.T) {
	size := entrySize(t)
	c := inmem.NewCache(4 * size)
	val := string(make([]byte, 100))
	for i := range 4 {
		meetpintest.MustCacheSet(t, c, "k"+strconv.Itoa(i), val, time.Minute)
	}
	meetpintest.ExpectCached(t, c, "k0", val) // k1 is now the least recently used
	meetpintest.MustCacheSet(t, c, "k4", val, time.Minute)
	meetpintest.ExpectNotCached(t, c, "k1")
	for _, k := range []string{"k0", "k2", "k3", "k4"} {
		meetpintest.ExpectCached(t, c, k, val)
	}
	if held, bound := c.Bytes(); held > bound {
		t.Errorf("holds %d bytes, bound %d", held, bound)
	}
	if n := c.Evictions(); n != 1 {
		t.Errorf("Evictions() = %d, want 1", n)
	}
	if n := c.Stats(t.Context()).KeyCount; n != 4 {
		t.Errorf("KeyCount = %d, want 4", n)
	}

	// Overwriting does not count twice against the bound.
	for range 10 {
		meetpintest.MustCacheSet(t, c, "k4", val, time.Minute)
	}
	if n := c.Evictions(); n != 1 {
		t.Errorf("Evictions() after overwrites = %d, want 1", n)
	}

	// A value larger than the whole cache is not stored, and the key's
	// previous value is gone rather than left stale.
	meetpintest.MustCacheSet(t, c, "k0", string(make([]byte, 5*size)), time.Minute)
	meetpintest.ExpectNotCached(t, c, "k0")
	meetpintest.ExpectCached(t, c, "k2", val)
}

// TestCacheExpiredMakeRoom: expired entries are dropped before a live one
// is evicted, and they are not counted. It runs on synctest's clock, so
// the entries expire without a wait and nothing else touches them first.
func TestCacheExpiredMakeRoom(t *testing.T) {
	size := entrySize(t)
	synctest.Test(t, func(t *testing.T) {
		c := inmem.NewCache(4 * size)
		val := string(make([]byte, 100))
		meetpintest.MustCacheSet(t, c, "k0", val, time.Minute)
		for i := 1; i < 4; i++ {
			meetpintest.MustCacheSet(t, c, "k"+strconv.Itoa(i), val, 20*time.Millisecond)
		}
		time.Sleep(20 * time.Millisecond)
		for i := 4; i < 7; i++ {
			meetpintest.MustCacheSet(t, c, "k"+strconv.Itoa(i), val, time.Minute)
		}
		meetpintest.ExpectCached(t, c, "k0", val)
		if n := c.Stats(t.Context()).KeyCount; n != 4 {
			t.Errorf("KeyCount = %d, want 4", n)
		}
		if n := c.Evictions(); n != 0 {
			t.Errorf("Evictions() = %d, want 0: the expired entries made room", n)
		}
	})
}

// The app layer reads generations with Peek, so that they do not count.
var _ meetpintest.Peeker = (*inmem.Cache)(nil)
