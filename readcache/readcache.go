// Package readcache keeps short-lived copies of the hot reads of a
// meetpin.Store: room lists (60 s), a match's pages of chat (30 s) and a
// user's pages of notifications (60 s), in process or in Redis (any
// meetpin.Cache). Store is a decorator: it serves those three reads from
// the cache and passes everything else through.
//
// Reads are grouped in scopes (every room list, one match's chat, one
// user's notifications). Only the after-commit dispatcher (package
// dispatch) invalidates a scope, from the facts a write recorded; nothing
// else calls Invalidate or Clear (a test in package dispatch checks it).
// See docs/adr/0004-cache-invalidation.md.
package readcache

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
// minute. Writes invalidate them at once; the TTLs only bound what a failed
// invalidation can leave behind.
const (
	RoomListTTL     = 60 * time.Second
	MessagePageTTL  = 30 * time.Second
	NotificationTTL = 60 * time.Second
)

// Namespaces: every key this package writes starts with one of them, which
// is what Clear deletes by.
const (
	NamespaceRooms         = "rooms:"
	NamespaceMessages      = "messages:"
	NamespaceNotifications = "notifications:"
)

// Namespaces lists the namespaces.
var Namespaces = []string{NamespaceRooms, NamespaceMessages, NamespaceNotifications}

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

// A Scope is a set of cached reads invalidated together: every room list,
// one match's pages of chat, one user's pages of notifications. Its
// generation, stored in the cache under scope+"gen", is part of every key of
// the scope, so a write invalidates the whole Scope on every replica by
// deleting the generation: the next read draws a new one, under which
// nothing is stored yet. No key scan on the hot path.
type Scope string

// Rooms is the scope of every room list.
func Rooms() Scope { return Scope(NamespaceRooms) }

// Messages is the scope of one match's pages of chat.
func Messages(matchID string) Scope { return Scope(NamespaceMessages + matchID + ":") }

// Notifications is the scope of one user's pages of notifications.
func Notifications(userID string) Scope { return Scope(NamespaceNotifications + userID + ":") }

func (s Scope) genKey() string { return string(s) + "gen" }

// peeker is a cache that can read without counting the read as a hit or a
// miss (inmem and redis can). Generation lookups are bookkeeping: counted,
// they would hide the hit rate of the cached reads themselves.
type peeker interface {
	Peek(ctx context.Context, key string) ([]byte, bool, error)
}

// layer is the app's read-through cache. A cache failure is never a
// failed request: reads fall back to the store, and failures are logged at
// most once a minute.
type layer struct {
	c   meetpin.Cache
	log *slog.Logger

	lastLog    atomic.Int64 // unix ns of the last logged failure
	suppressed atomic.Int64 // failures not logged since

	// Scopes whose invalidation failed. Until a retry succeeds this replica
	// does not read them from the cache, and pendingAll stands for every
	// Scope when there were too many to remember.
	pendingN   atomic.Int32 // len(pending), or 1 with pendingAll
	mu         sync.Mutex
	seq        int64           // counts failed invalidations
	pending    map[Scope]int64 // Scope → seq of its last failure
	pendingAll bool
	allSeq     int64 // seq of the last failure under pendingAll
	lastRetry  time.Time
}

func newLayer(c meetpin.Cache, log *slog.Logger) *layer {
	if c == nil {
		return nil
	}
	return &layer{c: c, log: log, pending: make(map[Scope]int64)}
}

// newGeneration returns a generation no other write has drawn.
func newGeneration() []byte { return []byte(strings.ToLower(rand.Text()[:13])) }

