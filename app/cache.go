package app

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"meetpin.app"
)

// How long cached reads live, as in the original service: the map's room
// lists a minute, a page of chat 30 seconds, a page of notifications a
// minute. Writes invalidate them at once (docs/adr/0004-cache-invalidation.md);
// the TTLs only bound what a failed invalidation can leave behind.
const (
	RoomListCacheTTL     = 60 * time.Second
	MessagePageCacheTTL  = 30 * time.Second
	NotificationCacheTTL = 60 * time.Second
)

// Cache namespaces: every key the app layer writes starts with one of them,
// which is what POST /api/cache/clear deletes by.
const (
	CacheRooms         = "rooms:"
	CacheMessages      = "messages:"
	CacheNotifications = "notifications:"
)

// CacheNamespaces lists the cache namespaces.
var CacheNamespaces = []string{CacheRooms, CacheMessages, CacheNotifications}

const (
	// generationTTL is how long a generation lives without a write: far
	// longer than any entry, so that entries are not orphaned early. When
	// it expires or is evicted, a new one is drawn, which only costs misses.
	generationTTL = 24 * time.Hour
	// maxPending bounds the generations remembered for a retry after a
	// failed invalidation; beyond it every namespace is cleared instead.
	maxPending = 1000
	// retryPendingEvery paces the retries of failed invalidations.
	retryPendingEvery = time.Second
	// troubleLogEvery is the most often a cache failure is logged.
	troubleLogEvery = time.Minute
)

// A scope is a set of cached reads invalidated together: every room list,
// one match's pages of chat, one user's pages of notifications. Its
// generation, stored in the cache under scope+"gen", is part of every key of
// the scope, so a write invalidates the whole scope on every replica by
// deleting the generation: the next read draws a new one, under which
// nothing is stored yet. No key scan on the hot path.
type scope string

func roomsScope() scope                      { return CacheRooms }
func messagesScope(matchID string) scope     { return scope(CacheMessages + matchID + ":") }
func notificationsScope(userID string) scope { return scope(CacheNotifications + userID + ":") }

func (s scope) genKey() string { return string(s) + "gen" }

// peeker is a cache that can read without counting the read as a hit or a
// miss (inmem and redis can). Generation lookups are bookkeeping: counted,
// they would hide the hit rate of the cached reads themselves.
type peeker interface {
	Peek(ctx context.Context, key string) ([]byte, bool, error)
}

// cacheLayer is the app's read-through cache. A cache failure is never a
// failed request: reads fall back to the store, and failures are logged at
// most once a minute.
type cacheLayer struct {
	c   meetpin.Cache
	log *slog.Logger

	lastLog    atomic.Int64 // unix ns of the last logged failure
	suppressed atomic.Int64 // failures not logged since

	// Scopes whose invalidation failed. Until a retry succeeds this replica
	// does not read them from the cache, and pendingAll stands for every
	// scope when there were too many to remember.
	pendingN   atomic.Int32 // len(pending), or 1 with pendingAll
	mu         sync.Mutex
	seq        int64           // counts failed invalidations
	pending    map[scope]int64 // scope → seq of its last failure
	pendingAll bool
	allSeq     int64 // seq of the last failure under pendingAll
	lastRetry  time.Time
}

func newCacheLayer(c meetpin.Cache, log *slog.Logger) *cacheLayer {
	if c == nil {
		return nil
	}
	return &cacheLayer{c: c, log: log, pending: make(map[scope]int64)}
}

// newGeneration returns a generation no other write has drawn.
func newGeneration() []byte { return []byte(strings.ToLower(rand.Text()[:13])) }

