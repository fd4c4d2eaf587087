package redis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"meetpin.app"
)

const (
	// CachePrefix is put before every cache key in Redis, so that the
	// cache shares a database with other data without touching it.
	CachePrefix = "meetpin:cache:"

	// cacheOpTimeout bounds one cache command while Redis works.
	cacheOpTimeout = time.Second
	// cacheRetryPause is how long the cache answers errors without trying
	// Redis once it has failed; then one call tries again (within
	// downBudget) and the others keep failing fast until it succeeds.
	cacheRetryPause = time.Second
	// scanCount is the COUNT hint of each SCAN.
	scanCount = 1000
	// maxCountScans bounds the SCAN calls of Stats: KeyCount is exact for
	// databases up to maxCountScans*scanCount keys, a lower bound beyond.
	maxCountScans = 100
)

// ErrCacheDown is returned, wrapped, by the cache's methods while it
// answers without trying Redis, during the pause after a failure.
var ErrCacheDown = errors.New("redis: cache unavailable: Redis failed recently")

// Cache is a meetpin.Cache in Redis, shared by every replica. Keys get
// CachePrefix; values expire with Redis's own TTLs (SET … PX).
//
// Errors: every Redis failure is returned (the caller reads the database
// instead) and marks the cache down: Stats().Connected turns false, and for
// a pause of a second each call fails at once rather than make a request
// wait for a dead server. After the pause one call tries Redis again; when
// it answers, the cache is up again. Nothing needs restarting.
//
// Counters: hits and misses count this replica's reads (a failed read is a
// miss: the value came from the database). KeyCount is the number of cache
// keys in the shared database, counted by Stats with SCAN: one round trip
// per scanCount keys of the whole database (SCAN's MATCH filters after
// reading), at most maxCountScans round trips. Keep that in mind before
// calling Stats in a tight loop on a large database.
type Cache struct {
	client *goredis.Client
	log    *slog.Logger

	hits, misses atomic.Int64
	state        atomic.Int32 // stateUnknown, stateUp or stateDown
	retryAt      atomic.Int64 // unix ns: while down, no call reaches Redis before it
}

var _ meetpin.Cache = (*Cache)(nil)

// NewCache returns a cache that keeps its entries in Redis through client,
// which stays the caller's to close. log may be nil.
func NewCache(client *goredis.Client, log *slog.Logger) *Cache {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Cache{client: client, log: log}
}

// begin returns the context of one call to Redis, or ErrCacheDown while the
// cache pauses after a failure.
func (c *Cache) begin(ctx context.Context) (context.Context, context.CancelFunc, error) {
	if c.state.Load() != stateDown {
		ctx, cancel := context.WithTimeout(ctx, cacheOpTimeout)
		return ctx, cancel, nil
	}
	now := time.Now().UnixNano()
	at := c.retryAt.Load()
	// One call per pause tries Redis; it pushes the next try further out.
	if now < at || !c.retryAt.CompareAndSwap(at, now+int64(cacheRetryPause)) {
		return nil, nil, ErrCacheDown
	}
	ctx, cancel := context.WithTimeout(ctx, downBudget)
	return ctx, cancel, nil
}

// end records the outcome of a call: any answer from Redis means it is up,
// a failure means it is down, unless the caller gave up first.
func (c *Cache) end(caller context.Context, err error) error {
	switch {
	case err == nil || errors.Is(err, goredis.Nil):
		if c.state.Swap(stateUp) == stateDown {
			c.log.Info("redis cache: Redis answers again")
		}
		return nil
	case caller.Err() != nil:
		return err
	}
	c.retryAt.Store(time.Now().Add(cacheRetryPause).UnixNano())
	if c.state.Swap(stateDown) != stateDown {
		c.log.Warn("redis cache: Redis failed; reads go to the database", slog.String("error", cacheReason(err)))
	}
	return err
}

// Healthy reports, without contacting Redis, whether the last call to Redis
// worked: false before the first call and from a failure until Redis
// answers again.
func (c *Cache) Healthy() bool { return c.state.Load() == stateUp }

// Get returns the value of key. A failed read counts as a miss.
func (c *Cache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	val, ok, err := c.get(ctx, key)
	if ok {
		c.hits.Add(1)
	} else {
		c.misses.Add(1)
	}
	return val, ok, err
}

// Peek is Get for bookkeeping reads, such as the app layer's generations:
// what it finds is not counted, but a failure counts as a miss, since the
// read it serves then goes to the database.
func (c *Cache) Peek(ctx context.Context, key string) ([]byte, bool, error) {
	val, ok, err := c.get(ctx, key)
	if err != nil {
		c.misses.Add(1)
	}
	return val, ok, err
}