// cached returns the value of a read from the cache, or runs load and
// stores its result for ttl(result) (not at all when that is not positive).
// rest identifies the read within its Scope and must be canonical: built
// from validated, normalized values only.
func cached[T any](ctx context.Context, cl *layer, sc Scope, rest string, ttl func(*T) time.Duration, load func() (*T, error)) (*T, error) {
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
func (cl *layer) generation(ctx context.Context, sc Scope) (string, bool) {
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
// its current entries again. The dispatcher calls it (through
// Store.Invalidate) after a write has committed and before the writer
// answers. A Scope whose generation cannot be deleted is
// remembered and retried; meanwhile this replica reads it from the store.
func (cl *layer) invalidate(ctx context.Context, scopes ...Scope) {
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

func (cl *layer) addPending(sc Scope) {
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

// pendAll remembers that every Scope needs invalidating: the retry clears
// every namespace.
func (cl *layer) pendAll() {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	cl.pendAllLocked()
}

func (cl *layer) pendAllLocked() {
	cl.seq++
	cl.pendingAll, cl.allSeq = true, cl.seq
	clear(cl.pending)
	cl.pendingN.Store(1)
}

func (cl *layer) isPending(sc Scope) bool {
	cl.mu.Lock()
	defer cl.mu.Unlock()
	_, ok := cl.pending[sc]
	return ok || cl.pendingAll
}

// retryPending invalidates again, at most once a second and outside the
// lock, the scopes whose invalidation failed. A Scope that failed again
// meanwhile stays pending.
func (cl *layer) retryPending(ctx context.Context) {
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
		for _, ns := range Namespaces {
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
	done := make(map[Scope]int64, len(todo))
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
func (cl *layer) trouble(ctx context.Context, op string, err error) {
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

// Store is a meetpin.Store whose ListRooms, Messages and Notifications
// come from the cache when it holds them. Inside Tx nothing is cached: the
// transaction reads the database.
type Store struct {
	meetpin.Store
	cl *layer // nil: no caching
}

// Wrap returns store with its hot reads cached in c; with a nil c it
// caches nothing (and Invalidate and Clear do nothing).
func Wrap(store meetpin.Store, c meetpin.Cache, log *slog.Logger) *Store {
	return &Store{Store: store, cl: newLayer(c, log)}
}

// Unwrap returns the store underneath.
func (s *Store) Unwrap() meetpin.Store { return s.Store }

// Invalidate drops the cached reads of the scopes, on every replica (the
// dispatcher's job: see the package doc).
func (s *Store) Invalidate(ctx context.Context, scopes ...Scope) { s.cl.invalidate(ctx, scopes...) }

// Clear deletes every entry of the given namespaces (all of them when none
// is given) and returns how many keys it removed. Unlike Invalidate it
// scans the keys, so it is for operators and jobs that touch many users at
// once, not for request paths. When it fails, the namespaces are retried
// later and this replica reads them from the database meanwhile.
func (s *Store) Clear(ctx context.Context, namespaces ...string) (int, error) {
	if s.cl == nil {
		return 0, nil
	}
	if len(namespaces) == 0 {
		namespaces = Namespaces
	}
	total := 0
	for _, ns := range namespaces {
		n, err := s.cl.c.DeletePrefix(context.WithoutCancel(ctx), ns)
		total += n
		if err != nil {
			s.cl.trouble(ctx, "invalidate", err)
			s.cl.pendAll()
			return total, err
		}
	}
	return total, nil
}

// roomList is a cached ListRooms result.
type roomList struct {
	Rooms []*meetpin.Room `json:"rooms"`
	Total int             `json:"total"`
}

// ListRooms implements meetpin.RoomStore from the cache, per viewer
// (blocks hide rooms).
func (s *Store) ListRooms(ctx context.Context, f meetpin.RoomFilter) ([]*meetpin.Room, int, error) {
	v, err := cached(ctx, s.cl, Rooms(), roomListKey(f), roomListTTL(f.Now), func() (*roomList, error) {
		rooms, total, err := s.Store.ListRooms(ctx, f)
		if err != nil {
			return nil, err
		}
		return &roomList{Rooms: rooms, Total: total}, nil
	})
	if err != nil {
		return nil, 0, err
	}
	return v.Rooms, v.Total, nil
}

// messagePage is a cached Messages result.
type messagePage struct {
	Messages []*meetpin.Message `json:"messages"`
}

// Messages implements meetpin.MessageStore from the cache.
func (s *Store) Messages(ctx context.Context, matchID string, beforeID int64, limit int) ([]*meetpin.Message, error) {
	key := strconv.FormatInt(max(beforeID, 0), 10) + ":" + strconv.Itoa(limit)
	v, err := cached(ctx, s.cl, Messages(matchID), key, fixedTTL[messagePage](MessagePageTTL), func() (*messagePage, error) {
		msgs, err := s.Store.Messages(ctx, matchID, beforeID, limit)
		if err != nil {
			return nil, err
		}
		return &messagePage{Messages: msgs}, nil
	})
	if err != nil {
		return nil, err
	}
	return v.Messages, nil
}

// Notifications implements meetpin.NotificationStore from the cache.
func (s *Store) Notifications(ctx context.Context, userID string, unreadOnly bool, offset, limit int) (*meetpin.NotificationList, error) {
	key := strconv.FormatBool(unreadOnly) + ":" + strconv.Itoa(offset) + ":" + strconv.Itoa(limit)
	return cached(ctx, s.cl, Notifications(userID), key, fixedTTL[meetpin.NotificationList](NotificationTTL), func() (*meetpin.NotificationList, error) {
		return s.Store.Notifications(ctx, userID, unreadOnly, offset, limit)
	})
}

// roomListKey is the canonical key of a room list within the rooms scope:
// the viewer ("-" is anonymous) and the query, without the time (the TTL
// handles time).
func roomListKey(f meetpin.RoomFilter) string {
	v := "-"
	if f.ViewerID != "" {
		v = f.ViewerID
	}
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	return v + ":" + num(f.BBox.South) + "," + num(f.BBox.West) + "," + num(f.BBox.North) + "," + num(f.BBox.East) +
		":" + f.Category + ":" + strconv.Itoa(f.Offset) + ":" + strconv.Itoa(f.Limit)
}

// roomListTTL keeps a room list no longer than RoomListTTL, and not past
// the moment one of its rooms starts (it leaves the map then) or one of its
// boosts ends (the order changes then).
func roomListTTL(now time.Time) func(*roomList) time.Duration {
	return func(p *roomList) time.Duration {
		ttl := RoomListTTL
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
