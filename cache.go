package meetpin

import (
	"context"
	"time"
)

// Cache keeps short-lived copies of hot reads: room lists (rooms:*), match
// messages (messages:*) and notifications (notifications:*). The inmem
// backend serves one process; the redis backend is shared by every replica,
// so an invalidation on one is seen by all. A cache is never the source of
// truth: when it fails, callers read the database.
type Cache interface {
	// Get returns the value of key; ok is false on a miss.
	Get(ctx context.Context, key string) (val []byte, ok bool, err error)
	// Set stores val under key for ttl.
	Set(ctx context.Context, key string, val []byte, ttl time.Duration) error
	// Delete removes keys.
	Delete(ctx context.Context, keys ...string) error
	// DeletePrefix removes every key that starts with prefix and returns how
	// many it removed (without blocking a shared server: no KEYS).
	DeletePrefix(ctx context.Context, prefix string) (int, error)
	// Stats reports the cache's state and counters.
	Stats(ctx context.Context) CacheStats
}

// CacheStats is what GET /api/cache/stats reports.
type CacheStats struct {
	Backend   string  `json:"backend"`
	Connected bool    `json:"connected"`
	Hits      int64   `json:"hits"`
	Misses    int64   `json:"misses"`
	HitRate   float64 `json:"hitRate"`
	KeyCount  int64   `json:"keyCount"`
}

// Limiter counts requests per key in fixed or sliding windows. The inmem
// backend limits one process; the redis backend holds the limit across
// replicas.
type Limiter interface {
	// Allow counts one request for key against limit per window.
	Allow(ctx context.Context, key string, limit int, window time.Duration) (RateResult, error)
}

// RateResult is the outcome of one Allow call, enough for the RateLimit-*
// and Retry-After headers.
type RateResult struct {
	Allowed   bool
	Limit     int
	Remaining int
	// Reset is how long until the window frees a place.
	Reset time.Duration
}