// cached returns the value of a read from the cache, or runs load and
// stores its result for ttl(result) (not at all when that is not positive).
// rest identifies the read within its scope and must be canonical: built
// from validated, normalized values only.
func cached[T any](a *App, ctx context.Context, sc scope, rest string, ttl func(*T) time.Duration, load func() (*T, error)) (*T, error) {
	cl := a.cache
	if cl == nil {
		return load()
	}
	gen, ok := cl.generation(ctx, sc)
	if !ok {
		return load()
	}
	key := string(sc) + gen + ":" + rest
	if b, hit, err := cl.c.Get(ctx, key); err != nil {
		cl.trouble(ctx, "read", err)
	} else if hit {
		v := new(T)
		if err := json.Unmarshal(b, v); err == nil {
			return v, nil
		}
		cl.trouble(ctx, "decode", errors.New("undecodable entry "+key))
		_ = cl.c.Delete(ctx, key)
	}
	v, err := load()
	if err != nil {
		return nil, err
	}
	if d := ttl(v); d > 0 {
		b, err := json.Marshal(v)
		if err == nil {
			err = cl.c.Set(ctx, key, b, d)
		}
		if err != nil {
			cl.trouble(ctx, "write", err)
		}
	}
	return v, nil
}

// generation returns the current generation of sc, drawing one when there
// is none. It runs before the store is read, so an entry computed by a read
// that raced with a write is either stored under a generation the write has
// since deleted (and never read again), or was read after the write
// committed (and is fresh). ok is false when the cache cannot be used for
// sc now.
func (cl *cacheLayer) generation(ctx context.Context, sc scope) (string, bool) {
	if cl.pendingN.Load() > 0 {
		cl.retryPending(ctx)
		if cl.isPending(sc) {
			return "", false
		}
	}
	var g []byte
	var ok bool
	var err error
	if p, can := cl.c.(peeker); can {
		g, ok, err = p.Peek(ctx, sc.genKey())
	} else {
		g, ok, err = cl.c.Get(ctx, sc.genKey())
	}
	if err != nil {
		cl.trouble(ctx, "read", err)
		return "", false
	}
	if ok && len(g) > 0 {
		return string(g), true
	}
	g = newGeneration()
	if err := cl.c.Set(ctx, sc.genKey(), g, generationTTL); err != nil {
		cl.trouble(ctx, "write", err)
		return "", false
	}
	return string(g), true
}

// invalidate deletes the generation of each scope, so that no replica reads
// its current entries again. Writers call it after the store has committed
// and before they answer. A scope whose generation cannot be deleted is
// remembered and retried; meanwhile this replica reads it from the store.
func (cl *cacheLayer) invalidate(ctx context.Context, scopes ...scope) {
	if cl == nil {
		return
	}
	ctx = context.WithoutCancel(ctx) // the write is done: finish its invalidation
	for _, sc := range scopes {
		if err := cl.c.Delete(ctx, sc.genKey()); err != nil {
			cl.trouble(ctx, "invalidate", err)
			cl.addPending(sc)
		}
	}
}

func (cl *cacheLayer) addPending(sc scope) {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	if cl.pendingAll || len(cl.pending) >= maxPending {
		cl.pendAllLocked()
		return
	}
	cl.seq++
	cl.pending[sc] = cl.seq
	cl.pendingN.Store(int32(len(cl.pending)))
}

// pendAll remembers that every scope needs invalidating: the retry clears
// every namespace.
func (cl *cacheLayer) pendAll() {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.pendAllLocked()
}

func (cl *cacheLayer) pendAllLocked() {
	cl.seq++
	cl.pendingAll, cl.allSeq = true, cl.seq
	clear(cl.pending)
	cl.pendingN.Store(1)
}

func (cl *cacheLayer) isPending(sc scope) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	_, ok := cl.pending[sc]
	return ok || cl.pendingAll
}

