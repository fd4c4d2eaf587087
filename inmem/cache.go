package inmem

import (
	"container/list"
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"meetpin.app"
)

// entryOverhead is what an entry is charged on top of its key and value:
// the map slot, the list element and the entry itself, roughly.
const entryOverhead = 128

// errBadTTL is returned by Set for a TTL that is not positive.
var errBadTTL = errors.New("inmem: cache TTL must be positive")

// Cache is an in-process meetpin.Cache: entries expire after their TTL, and
// the bytes held (keys, values and a fixed overhead per entry) stay within
// a bound by evicting the least recently used entries first. Expired entries
// are dropped when they are read, when room is needed and by Stats.
type Cache struct {
	maxBytes int64

	mu    sync.Mutex
	items map[string]*list.Element // of *entry
	lru   *list.List               // front: most recently used
	bytes int64

	hits, misses, evictions atomic.Int64
}

var _ meetpin.Cache = (*Cache)(nil)

type entry struct {
	key     string
	val     []byte
	expires time.Time
}

func (e *entry) size() int64 { return int64(len(e.key)+len(e.val)) + entryOverhead }

// NewCache returns an empty cache that holds at most maxBytes.
func NewCache(maxBytes int64) *Cache {
	return &Cache{maxBytes: maxBytes, items: make(map[string]*list.Element), lru: list.New()}
}

// Get returns a copy of the value of key. An expired entry is a miss.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	val, ok, err := c.Peek(ctx, key)
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return val, ok, err
}

// Peek is Get for bookkeeping reads, such as the app layer's generations:
// what it finds is not counted as a hit or a miss. (It cannot fail.)
func (c *Cache) Peek(_ context.Context, key string) ([]byte, bool, error) {
	now := time.Now()
	c.mu.Lock()
	el, ok := c.items[key]
	if ok && !now.Before(el.Value.(*entry).expires) {
		c.remove(el)
		ok = false
	}
	var val []byte
	if ok {
		c.lru.MoveToFront(el)
		val = append([]byte{}, el.Value.(*entry).val...)
	}
	c.mu.Unlock()
	return val, ok, nil
}

// Set stores a copy of val under key for ttl, evicting the least recently
// used entries when the cache would outgrow its bound. A value too large for
// the whole cache is not stored, and the key's previous value is removed.
func (c *Cache) Set(_ context.Context, key string, val []byte, ttl time.Duration) error {
	if ttl <= 0 {
		return errBadTTL
	}
	e := &entry{key: key, val: append([]byte{}, val...), expires: time.Now().Add(ttl)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		c.remove(el)
	}
	if e.size() > c.maxBytes {
		return nil
	}
	c.makeRoom(e.size())
	c.items[key] = c.lru.PushFront(e)
	c.bytes += e.size()
	return nil
}

// makeRoom drops expired entries, then the least recently used ones, until
// need more bytes fit. Called with mu held.
func (c *Cache) makeRoom(need int64) {
	if c.bytes+need <= c.maxBytes {
		return
	}
	c.dropExpired(time.Now())
	for c.bytes+need > c.maxBytes {
		c.remove(c.lru.Back())
		c.evictions.Add(1)
	}
}

// dropExpired removes every entry expired at now. Called with mu held.
func (c *Cache) dropExpired(now time.Time) {
	for el := c.lru.Back(); el != nil; {
		prev := el.Prev()
		if !now.Before(el.Value.(*entry).expires) {
			c.remove(el)
		}
		el = prev
	}
}

// remove drops el. Called with mu held.
func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.items, e.key)
	c.bytes -= e.size()
}

// Delete removes keys; absent keys are ignored.
func (c *Cache) Delete(_ context.Context, keys ...string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, k := range keys {
		if el, ok := c.items[k]; ok {
			c.remove(el)
		}
	}
	return nil
}

// DeletePrefix removes every entry whose key starts with prefix, expired or
// not, and returns how many live entries it removed. It walks every entry.
func (c *Cache) DeletePrefix(_ context.Context, prefix string) (int, error) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, el := range c.items {
		if strings.HasPrefix(k, prefix) {
			if now.Before(el.Value.(*entry).expires) {
				n++
			}
			c.remove(el)
		}
	}
	return n, nil
}

// Stats reports the counters since the cache was created and the number of
// live entries (it drops the expired ones first). An in-process cache is
// always connected.
func (c *Cache) Stats(_ context.Context) meetpin.CacheStats {
	c.mu.Lock()
	c.dropExpired(time.Now())
	n := len(c.items)
	c.mu.Unlock()
	return stats("inmem", true, c.hits.Load(), c.misses.Load(), int64(n))
}

// Bytes returns the bytes the cache holds (entry overhead included) and its
// bound.
func (c *Cache) Bytes() (held, bound int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.bytes, c.maxBytes
}

// Evictions returns how many live entries were evicted to make room.
func (c *Cache) Evictions() int64 { return c.evictions.Load() }

// stats fills a CacheStats with its hit rate.
func stats(backend string, connected bool, hits, misses, keys int64) meetpin.CacheStats {
	s := meetpin.CacheStats{Backend: backend, Connected: connected, Hits: hits, Misses: misses, KeyCount: keys}
	if hits+misses > 0 {
		s.HitRate = float64(hits) / float64(hits+misses)
	}
	return s
}