func (c *Cache) get(ctx context.Context, key string) ([]byte, bool, error) {
	opCtx, cancel, err := c.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer cancel()
	val, err := c.client.Get(opCtx, CachePrefix+key).Bytes()
	missing := errors.Is(err, goredis.Nil)
	if err = c.end(ctx, err); err != nil {
		return nil, false, fmt.Errorf("redis: cache get: %w", err)
	}
	if missing {
		return nil, false, nil
	}
	if val == nil {
		val = []byte{}
	}
	return val, true, nil
}

// Set stores val under key for ttl (at least a millisecond).
func (c *Cache) Set(ctx context.Context, key string, val []byte, ttl time.Duration) error {
	if ttl < time.Millisecond {
		return errors.New("redis: cache TTL must be at least 1ms")
	}
	opCtx, cancel, err := c.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	if val == nil {
		val = []byte{}
	}
	if err := c.end(ctx, c.client.Set(opCtx, CachePrefix+key, val, ttl).Err()); err != nil {
		return fmt.Errorf("redis: cache set: %w", err)
	}
	return nil
}

// Delete removes keys with UNLINK, which frees memory off the main thread.
func (c *Cache) Delete(ctx context.Context, keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	opCtx, cancel, err := c.begin(ctx)
	if err != nil {
		return err
	}
	defer cancel()
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = CachePrefix + k
	}
	if err := c.end(ctx, c.client.Unlink(opCtx, full...).Err()); err != nil {
		return fmt.Errorf("redis: cache delete: %w", err)
	}
	return nil
}

// DeletePrefix removes the keys that start with prefix: SCAN with MATCH over
// the whole database, scanCount keys per round trip, and UNLINK of what each
// round finds, so that Redis never blocks on it as it would on KEYS. A key
// written while it runs may survive.
func (c *Cache) DeletePrefix(ctx context.Context, prefix string) (int, error) {
	match := CachePrefix + globEscape(prefix) + "*"
	removed := 0
	var cursor uint64
	for {
		keys, next, err := c.scan(ctx, cursor, match)
		if err != nil {
			return removed, fmt.Errorf("redis: cache delete prefix: %w", err)
		}
		if len(keys) > 0 {
			n, err := c.unlink(ctx, keys)
			removed += n
			if err != nil {
				return removed, fmt.Errorf("redis: cache delete prefix: %w", err)
			}
		}
		if cursor = next; cursor == 0 {
			return removed, nil
		}
	}
}

func (c *Cache) scan(ctx context.Context, cursor uint64, match string) ([]string, uint64, error) {
	opCtx, cancel, err := c.begin(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer cancel()
	keys, next, err := c.client.Scan(opCtx, cursor, match, scanCount).Result()
	return keys, next, c.end(ctx, err)
}

func (c *Cache) unlink(ctx context.Context, keys []string) (int, error) {
	opCtx, cancel, err := c.begin(ctx)
	if err != nil {
		return 0, err
	}
	defer cancel()
	n, err := c.client.Unlink(opCtx, keys...).Result()
	return int(n), c.end(ctx, err)
}

// Stats reports this replica's counters and the number of cache keys in
// Redis (see Cache for the cost). Connected is whether Redis answered the
// count; without an answer KeyCount is 0.
func (c *Cache) Stats(ctx context.Context) meetpin.CacheStats {
	keys, err := c.count(ctx)
	s := meetpin.CacheStats{Backend: "redis", Connected: err == nil, Hits: c.hits.Load(), Misses: c.misses.Load(), KeyCount: keys}
	if err != nil {
		s.KeyCount = 0
	}
	if s.Hits+s.Misses > 0 {
		s.HitRate = float64(s.Hits) / float64(s.Hits+s.Misses)
	}
	return s
}

func (c *Cache) count(ctx context.Context) (int64, error) {
	var n int64
	var cursor uint64
	for range maxCountScans {
		keys, next, err := c.scan(ctx, cursor, CachePrefix+"*")
		if err != nil {
			return 0, err
		}
		n += int64(len(keys))
		if cursor = next; cursor == 0 {
			break
		}
	}
	return n, nil
}

// cacheReason is the cause of a failed call on one line.
func cacheReason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %s", cacheOpTimeout)
	}
	return reason(err)
}

// globEscape quotes the characters that are special in a Redis MATCH
// pattern, so that prefix is matched literally.
func globEscape(s string) string {
	if !strings.ContainsAny(s, `*?[]\`) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[', ']', '\\':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