// retryPending invalidates again, at most once a second and outside the
// lock, the scopes whose invalidation failed. A scope that failed again
// meanwhile stays pending.
func (cl *cacheLayer) retryPending(ctx context.Context) {
	cl.mu.Lock()
	if time.Since(cl.lastRetry) < retryPendingEvery {
		cl.mu.Unlock()
		return
	}
	cl.lastRetry = time.Now()
	all, allSeq := cl.pendingAll, cl.allSeq
	todo := maps.Clone(cl.pending)
	cl.mu.Unlock()

	ctx = context.WithoutCancel(ctx)
	if all {
		for _, ns := range CacheNamespaces {
			if _, err := cl.c.DeletePrefix(ctx, ns); err != nil {
				return
			}
		}
		cl.mu.Lock()
		if cl.pendingAll && cl.allSeq == allSeq {
			cl.pendingAll = false
			cl.pendingN.Store(int32(len(cl.pending)))
		}
		cl.mu.Unlock()
		return
	}
	done := make(map[scope]int64, len(todo))
	for sc, seq := range todo {
		if err := cl.c.Delete(ctx, sc.genKey()); err != nil {
			break
		}
		done[sc] = seq
	}
	cl.mu.Lock()
	defer cl.mu.Unlock()
	for sc, seq := range done {
		if cl.pending[sc] == seq {
			delete(cl.pending, sc)
		}
	}
	if !cl.pendingAll {
		cl.pendingN.Store(int32(len(cl.pending)))
	}
}

// trouble logs a cache failure, at most once a minute with the number of
// failures not logged since. A caller that went away is not a failure.
func (cl *cacheLayer) trouble(ctx context.Context, op string, err error) {
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return
	}
	now := time.Now().UnixNano()
	last := cl.lastLog.Load()
	if now-last < int64(troubleLogEvery) || !cl.lastLog.CompareAndSwap(last, now) {
		cl.suppressed.Add(1)
		return
	}
	cl.log.WarnContext(ctx, "cache unavailable: reading the database instead", slog.String("op", op),
		slog.Any("error", err), slog.Int64("unlogged_since", cl.suppressed.Swap(0)))
}

// InvalidateRooms drops every cached room list, on every replica. The app's
// own room writes call it; so must any other code that changes what the map
// shows (a boost paid through Stripe, a clean-up job).
func (a *App) InvalidateRooms(ctx context.Context) { a.cache.invalidate(ctx, roomsScope()) }

// InvalidateNotifications drops the cached notification pages of users.
func (a *App) InvalidateNotifications(ctx context.Context, userIDs ...string) {
	for _, id := range userIDs {
		a.cache.invalidate(ctx, notificationsScope(id))
	}
}

// ClearCache deletes every entry of the given namespaces (CacheRooms, …;
// all of them when none is given) and returns how many keys it removed.
// Unlike an invalidation it scans the keys, so it is for operators and
// jobs that touch many users at once, not for request paths.
func (a *App) ClearCache(ctx context.Context, namespaces ...string) (int, error) {
	if a.cache == nil {
		return 0, nil
	}
	if len(namespaces) == 0 {
		namespaces = CacheNamespaces
	}
	total := 0
	for _, ns := range namespaces {
		n, err := a.cache.c.DeletePrefix(ctx, ns)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// roomListKey is the canonical key of a room list within the rooms scope:
// the viewer (blocks hide rooms, so lists are per viewer; "-" is anonymous)
// and the normalized query.
func roomListKey(viewer *meetpin.User, f meetpin.RoomFilter) string {
	v := "-"
	if viewer != nil {
		v = viewer.ID
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return v + ":" + num(f.BBox.South) + "," + num(f.BBox.West) + "," + num(f.BBox.North) + "," + num(f.BBox.East) +
		":" + f.Category + ":" + strconv.Itoa(f.Offset) + ":" + strconv.Itoa(f.Limit)
}

// roomListTTL keeps a room list no longer than RoomListCacheTTL, and not
// past the moment one of its rooms starts (it leaves the map then) or one of
// its boosts ends (the order changes then).
func roomListTTL(now time.Time) func(*RoomPage) time.Duration {
	return func(p *RoomPage) time.Duration {
		ttl := RoomListCacheTTL
		for _, r := range p.Rooms {
			ttl = min(ttl, r.StartAt.Sub(now))
			if r.BoostUntil != nil && r.BoostUntil.After(now) {
				ttl = min(ttl, r.BoostUntil.Sub(now))
			}
		}
		return ttl
	}
}

// fixedTTL is a TTL function for reads that time does not change.
func fixedTTL[T any](d time.Duration) func(*T) time.Duration {
	return func(*T) time.Duration { return d }
}
